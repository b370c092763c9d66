"""Run a dataset through the assistant and score it: ``run_eval(dataset_dir, out_dir) -> report dict``.

The corpus index is cached by the corpus's content hash (and the settings that shape an index), so a second run
embeds nothing. Retrieval is scored on the retriever's top-10 ranking (no relevance floor); answers on what the
assistant actually says: quiz questions by their short answer (EM, F1), open questions by the key facts their text
states (see eval/scoring.py), each kind in its own report section.
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
from eval.scoring import (all_facts, answer_rank, citation_precision, exact_match, facts_stated, gold_rank,
                          grounded_facts, hit_at, key_fact_recall, mean, percentile, reciprocal_rank, says_not_given,
                          token_f1)
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

    @property
    def refused(self) -> bool:
        """A declined answer. For an open question, an answer that says the articles do not give the detail counts
        too (``says_not_given``); a quiz question counts only the assistant's own refusal, as before."""
        return self.answer.refused or (self.question.is_open and says_not_given(self.answer.text))

    @property
    def facts(self) -> list[bool]:
        """For each of an open question's key facts, whether the answer states it."""
        return facts_stated(self.answer.text, self.question.key_facts)

    @property
    def key_fact_recall(self) -> float | None:
        return key_fact_recall(self.answer.text, self.question.key_facts)

    @property
    def all_facts(self) -> float | None:
        return all_facts(self.answer.text, self.question.key_facts)

    @property
    def grounded(self) -> float | None:
        return grounded_facts(self.answer.text, self.question.key_facts,
                              [c.passage.text for c in self.answer.citations])


def run_eval(dataset_dir: str | Path, out_dir: str | Path | None = None, limit: int | None = None,
             sample: int | None = None, mode: str | None = None, cache_dir: str | Path = "eval/.cache", progress: bool | None = None,
             settings: Settings | None = None, dates: str = "soft", corpus: str | Path | None = None) -> dict[str, Any]:
    """Evaluate, write report.json / report.md / questions.csv / plots into ``out_dir``, return the report.
    ``dates`` says how answers use each question's date (``DATE_USES``); ``corpus`` overrides the dataset's
    corpus (see ``eval.dataset.find_corpus``)."""
    from tqdm import tqdm

    from eval.report import write_report

    dataset = load_dataset(dataset_dir, limit=limit, sample=sample, corpus=corpus)
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
        recalls = [r.key_fact_recall for r in results if r.key_fact_recall is not None]
        if scored or recalls:
            bar.set_postfix(**({"f1": f"{sum(scored) / len(scored):.3f}"} if scored else {}),
                            **({"facts": f"{sum(recalls) / len(recalls):.3f}"} if recalls else {}))
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
    # named after the corpus's folder, so datasets that share a corpus (a folder of questions only) share its index
    name = dataset.corpus.resolve().parent.name if dataset.corpus.name == "corpus.jsonl" else dataset.corpus.stem
    index_dir = cache_dir / f"{name}-{digest.hexdigest()[:16]}"
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
    from rag.llm import LocalChatModel

    model = assistant.chat_model
    return round(model.load().load_seconds, 2) if isinstance(model, LocalChatModel) else None


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
    """The report, with exactly the keys other tools read; null where a number cannot be measured. ``answers`` and
    the answer latencies in ``speed`` cover the quiz questions, ``open_answers`` the open ones (null when there are
    none); retrieval covers every question (an open question's support URLs are its gold URLs)."""
    quiz = [r for r in results if not r.question.is_open]
    with_gold = [r for r in results if r.question.gold_urls]
    quiz_with_gold = [r for r in quiz if r.question.gold_urls]
    answerable = [r for r in quiz if r.question.answer is not None]

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
            "refusal_rate": _r3(mean([float(r.answer.refused) for r in quiz])),
            "citation_precision": _r3(mean([citation_precision(r.cited_urls, r.question.gold_urls) for r in quiz_with_gold])),
        },
        "speed": {
            "ingest_chunks_per_s": ingest_speed,
            "retrieval_ms_p50": _ms([r.retrieval_ms for r in results], 50),
            "retrieval_ms_p95": _ms([r.retrieval_ms for r in results], 95),
            **_latencies(quiz),
            "model_load_s": model_load_s,
        },
        "baselines": baselines,
        "open_answers": open_scores(results),
    }


def open_scores(results: list[QuestionResult]) -> dict[str, Any] | None:
    """The open questions' section of the report (None when there are none): key-fact recall and the all-facts
    rate over the answerable ones, grounded facts over the answers that state a key fact, refusal rates on answerable
    and unanswerable ones, citation precision against the support URLs, their own latencies, and key-fact recall
    for each kind of question."""
    opened = [r for r in results if r.question.is_open]
    if not opened:
        return None
    answerable = [r for r in opened if r.question.answerable]
    unanswerable = [r for r in opened if not r.question.answerable]
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({r.question.kind or "unspecified" for r in opened}):
        these = [r for r in opened if (r.question.kind or "unspecified") == kind]
        asked = [r for r in these if r.question.answerable]
        by_kind[kind] = {"n_answerable": len(asked), "n_unanswerable": len(these) - len(asked),
                         "key_fact_recall": _r3(mean([r.key_fact_recall for r in asked]))}
    return {
        "n_questions": len(opened),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "key_fact_recall": _r3(mean([r.key_fact_recall for r in answerable])),
        "all_facts_rate": _r3(mean([r.all_facts for r in answerable])),
        "grounded_fact_rate": _r3(mean([r.grounded for r in answerable])),
        "refusal_rate_answerable": _r3(mean([float(r.refused) for r in answerable])),
        "refusal_rate_unanswerable": _r3(mean([float(r.refused) for r in unanswerable])),
        "citation_precision": _r3(mean([citation_precision(r.cited_urls, r.question.gold_urls)
                                        for r in opened if r.question.gold_urls])),
        **_latencies(opened),
        "by_kind": by_kind,
    }


def _latencies(results: list[QuestionResult]) -> dict[str, float | None]:
    first_tokens = [r.first_token_ms for r in results if r.first_token_ms is not None]
    return {
        "answer_ms_p50": _ms([r.answer_ms for r in results], 50),
        "answer_ms_p95": _ms([r.answer_ms for r in results], 95),
        "first_token_ms_p50": _ms(first_tokens, 50),
        "first_token_ms_p95": _ms(first_tokens, 95),
    }


def _ms(values: list[float], q: float) -> float | None:
    value = percentile(values, q)
    return None if value is None else round(value, 1)
