"""Vectors of short texts under a model other than the index's (the consultation's ranking model), kept in
the index directory so that a new process, or a new generation with the same texts, embeds nothing again."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FOLDER = "text-vectors"


class TextVectorCache:
    """A file of text → vector for one model, under `<index-dir>/text-vectors/`."""

    def __init__(self, index_dir: Path, model: str) -> None:
        self.path = index_dir / FOLDER / f"{model}.npz"

    def load(self) -> dict[str, np.ndarray]:
        """The cached vectors; none when there is no cache or it cannot be read (it is then rebuilt)."""
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["texts"].tolist(), data["vectors"]))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError) as exc:
            log.warning("cannot read the text vectors at %s (%s): embedding anew", self.path, exc)
            return {}

    def save(self, vectors: dict[str, np.ndarray]) -> None:
        """Replace the cache with `vectors` (written beside it, then moved in place)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(vectors)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, texts=np.array(texts, dtype=str),
                         vectors=np.array([vectors[text] for text in texts], dtype=np.float32))
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
