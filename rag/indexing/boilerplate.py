"""Site boilerplate: a consent, sign-up or paywall page that a site serves in place of many different articles.

Real feeds and crawls hand these out as articles: twelve pages of one publisher in rtqa-2022-dev carry the same
consent text under twelve different headlines. Such a text is the site's, not any one article's, and answering from
it would cite a cookie notice for the news. So each page's body gets a MinHash signature (64 permutations of its
5-word shingles; rows of 4 in 16 bands find the candidates), kept per site in ``pages.sqlite3`` in the index folder.
A new body that is nearly the same (estimated Jaccard >= ``SAME_TEXT``) as other pages of the same site forms a
group with them, and the group is boilerplate when it stands under ``HEADLINES`` (3) or more different headlines
and fewer than half of its pages state their own headline. A real article states its headline (also when it is
republished under a revised one), and a page repeated under the same title is a copy of one article: neither is
boilerplate. Two pages are not enough to tell: one article under two headlines that its text does not spell out (a
feature, a pun) would look the same, and losing a real article is worse than indexing a consent notice until its
third page arrives.

A boilerplate page keeps its title and, where a feed gave one, its summary (indexed in place of the body); its body
is kept out of search and answers, and the ingest report names it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from rag.stores.local_db import LocalDB
from rag.types import Article

FILE = "pages.sqlite3"
SHINGLE_WORDS = 5
PERMUTATIONS = 64
BANDS = 16  # of PERMUTATIONS // BANDS rows: a pair at Jaccard 0.8 shares a band with probability 0.9998
SAME_TEXT = 0.8  # estimated Jaccard of two bodies that are "the same text" (a date or a name may differ)
STATED = 0.5  # a headline is stated by a text that holds at least this share of its content words
HEADLINES = 3  # different headlines a text must stand under before it can be a site's boilerplate

_PRIME = 4294967311  # the first prime past 2**32: (a * x + b) mod p stays within uint64 for 32-bit a, x, b
_random = np.random.default_rng(20261207)  # fixed: signatures are stored, so they must not change between runs
_A = _random.integers(1, 2**32, PERMUTATIONS, dtype=np.uint64)
_B = _random.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")
_HEADLINE_SEPARATOR = re.compile(r"\s+[|–—-]\s+")
_SMALL_WORDS = set("""a an the and or but of in on at to for from by with as is are was were be been has have had do
does did will would can could should may might must this that these those it its his her their they he she we you
i what which who whom why how when where after before over under into about than then so if not no new says
said""".split())

_SCHEMA = """
PRAGMA journal_mode = WAL;  -- a commit a page, without an fsync each: the registry can be rebuilt
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS pages (
    article_id TEXT PRIMARY KEY, site TEXT NOT NULL, title TEXT NOT NULL, content_hash TEXT NOT NULL,
    signature BLOB NOT NULL, boilerplate INTEGER NOT NULL DEFAULT 0, states_title INTEGER NOT NULL,
    record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bands (site TEXT NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_lookup ON bands (site, key);
CREATE INDEX IF NOT EXISTS bands_article ON bands (article_id);
"""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def signature(text: str) -> np.ndarray:
    """The body's MinHash signature: for each of ``PERMUTATIONS`` hash functions, the least hash of its shingles."""
    return _minhash(words(text))


def _minhash(tokens: list[str]) -> np.ndarray:
    shingles = {" ".join(tokens[i:i + SHINGLE_WORDS]) for i in range(max(1, len(tokens) - SHINGLE_WORDS + 1))}
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8", "replace")) for s in shingles), dtype=np.uint64,
                         count=len(shingles))
    return (((hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME) & 0xFFFFFFFF).min(axis=0).astype(np.uint32)


def similarity(one: np.ndarray, other: np.ndarray) -> float:
    """The estimated Jaccard similarity of two bodies' shingle sets."""
    return float(np.mean(one == other))


def site_of(article: Article) -> str:
    """The site a page belongs to: its URL's host (without "www."), else its outlet's name; "" when neither."""
    try:
        host = (urlsplit(article.url.strip()).hostname or "").lower()
    except ValueError:
        host = ""
    return host.removeprefix("www.") or article.source.strip().lower()


def headline(title: str) -> str:
    """A title without the site's name around it: "Will Ukraine join the EU? | The Week UK" -> its longest part."""
    return max(_HEADLINE_SEPARATOR.split(title.strip()), key=len, default="")


def states(text_words: set[str], title: str) -> bool:
    """Whether a text holds at least ``STATED`` of a headline's content words (a real article states its headline;
    a consent notice does not)."""
    wanted = {w for w in words(headline(title)) if w not in _SMALL_WORDS}
    return bool(wanted) and len(wanted & text_words) >= STATED * len(wanted)


def is_boilerplate(pages: Sequence[tuple[str, bool]]) -> bool:
    """Whether pages of one site with the same text, given as (title, whether the page's text states it), are the
    site's boilerplate: ``HEADLINES`` or more different headlines, and fewer than half of the pages state theirs."""
    distinct = {" ".join(words(headline(title))) for title, _ in pages if headline(title).strip()}
    if len(distinct) < HEADLINES:
        return False  # one headline (copies of one article), or too few to tell
    return 2 * sum(stated for _, stated in pages) < len(pages)


@dataclass(frozen=True)
class Page:
    """A page as the registry keeps it: enough to say what it was, and to index its title and summary alone."""

    article_id: str
    site: str
    title: str
    content_hash: str
    boilerplate: bool
    states_title: bool  # whether the page's own text states its headline
    record: str  # JSON: title, summary, url, source, published_at, authors, origin, file

    @cached_property
    def _data(self) -> dict[str, Any]:
        return dict(json.loads(self.record))

    @property
    def where(self) -> str:
        """Where the page was read from, as the ingest report names it."""
        data = self._data
        return str(data.get("url") or data.get("origin") or data.get("file") or self.article_id)

    @property
    def file(self) -> str:
        """The file or URL it was ingested from (for ``remove`` and ``prune``)."""
        return str(self._data.get("file") or "")

    def summary_article(self) -> Article | None:
        """The page as it is kept once it is known to be boilerplate: its title and its feed's summary, or None when
        there is no summary (then nothing of it is indexed)."""
        data = self._data
        if not str(data.get("summary") or "").strip():
            return None
        day = data.get("published_at")
        return Article(title=data["title"], text=data["summary"], url=data["url"], source=data["source"],
                       published_at=date.fromisoformat(day) if day else None, authors=tuple(data["authors"]),
                       origin=data["origin"], summary=data["summary"])


@dataclass(frozen=True)
class Verdict:
    """What a page is: ``boilerplate`` or not, and the pages of its group that were not known as boilerplate until
    it came (stored as articles so far: they must now be taken out)."""

    boilerplate: bool
    site: str = ""  # the site it was judged with ("" when it has none: then it is never boilerplate)
    group: int = 1  # pages of the site with this text, this one included
    newly_flagged: tuple[Page, ...] = ()


class PageRegistry(LocalDB):
    """The pages of one index, by site, with their body signatures: ``<index_dir>/pages.sqlite3``. Written only
    under the index's write lock (ingest), so one connection at a time; reads are cheap lookups."""

    def __init__(self, index_dir: str | Path) -> None:
        super().__init__(Path(index_dir) / FILE, _SCHEMA, "the page registry")

    def known(self, article_ids: Sequence[str]) -> dict[str, Page]:
        """The registered pages among ``article_ids``."""
        found: dict[str, Page] = {}
        with self._lock:
            for start in range(0, len(article_ids), 500):  # well under SQLite's limit on variables
                part = list(article_ids[start:start + 500])
                rows = self._db.execute(
                    f"SELECT {_COLUMNS} FROM pages WHERE article_id IN ({','.join('?' * len(part))})", part)
                found.update({row[0]: _page(row) for row in rows})
        return found

    def admit(self, article: Article, file: str = "") -> Verdict:
        """Register ``article``, read from ``file`` (replacing what was known of it), and judge it with the site's
        pages of the same text. Pages that this verdict turns into boilerplate are marked so."""
        site = site_of(article)
        tokens = words(article.text)
        mark = _minhash(tokens)
        record = json.dumps({"title": article.title, "summary": article.summary, "url": article.url,
                             "source": article.source, "origin": article.origin, "authors": list(article.authors),
                             "file": file,
                             "published_at": article.published_at.isoformat() if article.published_at else None})
        with self._lock, self._db as db:
            db.execute("DELETE FROM bands WHERE article_id = ?", (article.id,))
            group = self._same_text(db, site, mark, article.id) if site else []
            stated = states(set(tokens), article.title)
            verdict = Verdict(False, site, len(group) + 1)
            if group and is_boilerplate([(article.title, stated), *((p.title, p.states_title) for p in group)]):
                fresh = tuple(p for p in group if not p.boilerplate)
                db.executemany("UPDATE pages SET boilerplate = 1 WHERE article_id = ?",
                               [(p.article_id,) for p in fresh])
                verdict = Verdict(True, site, len(group) + 1, fresh)
            db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (article.id, site, article.title, article.content_hash, mark.tobytes(), int(verdict.boilerplate),
                        int(stated), record))
            if site:
                db.executemany("INSERT INTO bands VALUES (?, ?, ?)", [(site, key, article.id) for key in _bands(mark)])
        return verdict

    def forget(self, article_ids: Sequence[str]) -> None:
        """Drop removed articles, so that they no longer count in any page's group."""
        with self._lock, self._db as db:
            for start in range(0, len(article_ids), 500):
                part = list(article_ids[start:start + 500])
                marks = ",".join("?" * len(part))
                db.execute(f"DELETE FROM bands WHERE article_id IN ({marks})", part)
                db.execute(f"DELETE FROM pages WHERE article_id IN ({marks})", part)

    def boilerplate_count(self) -> int:
        """How many pages are set aside as boilerplate (reading an index without a registry creates none)."""
        if not self._exists():
            return 0
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM pages WHERE boilerplate = 1").fetchone()[0])

    def _same_text(self, db: sqlite3.Connection, site: str, mark: np.ndarray, article_id: str) -> list[Page]:
        """The site's other pages whose body is nearly this one."""
        keys = _bands(mark)
        candidates = [r[0] for r in db.execute(f"SELECT DISTINCT article_id FROM bands WHERE site = ? AND key IN "
                                               f"({','.join('?' * len(keys))})", [site, *keys]) if r[0] != article_id]
        pages = []
        for start in range(0, len(candidates), 500):
            part = candidates[start:start + 500]
            rows = db.execute(f"SELECT {_COLUMNS}, signature FROM pages WHERE article_id IN "
                              f"({','.join('?' * len(part))})", part).fetchall()
            pages += [_page(row) for row in rows
                      if similarity(mark, np.frombuffer(row[-1], dtype=np.uint32)) >= SAME_TEXT]
        return pages


_COLUMNS = "article_id, site, title, content_hash, boilerplate, states_title, record"


def _page(row: Sequence[object]) -> Page:
    return Page(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), bool(row[5]), str(row[6]))


def _bands(mark: np.ndarray) -> list[int]:
    """One key a band: its number and the hash of its rows, so that two pages share a key only in the same band."""
    rows = PERMUTATIONS // BANDS
    return [band << 32 | zlib.crc32(mark[band * rows:(band + 1) * rows].tobytes()) for band in range(BANDS)]
