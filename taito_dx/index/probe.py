"""A first search of a Chroma store in a child process: chromadb's native HNSW reader dies (SIGSEGV) on some
damaged segment files, and a dead child names the damage where a dead server would say nothing.

Chroma reads its HNSW segment files only for a collection past its sync threshold; smaller stores are
searched from chroma.sqlite3, which opening checks in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

# Chroma keeps a collection's HNSW index in segment files once it holds more entries than this (its default
# `hnsw:sync_threshold`); below it the probe is not needed.
SEGMENT_THRESHOLD = 1000
TIMEOUT_S = 120


def dies_on_search(path: Path, collection: str, vector: np.ndarray) -> str | None:
    """How a child process died searching `collection` of the store at `path` ("SIGSEGV"), or None if it did not."""
    done = subprocess.run([sys.executable, "-m", "taito_dx.index.probe", str(path), collection],
                          input=json.dumps(vector.tolist()), capture_output=True, text=True, timeout=TIMEOUT_S)
    if done.returncode < 0:
        import signal

        return signal.Signals(-done.returncode).name
    return None


def main() -> None:
    import chromadb
    from chromadb.config import Settings

    path, collection = sys.argv[1], sys.argv[2]
    client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
    entries = client.get_collection(collection, embedding_function=None)
    entries.query(query_embeddings=[json.loads(sys.stdin.read())], n_results=1, include=["distances"])


if __name__ == "__main__":
    main()
