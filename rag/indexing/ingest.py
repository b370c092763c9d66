"""Files and URLs -> index: load (or fetch), skip what is unchanged, chunk, embed and store, with a progress bar.

Articles go in batches of about ``BATCH_CHUNKS`` chunks: big enough that length-sorted embedding wastes little on
padding, small enough that memory stays flat on any corpus. The stages run one after the other: embedding keeps
every core busy, and running loading, chunking or writing beside it in threads was measured to gain nothing (the
threads only take turns with the embedder; docs/scale.md).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import InputError
from rag.indexing.boilerplate import PageRegistry
from rag.indexing.chunking import Chunker
from rag.sources.fetch import is_url
from rag.sources.loaders import Loaded, load, resolve_paths
from rag.stores.index import Index
from rag.stories.placing import StoryPlacer, articles_of
from rag.types import Article, Boilerplate, Chunk, IngestReport, LoadProblem

if TYPE_CHECKING:
    from rag.sources.web import WebReader

BATCH_CHUNKS = 1024  # embed and write once this many new chunks have piled up


@dataclass
class _Batch:
    """New chunks of whole articles, ready to embed, and the ids of chunks they leave behind."""

    chunks: list[Chunk] = field(default_factory=list)
    stale_ids: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # article id -> the file it was read from

    def __bool__(self) -> bool:  # an empty batch (every article unchanged) must not touch the index
        return bool(self.chunks or self.stale_ids)

    def emptied(self) -> list[str]:
        """Articles whose stored chunks all go and none come: set aside as boilerplate."""
        kept = {c.article.id for c in self.chunks}
        return [i.rsplit(":", 1)[0] for i in self.stale_ids if i.endswith(":0") and i.rsplit(":", 1)[0] not in kept]


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks: int = 0
    removed: int = 0
    model_seconds: float = 0.0
    story_seconds: float = 0.0
    seen: set[str] = field(default_factory=set)  # article ids read in this run
    problem_files: set[str] = field(default_factory=set)  # files with an unreadable part: prune keeps their articles
    problems: list[LoadProblem] = field(default_factory=list)
    boilerplate: list[Boilerplate] = field(default_factory=list)
    indexed: dict[str, bool] = field(default_factory=dict)  # article id -> whether it replaced a stored version

    def count(self, article_id: str, replaced: bool) -> None:
        self.indexed[article_id] = replaced
        self.updated += replaced
        self.added += not replaced

    def uncount(self, article_id: str) -> None:
        """An article counted as indexed earlier in this run that turned out to be boilerplate."""
        if article_id in self.indexed:
            replaced = self.indexed.pop(article_id)
            self.updated -= replaced
            self.added -= not replaced


def ingest(paths: Iterable[str | Path], index: Index, chunker: Chunker, progress: bool | None = None,
           on_problem: Callable[[LoadProblem], None] | None = None, prune: bool = False,
           reader: WebReader | None = None, pages: PageRegistry | None = None,
           stories: StoryPlacer | None = None) -> IngestReport:
    """Add the articles under ``paths`` (files, folders, globs, and with a ``reader`` http(s) URLs of article pages
    or feeds) to ``index``. Unchanged articles cost nothing; changed ones are replaced.

    ``on_problem`` is told about each skipped input as it happens (the CLI prints it); all of them are also in
    the report. ``prune`` then removes indexed articles that came from files under ``paths`` but are gone: their
    file was deleted, or read cleanly without them (a file that fails to load keeps its articles). URLs are fetched
    before the index is locked, so a slow site never holds up another writer. Raises ``InputError`` before reading
    anything if a path does not exist, and ``StoreError`` if another process is writing to the index
    (``Index.writing``).
    """
    from tqdm import tqdm

    index_dir = index.path.resolve()
    paths = list(paths)
    urls = [str(p).strip() for p in paths if is_url(p)]
    paths = [p for p in paths if not is_url(p)]
    if urls and reader is None:
        raise InputError(f"cannot fetch {urls[0]}: no web reader given (NewsAssistant.ingest makes one)")
    files = [f for f in resolve_paths(paths) if not f.resolve().is_relative_to(index_dir)]  # never read our own store
    show = sys.stderr.isatty() if progress is None else progress
    fetched: list[tuple[str, Iterable[Loaded]]] = []
    for url in urls:  # the network first, outside the write lock
        assert reader is not None
        items = tqdm(reader.load(url), desc=f"fetch {url[:60]}", unit="item", disable=not show, dynamic_ncols=True)
        fetched.append((url, list(items)))
    groups = [*fetched, *((str(f.resolve()), load([f])) for f in files)]
    return ingest_loaded(groups, index, chunker, show, on_problem, prune_paths=paths if prune else None, pages=pages,
                         stories=stories)


def ingest_loaded(groups: Iterable[tuple[str, Iterable[Loaded]]], index: Index, chunker: Chunker,
                  progress: bool = False, on_problem: Callable[[LoadProblem], None] | None = None,
                  prune_paths: list[str | Path] | None = None, pages: PageRegistry | None = None,
                  stories: StoryPlacer | None = None) -> IngestReport:
    """Index articles already loaded, as ``(where, items)`` groups: ``where`` is the file or URL they were read
    from (recorded with each article, for ``remove`` and ``prune``). With ``pages``, site boilerplate is set aside
    (``rag.indexing.boilerplate``); with ``stories``, every article written is placed in a story (``rag.stories``).
    Holds the write lock throughout."""
    from tqdm import tqdm

    groups = list(groups)
    started = time.perf_counter()
    tally = _Tally()

    def report_problem(problem: LoadProblem) -> None:
        tally.problems.append(problem)
        if on_problem:
            on_problem(problem)

    with index.writing() as repaired:
        bar = tqdm(total=len(groups), unit="input", disable=not progress, dynamic_ncols=True, desc="ingest")
        try:
            for batch in _batches(groups, index, chunker, tally, report_problem, bar.update, pages):
                if batch.chunks and not tally.chunks:  # the first embedding loads the model: timed apart
                    loading = time.perf_counter()
                    index.embed([batch.chunks[0].text])  # kept by the repeat cache, not embedded twice
                    tally.model_seconds = time.perf_counter() - loading
                vectors = index.embed([c.text for c in batch.chunks])
                index.write(batch.chunks, vectors, batch.stale_ids, batch.files)
                if stories is not None:  # after the write: an article's candidates come from the store
                    placing = time.perf_counter()
                    stories.remove(batch.emptied())
                    stories.place(articles_of(batch.chunks, vectors))
                    tally.story_seconds += time.perf_counter() - placing
                tally.chunks += len(batch.chunks)
                tally.removed += len(batch.stale_ids)
                elapsed = time.perf_counter() - started - tally.model_seconds
                bar.set_postfix(articles=tally.added + tally.updated + tally.unchanged, chunks=tally.chunks,
                                chunks_per_s=f"{tally.chunks / elapsed:.1f}", refresh=True)
        finally:
            bar.close()
        articles_removed = 0
        if prune_paths is not None:
            gone = index.articles_from_files(prune_paths, exclude=tally.seen, keep_files=tally.problem_files)
            tally.removed += index.remove(gone)
            if stories is not None:
                stories.remove(gone)
            if pages is not None:
                pages.forget(gone)
            articles_removed = len(gone)
    return IngestReport(
        articles_added=tally.added, articles_updated=tally.updated, articles_unchanged=tally.unchanged,
        chunks_added=tally.chunks, chunks_removed=tally.removed, seconds=time.perf_counter() - started,
        model_seconds=tally.model_seconds, story_seconds=tally.story_seconds,
        problems=tuple(tally.problems), articles_removed=articles_removed, chunks_repaired=repaired,
        boilerplate=tuple(tally.boilerplate),
    )


def _batches(groups: list[tuple[str, Iterable[Loaded]]], index: Index, chunker: Chunker, tally: _Tally,
             on_problem: Callable[[LoadProblem], None], group_done: Callable[[int], None],
             pages: PageRegistry | None = None) -> Iterator[_Batch]:
    """Go through the loaded ``groups`` and yield batches of the chunks of new and changed articles. With ``pages``,
    a page found to be its site's boilerplate is indexed as its title and summary only, or not at all (and so are
    the pages of its group stored before it)."""
    pending: dict[str, tuple[Article, str]] = {}

    def flush() -> _Batch:
        stored = index.stored_articles(list(pending))
        known = pages.known(list(pending)) if pages is not None else {}
        batch = _Batch()
        added: set[str] = set()  # articles this batch counts as added (or updated, when they were stored)

        def put(article: Article | None, article_id: str, file: str) -> None:
            """Index ``article`` under ``article_id`` in place of what is stored (None: remove what is stored)."""
            old = stored.get(article_id)
            new_chunks = chunker.split(article) if article is not None else []
            batch.chunks.extend(new_chunks)
            batch.files[article_id] = file
            if old:
                batch.stale_ids.extend(f"{article_id}:{i}" for i in range(len(new_chunks), old[1]))

        for article_id, (article, file) in pending.items():
            old = stored.get(article_id)
            page = known.get(article_id)
            if page is not None and page.content_hash == article.content_hash and (page.boilerplate or (
                    old and old[0] == article.content_hash)):
                tally.unchanged += 1  # as last time: an article, or boilerplate set aside
                continue
            verdict = pages.admit(article, file) if pages is not None else None
            if verdict is None or not verdict.boilerplate:
                if old and old[0] == article.content_hash:
                    tally.unchanged += 1
                    continue
                put(article, article_id, file)
                added.add(article_id)
                continue
            kept = replace(article, text=article.summary) if article.summary.strip() else None
            tally.boilerplate.append(Boilerplate(article.url or article.origin or file, article.title, verdict.site,
                                                 verdict.group, kept is not None))
            if kept is not None and not (old and old[0] == kept.content_hash):
                put(kept, article_id, file)
            elif kept is None and old:
                put(None, article_id, file)
            for other in verdict.newly_flagged:  # taken for articles until now: stored, or earlier in this batch
                replacement = other.summary_article()
                tally.boilerplate.append(Boilerplate(other.where, other.title, verdict.site, verdict.group,
                                                     replacement is not None))
                if other.article_id in added:
                    added.discard(other.article_id)
                    batch.chunks = [c for c in batch.chunks if c.article.id != other.article_id]
                else:  # stored by an earlier run, or by an earlier batch of this one (counted then: no longer)
                    tally.uncount(other.article_id)
                    stored.update(index.stored_articles([other.article_id]))
                if other.article_id in stored or replacement is not None:
                    put(replacement, other.article_id, other.file)
        for article_id in added:
            tally.count(article_id, article_id in stored)
        pending.clear()
        return batch

    for name, items in groups:
        for item in items:
            if isinstance(item, LoadProblem):
                tally.problem_files.add(name)
                on_problem(item)
                continue
            tally.seen.add(item.id)
            pending[item.id] = (item, name)  # a repeated id within the batch: the last copy wins
            if len(pending) * 8 >= BATCH_CHUNKS and (batch := flush()):  # ~8 chunks an article on average
                yield batch
        group_done(1)
    if batch := flush():
        yield batch
