"""Writes an evaluation's files: report.json (fixed keys), report.md (tables), questions.csv, and the PNG plots
(drawn by eval/plots.py); and the few headline lines ``newsrag eval`` prints (``summary_text``). Every figure comes
from the metric table (eval/metrics.py): the tables and the summary loop over it, each value written in its metric's
unit."""

from __future__ import annotations

import csv
import json
import os
import platform
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eval.losses import RIGHT_F1, LossTable
from eval.metrics import METRICS, Report, Section, section
from eval.plots import draw_plots
from eval.results import QuestionResult
from eval.stories import StoryReport, recall_png, story_summary

DATE_NOTES = {"soft": "as a soft hint (articles near it rank higher)",
              "hard": "as a hard limit (later articles ignored, earlier ones near it rank higher)"}
SUMMARY_LINES: tuple[tuple[str, Section], ...] = (
    ("retrieval", "retrieval"), ("answers", "answers"), ("open", "open_answers"), ("speed", "speed"))


def write_report(report: Report, results: Sequence[QuestionResult], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    _write_csv(results, out / "questions.csv")
    plots = draw_plots(report, results, out)
    if report.briefing:
        recall_png(out / "story_recall.png", dict(report.briefing))
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
    if report.losses:
        lines += _losses_markdown(report.losses)
    if report.open:
        lines += _open_markdown(report)
    if report.briefing:
        lines += _briefing_markdown(report.briefing)
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


def _losses_markdown(losses: LossTable) -> list[str]:
    return ["## Where quiz answers were lost", "",
            f"The {losses.questions} quiz questions with a gold answer, by where the answer first occurs (its rank "
            "in the top-10 ranking above, else whether any article holds it) and what became of it: right is token "
            f"F1 ≥ {RIGHT_F1}. \"Read\" counts those whose gold answer is in what the answerer read.", "",
            *losses.markdown()]


def _briefing_markdown(briefing: Mapping[str, Any]) -> list[str]:
    at_k = briefing["story_recall_at_k"]
    return ["## Briefing (stories)", "",
            f"For each of {briefing['weeks']} question dates, the briefing of the 7 days up to it; a question with "
            f"gold URLs ({briefing['questions']}) is covered when a gold article belongs to one of the first k "
            "stories.", "",
            "| k | " + " | ".join(at_k) + " |", "|---|" + "---|" * len(at_k),
            "| story recall@k | " + " | ".join(f"{v:.3f}" for v in at_k.values()) + " |", "",
            f"A briefing took {briefing['brief_seconds_p50']:.3f} s (median), {briefing['brief_seconds_max']:.3f} s "
            "at most.", "", "![story recall](story_recall.png)", ""]


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


_KIND_RECALL = next(m for m in METRICS if m.section == "open_answers" and m.key == "key_fact_recall")


def summary_text(report: Report | StoryReport, out: str | Path) -> str:
    """The headline figures ``newsrag eval`` prints: a line per section the dataset has (the metrics with a short
    name that could be measured), then where the report is."""
    if isinstance(report, StoryReport):
        return story_summary(report, out)
    lines = [f"{report.dataset}: {report.n_questions} questions, {report.mode} mode, dates {report.dates}"]
    for title, name in SUMMARY_LINES:
        figures = [f"{m.short} {m.unit.format(report[m])}" for m in section(name)
                   if m.short and report[m] is not None]
        if report.covers(name) and figures:
            lines.append(f"  {title:<10} " + "  ".join(figures))
    if report.losses:
        lines.append(f"  {'lost':<10} right/wrong/refused: " + " · ".join(
            f"{r.where} {r.right}/{r.wrong}/{r.refused}" for r in report.losses.rows if r.questions))
    if report.briefing:
        lines.append(f"  {'briefing':<10} story recall@10 {report.briefing['story_recall_at_10']:.3f}")
    lines.append(f"report: {out}/report.md")
    return "\n".join(lines)
