"""The corpus commands: what goes into an index and comes out of it (files, URLs, feeds, removals, counts). Each
writes under the index's lock, so several processes can share one index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rag.components import Components
from rag.errors import InputError
from rag.types import Article, FeedResult, IndexStats, IngestReport, LoadProblem, RefreshReport


class Corpus(Components):
    """An index's articles and feeds: ingest, follow, refresh, remove, count."""

    def ingest(self, paths: Iterable[str | Path], progress: bool | None = None,
               on_problem: Callable[[LoadProblem], None] | None = None, prune: bool = False) -> IngestReport:
        """Add files, folders, globs or http(s) URLs (an article page, or a feed whose items' pages are read) to the
        index; unchanged articles are skipped, changed ones replaced. ``prune`` also removes articles whose files
        under ``paths`` no longer hold them."""
        from rag.indexing.chunking import Chunker
        from rag.indexing.ingest import ingest

        chunker = Chunker.from_settings(self.settings)
        return ingest(paths, self.index, chunker, progress=progress, on_problem=on_problem, prune=prune,
                      reader=self.web_reader, pages=self.pages, stories=self.story_placer)

    def subscribe(self, url: str, name: str = "") -> FeedResult:
        """Follow a feed and fetch it now. A URL that is not a feed, or cannot be fetched, is not kept: raises
        ``InputError`` with the one-line reason."""
        known = {s.url for s in self.feeds.all()}
        subscription = self.feeds.add(url, name)
        try:
            [result] = self.refresh(only=[subscription.url]).feeds
        except BaseException:  # interrupted, or a fault: a feed that was never fetched is not left followed
            if subscription.url not in known:
                self.feeds.remove(subscription.url)
            raise
        if not result.ok and subscription.url not in known:
            self.feeds.remove(subscription.url)
            raise InputError(f"{url}: {result.error}; not subscribed")
        return result

    def unsubscribe(self, url: str, remove_articles: bool = False) -> int:
        """Stop following a feed; with ``remove_articles`` also remove the articles that came through it. Returns
        how many articles were removed."""
        subscription = self.feeds.remove(url)
        if not remove_articles:
            return 0
        with self.index.writing():
            try:
                ids = self.index.find_articles([subscription.url])
            except InputError:  # nothing came through it
                ids = []
            self.index.remove(ids)
            self.pages.forget(ids)
            self._forget_stories(ids)
        return len(ids)

    def refresh(self, only: Sequence[str] | None = None, on_feed: Callable[[FeedResult], None] | None = None,
                progress: bool = False) -> RefreshReport:
        """Fetch every followed feed (or those in ``only``) and index its new and changed items; each feed's failure
        is its own one-line ``FeedResult.error`` and stops nothing else (``rag.sources.feeds.refresh``)."""
        from rag.indexing.chunking import Chunker
        from rag.indexing.ingest import ingest_loaded
        from rag.sources.feeds import refresh

        chunker = Chunker.from_settings(self.settings)

        def store(url: str, items: list[Article | LoadProblem]) -> IngestReport:
            return ingest_loaded([(url, items)], self.index, chunker, progress=progress, pages=self.pages,
                                 stories=self.story_placer)

        return refresh(self.feeds, self.web_reader, store, only=only, on_feed=on_feed)

    def remove(self, targets: Iterable[str]) -> int:
        """Remove articles by id, URL, or the file or folder they were read from; returns how many went."""
        with self.index.writing():
            ids = self.index.find_articles(list(targets))
            self.index.remove(ids)
            self.pages.forget(ids)
            self._forget_stories(ids)
        return len(ids)

    def rebuild_stories(self, progress: bool = False) -> int:
        """Place every indexed article in a story again, from the vectors the index holds (nothing is embedded):
        gives an index built before stories existed its stories, or applies new story settings. Returns how many
        articles were placed."""
        from rag.stories.placing import rebuild

        self._require_index()
        with self.index.writing():
            return rebuild(self.index, self._placer(), progress)

    def _forget_stories(self, article_ids: list[str]) -> None:
        if article_ids and (placer := self.story_placer) is not None:
            placer.remove(article_ids)

    def stats(self) -> IndexStats:
        """What the index holds. Reading a folder that holds no index yet is an error, not a new empty index."""
        self._require_index()
        return self.index.stats()
