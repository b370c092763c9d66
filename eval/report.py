"""Writes an evaluation's files: report.json (fixed keys), report.md (tables), questions.csv, PNG plots; and the
few headline lines ``newsrag eval`` prints (``summary_text``)."""

from __future__ import annotations

import csv
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.harness import QuestionResult

DATE_NOTES = {"soft": "as a soft hint (articles near it rank higher)",
              "hard": "as a hard limit (later articles ignored, earlier ones near it rank higher)"}
PLOTS = {"recall": "recall_at_k.png", "f1": "f1_vs_baselines.png", "latency": "latency.png"}
OPEN_RATES = (("key_fact_recall", "key-fact recall"), ("all_facts_rate", "all facts stated"),
              ("grounded_fact_rate", "stated facts grounded in a cited passage"),
              ("refusal_rate_answerable", "refusals, answerable (lower is better)"),
              ("refusal_rate_unanswerable", "refusals, unanswerable (higher is better)"))


def write_report(report: dict[str, Any], results: list[QuestionResult], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _write_csv(results, out / "questions.csv")
    _plot(report, results, out)
    (out / "report.md").write_text(_markdown(report, results), encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def _write_csv(results: list[QuestionResult], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "question", "kind", "answerable", "gold", "ours", "em", "f1", "refused",
                         "key_facts", "facts_stated", "facts_grounded", "missing_facts", "hit_rank", "answer_rank",
                         "top_score", "first_token_ms", "answer_ms", "cited_urls", "answer_text"])
        for r in results:
            q, facts = r.question, r.facts
            grounded = r.grounded
            writer.writerow([q.id, q.question, q.kind or ("" if not q.is_open else "unspecified"), int(q.answerable),
                             q.answer or "", r.answer.short_answer,
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


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _markdown(report: dict[str, Any], results: list[QuestionResult]) -> str:
    retrieval, answers, speed, opened = report["retrieval"], report["answers"], report["speed"], report.get("open_answers")
    other = retrieval["other_dates"]
    quiz = [r for r in results if not r.question.is_open]
    unanswerable = [r for r in quiz if r.question.answer is None]
    wrongly_refused = sum(r.answer.refused for r in quiz if r.question.answer is not None)
    with_gold = sum(1 for r in results if r.question.gold_urls)
    lines = [
        f"# Evaluation: {report['dataset']} ({report['mode']} mode)",
        "",
        f"{report['n_questions']} questions, run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}.",
        "",
        "## Retrieval (top-10 ranking, no relevance floor)",
        "",
        "| metric | @1 | @5 | @10 |",
        "|---|---|---|---|",
        f"| gold article hit ({with_gold} questions with gold URLs) | {_fmt(retrieval['hit@1'])} | "
        f"{_fmt(retrieval['hit@5'])} | {_fmt(retrieval['hit@10'])} |",
        f"| answer recall (answer string in a passage) | {_fmt(retrieval['answer_recall@1'])} | "
        f"{_fmt(retrieval['answer_recall@5'])} | {_fmt(retrieval['answer_recall@10'])} |",
        "",
        f"MRR (gold articles): {_fmt(retrieval['mrr'])}",
        "",
        f"Each question's date is used {DATE_NOTES[retrieval['dates']]}; the answers below come from this ranking. "
        f"Used {DATE_NOTES[other['dates']]} instead: hit@5 {_fmt(other['hit@5'])}, MRR {_fmt(other['mrr'])}, "
        f"answer recall@1/5/10 {_fmt(other['answer_recall@1'])} / {_fmt(other['answer_recall@5'])} / "
        f"{_fmt(other['answer_recall@10'])}.",
        "",
    ]
    if opened:
        lines[-1:-1] = ["", "An open question's support URLs are its gold URLs."]
    if quiz:
        lines += [
            "## Answers" + (f" (quiz questions: {len(quiz)})" if opened else ""),
            "",
            "| system | EM | F1 |",
            "|---|---|---|",
            f"| **newsrag ({report['mode']})** | **{_fmt(answers['em'])}** | **{_fmt(answers['f1'])}** |",
            *[f"| {name} | {_fmt(b['em'])} | {_fmt(b['f1'])} |" for name, b in sorted(report["baselines"].items())],
            "",
            f"- context recall (gold answer in the passages the answerer read): {_fmt(answers['context_recall'])}",
            f"- refusal rate: {_fmt(answers['refusal_rate'])} ({wrongly_refused} answerable questions refused"
            + (f"; {sum(r.answer.refused for r in unanswerable)} of {len(unanswerable)} unanswerable ones refused, as they should be)"
               if unanswerable else ")"),
            f"- citation precision (cited sources that are gold articles): {_fmt(answers['citation_precision'])}",
            "",
        ]
    if opened:
        lines += _open_markdown(opened)
    lines += [
        "## Speed",
        "",
        "| measure | value |",
        "|---|---|",
        f"| ingest (chunks/s, when the index was built) | {_fmt(speed['ingest_chunks_per_s'])} |",
        f"| retrieval p50 / p95 (ms) | {_fmt(speed['retrieval_ms_p50'])} / {_fmt(speed['retrieval_ms_p95'])} |",
        *([f"| answer p50 / p95 (ms, retrieval included) | {_fmt(speed['answer_ms_p50'])} / {_fmt(speed['answer_ms_p95'])} |",
           f"| first token p50 / p95 (ms) | {_fmt(speed['first_token_ms_p50'])} / {_fmt(speed['first_token_ms_p95'])} |"]
          if quiz else []),
        f"| chat model load (s, once per process) | {_fmt(speed['model_load_s'])} |",
        "",
        *(["Answer and first-token latencies here are the quiz questions'; the open questions' are under "
           "Open answers.", ""] if opened and quiz else []),
        "## Plots",
        "",
        *[f"![{name}]({file})" for name, file in PLOTS.items()],
        "",
    ]
    if quiz:
        lines += ["EM and F1 compare the short answer with the gold answer after SQuAD normalisation (all Unicode "
                  "punctuation dropped); baselines are scored by the same code on the same questions. `questions.csv` "
                  "has every question with our answer, its scores and ranks, for error analysis.", ""]
    if opened:
        lines += ["Open answers are scored on their whole text: a key fact is stated when one of its accepted wordings "
                  "occurs in it as whole words, after lower-casing, straightening curly quotes, replacing punctuation "
                  "by spaces and dropping a/an/the. Grounded facts: of the key facts an answer states, the share also "
                  "found in a passage the answer cites (averaged over the answers that state one). A refusal is the "
                  "assistant declining, or an answer saying plainly that the articles do not give the detail. "
                  "`questions.csv` lists each open answer's stated, grounded and missing facts.", ""]
    return "\n".join(lines)


def _open_markdown(opened: dict[str, Any]) -> list[str]:
    return [
        f"## Open answers ({opened['n_questions']} questions: {opened['n_answerable']} answerable, "
        f"{opened['n_unanswerable']} unanswerable)",
        "",
        "| measure | value |",
        "|---|---|",
        *[f"| {label} | {_fmt(opened[key])} |" for key, label in OPEN_RATES],
        f"| citation precision (cited sources that are support articles) | {_fmt(opened['citation_precision'])} |",
        f"| first token p50 / p95 (ms) | {_fmt(opened['first_token_ms_p50'])} / {_fmt(opened['first_token_ms_p95'])} |",
        f"| answer p50 / p95 (ms, retrieval included) | {_fmt(opened['answer_ms_p50'])} / {_fmt(opened['answer_ms_p95'])} |",
        "",
        "| kind | answerable | unanswerable | key-fact recall |",
        "|---|---|---|---|",
        *[f"| {kind} | {k['n_answerable']} | {k['n_unanswerable']} | {_fmt(k['key_fact_recall'])} |"
          for kind, k in opened["by_kind"].items()],
        "",
    ]


def summary_text(report: dict[str, Any], out: str | Path) -> str:
    """The headline figures ``newsrag eval`` prints: retrieval, then the quiz answers and/or the open answers
    (whichever the dataset has), then speed."""
    retrieval, answers, speed, opened = report["retrieval"], report["answers"], report["speed"], report.get("open_answers")
    f = lambda v: "–" if v is None else f"{v:.3f}"  # noqa: E731
    ms = lambda v: "–" if v is None else f"{v} ms"  # noqa: E731
    n_quiz = report["n_questions"] - (opened["n_questions"] if opened else 0)
    lines = [f"{report['dataset']}: {report['n_questions']} questions, {report['mode']} mode, dates {retrieval['dates']}",
             f"  retrieval  hit@5 {f(retrieval['hit@5'])}  mrr {f(retrieval['mrr'])}  "
             f"answer recall@1/5/10 {f(retrieval['answer_recall@1'])} / {f(retrieval['answer_recall@5'])} / "
             f"{f(retrieval['answer_recall@10'])}"]
    if n_quiz:
        lines.append(f"  answers    EM {f(answers['em'])}  F1 {f(answers['f1'])}  refusals {f(answers['refusal_rate'])}  "
                     f"citation precision {f(answers['citation_precision'])}")
    if opened:
        lines.append(f"  open       key facts {f(opened['key_fact_recall'])}  all facts {f(opened['all_facts_rate'])}  "
                     f"grounded {f(opened['grounded_fact_rate'])}  refusals: answerable "
                     f"{f(opened['refusal_rate_answerable'])}, unanswerable {f(opened['refusal_rate_unanswerable'])}")
    line = f"  speed      retrieval p50 {ms(speed['retrieval_ms_p50'])}"
    if n_quiz:
        line += (f"  {'quiz ' if opened else ''}first token p50 {ms(speed['first_token_ms_p50'])}  "
                 f"answer p50 {ms(speed['answer_ms_p50'])}")
    if opened:
        line += f"  open first token p50 {ms(opened['first_token_ms_p50'])}  answer p50 {ms(opened['answer_ms_p50'])}"
    lines += [line, f"report: {out}/report.md"]
    return "\n".join(lines)


def _plot(report: dict[str, Any], results: list[QuestionResult], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = range(1, 11)
    quiz = [r for r in results if not r.question.is_open]
    opened = report.get("open_answers")
    answerable = [r for r in results if r.question.answer]
    with_gold = [r for r in results if r.question.gold_urls]
    fig, ax = plt.subplots(figsize=(6, 4))
    if answerable:
        ax.plot(ks, [sum(r.answer_rank is not None and r.answer_rank <= k for r in answerable) / len(answerable)
                     for k in ks], marker="o", label="answer recall@k")
    if with_gold:
        ax.plot(ks, [sum(r.gold_rank is not None and r.gold_rank <= k for r in with_gold) / len(with_gold)
                     for k in ks], marker="s", label="gold hit@k")
    ax.set(xlabel="k (passages)", ylabel="share of questions", ylim=(0, 1.05), xticks=list(ks),
           title=f"Retrieval: {report['dataset']}")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / PLOTS["recall"], dpi=110)
    plt.close(fig)

    # the answers figure: quiz answers against the baselines, and, for open questions, two more panels
    systems = ([(f"newsrag ({report['mode']})", report["answers"])] + sorted(report["baselines"].items()))[::-1]
    panels = (1 if quiz else 0) + (2 if opened else 0)
    rows = max(len(systems) if quiz else 0, len(OPEN_RATES) if opened else 0)
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, max(2.4, 1.0 + 0.55 * rows)), squeeze=False)
    axes = list(axes[0])
    if quiz:
        ax = axes.pop(0)
        for offset, metric, colour in ((0.2, "f1", "#1f77b4"), (-0.2, "em", "#aec7e8")):
            values = [s[metric] or 0 for _, s in systems]
            ax.barh([y + offset for y in range(len(systems))], values, height=0.38, color=colour, label=metric.upper())
            for y, value in enumerate(values):
                ax.text(value + 0.01, y + offset, f"{value:.3f}", va="center", fontsize=8)
        ax.set_yticks(range(len(systems)), [name for name, _ in systems])
        ax.set(xlabel="score", xlim=(0, 1.1), title=f"Answers vs baselines: {report['dataset']}")
        ax.legend(loc="lower right")
    if opened:
        kinds = [(kind, k) for kind, k in opened["by_kind"].items() if k["n_answerable"]][::-1]
        rates = list(OPEN_RATES)[::-1]
        for ax, bars, title in (
                (axes[0], [(f"{kind} ({k['n_answerable']})", k["key_fact_recall"]) for kind, k in kinds],
                 f"Open answers: key-fact recall by kind ({report['mode']})"),
                (axes[1], [(label, opened[key]) for key, label in rates], f"Open answers: {report['dataset']}")):
            values = [value or 0 for _, value in bars]
            ax.barh(range(len(bars)), values, height=0.6, color="#2ca02c")
            for y, (_, value) in enumerate(bars):
                ax.text((value or 0) + 0.01, y, "–" if value is None else f"{value:.3f}", va="center", fontsize=8)
            ax.set_yticks(range(len(bars)), [name for name, _ in bars])
            ax.set(xlabel="share", xlim=(0, 1.1), title=title)
    fig.tight_layout()
    fig.savefig(out / PLOTS["f1"], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist([r.retrieval_ms for r in results], bins=30, alpha=0.7, label="retrieval")
    if opened:
        for label, these in (("answer, quiz (incl. retrieval)", quiz),
                             ("answer, open (incl. retrieval)", [r for r in results if r.question.is_open])):
            if these:
                ax.hist([r.answer_ms for r in these], bins=30, alpha=0.7, label=label)
    else:
        ax.hist([r.answer_ms for r in results], bins=30, alpha=0.7, label="answer (incl. retrieval)")
    ax.set(xlabel="milliseconds", ylabel="questions", title="Latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / PLOTS["latency"], dpi=110)
    plt.close(fig)
