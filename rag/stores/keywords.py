"""Keyword (BM25) search over the chunks of a ``NewsIndex``, to fuse with dense search.

Dense embeddings find paraphrases but miss rare names and numbers that a news question often turns on; BM25
finds those. The keyword index is SQLite FTS5 (Python's standard library: BM25 ranking, transactions, pages read
from disk) in one file beside the Chroma store, kept in step write by write: ``NewsIndex`` adds the rows of the
chunks it upserts and deletes those it deletes, batch by batch, so a write costs time for its own chunks only
and nothing is ever rebuilt from the whole store. Other processes open the same file and see each write as soon
as it commits. A writer killed between Chroma's write and this one leaves the two apart until the next writer's
``NewsIndex.repair``, which compares them (chunk ids and content hashes) and fixes this side.

With a Chroma server other machines write too, and this file is only a local copy: it records the collection's
revision token it matches (``revision``) and is rebuilt, page by page, on the next search after a write from
elsewhere. Measured against the in-memory bm25s index it replaced: docs/how-it-works.md, "Keyword search".
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from rag.stores.local_db import immediate_transaction
from rag.types import Filters

FILE = "keywords.sqlite3"
LOCAL = "local"  # the state of a file every writer keeps in step (no revision to compare)
# bm25s's English stop words, which the index this replaced dropped too: a query of only these finds nothing
STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these they "
    "this to was will with".split())
_TERM = re.compile(r"\w\w+")  # terms of two characters or more, as bm25s reads them
# rows one search scores at most (~1 µs each in FTS5): 100k keeps a keyword search near 0.1 s at any index size;
# the 29k-chunk dev index needs 22k for the median question, 66k at most: it binds on big indexes only
POSTINGS_BUDGET = 100_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunk (
    row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    source TEXT NOT NULL, day INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class KeywordRow:
    """What the keyword index holds of a chunk: its words (title and text) and what filters look at."""

    chunk_id: str
    content_hash: str
    source: str
    day: int  # ``day_number`` of the article's date, 0 when undated
    body: str


class KeywordIndex:
    """BM25 over chunk titles and texts. ``search`` returns chunk ids, best first, that pass ``filters``.

    ``everything`` pages through the store's chunks (for a first build or a rebuild); ``revision`` is the store's
    revision token when this file is a local copy of a shared store, or None when every writer keeps it in step.
    """

    def __init__(self, path: Path, everything: Callable[[], Iterator[list[KeywordRow]]],
                 revision: Callable[[], str] | None = None) -> None:
        self.path = path
        self._everything = everything
        self._revision = revision
        self._lock = threading.RLock()  # one statement or transaction at a time on the shared connection
        self._db = sqlite3.connect(path, timeout=600, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")  # readers go on while a writer commits
        self._db.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; a crash is repaired anyway
        self._db.executescript(_SCHEMA)
        self._db.execute("CREATE VIRTUAL TABLE temp.chunk_vocab USING fts5vocab(main, chunk_text, row)")
        self._counts: dict[str, int] = {}  # term -> rows holding it, for ``_affordable``
        self._counted_at = 0  # the index's size when they were counted

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[str]:
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        where, params = _filter_sql(filters)
        sql = ("SELECT c.chunk_id FROM chunk_text JOIN chunk c ON c.row = chunk_text.rowid "
               f"WHERE chunk_text MATCH ?{where} ORDER BY chunk_text.rank LIMIT ?")
        self.ensure_current()
        with self._lock:
            match = " OR ".join(f'"{t}"' for t in self._affordable(terms))
            return [row[0] for row in self._db.execute(sql, (match, *params, k))]

    def _affordable(self, terms: list[str]) -> list[str]:
        """The terms to match, rarest first, while the rows holding them add up to ``POSTINGS_BUDGET`` (the
        rarest is always kept). FTS5 scores every row that holds any term of an OR query, ~1 µs each, so one
        common word would cost a read of a large part of a big index; in BM25 it also weighs least."""
        counts = self._document_counts(terms)
        kept: list[str] = []
        total = 0
        for term in sorted(terms, key=counts.__getitem__):
            if kept and total + counts[term] > POSTINGS_BUDGET:
                break
            kept.append(term)
            total += counts[term]
        return kept

    def _document_counts(self, terms: list[str]) -> dict[str, int]:
        """How many rows hold each term, from FTS5's vocabulary (which reads the term's row list, ~0.1 µs a
        row); remembered until the index grows or shrinks by a tenth."""
        size = int(self._db.execute("SELECT coalesce(max(row), 0) FROM chunk").fetchone()[0])
        if abs(size - self._counted_at) > 0.1 * max(self._counted_at, 1000) or len(self._counts) > 100_000:
            self._counts.clear()
            self._counted_at = size
        for term in terms:
            if term not in self._counts:
                found = self._db.execute("SELECT doc FROM temp.chunk_vocab WHERE term = ?", (term,)).fetchone()
                self._counts[term] = int(found[0]) if found else 0
        return {t: self._counts[t] for t in terms}

    def add(self, rows: Sequence[KeywordRow]) -> None:
        """Insert or replace these chunks' rows, in one transaction."""
        with self._transaction():
            self._delete([r.chunk_id for r in rows])
            self._insert(rows)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        with self._transaction():
            self._delete(chunk_ids)

    def _delete(self, chunk_ids: Sequence[str]) -> None:
        pairs = [(i,) for i in chunk_ids]
        self._db.executemany("DELETE FROM chunk_text WHERE rowid = (SELECT row FROM chunk WHERE chunk_id = ?)", pairs)
        self._db.executemany("DELETE FROM chunk WHERE chunk_id = ?", pairs)

    def hashes(self) -> dict[str, str]:
        """chunk id -> content hash of every row, for ``NewsIndex.repair`` to compare with the store."""
        with self._lock:
            return dict(self._db.execute("SELECT chunk_id, content_hash FROM chunk"))

    def is_empty(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM chunk LIMIT 1").fetchone() is None

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunk").fetchone()[0])

    def ensure_current(self) -> None:
        """Build the file from the store if it does not match it: a new file beside an index written before
        this file existed, or (a local copy) one another machine's write left behind."""
        wanted = self._revision() if self._revision else LOCAL
        if self._state() == wanted:
            return
        with self._transaction():  # one builder at a time; another process waits, then finds it built
            if self._state() == wanted:
                return
            self._db.execute("DELETE FROM chunk_text")
            self._db.execute("DELETE FROM chunk")
            for page in self._everything():
                self._insert(page)
            # a local copy is current at the revision read before the pages (a write meanwhile makes it stale)
            self._db.execute("INSERT OR REPLACE INTO state VALUES ('built_at', ?)", (wanted,))

    def advance(self, before: str, after: str) -> None:
        """A writer on a shared store moved it from revision ``before`` to ``after`` and wrote its changes here
        too: a copy that was current at ``before`` is current at ``after``."""
        if self._revision is None:
            return
        with self._transaction():
            self._db.execute("UPDATE state SET value = ? WHERE key = 'built_at' AND value = ?", (after, before))

    def _insert(self, rows: Sequence[KeywordRow]) -> None:
        self._db.executemany("INSERT INTO chunk (chunk_id, content_hash, source, day) VALUES (?, ?, ?, ?)",
                             [(r.chunk_id, r.content_hash, r.source, r.day) for r in rows])
        self._db.executemany("INSERT INTO chunk_text (rowid, body) SELECT row, ? FROM chunk WHERE chunk_id = ?",
                             [(r.body, r.chunk_id) for r in rows])

    def _state(self) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM state WHERE key = 'built_at'").fetchone()
        return row[0] if row else None

    def _transaction(self) -> AbstractContextManager[None]:
        return immediate_transaction(self._db, self._lock)


def query_terms(query: str) -> list[str]:
    """The words of ``query`` worth matching: lower-cased, two characters or more, no stop words, each once."""
    return list(dict.fromkeys(t for t in _TERM.findall(query.lower()) if t not in STOPWORDS))


_COLUMNS = {"source": "c.source", "day": "c.day"}


def _filter_sql(filters: Filters | None) -> tuple[str, list[object]]:
    """``filters``' conditions as SQL over the ``chunk`` table."""
    clauses: list[str] = []
    params: list[object] = []
    for rule in filters.conditions() if filters else ():
        if isinstance(rule.value, tuple):  # op "in"
            clauses.append(f"{_COLUMNS[rule.field]} IN ({', '.join('?' * len(rule.value))})")
            params.extend(rule.value)
        else:
            clauses.append(f"{_COLUMNS[rule.field]} {rule.op} ?")
            params.append(rule.value)
    return "".join(f" AND {c}" for c in clauses), params


def rows_from_chroma(ids: Iterable[str], documents: Iterable[str], metadatas: Iterable[dict]) -> list[KeywordRow]:
    """Keyword rows from what Chroma stores of chunks (their text is the document, the title in the metadata)."""
    return [KeywordRow(chunk_id=i, content_hash=str(m.get("content_hash", "")), source=str(m.get("source", "")),
                       day=int(m.get("published_day", 0)), body=f"{m.get('title', '')}\n{text}")
            for i, text, m in zip(ids, documents, metadatas)]
