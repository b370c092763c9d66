"""What "the latest means now" does to retrieval, through newsrag's own retriever (``NewsAssistant.search``):

1. with each question's date given (as ``newsrag eval`` asks them, ``--dates soft``): the figures with the "latest"
   preference on and off, which must be equal (a given day always wins);
2. with no date given, for the questions whose wording asks about now ("latest", "this week", "current" …): the
   same figures with the preference on and off, to see what it does when nobody passes a date.

    python -m eval.benchmarks.latest --dataset ../shared/benchmarks/rtqa-2022-dev [--limit N]

It uses the eval harness's cached index of the dataset's corpus (built on first use, as ``newsrag eval`` does).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

from eval.dataset import Question, load_dataset
from eval.harness import RETRIEVAL_DEPTH, cached_index, ranks
from eval.scoring import hit_at, mean, reciprocal_rank
from rag import Filters, NewsAssistant, Settings
from rag.question import asks_for_latest


def figures(assistant: NewsAssistant, questions: Sequence[Question], dated: bool) -> dict[str, float | None]:
    gold, answer = [], []
    for question in questions:
        filters = Filters(around=question.as_of) if dated else None
        passages = assistant.search(question.question, RETRIEVAL_DEPTH, filters)
        found = ranks(question, passages)
        if question.gold_urls:
            gold.append(found[0])
        if question.answer:
            answer.append(found[1])
    return {"answer recall@1": mean([hit_at(r, 1) for r in answer]),
            "answer recall@5": mean([hit_at(r, 5) for r in answer]),
            "gold hit@5": mean([hit_at(r, 5) for r in gold]), "gold MRR": mean([reciprocal_rank(r) for r in gold]),
            "questions": len(questions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--cache", default="eval/.cache")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    questions = list(dataset.questions)[: args.limit]
    assistant, _ = cached_index(dataset, Settings.load(mode="extractive"), Path(args.cache), progress=True)
    asking_now = [q for q in questions if asks_for_latest(q.question)]
    rows = []
    for label, subset, dated in (("all, date given", questions, True),
                                 ("asks about now, no date", asking_now, False)):
        on = figures(assistant, subset, dated)
        with mock.patch("rag.retrieval.retriever.asks_for_latest", return_value=False):  # where the retriever reads it
            off = figures(assistant, subset, dated)
        rows.append((label, on, off))
    print(f"{dataset.name}: {len(questions)} questions, {len(asking_now)} ask about now\n")
    print("| questions | n | measure | latest preference off | on |\n|---|---:|---|---:|---:|")
    for label, on, off in rows:
        for measure in ("answer recall@1", "answer recall@5", "gold hit@5", "gold MRR"):
            def show(value: float | None) -> str:
                return "–" if value is None else f"{value:.3f}"
            print(f"| {label} | {on['questions']} | {measure} | {show(off[measure])} | {show(on[measure])} |")


if __name__ == "__main__":
    main()
