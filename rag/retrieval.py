"""Question -> relevant passages, as a LangChain retriever (so it plugs into any LangChain chain).

Passages below ``min_relevance`` (cosine similarity) are dropped: an empty result is how the assistant knows the
corpus does not cover a question, and refuses instead of guessing.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from rag.articles import Filters, Passage
from rag.store import NewsIndex


class NewsRetriever(BaseRetriever):
    """Dense retrieval from a ``NewsIndex``, with filters and a relevance floor.

    >>> docs = NewsRetriever(index=index, k=5).invoke("Where did the clashes erupt?")
    >>> passages = [to_passage(d) for d in docs]
    """

    index: NewsIndex
    k: int = 5
    min_relevance: float = 0.3
    filters: Filters | None = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(p) for p in self.passages(query, self.filters)]

    def passages(self, query: str, filters: Filters | None = None) -> list[Passage]:
        """The typed form of ``invoke``: relevant passages, best first."""
        return [p for p in self.index.search(query, self.k, filters) if p.score >= self.min_relevance]


def to_document(passage: Passage) -> Document:
    """A passage as a LangChain ``Document``: its text as content, everything else as metadata."""
    meta = {k: v for k, v in asdict(passage).items() if k != "text"}
    meta["published_at"] = passage.published_at.isoformat() if passage.published_at else None
    meta["authors"] = list(passage.authors)
    return Document(page_content=passage.text, metadata=meta, id=passage.chunk_id)


def to_passage(document: Document) -> Passage:
    meta = dict(document.metadata)
    meta["published_at"] = date.fromisoformat(meta["published_at"]) if meta.get("published_at") else None
    meta["authors"] = tuple(meta.get("authors") or ())
    return Passage(text=document.page_content, **meta)
