"""Run a dataset through the assistant and score it: ``run_eval(dataset_dir, out_dir) -> report dict``.

The corpus index is cached by the corpus's content hash (and the settings that shape an index), so a second run
embeds nothing. Retrieval is scored on the retriever's top-10 ranking (no relevance floor); answers on what the
assistant actually says.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from eval.dataset import Dataset, Question, load_dataset
from eval.scoring import (answer_rank, citation_precision, exact_match, gold_rank, hit_at, mean, percentile,
                          reciprocal_rank, token_f1)
from rag.articles import Answer, Filters
from rag.assistant import NewsAssistant
from rag.config import Settings
from rag.embeddings import resolve_precision

RETRIEVAL_DEPTH = 10
INDEX_FORMAT = 2  # bump when a code change alters what an index holds, so cached indexes are rebuilt
# How a question's date is used: "soft" ranks articles near it higher (Filters.around), "hard" also ignores later
# articles (Filters.as_of). Answers use one; retrieval is scored under both.
DATE_USES = ("soft", "hard")


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Answer
    gold_rank: int | None
    answer_rank: int | None
    retrieval_ms: float
    answer_ms: float
    first_token_ms: float | None
    top_score: float | None = None  # similarity of the best passage: where the refusal threshold falls
    other_ranks: tuple[int | None, int | None] = (None, None)  # (gold, answer) rank with the other DATE_USES entry

    @property
    def em(self) -> float | None:
        return None if self.question.answer is None else exact_match(self.answer.short_answer, self.question.answer)

    @property
    def f1(self) -> float | None:
        return None if self.question.answer is None else token_f1(self.answer.short_answer, self.question.answer)

    @property
    def cited_urls(self) -> list[str]:
        return [c.url for c in self.answer.citations]


def run_eval(dataset_dir: str | Path, out_dir: str | Path | None = None, limit: int | None = None,
             sample: int | None = None, mode: str | None = None, cache_dir: str | Path = "eval/.cache", progress: bool | None = None,
             settings: Settings | None = None, dates: str = "soft") -> dict[str, Any]:
    """Evaluate, write report.json / report.md / questions.csv / plots into ``out_dir``, return the report.
    ``dates`` says how answers use each question's date (``DATE_USES``)."""
    from tqdm import tqdm

    from eval.report import write_report

    dataset = load_dataset(dataset_dir, limit=limit, sample=sample)
    settings = settings or Settings.load()
    settings = replace(settings, mode=mode or settings.mode)
    show = sys.stderr.isatty() if progress is None else progress
    assistant, ingest_speed = _cached_index(dataset, settings, Path(cache_dir), show)

    load_s = _load_chat_model(assistant)
    results = []
    bar = tqdm(dataset.questions, desc=f"eval {dataset.name}", unit="q", disable=not show, dynamic_ncols=True)
    for question in bar:
        results.append(_ask(assistant, question, dates))
        scored = [r.f1 for r in results if r.f1 is not None]
        if scored:
            bar.set_postfix(f1=f"{sum(scored) / len(scored):.3f}")
    bar.close()

    report = summarize(dataset, settings.mode, results, ingest_speed, load_s, dates)
    write_report(report, results, Path(out_dir or Path("eval/reports") / dataset.name))
    return report


def _cached_index(dataset: Dataset, settings: Settings, cache_dir: Path, progress: bool) -> tuple[NewsAssistant, float | None]:
    digest = hashlib.sha256()
    with dataset.corpus.open("rb") as corpus:
        for block in iter(lambda: corpus.read(1 << 20), b""):
            digest.update(block)
    precision = resolve_precision(settings.embedding_model, settings.embed_precision)
    digest.update(f"{INDEX_FORMAT}|{settings.embedding_model}|{precision}|{settings.chunk_tokens}|{settings.chunk_overlap}".encode())
    index_dir = cache_dir / f"{dataset.name}-{digest.hexdigest()[:16]}"
    marker = index_dir / "ingest.json"
    assistant = NewsAssistant(settings=replace(settings, index_dir=index_dir))
    if marker.is_file():
        return assistant, json.loads(marker.read_text())["chunks_per_second"]
    assistant.embeddings.embed_query("warm-up")  # load the model first: chunks/s should measure ingest, not loading
    report = assistant.ingest([dataset.corpus], progress=progress)  # resumes where an interrupted build stopped
    speed = round(report.chunks_per_second, 1) if report.chunks_added else None
    marker.write_text(json.dumps({"chunks_per_second": speed, "chunks": report.chunks_added,
                                  "seconds": round(report.seconds, 1), "problems": [str(p) for p in report.problems]}))
    return assistant, speed


def _load_chat_model(assistant: NewsAssistant) -> float | None:
    """Load the chat model before the first question (its load time is reported apart from answer latency)."""
    from rag.llm import LocalChatModel, load_seconds

    model = assistant.chat_model
    return round(load_seconds(model), 2) if isinstance(model, LocalChatModel) else None


def _ask(assistant: NewsAssistant, question: Question, dates: str) -> QuestionResult:
    uses = {"soft": Filters(around=question.as_of), "hard": Filters(as_of=question.as_of)}
    filters = uses.pop(dates)
    started = time.perf_counter()
    ranked = assistant.search(question.question, RETRIEVAL_DEPTH, filters)
    retrieval_ms = (time.perf_counter() - started) * 1000
    [other] = uses.values()
    other_ranked = assistant.search(question.question, RETRIEVAL_DEPTH, other)

    started, first_token_ms, answer = time.perf_counter(), None, None
    for event in assistant.stream(question.question, filters=filters):
        if isinstance(event, str) and first_token_ms is None:
            first_token_ms = (time.perf_counter() - started) * 1000
        elif isinstance(event, Answer):
            answer = event
    assert answer is not None
    gold, found = ranks(question, ranked)
    return QuestionResult(
        question=question, answer=answer, gold_rank=gold, answer_rank=found,
        retrieval_ms=retrieval_ms, answer_ms=(time.perf_counter() - started) * 1000, first_token_ms=first_token_ms,
        top_score=round(max(p.score for p in ranked), 4) if ranked else None,
        other_ranks=ranks(question, other_ranked),
    )


def ranks(question: Question, ranked: list) -> tuple[int | None, int | None]:
    """(gold article rank, answer string rank) in a ranking, None where missing or not measurable."""
    return (gold_rank([p.url for p in ranked], question.gold_urls) if question.gold_urls else None,
            answer_rank([p.text for p in ranked], question.answer) if question.answer else None)


def retrieval_scores(gold: list[int | None], answer: list[int | None]) -> dict[str, float | None]:
    """hit@1/5/10 and MRR over the gold-article ranks of the questions that have gold URLs, answer recall@1/5/10
    over the answer ranks of the answerable ones; rounded to 3 places."""
    found = {f"hit@{k}": _r3(mean([hit_at(rank, k) for rank in gold])) for k in (1, 5, 10)}
    found["mrr"] = _r3(mean([reciprocal_rank(rank) for rank in gold]))
    found.update({f"answer_recall@{k}": _r3(mean([hit_at(rank, k) for rank in answer])) for k in (1, 5, 10)})
    return found


def _r3(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def summarize(dataset: Dataset, mode: str, results: list[QuestionResult], ingest_speed: float | None,
              model_load_s: float | None = None, dates: str = "soft") -> dict[str, Any]:
    """The report, with exactly the keys other tools read; null where a number cannot be measured."""
    with_gold = [r for r in results if r.question.gold_urls]
    answerable = [r for r in results if r.question.answer is not None]

    def ms(values: list[float], q: float) -> float | None:
        value = percentile(values, q)
        return None if value is None else round(value, 1)

    retrieval = {"dates": dates, **retrieval_scores([r.gold_rank for r in with_gold], [r.answer_rank for r in answerable])}
    [other] = [use for use in DATE_USES if use != dates]
    retrieval["other_dates"] = {"dates": other, **retrieval_scores([r.other_ranks[0] for r in with_gold],
                                                                   [r.other_ranks[1] for r in answerable])}
    baselines = {}
    for name, predictions in dataset.baselines.items():
        baselines[name] = {
            "em": _r3(mean([exact_match(predictions.get(r.question.id, ""), r.question.answer) for r in answerable])),
            "f1": _r3(mean([token_f1(predictions.get(r.question.id, ""), r.question.answer) for r in answerable])),
        }
    first_tokens = [r.first_token_ms for r in results if r.first_token_ms is not None]
    return {
        "dataset": dataset.name,
        "n_questions": len(results),
        "mode": mode,
        "retrieval": retrieval,
        "answers": {
            "em": _r3(mean([r.em for r in answerable])),
            "f1": _r3(mean([r.f1 for r in answerable])),
            "context_recall": _r3(mean([float(answer_rank([p.text for p in r.answer.passages], r.question.answer)
                                             is not None) for r in answerable])),
            "refusal_rate": _r3(mean([float(r.answer.refused) for r in results])),
            "citation_precision": _r3(mean([citation_precision(r.cited_urls, r.question.gold_urls) for r in with_gold])),
        },
        "speed": {
            "ingest_chunks_per_s": ingest_speed,
            "retrieval_ms_p50": ms([r.retrieval_ms for r in results], 50),
            "retrieval_ms_p95": ms([r.retrieval_ms for r in results], 95),
            "answer_ms_p50": ms([r.answer_ms for r in results], 50),
            "answer_ms_p95": ms([r.answer_ms for r in results], 95),
            "first_token_ms_p50": ms(first_tokens, 50),
            "first_token_ms_p95": ms(first_tokens, 95),
            "model_load_s": model_load_s,
        },
        "baselines": baselines,
    }
