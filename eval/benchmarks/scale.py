"""newsrag at scale, through its own code paths: ``NewsAssistant.ingest`` builds the index (placing every article in
a story), ``search`` (hybrid, the default) and ``ask`` answer from it, ``brief`` lists each question week's biggest
stories, and an incremental ingest adds 10 articles to it (placing each costs "place"), at several sizes.

    python -m eval.benchmarks.scale --corpus ../shared/benchmarks/rtqa-2022-dev/corpus.jsonl  # --sizes: 50k,200k,1M

Each size has its own index, grown by whole copies of the corpus (``copy_lines`` in ``eval/benchmarks/common.py``:
each article again under a new URL and a later date) until it holds at least that many chunks, and kept in
``--work``: a rerun only measures. A fresh process opens each index and measures, so each peak RSS is that of a
process serving it.

The embedder is not the subject here: a cheap hashed-words embedder (``HashedEmbeddings`` in ``common.py``, 384
dimensions like MiniLM, so Chroma's vector index is as big) stands in for the model, which would take hours to embed a
million chunks on 2 cores. Answers are extractive (no chat model).
"Records read" counts what Chroma's ``get`` returned during a step: a step that re-read the whole store would
show the index's size there.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from eval.benchmarks.common import HashedEmbeddings, copy_lines, peak_rss_mb, run_step, step_result

ADDED = 10  # articles in the incremental ingest
ASKED = 50  # questions answered (extractive) at each size; all are searched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="a .jsonl corpus; questions.jsonl beside it gives the queries")
    parser.add_argument("--sizes", default="50000,200000,1000000", help="chunk counts to measure at, comma-separated")
    parser.add_argument("--work", default="eval/.cache/scale",
                        help="where the index and the copies go (kept for reruns)")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # internal: run one step in this process, print its JSON
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps: dict[str, Callable[..., dict[str, Any]]] = {"build": step_build, "measure": step_measure}
        step_result(steps[args.step](**json.loads(args.args)))
        return

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    questions = Path(args.corpus).with_name("questions.jsonl")
    rows = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        common = {"corpus": args.corpus, "index": str(work / f"index-{size}"), "copies": str(work / "copies")}
        built = run("build", size=size, **common)
        measured = run("measure", questions=str(questions), **common)
        rows.append((size, built, measured))

    print("\n| chunks | articles | build (peak RSS) | search p50 / p95 | first search | ask p50 / p95 "
          f"| add {ADDED} articles | of which embedding | place one article | brief p50 / p95 | records read: search / "
          "add | peak RSS serving | index on disk (keywords) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for _, b, m in rows:
        print(f"| {m['chunks']:,} | {m['articles']:,} | {b['seconds']:.0f} s ({b['chunks_per_s']:.0f} chunks/s, "
              f"{b['build_rss_mb']:,} MB) | {m['search_p50_ms']:.0f} / {m['search_p95_ms']:.0f} ms | "
              f"{m['first_search_ms']:.0f} ms | {m['ask_p50_ms']:.0f} / {m['ask_p95_ms']:.0f} ms | "
              f"{m['add_s']:.2f} s ({m['add_chunks']} chunks) | {m['add_embed_s']:.2f} s | {m['place_ms']:.1f} ms | "
              f"{m['brief_p50_ms']:.0f} / {m['brief_p95_ms']:.0f} ms | "
              f"{m['search_records_read']:,} / {m['add_records_read']:,} | {m['peak_rss_mb']:,} MB | "
              f"{m['disk_mb']:,} MB ({m['keywords_mb']:,} MB) |")


def run(step: str, **kwargs: Any) -> dict[str, Any]:
    print(f"… {step} {kwargs.get('size', '')}", flush=True)
    result = run_step("eval.benchmarks.scale", kwargs["corpus"], step, kwargs, f"bench_scale: step {step!r} failed")
    print(f"  {result}", flush=True)
    return result


def assistant_for(index: str) -> Any:
    from rag import NewsAssistant

    return NewsAssistant(index_dir=index, mode="extractive", embeddings=HashedEmbeddings(384))


def step_build(corpus: str, index: str, copies: str, size: int) -> dict[str, Any]:
    """Ingest whole copies of the corpus until the index holds at least ``size`` chunks."""
    assistant = assistant_for(index)
    folder = Path(copies)
    folder.mkdir(parents=True, exist_ok=True)
    started, chunks, copy = time.perf_counter(), 0, 0
    while assistant.index.count() < size:
        file = folder / f"copy-{copy}.jsonl"
        if not file.is_file():
            file.write_text("\n".join(copy_lines(Path(corpus), copy)) + "\n", encoding="utf-8")
        chunks += assistant.ingest([file], progress=False).chunks_added
        copy += 1
    log = Path(index) / "build.json"  # a rerun that builds nothing reports the build that made the index
    if chunks:
        seconds = time.perf_counter() - started
        peak = peak_rss_mb()
        log.write_text(json.dumps({"chunks_added": chunks, "seconds": seconds, "chunks_per_s": chunks / seconds,
                                   "build_rss_mb": peak}))
    return json.loads(log.read_text())


def step_measure(corpus: str, index: str, copies: str, questions: str) -> dict[str, Any]:
    import chromadb.api.models.Collection as chroma_collection

    from eval.dataset import load_dataset
    from eval.scoring import percentile
    from rag import Filters
    from rag.stores.chroma import NewsIndex

    records_read = [0]
    original_get = chroma_collection.Collection.get

    def counting_get(self: Any, *args: Any, **kwargs: Any) -> Any:
        got = original_get(self, *args, **kwargs)
        records_read[0] += len(got["ids"])
        return got

    chroma_collection.Collection.get = counting_get  # type: ignore[method-assign]
    dataset = load_dataset(Path(questions).parent)
    assistant = assistant_for(index)
    chunks = assistant.index.count()

    started = time.perf_counter()
    assistant.search("What happened this week?")  # the first search loads the vector index from disk
    first_ms = (time.perf_counter() - started) * 1000
    records_read[0] = 0
    search_ms = []
    for question in dataset.questions:
        started = time.perf_counter()
        assistant.search(question.question, filters=Filters(around=question.as_of))
        search_ms.append((time.perf_counter() - started) * 1000)
    search_records = records_read[0]
    ask_ms = []
    for question in dataset.questions[:ASKED]:
        started = time.perf_counter()
        assistant.ask(question.question, filters=Filters(around=question.as_of))
        ask_ms.append((time.perf_counter() - started) * 1000)

    brief_ms = []
    for as_of in sorted({q.as_of for q in dataset.questions if q.as_of}):
        started = time.perf_counter()
        assistant.brief(since=as_of - timedelta(days=6), until=as_of)
        brief_ms.append((time.perf_counter() - started) * 1000)

    # ten articles the index has never seen: a copy number no build reaches, renumbered at every size
    added = Path(copies) / f"added-{chunks}.jsonl"
    added.write_text("\n".join(list(copy_lines(Path(corpus), 1000 + chunks % 997))[:ADDED]) + "\n", encoding="utf-8")
    embed_s = [0.0]
    original_embed = NewsIndex.embed

    def timed_embed(self: Any, texts: Any) -> Any:
        started = time.perf_counter()
        try:
            return original_embed(self, texts)
        finally:
            embed_s[0] += time.perf_counter() - started

    NewsIndex.embed = timed_embed  # type: ignore[method-assign]
    records_read[0] = 0
    report = assistant.ingest([added], progress=False)
    add_records = records_read[0]
    assistant.remove([str(added)])  # leave the index as built, for the next size

    folder = Path(index)
    return {
        "chunks": chunks, "articles": assistant.stats().articles,
        "first_search_ms": first_ms, "search_p50_ms": percentile(search_ms, 50),
        "search_p95_ms": percentile(search_ms, 95),
        "search_records_read": search_records, "queries": len(search_ms),
        "ask_p50_ms": percentile(ask_ms, 50), "ask_p95_ms": percentile(ask_ms, 95),
        "add_s": report.seconds, "add_chunks": report.chunks_added, "add_embed_s": embed_s[0],
        "add_records_read": add_records,
        "place_ms": report.story_seconds / max(1, report.articles_added + report.articles_updated) * 1000,
        "brief_p50_ms": percentile(brief_ms, 50), "brief_p95_ms": percentile(brief_ms, 95),
        "disk_mb": round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20),
        "keywords_mb": round(sum(f.stat().st_size for f in folder.glob("keywords.sqlite3*")) / 2**20),
    }


if __name__ == "__main__":
    main()
