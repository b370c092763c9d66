"""Compare retrieval setups side by side on one dataset, in one run: BM25, dense, hybrid (RRF) and hybrid plus
cross-encoder reranking, each scored on answer recall@1/5/10, gold-article hit@5, MRR and latency.

    python -m eval.benchmarks.retrieval --dataset ../shared/benchmarks/rtqa-2022-dev [--sample N] [--dates soft] \
        [--embedder M]

It uses the eval harness's cached index (built on first use) and its scorers. The first-stage rankings are read
once per question and shared by the setups built on them, and each setup's latency covers only its own work
(plus the rankings it needs), so the numbers add up. ``--dates`` says how each question's date is used: not at
all (off), as a soft preference for articles near it (soft, as ``newsrag eval`` does by default), or as a limit
that also ignores later articles (hard); every setup ranks with the same preference.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path

from eval.dataset import load_dataset
from eval.harness import RETRIEVAL_DEPTH, cached_index, ranks
from eval.metrics import retrieval_scores
from eval.scoring import percentile
from rag import Filters, Passage, Settings
from rag.config import EMBED_PRECISIONS
from rag.retrieval.retriever import Recency, fuse

Ranking = list[Passage]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--sample", type=int, help="a random N questions (the same N every run)")
    parser.add_argument("--dates", choices=("off", "soft", "hard"), default="soft",
                        help="how each question's date is used")
    parser.add_argument("--depth", type=int, default=30, help="candidates the cross-encoder reranks")
    parser.add_argument("--rerank-tokens", type=int, default=256)
    parser.add_argument("--embedder", default=Settings.embedding_model,
                        help="embedding model (its index is built once)")
    parser.add_argument("--precision", choices=EMBED_PRECISIONS, default="auto",
                        help="embedder precision (its index is built once)")
    parser.add_argument("--cache", default="eval/.cache")
    args = parser.parse_args()

    from tqdm import tqdm

    from rag.models.cross_encoder import load_cross_encoder
    from rag.retrieval.rerank import rerank

    dataset = load_dataset(args.dataset, sample=args.sample)
    settings = Settings.load(mode="extractive", embedding_model=args.embedder, embed_precision=args.precision)
    assistant, _ = cached_index(dataset, settings, Path(args.cache), sys.stderr.isatty())
    index = assistant.index
    model = load_cross_encoder(args.rerank_tokens)
    depth = max(args.depth, RETRIEVAL_DEPTH)

    def timed(step: Callable[[], Ranking]) -> tuple[Ranking, float]:
        started = time.perf_counter()
        return step(), (time.perf_counter() - started) * 1000

    rows: dict[str, list[tuple[int | None, int | None, float]]] = {}
    for question in tqdm(dataset.questions, unit="q", disable=not sys.stderr.isatty()):
        filters = Filters(as_of=question.as_of) if args.dates == "hard" else None
        prefer = Recency(question.as_of, settings.recency_half_life, settings.recency_weight) \
            if args.dates != "off" and question.as_of and settings.recency_weight else None
        text = question.question
        dense, dense_ms = timed(functools.partial(index.search, text, depth, filters))
        bm25, bm25_ms = timed(functools.partial(index.keyword_search, text, depth, filters))
        hybrid, fuse_ms = timed(functools.partial(fuse, [dense, bm25], prefer=prefer))
        reranked, rerank_ms = timed(lambda: fuse([rerank(model, text, hybrid[: args.depth])], prefer=prefer))  # noqa: B023
        both_ms = dense_ms + bm25_ms + fuse_ms
        for name, ranking, ms in (("BM25", fuse([bm25], prefer=prefer), bm25_ms),
                                  ("dense", fuse([dense], prefer=prefer), dense_ms),
                                  ("hybrid (RRF)", hybrid, both_ms),
                                  (f"hybrid + rerank top {args.depth}", reranked, both_ms + rerank_ms)):
            rows.setdefault(name, []).append((*ranks(question, ranking[:RETRIEVAL_DEPTH]), ms))
        rows.setdefault("(rerank alone)", []).append((None, None, rerank_ms))

    print(f"{dataset.name}: {len(dataset.questions)} questions, question dates {args.dates}, "
          f"embedder {assistant.settings.embedding_model} ({assistant.embeddings.precision}), "
          f"rerank {args.depth} pairs of {args.rerank_tokens} tokens\n")
    print("| setup | answer recall@1 | @5 | @10 | hit@5 | MRR | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|")
    answerable = [q.answer is not None for q in dataset.questions]
    with_gold = [bool(q.gold_urls) for q in dataset.questions]
    for name, results in rows.items():
        latencies = [r[2] for r in results]
        if name.startswith("("):
            print(f"| {name} | | | | | | {percentile(latencies, 50):.0f} | {percentile(latencies, 95):.0f} |")
            continue
        got = retrieval_scores([r[0] for r, g in zip(results, with_gold) if g],
                               [r[1] for r, a in zip(results, answerable) if a])
        recall = " | ".join(f"{got[f'answer_recall@{k}']:.3f}" for k in (1, 5, 10))
        print(f"| {name} | {recall} | {got['hit@5']:.3f} | {got['mrr']:.3f} | "
              f"{percentile(latencies, 50):.0f} | {percentile(latencies, 95):.0f} |")


if __name__ == "__main__":
    main()
