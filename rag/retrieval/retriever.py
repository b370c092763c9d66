"""Question -> relevant passages, as a LangChain retriever (so it plugs into any LangChain chain).

Hybrid search: the dense (embedding) ranking and the keyword (BM25) ranking are fused by reciprocal rank, so a
passage that either finds near the top rises; a cross-encoder can then reorder the best fused candidates. Given a
day (``Filters.around`` or ``as_of``), articles published near it rank higher; a question that asks for the latest,
today's or this week's news with no day given prefers articles published near today (``asks_for_latest``).
When even the best passage falls below ``min_relevance`` (cosine similarity) and no passage contains a name or code
the question gives (``names_found``), nothing is returned: an empty result is how the assistant knows the corpus
does not cover a question, and refuses instead of guessing. Everything else is left to the answer's grounding check.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from rag.config import Settings
from rag.models.cross_encoder import CrossEncoder
from rag.question import asks_for_latest, named_words
from rag.retrieval.rerank import rerank
from rag.stores.index import Index
from rag.stories.store import StoryStore
from rag.types import Filters, Passage

FUSION_DEPTH = 30  # how deep the dense and keyword rankings are read before fusing


class NewsRetriever(BaseRetriever):
    """Hybrid retrieval from an ``Index``, with filters and a relevance floor. Built from ``Settings``, which hold
    every default:

    >>> retriever = NewsRetriever.from_settings(index, Settings())
    >>> docs = retriever.invoke("Where did the clashes erupt?")
    >>> passages = retriever.passages("Where did the clashes erupt?")
    """

    index: Index
    k: int
    min_relevance: float
    hybrid: bool  # fuse keyword (BM25) search with dense search
    rerank_depth: int  # the reranker reorders this many of the best fused candidates
    recency_half_life: float  # see ``Recency``; used when filters carry ``around`` or ``as_of``
    recency_weight: float
    reranker: CrossEncoder | None = None
    filters: Filters | None = None  # what ``invoke`` applies (``passages`` takes them per call)
    stories: StoryStore | None = None  # with it, copies of an article retrieved already are folded into it

    model_config = {"arbitrary_types_allowed": True}

    @classmethod
    def from_settings(cls, index: Index, settings: Settings, reranker: CrossEncoder | None = None,
                      **changes: Any) -> NewsRetriever:
        """The retriever ``settings`` describe; ``changes`` override its fields (``k``, ``min_relevance`` …)."""
        fields = {"index": index, "k": settings.top_k, "min_relevance": settings.min_relevance,
                  "hybrid": settings.hybrid, "reranker": reranker, "rerank_depth": settings.rerank_depth,
                  "recency_half_life": settings.recency_half_life, "recency_weight": settings.recency_weight}
        return cls(**{**fields, **changes})

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(p) for p in self.passages(query, self.filters)]

    def passages(self, query: str, filters: Filters | None = None) -> list[Passage]:
        """The typed form of ``invoke``: relevant passages, best first."""
        pool = max(self.k, self.rerank_depth) if self.reranker else self.k  # candidates wanted before the cut
        depth = max(FUSION_DEPTH, pool)
        day = filters.preferred_day if filters else None
        latest = day is None and asks_for_latest(query)
        dense = self.index.search(query, depth if self.hybrid or self.reranker or day or latest else self.k, filters)
        keyword = self.index.keyword_search(query, depth, filters) if self.hybrid and dense else []
        if not dense:
            return []
        if max(p.score for p in dense) < self.min_relevance:
            keyword = keyword or self.index.keyword_search(query, depth, filters)
            if not names_found(query, keyword):
                return []
        if self.hybrid:
            rankings = [dense, keyword]
        else:
            rankings = [[p for p in dense if p.score >= self.min_relevance] or dense]
        if latest:  # now, literally: an archive's articles are too old to gain anything (docs/how-it-works.md)
            day = date.today()
        prefer = Recency(day, self.recency_half_life, self.recency_weight) if day and self.recency_weight else None
        candidates = fuse(rankings, prefer=prefer)
        if self.reranker:  # the cross-encoder's order of the best candidates, with the same date preference
            candidates = fuse([rerank(self.reranker, query, candidates[:pool])], prefer=prefer)
        if self.stories is not None:
            candidates = fold_copies(candidates, self.stories, self.k)
        return candidates[: self.k]


def fold_copies(passages: list[Passage], stories: StoryStore, k: int) -> list[Passage]:
    """The ranking with copies folded: a passage of an article that (nearly) repeats one ranked above it goes, so
    no two of the top ``k`` slots hold the same text; each article kept names the outlets of its copies
    (``Passage.also_published_by``), the ones dropped here and the ones never retrieved."""
    head = passages[: k * 3]  # enough that k remain after folding, without reading the store for the whole pool
    ids = list(dict.fromkeys(p.article_id for p in head))
    placed = stories.articles(ids)
    original = {a: (placed[a].copy_of or a) if a in placed else a for a in ids}
    copies = stories.copies(list(dict.fromkeys(original.values())))
    kept: list[Passage] = []
    seen: dict[str, str] = {}  # original -> the article that stands for it
    for passage in head:
        root = original[passage.article_id]
        if seen.setdefault(root, passage.article_id) != passage.article_id:
            continue
        others = [c.source for c in copies.get(root, []) if c.article_id != passage.article_id]
        if root != passage.article_id and root in placed:
            others.insert(0, placed[root].source)
        outlets = tuple(dict.fromkeys(o for o in others if o and o != passage.source))
        kept.append(replace(passage, also_published_by=outlets) if outlets else passage)
    return kept


def names_found(query: str, passages: list[Passage]) -> bool:
    """Whether a passage contains something the question names: a capitalised word that does not open the question
    ("Ilse Varga", "Deir") or a word with a digit ("N7", "2024"). Such a question is on topic whatever its dense
    similarity: short questions and rare names score low with a sentence embedder (a night tram's "When does the
    N7 run?" scored 0.26), yet the keyword index finds them."""
    named = named_words(query)
    if not named:
        return False
    return any(named & set(re.findall(r"[\w-]+", p.text.lower())) for p in passages)


@dataclass(frozen=True)
class Recency:
    """A soft preference for articles published near ``day``: in fusion, an article from that very day gains
    ``weight`` times what first places in all the fused rankings are worth, one ``half_life`` days away half of
    that. Undated articles gain nothing; nothing is filtered out."""

    day: date
    half_life: float = 14.0
    weight: float = 1.0

    def closeness(self, published: date | None) -> float:
        return 0.0 if published is None else 0.5 ** (abs((self.day - published).days) / self.half_life)


def fuse(rankings: list[list[Passage]], k: int = 60, prefer: Recency | None = None) -> list[Passage]:
    """Reciprocal rank fusion (Cormack et al. 2009): each passage scores the sum of 1 / (k + rank) over rankings,
    plus the ``prefer`` bonus for its date."""
    fused: dict[str, float] = {}
    passages: dict[str, Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking, start=1):
            fused[passage.chunk_id] = fused.get(passage.chunk_id, 0.0) + 1.0 / (k + rank)
            passages.setdefault(passage.chunk_id, passage)
    if prefer:
        for chunk_id, passage in passages.items():
            fused[chunk_id] += prefer.weight * len(rankings) / (k + 1) * prefer.closeness(passage.published_at)
    return [passages[c] for c in sorted(fused, key=lambda c: -fused[c])]


def to_document(passage: Passage) -> Document:
    """A passage as a LangChain ``Document``: its text as content, everything else as metadata."""
    meta = {k: v for k, v in asdict(passage).items() if k != "text"}
    meta["published_at"] = passage.published_at.isoformat() if passage.published_at else None
    meta["authors"] = list(passage.authors)
    meta["also_published_by"] = list(passage.also_published_by)
    return Document(page_content=passage.text, metadata=meta, id=passage.chunk_id)


def to_passage(document: Document) -> Passage:
    meta = dict(document.metadata)
    meta["published_at"] = date.fromisoformat(meta["published_at"]) if meta.get("published_at") else None
    meta["authors"] = tuple(meta.get("authors") or ())
    meta["also_published_by"] = tuple(meta.get("also_published_by") or ())
    return Passage(text=document.page_content, **meta)
