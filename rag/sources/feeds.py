"""Feed subscriptions and their refresh: which feeds to follow, what was last fetched from each, and the refresh
that fetches only what changed.

The list lives beside the index, in ``feeds.sqlite3`` in the index folder (also when the chunks live on a Chroma
server: it is this machine's list of what to fetch). For each feed it keeps the ETag and Last-Modified of the last
good fetch, sent back as a conditional GET (a 304 costs one request and no page), and each item's fingerprint, so
only new or changed items have their pages fetched and embedded. A feed's state moves on only once its articles are
stored: a refresh that fails part-way is simply done again.

>>> feeds = FeedList(index_dir)
>>> feeds.add("https://news.example/rss", name="Example News")
>>> report = refresh(feeds, reader, store=lambda url, items: ingest_loaded([(url, items)], index, chunker))
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rag.errors import InputError, NewsragError, StoreError, one_line
from rag.sources.fetch import FetchError, is_url, problem_with
from rag.sources.web import WebReader, canonical_url, fetchable_url
from rag.stores.local_db import LocalDB, immediate_transaction
from rag.types import Article, FeedResult, IngestReport, LoadProblem, RefreshReport

FILE = "feeds.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', added_at TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '', last_modified TEXT NOT NULL DEFAULT '',
    last_fetch TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',
    items_added INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (feed, key));
"""


@dataclass(frozen=True)
class Subscription:
    """A followed feed and how its last refresh went (``last_fetch`` is "" before the first)."""

    url: str
    name: str
    added_at: str
    last_fetch: str
    last_error: str
    items_added: int  # articles added from it, over all refreshes

    @property
    def label(self) -> str:
        return self.name or self.url

    @property
    def fetched(self) -> str:
        """When it was last fetched, as people read it: "2026-12-04 09:30 UTC", or "never"."""
        return f"{self.last_fetch[:16].replace('T', ' ')} UTC" if self.last_fetch else "never"


class FeedList(LocalDB):
    """The subscriptions of one index, in ``<index_dir>/feeds.sqlite3``, created with the first subscription. Safe
    to share between threads."""

    def __init__(self, index_dir: str | Path) -> None:
        super().__init__(Path(index_dir) / FILE, _SCHEMA, "the feed list", autocommit=True)

    def add(self, url: str, name: str = "") -> Subscription:
        """Follow ``url`` (its canonical form; adding it again renames it)."""
        url = _checked(url)
        with self._writing():
            self._db.execute("INSERT INTO feeds (url, name, added_at) VALUES (?, ?, ?) "
                             "ON CONFLICT(url) DO UPDATE SET name = CASE WHEN excluded.name = '' THEN name "
                             "ELSE excluded.name END", (url, name.strip(), _now()))
        return self.get(url)

    def remove(self, url: str) -> Subscription:
        """Stop following a feed; raises ``InputError`` naming the subscriptions when ``url`` is none of them."""
        found = self.get(_checked(url))
        with self._writing():
            self._db.execute("DELETE FROM items WHERE feed = ?", (found.url,))
            self._db.execute("DELETE FROM feeds WHERE url = ?", (found.url,))
        return found

    def get(self, url: str) -> Subscription:
        subscriptions = self.all()
        found = next((s for s in subscriptions if s.url == canonical_url(url)), None)
        if found is None:
            known = ", ".join(s.url for s in subscriptions[:5]) or "none yet (newsrag feeds add URL)"
            raise InputError(f"not a subscribed feed: {url!r}; subscribed: {known}")
        return found

    def all(self) -> list[Subscription]:
        if not self._exists():
            return []
        with self._lock:
            rows = self._db.execute("SELECT url, name, added_at, last_fetch, last_error, items_added FROM feeds "
                                    "ORDER BY added_at, url").fetchall()
        return [Subscription(*row) for row in rows]

    def validators(self, url: str) -> tuple[str, str]:
        """(ETag, Last-Modified) of the last good fetch, for a conditional GET."""
        with self._lock:
            row = self._db.execute("SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def fingerprints(self, url: str) -> dict[str, str]:
        """item key -> fingerprint, as of the last good refresh."""
        with self._lock:
            rows = self._db.execute("SELECT key, fingerprint FROM items WHERE feed = ?", (url,)).fetchall()
        return dict(rows)

    def record_success(self, url: str, etag: str, last_modified: str, items: dict[str, str] | None,
                       added: int) -> None:
        """A good refresh: new validators and, unless the feed was not modified, its items' fingerprints (those no
        longer in the feed are forgotten, so the table stays the size of the feeds)."""
        with self._writing():
            self._db.execute("UPDATE feeds SET etag = ?, last_modified = ?, last_fetch = ?, last_error = '', "
                             "items_added = items_added + ? WHERE url = ?", (etag, last_modified, _now(), added, url))
            if items is not None:
                self._db.execute("DELETE FROM items WHERE feed = ?", (url,))
                self._db.executemany("INSERT OR REPLACE INTO items (feed, key, fingerprint) VALUES (?, ?, ?)",
                                     [(url, k, f) for k, f in items.items()])

    def record_failure(self, url: str, error: str) -> None:
        with self._writing():
            self._db.execute("UPDATE feeds SET last_fetch = ?, last_error = ? WHERE url = ?", (_now(), error, url))

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            with immediate_transaction(self._db, self._lock):
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the feed list {self.path}: {exc}") from None


Store = Callable[[str, list[Article | LoadProblem]], IngestReport]  # (feed URL, its articles) -> what was indexed


def refresh(feeds: FeedList, reader: WebReader, store: Store, only: Sequence[str] | None = None,
            on_feed: Callable[[FeedResult], None] | None = None) -> RefreshReport:
    """Fetch every subscribed feed (or those in ``only``): a conditional GET, then the pages of new and changed items
    (at most ``reader.max_items`` a feed), stored by ``store``. A feed that fails gets its one-line error and leaves
    the others, and everything stored, untouched. ``on_feed`` hears each feed's result as it comes."""
    started = time.perf_counter()
    chosen = [feeds.get(u) for u in only] if only is not None else feeds.all()
    results = []
    for subscription in chosen:
        result = _refresh_one(feeds, reader, store, subscription)
        results.append(result)
        if on_feed:
            on_feed(result)
    return RefreshReport(tuple(results), time.perf_counter() - started)


def _refresh_one(feeds: FeedList, reader: WebReader, store: Store, subscription: Subscription) -> FeedResult:
    url, name = subscription.url, subscription.name
    try:
        etag, modified = feeds.validators(url)
        read = reader.read_feed(url, etag, modified)
        if read.feed is None:
            feeds.record_success(url, read.response.etag or etag, read.response.last_modified or modified, None, 0)
            return FeedResult(url, name, not_modified=True)
        known = feeds.fingerprints(url)
        changed = [i for i in read.feed.items if known.get(i.key) != i.fingerprint]
        taken = changed[: reader.max_items]  # the rest wait for the next refresh (not recorded as seen)
        reads = [reader.item(item, name or read.feed.title, read.response.url) for item in taken]
        loaded = [r.loaded for r in reads]
        problems = tuple(str(p) for p in loaded if isinstance(p, LoadProblem))
        from_summary = sum(1 for r in reads if isinstance(r.loaded, Article) and r.page_error)
        report = store(url, loaded) if taken else IngestReport()
        # remembered as seen: items unchanged, and those read now; an item whose page failed is tried again next time
        # (its summary, if any, is stored meanwhile), as are changed items past this refresh's share
        retry = {i.key for i, r in zip(taken, reads) if r.page_error} | {i.key for i in changed[len(taken):]}
        seen = {i.key: i.fingerprint for i in read.feed.items if i.key not in retry}
        # with items left to retry, no validators are kept: a 304 next time would leave them waiting
        validators = ("", "") if retry else (read.response.etag, read.response.last_modified)
        feeds.record_success(url, *validators, seen, report.articles_added)
        return FeedResult(url, name, items=len(read.feed.items), fetched=len(taken), from_summary=from_summary,
                          report=report, problems=problems)
    except Exception as exc:  # noqa: BLE001 - a feed is a stranger's text: whatever it sets off stays its own line
        # FetchError, FeedError, a busy index (StoreError) say what went wrong; anything else is a fault of ours,
        # named as one, and still must not stop the feeds after it (nor the UI's background refresh)
        error = one_line(problem_with(url, exc) if isinstance(exc, NewsragError) else
                         f"unexpected error ({type(exc).__name__}: {str(exc)[:200]}); please report it")
        try:
            feeds.record_failure(url, error)
        except StoreError:
            pass
        return FeedResult(url, name, error=error)


def _checked(url: str) -> str:
    """A feed's address as it is kept: canonical, and one the fetcher would take (``InputError`` says why not)."""
    url = (url or "").strip()
    if not is_url(url):
        raise InputError(f"a feed is an http:// or https:// URL, got {url!r}")
    try:
        return fetchable_url(url)
    except FetchError as exc:
        raise InputError(f"{exc.problem}: {url!r}") from None


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
