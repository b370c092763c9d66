"""The small SQLite files an index keeps beside its store (the feed list, the page registry): opened one way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from rag.errors import StoreError


def open_local_db(path: Path, schema: str, what: str, autocommit: bool = False) -> sqlite3.Connection:
    """``path`` opened (its folder made) with ``schema`` applied, shareable between threads that take turns;
    ``what`` names it in the one-line ``StoreError`` when it cannot be. ``autocommit``: the caller runs its own
    transactions (BEGIN IMMEDIATE … COMMIT)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=60, check_same_thread=False)
        if autocommit:
            connection.isolation_level = None
        connection.executescript(schema)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open {what} {path}: {exc}") from None
    return connection
