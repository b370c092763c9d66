"""Ingest speed through newsrag's own code, measured side by side in one run on this machine:

    python -m eval.benchmarks.ingest --corpus ../shared/benchmarks/rtqa-2022-dev/corpus.jsonl [--limit N]

1. **plain**: the same articles and chunks written through newsrag's index (``NewsIndex.embed`` at float32, then
   ``NewsIndex.write``, 256 chunks of whole articles at a time, under ``NewsIndex.writing``) without the ingest
   pipeline: no skipping of stored articles, no batches of ~1,024 chunks sorted by length, no bfloat16.
2. **newsrag** (``NewsAssistant.ingest``, default settings) into a fresh index, at float32 and at the default
   precision (bfloat16 where the CPU computes it natively).
3. **re-ingest** the unchanged corpus into that index, and **add** 10 articles held back from it; then the first
   search, and the index's own dense (``NewsIndex.search``) and keyword (``NewsIndex.keyword_search``) search
   latency at that size, over the held-back articles' titles.

Every step checks that the index holds the chunks it reports (``NewsIndex.count``). Scale (an index of a million
chunks, searched and added to) is ``eval/benchmarks/scale.py``.

Every step runs in its own process, so each peak RSS is its own; models are loaded before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval.benchmarks.common import run_step, step_result
from eval.scoring import percentile

HELD_BACK = 10  # articles added to the finished index in step 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="a .jsonl corpus (one article a line)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--work", help="scratch folder (default: a new temp folder)")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # internal: run one step and print its JSON
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step_result(STEPS[args.step](**json.loads(args.args)))
        return

    work = Path(args.work or tempfile.mkdtemp(prefix="newsrag-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    lines = [line for line in Path(args.corpus).read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = lines[: args.limit] if args.limit else lines
    main_file, extra_file = work / "corpus.jsonl", work / "added.jsonl"
    main_file.write_text("\n".join(lines[:-HELD_BACK]) + "\n", encoding="utf-8")
    extra_file.write_text("\n".join(lines[-HELD_BACK:]) + "\n", encoding="utf-8")
    print(f"corpus: {len(lines) - HELD_BACK} articles (+{HELD_BACK} held back) from {args.corpus}; "
          f"{os.cpu_count()} cores; scratch {work}", flush=True)

    rows: list[tuple[str, dict[str, Any]]] = []

    def run(label: str, step: str, **kwargs: Any) -> dict[str, Any]:
        print(f"… {label}", flush=True)
        result = run_step("eval.benchmarks.ingest", args.corpus, step, kwargs, f"bench_ingest: step {label!r} failed")
        rows.append((label, result))
        print(f"  {result}", flush=True)
        return result

    def step(label: str, name: str, corpus: Path, index: str, **kwargs: Any) -> dict[str, Any]:
        return run(label, name, corpus=str(corpus), index=str(work / index), **kwargs)

    base = step("plain: NewsIndex.write, float32, 256 chunks at a time", "plain", main_file, "plain")
    step("newsrag ingest, float32", "newsrag", main_file, "newsrag-float32", precision="float32")
    full = step("newsrag ingest (default)", "newsrag", main_file, "newsrag", precision="auto")
    again = step("re-ingest, unchanged", "newsrag", main_file, "newsrag", precision="auto")
    added = step(f"add {HELD_BACK} articles", "newsrag", extra_file, "newsrag", precision="auto", search_after=True)

    print("\n| step | chunks | wall s | chunks/s | index holds | peak RSS MB |\n|---|---|---|---|---|---|")
    for label, r in rows:
        speed = f"{r['chunks_per_s']:.1f}" if r["chunks"] else "–"
        print(f"| {label} | {r['chunks']:,} | {r['seconds']:.1f} | {speed} | {r['index_chunks']:,} | "
              f"{r['peak_rss_mb']:,} |")
    print(f"\nspeed-up over the plain write: {base['seconds'] / full['seconds']:.2f}x "
          f"({base['seconds']:.0f} s → {full['seconds']:.0f} s; model load {full['load_s']:.1f} s apart)")
    print(f"re-ingest unchanged: {again['seconds']:.1f} s = "
          f"{100 * again['seconds'] / full['seconds']:.1f}% of a full ingest")
    print(f"add {HELD_BACK} articles: {added['seconds']:.1f} s for {added['chunks']} chunks "
          f"({100 * added['seconds'] / full['seconds']:.1f}% of a full ingest); the first search after takes "
          f"{added['first_search_s']:.2f} s")
    print(f"search at {added['index_chunks']:,} chunks ({added['queries']} queries): dense p50 / p95 "
          f"{added['dense_ms_p50']:.0f} / {added['dense_ms_p95']:.0f} ms, keyword "
          f"{added['keyword_ms_p50']:.0f} / {added['keyword_ms_p95']:.0f} ms")


def step_plain(corpus: str, index: str) -> dict[str, Any]:
    """Chunk, embed and write through ``NewsIndex`` directly, whole articles 256 chunks at a time."""
    from rag import Article, Chunk, NewsAssistant
    from rag.indexing.chunking import Chunker
    from rag.sources.loaders import load

    started = time.perf_counter()
    assistant = NewsAssistant(index_dir=index, mode="extractive", embed_precision="float32")
    store = assistant.index  # the NewsIndex newsrag builds from these settings
    store.embed(["warm-up"])  # load the model before the clock starts
    chunker = Chunker.from_settings(assistant.settings)
    load_s = time.perf_counter() - started

    started, count = time.perf_counter(), 0
    batch: list[Chunk] = []

    def flush(chunks: list[Chunk]) -> None:
        store.write(chunks, store.embed([c.text for c in chunks]))
        chunks.clear()

    with store.writing():
        for article in load([corpus]):
            if isinstance(article, Article):
                chunks = chunker.split(article)
                if len(batch) + len(chunks) > 256 and batch:
                    flush(batch)
                batch.extend(chunks)
                count += len(chunks)
        if batch:
            flush(batch)
    seconds = time.perf_counter() - started
    return {"chunks": count, "seconds": seconds, "chunks_per_s": count / seconds, "load_s": load_s,
            "index_chunks": _holds(store, count)}


def _holds(store: Any, expected: int | None = None) -> int:
    """How many chunks the index holds; exits when a step wrote fewer than it says."""
    held = store.count()
    if expected is not None and held != expected:
        sys.exit(f"bench_ingest: the index holds {held} chunks, not the {expected} written")
    return held


def step_newsrag(corpus: str, index: str, precision: str, search_after: bool = False) -> dict[str, Any]:
    """``NewsAssistant.ingest`` into ``index``; with ``search_after``, then the search timings."""
    from rag import Article, NewsAssistant
    from rag.sources.loaders import load

    started = time.perf_counter()
    assistant = NewsAssistant(index_dir=index, mode="extractive", embed_precision=precision)
    assistant.embeddings.embed_documents(["warm-up"])  # load the model before the clock starts
    load_s = time.perf_counter() - started
    before = _holds(assistant.index) if (Path(index) / "chroma.sqlite3").is_file() else 0
    report = assistant.ingest([corpus], progress=False)
    result: dict[str, Any] = {
        "chunks": report.chunks_added, "seconds": report.seconds,
        "chunks_per_s": report.chunks_added / report.seconds, "load_s": load_s,
        "articles_unchanged": report.articles_unchanged, "precision": assistant.embeddings.precision,
        "index_chunks": _holds(assistant.index, before + report.chunks_added)}
    if search_after:
        started = time.perf_counter()
        assistant.search("What happened this week?")
        result["first_search_s"] = time.perf_counter() - started
        titles = [a.title for a in load([corpus]) if isinstance(a, Article) and a.title] or ["news"]
        for name, search in (("dense", assistant.index.search), ("keyword", assistant.index.keyword_search)):
            times = []
            for title in titles * max(1, 20 // len(titles)):
                started = time.perf_counter()
                search(title, 10)
                times.append((time.perf_counter() - started) * 1000)
            result.update({f"{name}_ms_p50": percentile(times, 50), f"{name}_ms_p95": percentile(times, 95)})
        result["queries"] = len(times)
    return result


STEPS: dict[str, Callable[..., dict[str, Any]]] = {"plain": step_plain, "newsrag": step_newsrag}

if __name__ == "__main__":
    main()
