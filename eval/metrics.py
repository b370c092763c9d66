"""The metric table and the typed report: every figure an evaluation reports is one ``Metric`` in ``METRICS``.

``summarize`` computes the table over the per-question results (eval/results.py) into a ``Report``; report.json,
report.md, the plots and the summary ``newsrag eval`` prints all loop over the same table, so a new metric is one more
entry here (as sentence-transformers evaluators name their metrics once and report them everywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from eval.dataset import Dataset, Question
from eval.losses import LossTable, read
from eval.results import DATE_USES, QuestionResult
from eval.scoring import (
    citation_precision,
    exact_match,
    hit_at,
    mean,
    percentile,
    reciprocal_rank,
    token_f1,
)
from rag import Answer

Section = Literal["retrieval", "answers", "open_answers", "speed"]
Aggregate = Literal["mean", "p50", "p95", "run"]  # "run": one figure of the whole run (ingest speed, model load)


# --- the table ---

@dataclass(frozen=True)
class RunFigures:
    """Figures of the whole run rather than of its questions."""

    ingest_chunks_per_s: float | None = None  # measured when the index was built (None: it was cached before)
    model_load_s: float | None = None  # the chat model's load, once per process (None: extractive mode)


@dataclass(frozen=True)
class Unit:
    """How a metric's values are rounded in report.json and written for people."""

    suffix: str  # after the number in report.md's value cells and the printed summary
    digits: int  # rounding in report.json
    text: Callable[[float], str]

    def format(self, value: float | None, suffix: bool = True) -> str:
        return "–" if value is None else self.text(value) + (self.suffix if suffix else "")


RATE = Unit("", 3, lambda v: f"{v:.3f}")
MS = Unit(" ms", 1, lambda v: f"{v:.1f}" if v < 10 else f"{v:,.0f}")  # whole ms; one decimal below 10
SECONDS = Unit(" s", 2, lambda v: f"{v:.2f}" if v < 10 else f"{v:,.1f}")
PER_SECOND = Unit(" chunks/s", 1, lambda v: f"{v:.1f}" if v < 100 else f"{v:,.0f}")

Score = Callable[[QuestionResult], "float | None"]  # a question's value; None where the question does not count


@dataclass(frozen=True)
class Metric:
    """One reported figure: ``key`` in report.json's ``section``, averaged (or a percentile) over the questions
    whose ``score`` is not None, or, for aggregate "run", read from the run's figures."""

    section: Section
    key: str
    label: str  # what it measures, in report.md and the plots
    unit: Unit
    higher_is_better: bool | None  # None: neither on its own (a refusal rate over answerable and unanswerable)
    score: Score | None = None
    aggregate: Aggregate = "mean"
    figure: Callable[[RunFigures], float | None] | None = None  # for aggregate "run"
    versus_gold: Callable[[str | None, str], float] | None = None  # an answer scorer; baselines are scored by it too
    short: str = ""  # its name in the summary ``newsrag eval`` prints; "" leaves it out

    @property
    def name(self) -> str:
        """The label, after its percentile if it is one: "p95 retrieval latency"."""
        return f"{self.aggregate} {self.label}" if self.aggregate in ("p50", "p95") else self.label

    @property
    def better(self) -> str:
        return {True: "higher", False: "lower", None: "–"}[self.higher_is_better]

    def samples(self, results: Sequence[QuestionResult]) -> list[float]:
        """The values of the questions that count."""
        assert self.score is not None, f"{self.key} is a figure of the run"
        return [v for v in map(self.score, results) if v is not None]

    def compute(self, results: Sequence[QuestionResult], run: RunFigures) -> float | None:
        if self.aggregate == "run":
            assert self.figure is not None, f"{self.key} needs a figure"
            value = self.figure(run)
        elif self.aggregate == "mean":
            value = mean(self.samples(results))
        else:
            value = percentile(self.samples(results), float(self.aggregate[1:]))
        return _rounded(value, self.unit.digits)


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _quiz(score: Score) -> Score:
    return lambda r: None if r.question.is_open else score(r)


def _open(score: Score, answerable: bool | None = None) -> Score:
    """``score`` on the open questions (only the answerable or unanswerable ones, when said)."""
    return lambda r: score(r) if r.question.is_open and answerable in (None, r.question.answerable) else None


def _with_gold(score: Score) -> Score:
    return lambda r: score(r) if r.question.gold_urls else None


def _with_answer(score: Score) -> Score:
    return lambda r: None if r.question.answer is None else score(r)


def _against_gold(scorer: Callable[[str | None, str], float]) -> Score:
    return lambda r: None if r.question.answer is None else scorer(r.answer.short_answer, r.question.answer)


def _hit(k: int) -> Score:
    return _with_gold(lambda r: hit_at(r.gold_rank, k))


def _recall(k: int) -> Score:
    return _with_answer(lambda r: hit_at(r.answer_rank, k))


def _cited_gold(r: QuestionResult) -> float | None:
    return citation_precision(r.cited_urls, r.question.gold_urls)


def _latency(section: Section, key: str, label: str, score: Score, short: str = "") -> tuple[Metric, Metric]:
    """The p50 and p95 of one latency (in ms); the p50 is printed as ``short``."""
    return (Metric(section, f"{key}_p50", label, MS, False, score, "p50", short=short),
            Metric(section, f"{key}_p95", label, MS, False, score, "p95"))


_FIRST_TOKEN: Score = lambda r: r.first_token_ms  # noqa: E731
_ANSWER_MS: Score = lambda r: r.answer_ms  # noqa: E731

METRICS: tuple[Metric, ...] = (
    # retrieval: the retriever's top-10 ranking, every question (an open question's support URLs are its gold URLs)
    Metric("retrieval", "hit@1", "gold article hit@1", RATE, True, _hit(1)),
    Metric("retrieval", "hit@5", "gold article hit@5", RATE, True, _hit(5), short="hit@5"),
    Metric("retrieval", "hit@10", "gold article hit@10", RATE, True, _hit(10)),
    Metric("retrieval", "mrr", "MRR (gold articles)", RATE, True,
           _with_gold(lambda r: reciprocal_rank(r.gold_rank)), short="MRR"),
    Metric("retrieval", "answer_recall@1", "answer recall@1 (gold answer in a passage)", RATE, True, _recall(1),
           short="answer recall@1"),
    Metric("retrieval", "answer_recall@5", "answer recall@5", RATE, True, _recall(5), short="@5"),
    Metric("retrieval", "answer_recall@10", "answer recall@10", RATE, True, _recall(10), short="@10"),
    # answers: the quiz questions, by their short answer
    Metric("answers", "em", "EM", RATE, True, _quiz(_against_gold(exact_match)), versus_gold=exact_match, short="EM"),
    Metric("answers", "f1", "F1", RATE, True, _quiz(_against_gold(token_f1)), versus_gold=token_f1, short="F1"),
    Metric("answers", "context_recall", "context recall (gold answer in the passages the answerer read)", RATE, True,
           _quiz(_with_answer(lambda r: float(read(r))))),
    Metric("answers", "refusal_rate", "refusal rate", RATE, None, _quiz(lambda r: float(r.refused)),
           short="refusals"),
    Metric("answers", "citation_precision", "citation precision (cited sources that are gold articles)", RATE, True,
           _quiz(_with_gold(_cited_gold)), short="citation precision"),
    # open answers: the open questions, by the key facts their whole text states
    Metric("open_answers", "key_fact_recall", "key-fact recall", RATE, True,
           _open(lambda r: r.key_fact_recall, answerable=True), short="key facts"),
    Metric("open_answers", "context_key_fact_recall", "key-fact recall of the context read (before writing)", RATE,
           True, _open(lambda r: r.context_key_fact_recall, answerable=True), short="facts read"),
    Metric("open_answers", "all_facts_rate", "all facts stated", RATE, True,
           _open(lambda r: r.all_facts, answerable=True), short="all facts"),
    Metric("open_answers", "grounded_fact_rate", "stated facts grounded in a cited passage", RATE, True,
           _open(lambda r: r.grounded, answerable=True), short="grounded"),
    Metric("open_answers", "refusal_rate_answerable", "refusals, answerable", RATE, False,
           _open(lambda r: float(r.refused), answerable=True), short="refusals: answerable"),
    Metric("open_answers", "refusal_rate_unanswerable", "refusals, unanswerable", RATE, True,
           _open(lambda r: float(r.refused), answerable=False), short="unanswerable"),
    Metric("open_answers", "citation_precision", "citation precision (cited sources that are support articles)", RATE,
           True, _open(_with_gold(_cited_gold))),
    *_latency("open_answers", "answer_ms", "answer latency (retrieval included)", _open(_ANSWER_MS), "answer p50"),
    *_latency("open_answers", "first_token_ms", "first token latency", _open(_FIRST_TOKEN), "first token p50"),
    # speed: answer latencies are the quiz questions' (the open ones' are under open_answers)
    Metric("speed", "ingest_chunks_per_s", "ingest, when the index was built", PER_SECOND, True, aggregate="run",
           figure=lambda run: run.ingest_chunks_per_s),
    *_latency("speed", "retrieval_ms", "retrieval latency", lambda r: r.retrieval_ms, "retrieval p50"),
    *_latency("speed", "answer_ms", "answer latency (retrieval included)", _quiz(_ANSWER_MS), "answer p50"),
    *_latency("speed", "first_token_ms", "first token latency", _quiz(_FIRST_TOKEN), "first token p50"),
    Metric("speed", "model_load_s", "chat model load, once per process", SECONDS, False, aggregate="run",
           figure=lambda run: run.model_load_s),
)


def section(name: Section) -> tuple[Metric, ...]:
    return tuple(m for m in METRICS if m.section == name)


# --- the report ---

@dataclass(frozen=True)
class KindScores:
    n_answerable: int
    n_unanswerable: int
    key_fact_recall: float | None


@dataclass(frozen=True)
class OpenCounts:
    n_questions: int
    n_answerable: int
    n_unanswerable: int
    by_kind: Mapping[str, KindScores]  # key-fact recall for each kind of open question


@dataclass(frozen=True)
class Report:
    dataset: str
    mode: str
    n_questions: int
    n_quiz: int
    dates: str  # the date use the answers come from; retrieval is scored under ``other_dates`` as well
    other_dates: str
    values: Mapping[Metric, float | None]
    other_retrieval: Mapping[Metric, float | None]  # the retrieval metrics under ``other_dates``
    baselines: Mapping[str, Mapping[Metric, float | None]] = field(default_factory=dict)
    open: OpenCounts | None = None  # None: no open questions
    briefing: Mapping[str, Any] | None = None  # the briefing's story recall@k (eval/stories.py), None: not measured
    losses: LossTable | None = None  # where the quiz answers were lost (eval/losses.py), None: no quiz answers

    def __getitem__(self, metric: Metric) -> float | None:
        return self.values[metric]

    def covers(self, name: Section) -> bool:
        """Whether a section has questions to report on: answers needs quiz questions, open_answers open ones."""
        return {"answers": self.n_quiz > 0, "open_answers": self.open is not None}.get(name, True)

    def as_json(self) -> dict[str, Any]:
        """report.json: fixed keys other tools read, null where a number cannot be measured."""
        def values(name: Section, found: Mapping[Metric, float | None]) -> dict[str, float | None]:
            return {m.key: found[m] for m in section(name)}

        opened = None if self.open is None else {
            "n_questions": self.open.n_questions, "n_answerable": self.open.n_answerable,
            "n_unanswerable": self.open.n_unanswerable, **values("open_answers", self.values),
            "by_kind": {kind: asdict(scores) for kind, scores in self.open.by_kind.items()}}
        return {
            "dataset": self.dataset,
            "n_questions": self.n_questions,
            "mode": self.mode,
            "retrieval": {"dates": self.dates, **values("retrieval", self.values),
                          "other_dates": {"dates": self.other_dates, **values("retrieval", self.other_retrieval)}},
            "answers": values("answers", self.values),
            "speed": values("speed", self.values),
            "baselines": {name: {m.key: v for m, v in scores.items()} for name, scores in self.baselines.items()},
            "open_answers": opened,
            "briefing": dict(self.briefing) if self.briefing else None,
            "losses": self.losses.as_json() if self.losses else None,
        }


def summarize(dataset: Dataset, mode: str, results: Sequence[QuestionResult], ingest_speed: float | None,
              model_load_s: float | None = None, dates: str = "soft") -> Report:
    """Every metric in the table over ``results``, the baselines scored by the same answer scorers, and the open
    questions' counts by kind."""
    run = RunFigures(ingest_speed, model_load_s)
    [other] = [use for use in DATE_USES if use != dates]
    swapped = [r.under_other_dates() for r in results]
    answerable = [r for r in results if not r.question.is_open and r.question.answer is not None]
    baselines = {name: {m: _rounded(mean([m.versus_gold(predictions.get(r.question.id, ""), r.question.answer or "")
                                          for r in answerable]), m.unit.digits)
                        for m in METRICS if m.versus_gold}
                 for name, predictions in dataset.baselines.items()}
    return Report(
        dataset=dataset.name, mode=mode, n_questions=len(results),
        n_quiz=sum(not r.question.is_open for r in results), dates=dates, other_dates=other,
        values={m: m.compute(results, run) for m in METRICS},
        other_retrieval={m: m.compute(swapped, run) for m in section("retrieval")},
        baselines=baselines, open=_open_counts(results),
    )


def _open_counts(results: Sequence[QuestionResult]) -> OpenCounts | None:
    opened = [r for r in results if r.question.is_open]
    if not opened:
        return None
    recall = next(m for m in METRICS if m.key == "key_fact_recall")
    by_kind = {}
    for kind in sorted({r.question.kind or "unspecified" for r in opened}):
        these = [r for r in opened if (r.question.kind or "unspecified") == kind]
        asked = sum(bool(r.question.answerable) for r in these)
        by_kind[kind] = KindScores(asked, len(these) - asked, recall.compute(these, RunFigures()))
    answerable = sum(bool(r.question.answerable) for r in opened)
    return OpenCounts(len(opened), answerable, len(opened) - answerable, by_kind)


def retrieval_scores(gold: Sequence[int | None], answer: Sequence[int | None]) -> dict[str, float | None]:
    """The retrieval metrics over bare ranks (eval/benchmarks/retrieval.py): ``gold``, the gold-article ranks of the
    questions with gold URLs; ``answer``, the answer ranks of those with a gold answer."""
    nothing = Answer(question="", text="", citations=(), passages=(), mode="")
    stand_ins = [QuestionResult(Question("", "", None, gold_urls=("gold",)), nothing, rank, None, 0.0, 0.0, None)
                 for rank in gold]
    stand_ins += [QuestionResult(Question("", "", "answer"), nothing, None, rank, 0.0, 0.0, None) for rank in answer]
    return {m.key: m.compute(stand_ins, RunFigures()) for m in section("retrieval")}
