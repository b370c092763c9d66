"""Soak: many questions, one after another, in one process through ``NewsAssistant.stream`` (what the chat, the UI
and the eval do), printing the process's resident memory every 25 answers. A server that answers all day must not
grow: after warm-up (the first 50) RSS should stay within 5%.

    python -m eval.benchmarks.soak                  # 300 questions of rtqa-2022-dev, the configured mode
    python -m eval.benchmarks.soak --dataset ../shared/benchmarks/rtqa-open-dev --questions 100 --cache /work/evalcache

Questions repeat in order when the set has fewer than ``--questions``. The corpus index is the eval's cached one.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from eval.benchmarks.common import ROOT, rss_mb, status_mb
from eval.dataset import load_dataset
from eval.harness import cached_index
from rag import ANSWER_MODES, Answer, Filters, Settings

EVERY = 25
WARM_UP = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared" / "benchmarks" / "rtqa-2022-dev"))
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--mode", choices=ANSWER_MODES, help="answer mode (default: the configured one)")
    parser.add_argument("--cache", default="eval/.cache", help="where corpus indexes are cached (as newsrag eval)")
    args = parser.parse_args()

    dataset = load_dataset(args.dataset)
    settings = Settings.load()
    settings = replace(settings, mode=args.mode or settings.mode)
    assistant, _ = cached_index(dataset, settings, Path(args.cache), progress=False)
    print(f"soak: {args.questions} questions from {dataset.name} ({len(dataset.questions)} distinct), "
          f"mode {settings.mode}; RSS at start {rss_mb():,.0f} MB", flush=True)

    rss: dict[int, float] = {}
    seconds: list[float] = []
    for n in range(1, args.questions + 1):
        question = dataset.questions[(n - 1) % len(dataset.questions)]
        started = time.perf_counter()
        answer = None
        for event in assistant.stream(question.question, filters=Filters(around=question.as_of)):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        seconds.append(time.perf_counter() - started)
        if n % EVERY == 0:
            rss[n] = rss_mb()
            window = seconds[-EVERY:]
            anon, files = (status_mb(kind) for kind in ("RssAnon", "RssFile"))
            print(f"question {n:>4}: RSS {rss[n]:,.0f} MB (heap {anon:,.0f}, files {files:,.0f}); "
                  f"last {EVERY} answers p50 {statistics.median(window):.1f} s, max {max(window):.1f} s", flush=True)
    if WARM_UP in rss and len(rss) > WARM_UP // EVERY:
        last = max(rss)
        growth = (rss[last] - rss[WARM_UP]) / rss[WARM_UP] * 100
        print(f"RSS from question {WARM_UP} to {last}: {rss[WARM_UP]:,.0f} -> {rss[last]:,.0f} MB "
              f"({growth:+.1f}%; flat means under 5%)")


if __name__ == "__main__":
    main()
