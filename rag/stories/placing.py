"""Placing an article in a story, one at a time in the order they arrive, as a live feed brings them.

An article's candidates are its nearest neighbours in the vector store within ``window_days`` of its date (the store
answers that from its own index, so the cost of placing one article does not grow with the corpus). A candidate
whose text it (nearly) repeats makes it a copy: it joins that article's story and is recorded as its copy. Else it
joins the candidates' story it is most like, by its vector against the story's mean vector and its weighted words
against the story's word centroid, if that score reaches ``threshold``; else it starts a story of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from rag.stores.index import Index
from rag.stories.signals import cosine, normalised, resemblance, signature, term_counts, top_terms, weigh
from rag.stories.store import PlacedArticle, StoryState, StoryStore
from rag.types import Article, Chunk, Filters

KEEP_TERMS = 200  # a story's word centroid keeps its heaviest words only: its size does not grow with the story

# (vector, window, k) -> (article id, cosine similarity) of the chunks nearest it, best first (``Index.similar``)
Neighbours = Callable[[np.ndarray, Filters | None, int], list[tuple[str, float]]]


@dataclass(frozen=True)
class StoryRules:
    """How articles are grouped. The threshold was chosen on stories-ecb-dev's curve (docs/stories.md): its peak,
    with F1 within 0.02 from 0.25 to 0.35."""

    window_days: int = 7  # a story continues if an article within this many days of the new one belongs to it
    threshold: float = 0.3  # the least match score that joins a story
    word_weight: float = 0.7  # the words' share of the match score (the vector's is the rest)
    candidates: int = 40  # nearest chunks asked of the vector store: their placed articles' stories compete
    copy_resemblance: float = 0.8  # estimated shingle overlap from which an article is a copy of another


@dataclass(frozen=True)
class Placement:
    article_id: str
    story: int
    copy_of: str = ""
    score: float = 0.0  # the match score that placed it (1.0 for a copy, 0.0 for a new story)


def article_vector(vectors: np.ndarray) -> np.ndarray:
    """An article's vector: the normalised mean of its chunks' vectors (already computed at ingest)."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


class StoryPlacer:
    """Places articles in the ``store``'s stories, asking ``neighbours`` for candidates."""

    def __init__(self, store: StoryStore, neighbours: Neighbours, rules: StoryRules | None = None) -> None:
        self.store, self.neighbours, self.rules = store, neighbours, rules or StoryRules()

    def place(self, articles: Sequence[tuple[str, Article, np.ndarray]]) -> list[Placement]:
        """Place each ``(article id, article, vector)`` in turn (``vector``: ``article_vector`` of its chunks),
        replacing any earlier placement of the same article."""
        placements = []
        with self.store.transaction():
            self._forget([article_id for article_id, _, _ in articles])
            placed = self.store.next_placed()
            for offset, (article_id, article, vector) in enumerate(articles):
                placements.append(self._place_one(article_id, article, np.asarray(vector, dtype=np.float32),
                                                  placed + offset))
        return placements

    def remove(self, article_ids: Sequence[str]) -> None:
        """Take articles out of their stories (removed from the index, or found to be boilerplate)."""
        with self.store.transaction():
            self._forget(article_ids)

    def _place_one(self, article_id: str, article: Article, vector: np.ndarray, placed: int) -> Placement:
        rules = self.rules
        counts = term_counts(article.title, article.text)
        self.store.count_words(counts)
        frequencies, documents = self.store.document_frequencies(counts)
        terms = weigh(counts, frequencies, documents)
        mark = signature(article.title + "\n" + article.text)
        day = article.published_at.toordinal() if article.published_at else None
        window = None
        if article.published_at:
            span = timedelta(days=rules.window_days)
            window = Filters(date_from=article.published_at - span, date_to=article.published_at + span)
        nearest = self.neighbours(vector, window, rules.candidates)
        near = [i for i in dict.fromkeys(i for i, _ in nearest) if i != article_id]
        candidates = self.store.articles(near)
        states = self.store.states({c.story for c in candidates.values()})  # read once: compared, then updated
        copy_of, story, score = "", 0, 0.0
        resemblances = {c.article_id: resemblance(mark, c.signature) for c in candidates.values()}
        copied = max(candidates.values(), key=lambda c: resemblances[c.article_id], default=None)
        if copied is not None and resemblances[copied.article_id] >= rules.copy_resemblance:
            copy_of, story, score = copied.copy_of or copied.article_id, copied.story, 1.0
        else:
            for state in states.values():
                match = self._match(vector, terms, state)
                if match > score:
                    story, score = state.story, match
            if score < rules.threshold:
                story, score = 0, 0.0
        found = states.get(story) if story else None
        if found is None:
            story = self.store.next_story()
        state = found or StoryState(story, day, day, np.zeros_like(vector), {})
        days = [d for d in (state.first_day, state.last_day, day) if d]
        summed = dict(state.terms)
        for term, weight in terms.items():
            summed[term] = summed.get(term, 0.0) + weight
        self.store.put_story(StoryState(story, min(days, default=None), max(days, default=None),
                                        state.vector + vector, top_terms(summed, KEEP_TERMS)))
        self.store.put_article(PlacedArticle(article_id, story, copy_of, article.title, article.source, article.url,
                                             day, placed, vector, terms, mark))
        return Placement(article_id, story, copy_of, score)

    def _match(self, vector: np.ndarray, terms: dict[str, float], state: StoryState) -> float:
        norm = float(np.linalg.norm(state.vector))
        dense = float(vector @ state.vector) / norm if norm else 0.0
        weight = self.rules.word_weight
        return (1 - weight) * dense + weight * cosine(terms, normalised(state.terms))

    def _forget(self, article_ids: Sequence[str]) -> None:
        """Remove articles' placements and recount their stories from the articles left (inside a transaction)."""
        gone = self.store.articles(article_ids)
        if not gone:
            return
        for article in gone.values():
            self.store.count_words(article.terms, sign=-1)
        self.store.delete_articles(list(gone))
        orphans = self.store.copies(list(gone))  # copies of a removed article: the first becomes the original
        for copies in orphans.values():
            copies = [c for c in copies if c.article_id not in gone]
            for i, copy in enumerate(copies):
                self.store.put_article(PlacedArticle(**{**copy.__dict__, "copy_of": copies[0].article_id if i else ""}))
        for story, members in self.store.members({a.story for a in gone.values()}).items():
            if not members:
                self.store.delete_story(story)
                continue
            summed: dict[str, float] = {}
            for member in members:
                for term, weight in member.terms.items():
                    summed[term] = summed.get(term, 0.0) + weight
            days = [m.day for m in members if m.day]
            self.store.put_story(StoryState(story, min(days, default=None), max(days, default=None),
                                            np.sum([m.vector for m in members], axis=0), top_terms(summed, KEEP_TERMS)))


def index_neighbours(index: Index) -> Neighbours:
    """Candidates from the vector store: the articles of the chunks nearest a vector, those in the window kept. The
    window is applied here, not as the store's filter: Chroma answers a date-filtered query by scanning the
    filtered records (115 ms at 20k chunks, growing with the corpus) and an unfiltered one from its HNSW graph
    (7 ms). An article whose nearest chunks all lie outside its window starts a story."""
    def neighbours(vector: np.ndarray, window: Filters | None, k: int) -> list[tuple[str, float]]:
        found = index.similar(vector, k)
        if window is not None and window.date_from and window.date_to:
            start, end = window.date_from, window.date_to
            found = [p for p in found if p.published_at is not None and start <= p.published_at <= end]
        return [(p.article_id, p.score) for p in found]

    return neighbours


def articles_of(chunks: Sequence[Chunk], vectors: np.ndarray) -> list[tuple[str, Article, np.ndarray]]:
    """Each article of freshly embedded ``chunks`` with its ``article_vector``, in the order they came."""
    grouped: dict[str, tuple[Article, list[np.ndarray]]] = {}
    for chunk, vector in zip(chunks, vectors):
        grouped.setdefault(chunk.article.id, (chunk.article, []))[1].append(vector)
    return [(article_id, article, article_vector(np.stack(parts))) for article_id, (article, parts) in grouped.items()]


def rebuild(index: Index, placer: StoryPlacer, progress: bool = False) -> int:
    """Place every article of ``index`` again from nothing, oldest first (undated last), from the vectors the index
    holds: nothing is embedded. Returns how many articles were placed."""
    from tqdm import tqdm

    stored = sorted(index.articles(), key=lambda item: item[1].published_at or date.max)  # stable: read order
    with placer.store.transaction():
        placer.store.clear()
    step = 200
    with tqdm(total=len(stored), unit="article", desc="stories", disable=not progress, dynamic_ncols=True) as bar:
        for start in range(0, len(stored), step):
            part = stored[start:start + step]
            placer.place([(article_id, article, article_vector(vectors)) for article_id, article, vectors in part])
            bar.update(len(part))
    return len(stored)
