"""Files -> index: load, skip what is unchanged, chunk, embed and store, with a progress bar.

Articles are handled in batches, so memory stays flat on big corpora and progress moves steadily.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from rag.articles import Article, IngestReport, LoadProblem
from rag.chunking import Chunker
from rag.loaders import load, resolve_paths
from rag.store import NewsIndex

BATCH_CHUNKS = 256  # embed and write once this many new chunks have piled up


def ingest(paths: Iterable[str | Path], index: NewsIndex, chunker: Chunker, progress: bool | None = None,
           on_problem: Callable[[LoadProblem], None] | None = None) -> IngestReport:
    """Add the articles under ``paths`` to ``index``. Unchanged articles cost nothing; changed ones are replaced.

    ``on_problem`` is told about each skipped input as it happens (the CLI prints it); all of them are also in
    the report. Raises ``InputError`` before reading anything if a path does not exist.
    """
    from tqdm import tqdm

    index_dir = index.path.resolve()
    files = [f for f in resolve_paths(paths) if not f.resolve().is_relative_to(index_dir)]  # never read our own store
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    totals = {"added": 0, "updated": 0, "unchanged": 0, "chunks": 0, "removed": 0}
    problems: list[LoadProblem] = []
    pending: dict[str, Article] = {}

    bar = tqdm(total=len(files), unit="file", disable=not show, dynamic_ncols=True, desc="ingest")

    def flush() -> None:
        if not pending:
            return
        stored = index.stored_articles(list(pending))
        chunks, stale = [], []
        for article_id, article in pending.items():
            old = stored.get(article_id)
            if old and old[0] == article.content_hash:
                totals["unchanged"] += 1
                continue
            new_chunks = chunker.split(article)
            chunks.extend(new_chunks)
            totals["updated" if old else "added"] += 1
            if old:
                stale.extend(f"{article_id}:{i}" for i in range(len(new_chunks), old[1]))
        index.write(chunks, stale)
        totals["chunks"] += len(chunks)
        totals["removed"] += len(stale)
        pending.clear()
        elapsed = time.perf_counter() - started
        bar.set_postfix(articles=totals["added"] + totals["updated"] + totals["unchanged"], chunks=totals["chunks"],
                        chunks_per_s=f"{totals['chunks'] / elapsed:.1f}", refresh=True)

    try:
        for file in files:
            for item in load([file]):
                if isinstance(item, LoadProblem):
                    problems.append(item)
                    if on_problem:
                        on_problem(item)
                    continue
                pending[item.id] = item  # a repeated id within the batch: the last copy wins
                if len(pending) * 8 >= BATCH_CHUNKS:  # ~8 chunks an article on average; exact size does not matter
                    flush()
            bar.update(1)
        flush()
    finally:
        bar.close()
    return IngestReport(
        articles_added=totals["added"], articles_updated=totals["updated"], articles_unchanged=totals["unchanged"],
        chunks_added=totals["chunks"], chunks_removed=totals["removed"], seconds=time.perf_counter() - started,
        problems=tuple(problems),
    )
