"""Stories' speed through the product: the briefing's latency over every week of a corpus, and rebuilding an
index's stories from its vectors (``newsrag stories --rebuild``). Ingest's own share for placing articles is in
every ``IngestReport.story_seconds`` (``newsrag eval`` on a story set reports it).

    python -m eval.benchmarks.stories --dataset ../shared/benchmarks/rtqa-2022-dev [--rebuild] [--runs 3]

It uses the eval harness's cached index of the dataset's corpus (built on first use, as ``newsrag eval`` does).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from eval.dataset import load_dataset
from eval.harness import cached_index
from rag import NewsAssistant, Settings


def brief_latencies(assistant: NewsAssistant, runs: int) -> list[float]:
    """Seconds per briefing of each 7-day window ending on each day the corpus has articles, ``runs`` times."""
    stories = assistant.stories(limit=1_000_000)
    days = sorted({a.published_at for s in stories for a in s.articles if a.published_at})
    seconds = []
    for _ in range(runs):
        for day in days:
            started = time.perf_counter()
            assistant.brief(since=day - timedelta(days=6), until=day)
            seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--cache", default="eval/.cache")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="also time rebuilding the stories")
    args = parser.parse_args()
    settings = Settings.load(mode="extractive")
    assistant, _ = cached_index(load_dataset(args.dataset), settings, Path(args.cache), progress=False)
    if args.rebuild:
        started = time.perf_counter()
        placed = assistant.rebuild_stories()
        print(f"rebuild: {placed} articles in {time.perf_counter() - started:.1f} s")
    assistant.brief()  # the first call opens the stores
    seconds = sorted(brief_latencies(assistant, args.runs))
    p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
    print(f"brief: {len(seconds)} briefings, p50 {statistics.median(seconds):.3f} s, p95 {p95:.3f} s, "
          f"max {seconds[-1]:.3f} s")


if __name__ == "__main__":
    main()
