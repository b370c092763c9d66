"""One writer at a time: ``write.lock`` in the index folder, held with ``flock`` for a whole ingest or removal (the
operating system releases it when a writer dies, even by SIGKILL), and a lock in this process for its threads. The
lock file notes a write under way, durably, so the next writer knows when one was cut short and must ``repair``.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from rag.errors import StoreError

LOCK_FILE = "write.lock"
REGISTRY = threading.Lock()  # guards the per-folder tables of this process (writers here, Chroma's reload state)
_WRITERS: dict[str, threading.RLock] = {}  # index folder -> its writers in this process, one at a time


def writers_of(path: Path) -> threading.RLock:
    """The lock this process's writers of the index at ``path`` take in turn (re-entrant: a nested write in the same
    thread goes on to the file lock, which refuses it with the usual message)."""
    with REGISTRY:
        return _WRITERS.setdefault(str(path.resolve()), threading.RLock())


@contextmanager
def write_lock(path: Path, location: str) -> Iterator[IO[str]]:
    """The index's file lock, held while the block runs; the open lock file is yielded for its notes. Another
    process's writer, or a nested write in the same thread, raises ``StoreError`` naming the writer at work."""
    lock_path = path / LOCK_FILE
    try:
        handle = open(lock_path, "a+", encoding="utf-8")
    except OSError as exc:
        raise StoreError(f"cannot lock the index at {location}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().split()
            who = f"process {holder[1]}" if len(holder) > 1 else "another process"
            raise StoreError(f"the index at {location} is being written by {who} (another newsrag ingest, "
                             "remove or upload); wait for it to finish and try again") from None
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def interrupted(handle: IO[str]) -> bool:
    """Whether the lock file notes a write that never finished (its writer was killed)."""
    handle.seek(0)
    return handle.read().startswith("writing")


def note(handle: Any, text: str) -> None:
    """Replace the lock file's note, durably: after a crash the next writer must see that a write was under way."""
    handle.seek(0)
    handle.truncate()
    handle.write(text)
    handle.flush()
    os.fsync(handle.fileno())
