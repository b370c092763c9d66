"""How much of what an answer needs survives the cut from retrieved chunks to what the answerer reads.

For each question of a dataset, the product's own retrieval (hybrid, the question's date as a soft hint, as
``newsrag eval`` asks) gives the top chunks; each way of cutting them to a word budget is then scored by the share of
key facts (open questions) or gold answers (quiz questions) left in the cut text:

- windows: ``rag.answering.windows.PassageFocuser`` (the best sentence of each chunk by the bi-encoder, grown by
  neighbours, 60 words a passage), what quiz answers read;
- sentences: ``rag.answering.key_points.KeyPointSelector`` (every sentence scored by the cross-encoder, chosen
  greedily with redundancy and article penalties), what open answers read;
- all chunks: the ceiling, with no cut.

    python -m eval.benchmarks.selection --dataset ../shared/benchmarks/rtqa-open-dev
    python -m eval.benchmarks.selection --dataset ../shared/benchmarks/rtqa-2022-dev --sample 100

It also times the selector (cross-encoder scoring of every candidate sentence), per question. Run it alone on the
machine: the timings are its figures.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from pathlib import Path

from eval.dataset import Question, load_dataset
from eval.harness import cached_index
from eval.scoring import answer_rank, facts_stated
from rag import Filters, Settings
from rag.answering.key_points import SENTENCE_TOKENS, KeyPointSelector
from rag.answering.windows import PassageFocuser
from rag.models.cross_encoder import load_cross_encoder

BUDGETS = (60, 120, 180, 240, 320)
WINDOW_WORDS = 60


def share(text: str, question: Question) -> float:
    if question.is_open:
        stated = facts_stated(text, question.key_facts)
        return sum(stated) / len(stated)
    return float(answer_rank([text], question.answer or "") is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--sample", type=int)
    parser.add_argument("--chunks", type=int, nargs="+", default=[10, 15, 20], help="chunks the selector reads")
    parser.add_argument("--redundancy", type=float, nargs="+", default=[0.6])
    parser.add_argument("--same-article", type=float, nargs="+", default=[1.0])
    parser.add_argument("--margin", type=float, nargs="+", default=[6.0])
    parser.add_argument("--untitled", action="store_true", help="also score sentences without their article's title")
    parser.add_argument("--cache", default="eval/.cache")
    args = parser.parse_args()

    dataset = load_dataset(args.dataset, sample=args.sample)
    questions = [q for q in dataset.questions if (q.is_open and q.answerable) or (not q.is_open and q.answer)]
    settings = Settings.load(mode="extractive")
    assistant, _ = cached_index(dataset, settings, Path(args.cache), progress=True)
    model = load_cross_encoder(SENTENCE_TOKENS)
    depth = max(args.chunks + [10])
    retrieved = [assistant.search(q.question, depth, Filters(around=q.as_of)) for q in questions]

    rows: dict[str, list[float]] = {}

    def record(name: str, values: list[float]) -> None:
        rows[name] = values

    record("all 10 chunks", [statistics.mean(share(" ".join(p.text for p in r[:10]), q) for q, r in
                                             zip(questions, retrieved))])
    record("all 20 chunks", [statistics.mean(share(" ".join(p.text for p in r[:20]), q) for q, r in
                                             zip(questions, retrieved))])
    windows = []
    for budget in BUDGETS:
        focus = PassageFocuser(assistant.embeddings, max(1, budget // WINDOW_WORDS), WINDOW_WORDS)
        windows.append(statistics.mean(share(" ".join(p.text for p in focus(q.question, r[:10])), q)
                                       for q, r in zip(questions, retrieved)))
    record("windows (bi-encoder, 60-word windows of the top 10)", windows)

    for chunks, titles in itertools.product(args.chunks, [True, False] if args.untitled else [True]):
        scored = []
        timings, counts = [], []
        for q, r in zip(questions, retrieved):
            selector = KeyPointSelector(model, max_points=100, max_words=10_000, max_chunks=chunks, titles=titles)
            candidates = selector.candidates(r)
            started = time.perf_counter()
            scores = selector.scores(q.question, candidates)
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(candidates))
            scored.append((candidates, scores))
        for redundancy, same, margin in itertools.product(args.redundancy, args.same_article, args.margin):
            shares = []
            for budget in BUDGETS:
                total = []
                for q, (candidates, scores) in zip(questions, scored):
                    selector = KeyPointSelector(model, max_points=100, max_words=budget, max_chunks=chunks,
                                                redundancy=redundancy, same_article=same, margin=margin)
                    total.append(share(" ".join(p.text for p in selector.choose(candidates, scores)), q))
                shares.append(statistics.mean(total))
            record(f"sentences (cross-encoder{'' if titles else ', no title'}) of the top {chunks}, redundancy "
                   f"{redundancy}, same article {same}, margin {margin}", shares)
        ms = sorted(timings)
        print(f"top {chunks}{'' if titles else ' (no title)'}: {statistics.median(counts):.0f} candidate sentences "
              f"(max {max(counts)}), scoring "
              f"p50 {statistics.median(ms):.0f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms")

    kind = "key facts" if questions[0].is_open else "answers"
    print(f"\n{dataset.name}: {len(questions)} questions; share of {kind} in the context")
    print("| cut | " + " | ".join(f"{b} w" for b in BUDGETS) + " |")
    print("|---|" + "---|" * len(BUDGETS))
    for name, values in rows.items():
        cells = [f"{v:.3f}" for v in values] if len(values) > 1 else [f"{values[0]:.3f} (no cut)"] + [""] * (
            len(BUDGETS) - 1)
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
