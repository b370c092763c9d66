"""The on-disk index: a Chroma collection of chunks, written and read by article.

Each chunk is stored under ``<article id>:<ordinal>``; chunk 0 also records the article's content hash and chunk
count, so re-ingesting can tell unchanged, changed and new articles apart without re-embedding anything. Chunk 0
is written last: an ingest that dies half-way leaves the article looking unfinished, and the next run redoes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from rag.articles import Chunk, Filters, Passage, day_number
from rag.embeddings import NewsEmbeddings
from rag.errors import StoreError
from rag.keywords import FOLDER as KEYWORDS_FOLDER
from rag.keywords import KeywordIndex

COLLECTION = "news"


@dataclass(frozen=True)
class IndexStats:
    """What is in an index, for ``newsrag stats`` and the UI."""

    articles: int
    chunks: int
    sources: tuple[str, ...]
    oldest: date | None
    newest: date | None
    embedding_model: str
    path: str


class NewsIndex:
    """A Chroma store of news chunks (embedded, on disk), queried through LangChain's Chroma vector store."""

    def __init__(self, index_dir: str | Path, embeddings: NewsEmbeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        logging.getLogger("chromadb.telemetry.product.posthog").setLevel(logging.CRITICAL)
        self.path = Path(index_dir)
        self.embeddings = embeddings
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False))
            metadata = {"hnsw:space": "cosine", "embedding_model": embeddings.model_name}
            # embedding_function=None: Chroma's default one downloads a model; we always pass our own vectors.
            self._collection = client.get_or_create_collection(COLLECTION, embedding_function=None, metadata=metadata)
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types; all mean the same to a user
            raise StoreError(f"cannot open the index at {self.path}: {exc}") from None
        built_with = (self._collection.metadata or {}).get("embedding_model")
        if built_with != embeddings.model_name:
            raise StoreError(f"the index at {self.path} was built with the embedding model {built_with!r}, not "
                             f"{embeddings.model_name!r}: use that model, or another --index to build a new one")
        self._store = Chroma(client=client, collection_name=COLLECTION, embedding_function=embeddings,
                             collection_metadata=metadata)
        self._max_batch = client.get_max_batch_size()
        self.keywords = KeywordIndex(self.path / KEYWORDS_FOLDER, self._collection)

    def stored_articles(self, article_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """article id -> (content hash, chunk count) for those ids that are fully stored."""
        found = self._collection.get(ids=[f"{a}:0" for a in article_ids], include=["metadatas"])
        return {m["article_id"]: (m["content_hash"], int(m["chunk_count"])) for m in found["metadatas"] or []}

    def write(self, chunks: Sequence[Chunk], stale_ids: Sequence[str] = ()) -> None:
        """Embed and upsert ``chunks`` (all chunks of their articles) and delete ``stale_ids``; chunk 0 goes last."""
        counts: dict[str, int] = {}
        for chunk in chunks:
            counts[chunk.article.id] = max(counts.get(chunk.article.id, 0), chunk.ordinal + 1)
        bodies = [c for c in chunks if c.ordinal > 0]
        heads = [c for c in chunks if c.ordinal == 0]
        self.keywords.invalidate()  # first: a write that dies half-way must not leave a stale keyword index
        try:
            self._upsert(bodies, counts)
            for start in range(0, len(stale_ids), self._max_batch):
                self._collection.delete(ids=list(stale_ids[start:start + self._max_batch]))
            self._upsert(heads, counts)
        except Exception as exc:
            raise StoreError(f"cannot write to the index at {self.path}: {exc}") from None

    def _upsert(self, chunks: Sequence[Chunk], counts: dict[str, int]) -> None:
        for start in range(0, len(chunks), self._max_batch):
            batch = chunks[start:start + self._max_batch]
            self._store.add_texts(
                texts=[c.text for c in batch],
                metadatas=[_metadata(c, counts[c.article.id]) for c in batch],
                ids=[c.id for c in batch],
            )

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` chunks most similar to ``query`` (cosine similarity as ``score``), best first."""
        if self._collection.count() == 0:
            return []
        where = filters.to_chroma_where() if filters else None
        try:
            hits = self._store.similarity_search_with_score(query, k=k, filter=where)
        except Exception as exc:
            raise StoreError(f"cannot search the index at {self.path}: {exc}") from None
        return [_passage(doc.id or "", doc.page_content, doc.metadata, 1.0 - distance) for doc, distance in hits]

    def keyword_search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best BM25 matches for ``query``, best first, scored (like ``search``) by cosine similarity."""
        ids = self.keywords.search(query, k, filters)
        if not ids:
            return []
        try:
            got = self._collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        except Exception as exc:
            raise StoreError(f"cannot read the index at {self.path}: {exc}") from None
        query_vector = np.asarray(self.embeddings.embed_query(query))
        vectors = np.asarray(got["embeddings"])
        scores = vectors @ query_vector / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query_vector) + 1e-12)
        found = {i: _passage(i, text, meta, float(score))
                 for i, text, meta, score in zip(got["ids"], got["documents"], got["metadatas"], scores)}
        return [found[i] for i in ids if i in found]

    def stats(self) -> IndexStats:
        heads = self._collection.get(where={"ordinal": 0}, include=["metadatas"])["metadatas"] or []
        days = sorted(date.fromisoformat(m["published_at"]) for m in heads if m.get("published_at"))
        return IndexStats(
            articles=len(heads),
            chunks=self._collection.count(),
            sources=tuple(sorted({m["source"] for m in heads if m.get("source")})),
            oldest=days[0] if days else None,
            newest=days[-1] if days else None,
            embedding_model=self.embeddings.model_name,
            path=str(self.path),
        )


def _metadata(chunk: Chunk, chunk_count: int) -> dict[str, Any]:
    article = chunk.article
    meta: dict[str, Any] = {
        "article_id": article.id, "ordinal": chunk.ordinal, "start": chunk.start, "end": chunk.end,
        "title": article.title, "source": article.source, "url": article.url, "origin": article.origin,
        "authors": "; ".join(article.authors),
        "published_at": article.published_at.isoformat() if article.published_at else "",
    }
    meta["published_day"] = day_number(article.published_at)  # numeric, for date-range filters
    if chunk.ordinal == 0:
        meta["content_hash"] = article.content_hash
        meta["chunk_count"] = chunk_count
    return meta


def _passage(chunk_id: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(
        chunk_id=chunk_id, article_id=meta["article_id"], text=text, title=meta.get("title", ""),
        source=meta.get("source", ""), url=meta.get("url", ""),
        published_at=date.fromisoformat(meta["published_at"]) if meta.get("published_at") else None,
        authors=tuple(a for a in meta.get("authors", "").split("; ") if a),
        start=int(meta.get("start", 0)), end=int(meta.get("end", 0)), score=float(score),
        origin=meta.get("origin", ""),
    )
