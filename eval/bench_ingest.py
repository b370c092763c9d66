"""Ingest speed, measured side by side in one run on this machine:

    python -m eval.bench_ingest --corpus ../shared/benchmarks/rtqa-2022-dev/corpus.jsonl [--limit N]

1. **baseline**: the same articles and chunks, embedded the plain way (sentence-transformers ``encode``, float32,
   batches of 32) and added to Chroma 256 chunks at a time: what a LangChain tutorial does.
2. **newsrag** (``NewsAssistant.ingest``, default settings) into a fresh index, at float32 and at the default
   precision (bfloat16 where the CPU computes it natively): repeated texts embedded once, batches of ~1,024 chunks
   sorted by length, vectors written straight to Chroma.
3. **re-ingest** the unchanged corpus into that index, and **add** 10 articles held back from it (plus the first
   search after).

Scale (an index of a million chunks, searched and added to) is ``eval/bench_scale.py``.

Every step runs in its own process, so each peak RSS is its own; models are loaded before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
        result = STEPS[args.step](**json.loads(args.args))
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print("RESULT " + json.dumps(result))
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
        out = subprocess.run([sys.executable, "-m", "eval.bench_ingest", "--corpus", args.corpus, "--step", step,
                              "--args", json.dumps(kwargs)], capture_output=True, text=True)
        found = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if out.returncode or not found:
            sys.exit(f"bench_ingest: step {label!r} failed:\n{out.stderr[-3000:]}")
        result = json.loads(found[-1][len("RESULT "):])
        rows.append((label, result))
        print(f"  {result}", flush=True)
        return result

    base = run("baseline: sentence-transformers float32 → Chroma", "baseline", corpus=str(main_file), index=str(work / "baseline"))
    run("newsrag ingest, float32", "newsrag", corpus=str(main_file), index=str(work / "newsrag-float32"), precision="float32")
    full = run("newsrag ingest (default)", "newsrag", corpus=str(main_file), index=str(work / "newsrag"), precision="auto")
    again = run("re-ingest, unchanged", "newsrag", corpus=str(main_file), index=str(work / "newsrag"), precision="auto")
    added = run(f"add {HELD_BACK} articles", "newsrag", corpus=str(extra_file), index=str(work / "newsrag"),
                precision="auto", search_after=True)

    print("\n| step | chunks | wall s | chunks/s | peak RSS MB |\n|---|---|---|---|---|")
    for label, r in rows:
        if "chunks" in r:
            print(f"| {label} | {r['chunks']:,} | {r['seconds']:.1f} | {r['chunks_per_s']:.1f} | {r['peak_rss_mb']:,} |")
    print(f"\nspeed-up over the baseline: {base['seconds'] / full['seconds']:.2f}x "
          f"({base['seconds']:.0f} s → {full['seconds']:.0f} s; model load {full['load_s']:.1f} s apart)")
    print(f"re-ingest unchanged: {again['seconds']:.1f} s = {100 * again['seconds'] / full['seconds']:.1f}% of a full ingest")
    print(f"add {HELD_BACK} articles: {added['seconds']:.1f} s for {added['chunks']} chunks "
          f"({100 * added['seconds'] / full['seconds']:.1f}% of a full ingest); the first search after takes "
          f"{added['first_search_s']:.1f} s")


def step_baseline(corpus: str, index: str) -> dict[str, Any]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from sentence_transformers import SentenceTransformer

    from rag.articles import Article
    from rag.chunking import Chunker
    from rag.embeddings import resolve_model_path
    from rag.loaders import load

    os.environ["HF_HUB_OFFLINE"] = "1"
    started = time.perf_counter()
    model = SentenceTransformer(str(resolve_model_path("all-MiniLM-L6-v2")), device="cpu", local_files_only=True)
    collection = chromadb.PersistentClient(path=index, settings=ChromaSettings(anonymized_telemetry=False)) \
        .get_or_create_collection("news", embedding_function=None, metadata={"hnsw:space": "cosine"})
    chunker = Chunker()
    load_s = time.perf_counter() - started

    started, count, batch = time.perf_counter(), 0, []

    def flush() -> None:
        vectors = model.encode([c.text for c in batch], batch_size=32, normalize_embeddings=True)
        collection.add(ids=[c.id for c in batch], embeddings=vectors, documents=[c.text for c in batch],
                       metadatas=[{"title": c.article.title, "source": c.article.source, "url": c.article.url,
                                   "ordinal": c.ordinal} for c in batch])
        batch.clear()

    for article in load([corpus]):
        if isinstance(article, Article):
            for chunk in chunker.split(article):
                batch.append(chunk)
                count += 1
                if len(batch) == 256:
                    flush()
    if batch:
        flush()
    seconds = time.perf_counter() - started
    return {"chunks": count, "seconds": seconds, "chunks_per_s": count / seconds, "load_s": load_s}


def step_newsrag(corpus: str, index: str, precision: str, search_after: bool = False) -> dict[str, Any]:
    from rag.assistant import NewsAssistant

    started = time.perf_counter()
    assistant = NewsAssistant(index_dir=index, mode="extractive", embed_precision=precision)
    assistant.embeddings.embed_query("warm-up")  # load the model before the clock starts
    load_s = time.perf_counter() - started
    report = assistant.ingest([corpus], progress=False)
    result = {"chunks": report.chunks_added, "seconds": report.seconds,
              "chunks_per_s": report.chunks_added / report.seconds, "load_s": load_s,
              "articles_unchanged": report.articles_unchanged, "precision": assistant.embeddings.precision}
    if search_after:
        started = time.perf_counter()
        assistant.search("What happened this week?")
        result["first_search_s"] = time.perf_counter() - started
    return result


STEPS = {"baseline": step_baseline, "newsrag": step_newsrag}

if __name__ == "__main__":
    main()
