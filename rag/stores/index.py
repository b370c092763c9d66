"""The seam in front of the store: what retrieval, ingest and the assistant need of an index, as a protocol
(as Haystack's retrievers depend on a ``DocumentStore`` protocol, not on one database). ``rag.stores.chroma.NewsIndex``
implements it over Chroma and SQLite FTS5; anything else that does can replace it."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from rag.types import Article, Chunk, Filters, IndexStats, Passage


@runtime_checkable
class Index(Protocol):
    """Chunks stored by article, searched two ways. ``path`` is the local folder, ``location`` what messages name."""

    path: Path
    location: str

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` chunks nearest ``query`` in meaning, best first, ``score`` their cosine similarity."""
        ...

    def keyword_search(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best keyword (BM25) matches, best first, scored like ``search``."""
        ...

    def similar(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` chunks nearest a vector, best first (how an article finds its story's candidates)."""
        ...

    def passages(self, chunk_ids: Sequence[str]) -> list[Passage]:
        """The chunks with these ids that exist, in the order asked."""
        ...

    def articles(self) -> Iterator[tuple[str, Article, np.ndarray]]:
        """Every stored article: its id, the article rebuilt from its chunks, and its chunks' vectors."""
        ...

    def writing(self) -> AbstractContextManager[int]:
        """Hold the index's write lock; yields how many stray chunks an interrupted earlier write left (removed)."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for chunk texts, as ``write`` stores them."""
        ...

    def write(self, chunks: Sequence[Chunk], vectors: np.ndarray, stale_ids: Sequence[str] = (),
              files: Mapping[str, str] | None = None) -> None:
        """Store whole articles' chunks, replacing ``stale_ids`` articles' old ones. Inside ``writing``."""
        ...

    def remove(self, article_ids: Sequence[str]) -> int:
        """Remove articles; returns how many there were. Inside ``writing``."""
        ...

    def stored_articles(self, article_ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """Of ``article_ids``, those stored: id -> (content hash, chunk count)."""
        ...

    def find_articles(self, targets: Sequence[str]) -> list[str]:
        """Ids of the articles an id, URL, file or folder names."""
        ...

    def articles_from_files(self, paths: Sequence[str | Path], exclude: Collection[str] = (),
                            keep_files: Collection[str] = ()) -> list[str]:
        """Ids of articles read from files under ``paths``, except ``exclude`` and those from ``keep_files``."""
        ...

    def is_empty(self) -> bool: ...

    def stats(self) -> IndexStats: ...

