"""Site boilerplate on a real corpus, through newsrag's own ingest (``NewsAssistant.ingest`` with its page registry):

    python -m eval.benchmarks.boilerplate --corpus ../shared/benchmarks/rtqa-2022-dev/corpus.jsonl

Prints how many pages were set aside and of which sites; whether each set-aside group is one text (the bodies
compared word for word); every other group of near-same bodies on one site, which is kept (copies under one title,
or an article under a revised headline that its text states), so a reader can check that no real article was lost;
that no set-aside body is found by search afterwards; and what the check costs at ingest (the same ingest without
the page registry beside it). The embedder is the cheap hashed stand-in (``HashedEmbeddings`` in
``eval/benchmarks/common.py``): it is not the subject here.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from eval.benchmarks.common import HashedEmbeddings
from rag import Article, NewsAssistant
from rag.indexing.boilerplate import SAME_TEXT, signature, site_of
from rag.indexing.chunking import Chunker
from rag.indexing.ingest import ingest
from rag.sources.loaders import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="a corpus file (.jsonl, one article a line)")
    args = parser.parse_args()

    articles = [a for a in load([Path(args.corpus)]) if isinstance(a, Article)]
    with tempfile.TemporaryDirectory() as work:
        assistant = NewsAssistant(index_dir=Path(work) / "index", embeddings=HashedEmbeddings(), mode="extractive")
        started = time.perf_counter()
        report = assistant.ingest([args.corpus], progress=False)
        seconds = time.perf_counter() - started
        flagged = {b.where for b in report.boilerplate}
        aside = [a for a in articles if (a.url or a.origin) in flagged]
        found = [a for a in aside  # searched for by its own first words: is any of its text still in the index?
                 if any(p.url == a.url for p in assistant.index.keyword_search(" ".join(a.text.split()[:12]), 20))]
        started = time.perf_counter()
        for article in articles:
            signature(article.text)
        signing = time.perf_counter() - started
        other = NewsAssistant(index_dir=Path(work) / "plain", embeddings=HashedEmbeddings(), mode="extractive")
        started = time.perf_counter()  # the same ingest without the page registry: what the check costs
        ingest([args.corpus], other.index, Chunker.from_settings(other.settings), progress=False)
        plain = time.perf_counter() - started

    print(f"{len(articles)} articles from {args.corpus}: {report.articles_added} indexed; ingest {seconds:.1f}s, "
          f"{plain:.1f}s without the boilerplate check (signatures alone {signing:.1f}s, "
          f"{1000 * signing / max(1, len(articles)):.1f} ms an article)")
    print(f"set aside as site boilerplate: {len(report.boilerplate)} pages")
    by_site: dict[str, list[Article]] = defaultdict(list)
    for article in aside:
        by_site[site_of(article)].append(article)
    for site, pages in by_site.items():
        bodies = {" ".join(a.text.split()) for a in pages}
        print(f"  {site}: {len(pages)} pages, {len(bodies)} distinct bod{'y' if len(bodies) == 1 else 'ies'} "
              f"({len({a.title for a in pages})} titles); e.g. {pages[0].text[:90]!r}")
    print(f"set-aside bodies still found by search: {len(found)}")
    kept = [g for g in _groups(articles) if not {(a.url or a.origin) for a in g} & flagged]
    print(f"groups of near-same bodies on one site that were kept (not boilerplate): {len(kept)}, "
          f"{sum(len(g) for g in kept)} pages")
    for group in kept:
        titles = sorted({a.title for a in group})
        kind = "one title: copies" if len(titles) == 1 else f"{len(titles)} titles"
        print(f"  {site_of(group[0])} ({len(group)} pages, {kind}): " + " / ".join(t[:60] for t in titles))


def _groups(articles: list[Article]) -> list[list[Article]]:
    """Pages of one site whose bodies are near-same (the registry's own signature and threshold), two or more."""
    by_site: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if site_of(article):
            by_site[site_of(article)].append(article)
    groups = []
    for pages in by_site.values():
        marks = np.stack([signature(a.text) for a in pages])
        seen: set[int] = set()
        for i in range(len(pages)):
            if i in seen:
                continue
            same = [int(j) for j in np.flatnonzero((marks == marks[i]).mean(axis=1) >= SAME_TEXT) if j not in seen]
            seen.update(same)
            if len(same) > 1:
                groups.append([pages[j] for j in same])
    return groups


if __name__ == "__main__":
    main()
