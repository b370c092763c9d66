"""Keyword (BM25) search over the chunks of a ``NewsIndex``, to fuse with dense search.

Dense embeddings find paraphrases but miss rare names and numbers that a news question often turns on; BM25
finds those. The BM25 index is derived from the Chroma collection (the one source of truth): it is built on the
first keyword search after a write, saved in ``<index>/keywords/`` and loaded from there by later processes.
Every write to the collection changes a revision token in the collection's metadata (before and after writing);
the BM25 index records the token it was built at and is rebuilt when the token differs, so it never disagrees
with the chunks, whichever process (or machine, with a Chroma server) wrote them.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.articles import Filters, day_number

FOLDER = "keywords"


class KeywordIndex:
    """BM25 over chunk titles and texts. ``search`` returns chunk ids, best first, that pass ``filters``."""

    def __init__(self, folder: Path, collection: Callable[[], Any], revision: Callable[[], str]) -> None:
        self.folder = folder
        self._collection = collection  # the Chroma collection of the moment (``NewsIndex.sync`` may replace it)
        self._revision = revision
        self._built_at: str | None = None
        self._bm25: Any = None
        self._ids: list[str] = []
        self._days = np.zeros(0, dtype=np.int64)
        self._sources: list[str] = []
        self._lock = threading.Lock()  # one search at a time: a rebuild must not swap the index under another

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[str]:
        with self._lock:
            return self._search(query, k, filters)

    def _search(self, query: str, k: int, filters: Filters | None) -> list[str]:
        import bm25s

        self._ensure_loaded()
        if not self._ids:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        depth = len(self._ids) if filters else min(len(self._ids), k)
        results, scores = self._bm25.retrieve(tokens, k=depth, show_progress=False, n_threads=1)
        keep = self._passes(filters)
        return [self._ids[i] for i, s in zip(results[0], scores[0]) if s > 0 and keep[i]][:k]

    def _passes(self, filters: Filters | None) -> np.ndarray:
        keep = np.ones(len(self._ids), dtype=bool)
        if filters is None:
            return keep
        if filters.sources:
            wanted = set(filters.sources)
            keep &= np.array([s in wanted for s in self._sources])
        if filters.date_from:  # the same rules as Filters.to_chroma_where
            keep &= self._days >= day_number(filters.date_from)
        if filters.date_to:
            keep &= (self._days > 0) & (self._days <= day_number(filters.date_to))
        if filters.as_of:
            keep &= self._days <= day_number(filters.as_of)
        return keep

    def _ensure_loaded(self) -> None:
        import bm25s

        revision = self._revision()  # read before the chunks: a write that lands meanwhile changes it again
        if self._bm25 is not None and self._built_at == revision:
            return
        meta_file = self.folder / "chunks.json"
        if meta_file.is_file():
            try:
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                if meta.get("revision") == revision:
                    self._bm25 = bm25s.BM25.load(str(self.folder / "bm25"))
                    self._set_meta(meta)
                    return
            except (OSError, ValueError, KeyError):
                pass  # damaged: rebuilt below
        got = self._collection().get(include=["documents", "metadatas"])
        ids, texts, metas = got["ids"], got["documents"] or [], got["metadatas"] or []
        meta = {"revision": revision, "ids": ids, "days": [int(m.get("published_day", 0)) for m in metas],
                "sources": [m.get("source", "") for m in metas]}
        self._bm25 = bm25s.BM25()
        if ids:
            corpus = [f"{m.get('title', '')}\n{t}" for t, m in zip(texts, metas)]
            self._bm25.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)
            self._save(meta)
        self._set_meta(meta)

    def _set_meta(self, meta: dict[str, Any]) -> None:
        self._built_at = meta["revision"]
        self._ids = list(meta["ids"])
        self._days = np.asarray(meta["days"], dtype=np.int64)
        self._sources = list(meta["sources"])

    def _save(self, meta: dict[str, Any]) -> None:
        """Written to a temp folder and renamed, so a reader never sees half an index."""
        partial = self.folder.with_name(f"{self.folder.name}.{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        self._bm25.save(str(partial / "bm25"))
        (partial / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(self.folder, ignore_errors=True)
        partial.rename(self.folder)
