"""The small SQLite files an index keeps beside its store (the feed list, the page registry): opened one way."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import StoreError


class LocalDB:
    """A SQLite file beside the index, opened (its folder made, ``schema`` applied) on first use, and shared between
    threads that take turns at ``_lock``. ``what`` names it in the one-line ``StoreError`` when it cannot be opened.
    ``autocommit``: the subclass runs its own transactions (``immediate_transaction``)."""

    def __init__(self, path: Path, schema: str, what: str, autocommit: bool = False) -> None:
        self.path = path
        self._schema, self._what, self._autocommit = schema, what, autocommit
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        with self._lock:
            if self._connection is None:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    connection = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
                    if self._autocommit:
                        connection.isolation_level = None
                    connection.executescript(self._schema)
                except (sqlite3.Error, OSError) as exc:
                    raise StoreError(f"cannot open {self._what} {self.path}: {exc}") from None
                self._connection = connection
            return self._connection

    def _exists(self) -> bool:
        """Whether there is anything to read (reading an index that has no such file creates none)."""
        return self._connection is not None or self.path.is_file()


@contextmanager
def immediate_transaction(db: sqlite3.Connection, lock: threading.RLock) -> Iterator[None]:
    """One transaction on an autocommit connection (``isolation_level=None``), under ``lock``: ``BEGIN IMMEDIATE``
    takes SQLite's write lock at once, so two writers never both read, then write; any exception rolls it back."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
