"""Writes an evaluation's files: report.json (fixed keys), report.md (tables), questions.csv, PNG plots; and the
few headline lines ``newsrag eval`` prints (``summary_text``). Every figure comes from the metric table
(eval/metrics.py): the tables, the summary and the plots loop over it, each value written in its metric's unit."""

from __future__ import annotations

import csv
import json
import os
import platform
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.metrics import METRICS, MS, RATE, QuestionResult, Report, Section, section

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DATE_NOTES = {"soft": "as a soft hint (articles near it rank higher)",
              "hard": "as a hard limit (later articles ignored, earlier ones near it rank higher)"}
PLOTS = {"recall": "recall_at_k.png", "baselines": "f1_vs_baselines.png", "open": "open_answers.png",
         "latency": "latency.png"}
SUMMARY_LINES: tuple[tuple[str, Section], ...] = (
    ("retrieval", "retrieval"), ("answers", "answers"), ("open", "open_answers"), ("speed", "speed"))


def write_report(report: Report, results: Sequence[QuestionResult], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    _write_csv(results, out / "questions.csv")
    plots = _plot(report, results, out)
    (out / "report.md").write_text(_markdown(report, results, plots), encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def _write_csv(results: Sequence[QuestionResult], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "question", "kind", "answerable", "gold", "ours", "em", "f1", "refused",
                         "key_facts", "facts_stated", "facts_grounded", "missing_facts", "hit_rank", "answer_rank",
                         "top_score", "first_token_ms", "answer_ms", "cited_urls", "answer_text"])
        for r in results:
            q, facts = r.question, r.facts
            grounded = r.grounded
            writer.writerow([q.id, q.question, q.kind or ("" if not q.is_open else "unspecified"),
                             int(bool(q.answerable)), q.answer or "", r.answer.short_answer,
                             "" if r.em is None else r.em, "" if r.f1 is None else round(r.f1, 3),
                             int(r.refused), len(q.key_facts) if q.is_open else "",
                             sum(facts) if q.is_open else "",
                             "" if grounded is None else round(grounded * sum(facts)),
                             " | ".join(aliases[0] for aliases, said in zip(q.key_facts, facts) if not said),
                             r.gold_rank or "", r.answer_rank or "",
                             "" if r.top_score is None else r.top_score, _ms(r.first_token_ms), _ms(r.answer_ms),
                             " ".join(r.cited_urls),
                             r.answer.text])


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _rows(report: Report, name: Section, skip: Sequence[str] = ()) -> list[str]:
    """A section's metrics as a measure | value | better table, in the table's order and units."""
    return ["| measure | value | better |", "|---|---|---|",
            *[f"| {m.name} | {m.unit.format(report[m])} | {m.better} |" for m in section(name) if m.key not in skip],
            ""]


def _markdown(report: Report, results: Sequence[QuestionResult], plots: dict[str, str]) -> str:
    quiz = [r for r in results if not r.question.is_open]
    unanswerable = [r for r in quiz if r.question.answer is None]
    with_gold = sum(1 for r in results if r.question.gold_urls)
    with_answer = len(quiz) - len(unanswerable)
    lines = [
        f"# Evaluation: {report.dataset} ({report.mode} mode)",
        "",
        f"{report.n_questions} questions, run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        "## Retrieval (top-10 ranking, no relevance floor)",
        "",
        f"| measure | dates {report.dates} (answers use this) | dates {report.other_dates} | better |",
        "|---|---|---|---|",
        *[f"| {m.name} | {m.unit.format(report[m])} | {m.unit.format(report.other_retrieval[m])} | {m.better} |"
          for m in section("retrieval")],
        "",
        f"Gold article hit and MRR count the {with_gold} questions with gold URLs"
        + (" (an open question's support URLs are its gold URLs)" if report.open else "")
        + f", answer recall the {with_answer} with a gold answer. Each question's date is used "
        f"{DATE_NOTES[report.dates]}, and the answers below come from that ranking. "
        f"Used {DATE_NOTES[report.other_dates]} instead, retrieval scores as in the third column.",
        "",
    ]
    if quiz:
        lines += _answers_markdown(report, quiz)
    if report.open:
        lines += _open_markdown(report)
    lines += ["## Speed", "", *_rows(report, "speed")]
    if report.open and quiz:
        lines += ["Answer and first-token latencies here are the quiz questions'; the open questions' are under "
                  "Open answers.", ""]
    lines += ["## Plots", "", *[f"![{name}]({file})" for name, file in plots.items()], ""]
    if quiz and "baselines" not in plots:
        lines += ["No answers-vs-baselines plot: the dataset has no baselines (other systems' answers in "
                  "`baselines/*.jsonl`).", ""]
    if quiz:
        lines += ["EM and F1 compare the short answer with the gold answer after SQuAD normalisation (all Unicode "
                  "punctuation dropped); baselines are scored by the same code on the same questions. `questions.csv` "
                  "has every question with our answer, its scores and ranks, for error analysis.", ""]
    if report.open:
        lines += ["Open answers are scored on their whole text: a key fact is stated when one of its accepted wordings "
                  "occurs in it as whole words, after lower-casing, straightening curly quotes, replacing punctuation "
                  "by spaces and dropping a/an/the. Grounded facts: of the key facts an answer states, the share also "
                  "found in a passage the answer cites (averaged over the answers that state one). A refusal is the "
                  "assistant declining, or an answer saying plainly that the articles do not give the detail. "
                  "`questions.csv` lists each open answer's stated, grounded and missing facts.", ""]
    return "\n".join(lines)


def _answers_markdown(report: Report, quiz: Sequence[QuestionResult]) -> list[str]:
    """The quiz answers: ours against the baselines on the answer scorers, then the other answer metrics."""
    scorers = [m for m in section("answers") if m.versus_gold]
    unanswerable = [r for r in quiz if r.question.answer is None]
    wrongly_refused = sum(r.refused for r in quiz if r.question.answer is not None)
    refused = f"{wrongly_refused} answerable question{'' if wrongly_refused == 1 else 's'} refused" + (
        f"; {sum(r.refused for r in unanswerable)} of {len(unanswerable)} unanswerable ones refused, as they should be"
        if unanswerable else "")
    return [
        "## Answers" + (f" (quiz questions: {len(quiz)})" if report.open else ""),
        "",
        f"| system | {' | '.join(m.name for m in scorers)} |",
        "|---|" + "---|" * len(scorers),
        f"| **newsrag ({report.mode})** | {' | '.join(f'**{m.unit.format(report[m])}**' for m in scorers)} |",
        *[f"| {name} | {' | '.join(m.unit.format(scores[m]) for m in scorers)} |"
          for name, scores in sorted(report.baselines.items())],
        "",
        *_rows(report, "answers", skip=[m.key for m in scorers]),
        f"Refusals: {refused}.",
        "",
    ]


def _open_markdown(report: Report) -> list[str]:
    assert report.open is not None
    opened = report.open
    return [
        f"## Open answers ({opened.n_questions} questions: {opened.n_answerable} answerable, "
        f"{opened.n_unanswerable} unanswerable)",
        "",
        *_rows(report, "open_answers"),
        "| kind | answerable | unanswerable | key-fact recall |",
        "|---|---|---|---|",
        *[f"| {kind} | {k.n_answerable} | {k.n_unanswerable} | {_KIND_RECALL.unit.format(k.key_fact_recall)} |"
          for kind, k in opened.by_kind.items()],
        "",
    ]


_ARROWS = {True: "↑", False: "↓", None: ""}
_KIND_RECALL = next(m for m in METRICS if m.section == "open_answers" and m.key == "key_fact_recall")


def summary_text(report: Report, out: str | Path) -> str:
    """The headline figures ``newsrag eval`` prints: a line per section the dataset has (the metrics with a short
    name that could be measured), then where the report is."""
    lines = [f"{report.dataset}: {report.n_questions} questions, {report.mode} mode, dates {report.dates}"]
    for title, name in SUMMARY_LINES:
        figures = [f"{m.short} {m.unit.format(report[m])}" for m in section(name)
                   if m.short and report[m] is not None]
        if report.covers(name) and figures:
            lines.append(f"  {title:<10} " + "  ".join(figures))
    lines.append(f"report: {out}/report.md")
    return "\n".join(lines)


def _plot(report: Report, results: Sequence[QuestionResult], out: Path) -> dict[str, str]:
    """Draw the plots that have something to show; returns name -> file of those written. A plot not drawn this
    time is deleted, so a report folder never shows one from an earlier run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = {"recall": _recall_plot(report, results)}
    if report.baselines and report.n_quiz:
        drawn["baselines"] = _baselines_plot(report)
    if report.open:
        drawn["open"] = _open_plot(report)
    drawn["latency"] = _latency_plot(results)
    written = {}
    for name, file in PLOTS.items():
        figure = drawn.get(name)
        if figure is None:
            (out / file).unlink(missing_ok=True)
            continue
        figure.tight_layout()
        figure.savefig(out / file, dpi=110)
        plt.close(figure)
        written[name] = file
    return written


def _recall_plot(report: Report, results: Sequence[QuestionResult]) -> Figure:
    """Answer recall@k and gold hit@k for k = 1..10: one solid line of hollow circles, one dashed line of small
    squares, so that where they coincide (often at 1.0) both still show."""
    import matplotlib.pyplot as plt

    ks = range(1, 11)
    answerable = [r.answer_rank for r in results if r.question.answer is not None]
    with_gold = [r.gold_rank for r in results if r.question.gold_urls]
    fig, ax = plt.subplots(figsize=(6, 4))
    lines: tuple[tuple[str, list[int | None], dict[str, Any]], ...] = (
            (f"answer recall@k ({len(answerable)} questions)", answerable,
             {"marker": "o", "markersize": 10, "markerfacecolor": "none", "linewidth": 2.5, "color": "#1f77b4"}),
            (f"gold hit@k ({len(with_gold)} questions)", with_gold,
             {"marker": "s", "markersize": 4, "linestyle": "--", "linewidth": 1.5, "color": "#d62728"}))
    for label, ranks, style in lines:
        if ranks:
            ax.plot(ks, [sum(rank is not None and rank <= k for rank in ranks) / len(ranks) for k in ks],
                    label=label, **style)
    ax.set(xlabel="k (passages)", ylabel="share of questions", ylim=(0, 1.08), xticks=list(ks),
           title=f"Retrieval: {report.dataset} (dates {report.dates})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    return fig


def _baselines_plot(report: Report) -> Figure:
    """Ours against each baseline, a bar per answer scorer in the table (EM, F1)."""
    import matplotlib.pyplot as plt

    scorers = [m for m in section("answers") if m.versus_gold]
    systems = ([(f"newsrag ({report.mode})", dict(report.values))] + sorted(report.baselines.items()))[::-1]
    fig, ax = plt.subplots(figsize=(7, max(2.4, 1.0 + 0.3 * len(systems) * len(scorers))))
    height = 0.8 / len(scorers)
    for i, metric in enumerate(scorers):
        offset = (i - (len(scorers) - 1) / 2) * height
        values = [scores.get(metric) for _, scores in systems]
        ax.barh([y - offset for y in range(len(systems))], [v or 0 for v in values], height=height * 0.95,
                label=metric.name)
        for y, value in enumerate(values):
            ax.text((value or 0) + 0.01, y - offset, metric.unit.format(value), va="center", fontsize=8)
    ax.set_yticks(range(len(systems)), [name for name, _ in systems])
    ax.set(xlabel="score", xlim=(0, 1.12), title=f"Answers vs baselines: {report.dataset}")
    ax.legend(loc="lower right")
    return fig


def _open_plot(report: Report) -> Figure:
    """Key-fact recall by kind, and every rate in the table's open section."""
    import matplotlib.pyplot as plt

    assert report.open is not None
    kinds = [(f"{kind} ({k.n_answerable})", k.key_fact_recall) for kind, k in report.open.by_kind.items()
             if k.n_answerable]
    rates = [(f"{m.name} {_ARROWS[m.higher_is_better]}", report[m]) for m in section("open_answers") if m.unit is RATE]
    fig, axes = plt.subplots(1, 2, figsize=(14, max(2.4, 1.0 + 0.5 * max(len(kinds), len(rates)))))
    for ax, bars, title in ((axes[0], kinds, f"Open answers: key-fact recall by kind ({report.mode})"),
                            (axes[1], rates, f"Open answers: {report.dataset}\n(↑ higher is better, ↓ lower)")):
        _bars(ax, bars[::-1], title)
    return fig


def _bars(ax: Axes, bars: Sequence[tuple[str, float | None]], title: str) -> None:
    values = [value or 0 for _, value in bars]
    ax.barh(range(len(bars)), values, height=0.6, color="#2ca02c")
    for y, (_, value) in enumerate(bars):
        ax.text((value or 0) + 0.01, y, RATE.format(value), va="center", fontsize=8)
    ax.set_yticks(range(len(bars)), [name for name, _ in bars])
    ax.set(xlabel="share", xlim=(0, 1.12), title=title)


def _latency_plot(results: Sequence[QuestionResult]) -> Figure:
    """One histogram panel per latency in the table (its p50 metric), on a shared axis: retrieval takes tens of
    milliseconds and a chat model's answer seconds, so each gets its own panel, and the axis turns logarithmic when
    they span more than 20x. Counts are whole questions; p50 and p95 are marked."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    latencies = sorted((m for m in METRICS if m.unit is MS and m.aggregate == "p50"),
                       key=lambda m: m.section != "speed")  # the quiz questions' (or all) first, then the open ones
    series = [(m, values) for m in latencies if (values := m.samples(results))]
    every = [v for _, values in series for v in values]
    low, high = max(min(every, default=1.0), 0.1), max(every, default=1.0)
    log = high / low > 20
    bins = np.geomspace(low, high * 1.001, 31) if log else np.linspace(0, high * 1.02, 31)
    fig, axes = plt.subplots(max(1, len(series)), 1, figsize=(7, 1.2 + 1.3 * max(1, len(series))), sharex=True,
                             squeeze=False)
    for ax, (metric, values) in zip(axes[:, 0], series):
        ax.hist(np.clip(values, low, None) if log else values, bins=bins, color="#1f77b4", alpha=0.8)
        p50, p95 = np.percentile(values, [50, 95])
        ax.axvline(p50, color="black", linewidth=1, label=f"p50 {metric.unit.format(float(p50))}")
        ax.axvline(p95, color="black", linewidth=1, linestyle=":", label=f"p95 {metric.unit.format(float(p95))}")
        ax.set_title(f"{'open questions: ' if metric.section == 'open_answers' else ''}{metric.label} "
                     f"- {len(values)} questions", fontsize=9, loc="left")
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.set_ylabel("questions", fontsize=8)
        ax.legend(fontsize=7, loc="best")
    axes[-1, 0].set_xlabel("milliseconds" + (" (log scale)" if log else ""))
    if log:
        axes[-1, 0].set_xscale("log")
    fig.suptitle("Latency")
    return fig
