"""``stories.sqlite3`` in the index folder: each placed article (its story, the article it copies, its vector, words
and MinHash), each story (its first and last day, vector sum and word centroid) and how many articles use each word
(for IDF). Beside the index and not in it, so it works the same with a Chroma server, and can be rebuilt from the
index without embedding anything again (``newsrag stories --rebuild``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from rag.stores.local_db import LocalDB, immediate_transaction

STORIES_FILE = "stories.sqlite3"
_SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS articles (
    article_id TEXT PRIMARY KEY, story INTEGER NOT NULL, copy_of TEXT NOT NULL DEFAULT '', title TEXT NOT NULL,
    source TEXT NOT NULL, url TEXT NOT NULL, day INTEGER, placed INTEGER NOT NULL, vector BLOB NOT NULL,
    terms TEXT NOT NULL, signature BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS articles_by_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_by_day ON articles(day);
CREATE INDEX IF NOT EXISTS articles_by_copy ON articles(copy_of);
CREATE TABLE IF NOT EXISTS stories (
    story INTEGER PRIMARY KEY, first_day INTEGER, last_day INTEGER, vector BLOB NOT NULL, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, articles INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_ARTICLE_COLUMNS = "article_id, story, copy_of, title, source, url, day, placed, vector, terms, signature"


@dataclass(frozen=True)
class PlacedArticle:
    """An article as the story store keeps it. ``day`` is ``date.toordinal()`` (None when undated)."""

    article_id: str
    story: int
    copy_of: str
    title: str
    source: str
    url: str
    day: int | None
    placed: int  # the order articles were placed in
    vector: np.ndarray
    terms: dict[str, float]
    signature: np.ndarray

    @property
    def published_at(self) -> date | None:
        return date.fromordinal(self.day) if self.day else None


@dataclass(frozen=True)
class StoryState:
    """A story's running totals: what a new article is compared with."""

    story: int
    first_day: int | None
    last_day: int | None
    vector: np.ndarray  # the sum of its articles' vectors
    terms: dict[str, float]  # the sum of its articles' word weights, heaviest ``KEEP_TERMS`` only


def _placed(row: tuple) -> PlacedArticle:
    return PlacedArticle(row[0], int(row[1]), row[2], row[3], row[4], row[5], row[6], int(row[7]),
                         np.frombuffer(row[8], dtype=np.float32), json.loads(row[9]),
                         np.frombuffer(row[10], dtype=np.uint64))


class StoryStore(LocalDB):
    """Articles grouped into stories, in ``stories.sqlite3``. Written only under the index's write lock (ingest,
    remove, rebuild), so one writer at a time; read by anyone."""

    def __init__(self, index_dir: str | Path) -> None:
        super().__init__(Path(index_dir) / STORIES_FILE, _SCHEMA, "the story store", autocommit=True)

    def transaction(self):  # noqa: ANN201 - a context manager
        return immediate_transaction(self._db, self._lock)

    # --- reading -------------------------------------------------------------------------------------------------
    def articles(self, article_ids: Sequence[str]) -> dict[str, PlacedArticle]:
        if not article_ids or not self._exists():
            return {}
        found: dict[str, PlacedArticle] = {}
        with self._lock:
            for start in range(0, len(article_ids), 900):
                part = list(article_ids[start:start + 900])
                marks = ",".join("?" * len(part))
                for row in self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id IN ({marks})",
                                            part):
                    found[row[0]] = _placed(row)
        return found

    def members(self, stories: Iterable[int]) -> dict[int, list[PlacedArticle]]:
        """Each story's articles, in the order they were placed."""
        stories = list(dict.fromkeys(stories))
        grouped: dict[int, list[PlacedArticle]] = {s: [] for s in stories}
        if not stories or not self._exists():
            return grouped
        with self._lock:
            for start in range(0, len(stories), 900):
                part = stories[start:start + 900]
                marks = ",".join("?" * len(part))
                for row in self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story IN ({marks}) "
                                            "ORDER BY placed", part):
                    grouped[int(row[1])].append(_placed(row))
        return grouped

    def states(self, stories: Iterable[int]) -> dict[int, StoryState]:
        stories = list(dict.fromkeys(stories))
        if not stories or not self._exists():
            return {}
        found: dict[int, StoryState] = {}
        with self._lock:
            for start in range(0, len(stories), 900):
                part = stories[start:start + 900]
                marks = ",".join("?" * len(part))
                for story, first, last, vector, terms in self._db.execute(
                        f"SELECT story, first_day, last_day, vector, terms FROM stories WHERE story IN ({marks})",
                        part):
                    found[story] = StoryState(story, first, last, np.frombuffer(vector, dtype=np.float32),
                                              json.loads(terms))
        return found

    def biggest(self, first_day: int | None, last_day: int | None, limit: int,
                among: Sequence[int] | None = None) -> list[int]:
        """The stories with the most outlets, then the most original articles, then the latest article, counting
        only articles dated in the window (every article when both ends are None); of ``among`` when given."""
        if not self._exists() or (among is not None and not among):
            return []
        clauses, values = [], []
        if first_day is not None or last_day is not None:
            clauses.append("day BETWEEN ? AND ?")
            values += [first_day or 1, last_day or date.max.toordinal()]
        if among is not None:
            clauses.append(f"story IN ({','.join('?' * len(among))})")
            values += list(among)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT story FROM articles {where} GROUP BY story ORDER BY COUNT(DISTINCT NULLIF(source, '')) DESC, "
                "SUM(copy_of = '') DESC, MAX(COALESCE(day, 0)) DESC, MIN(placed) LIMIT ?", [*values, limit])
            return [int(r[0]) for r in rows]

    def newest_day(self) -> int | None:
        """The latest day an article is dated (None: no dated article)."""
        if not self._exists():
            return None
        with self._lock:
            row = self._db.execute("SELECT MAX(day) FROM articles").fetchone()
        return int(row[0]) if row and row[0] else None

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, int]:
        """The story of each of ``article_ids`` that is placed."""
        return {a: p.story for a, p in self.articles(article_ids).items()}

    def document_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many placed articles use each of ``terms``, and how many articles were counted."""
        terms = list(dict.fromkeys(terms))
        counts: dict[str, int] = {}
        if not self._exists():
            return counts, 0
        with self._lock:
            for start in range(0, len(terms), 900):
                part = terms[start:start + 900]
                marks = ",".join("?" * len(part))
                counts.update(self._db.execute(f"SELECT word, articles FROM words WHERE word IN ({marks})", part))
            row = self._db.execute("SELECT value FROM totals WHERE name = 'articles'").fetchone()
        return counts, int(row[0]) if row else 0

    def count(self) -> tuple[int, int]:
        """(articles, stories) placed."""
        if not self._exists():
            return 0, 0
        with self._lock:
            articles = self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            stories = self._db.execute("SELECT COUNT(DISTINCT story) FROM articles").fetchone()[0]
        return int(articles), int(stories)

    def canonical(self, article_ids: Sequence[str]) -> dict[str, str]:
        """For each of ``article_ids`` that copies another, the article it copies."""
        return {a: p.copy_of for a, p in self.articles(article_ids).items() if p.copy_of}

    def copies(self, article_ids: Sequence[str]) -> dict[str, list[PlacedArticle]]:
        """The copies of each of ``article_ids`` (articles recorded as repeating it)."""
        grouped: dict[str, list[PlacedArticle]] = {a: [] for a in article_ids}
        if not article_ids or not self._exists():
            return grouped
        with self._lock:
            for start in range(0, len(article_ids), 900):
                part = list(article_ids[start:start + 900])
                marks = ",".join("?" * len(part))
                for row in self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE copy_of IN ({marks}) "
                                            "ORDER BY placed", part):
                    grouped[row[2]].append(_placed(row))
        return grouped

    # --- writing (inside ``transaction``) ------------------------------------------------------------------------
    def next_story(self) -> int:
        row = self._db.execute("SELECT MAX(story) FROM stories").fetchone()
        return int(row[0] or 0) + 1

    def next_placed(self) -> int:
        row = self._db.execute("SELECT MAX(placed) FROM articles").fetchone()
        return int(row[0] or 0) + 1

    def count_words(self, terms: Iterable[str], sign: int = 1) -> None:
        self._db.executemany("INSERT INTO words (word, articles) VALUES (?, ?) ON CONFLICT(word) DO UPDATE SET "
                             "articles = MAX(0, articles + excluded.articles)", [(t, sign) for t in terms])
        self._db.execute("INSERT INTO totals (name, value) VALUES ('articles', ?) ON CONFLICT(name) DO UPDATE SET "
                         "value = MAX(0, value + excluded.value)", (sign,))

    def put_article(self, article: PlacedArticle) -> None:
        self._db.execute(f"INSERT OR REPLACE INTO articles ({_ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
            article.article_id, article.story, article.copy_of, article.title, article.source, article.url,
            article.day, article.placed, np.asarray(article.vector, dtype=np.float32).tobytes(),
            json.dumps(article.terms), np.asarray(article.signature, dtype=np.uint64).tobytes()))

    def put_story(self, state: StoryState) -> None:
        self._db.execute("INSERT OR REPLACE INTO stories (story, first_day, last_day, vector, terms) "
                         "VALUES (?,?,?,?,?)", (state.story, state.first_day, state.last_day,
                                                np.asarray(state.vector, dtype=np.float32).tobytes(),
                                                json.dumps(state.terms)))

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        for start in range(0, len(article_ids), 900):
            part = list(article_ids[start:start + 900])
            marks = ",".join("?" * len(part))
            self._db.execute(f"DELETE FROM articles WHERE article_id IN ({marks})", part)

    def delete_story(self, story: int) -> None:
        self._db.execute("DELETE FROM stories WHERE story = ?", (story,))

    def clear(self) -> None:
        for table in ("articles", "stories", "words", "totals"):
            self._db.execute(f"DELETE FROM {table}")
