"""An evaluation's PNG plots, each drawn from the metric table (eval/metrics.py) and the per-question results:
answer recall@k and gold hit@k, ours against the baselines, the open answers' rates, and the latencies.
``draw_plots`` writes the ones that have something to show into the report folder (eval/report.py links them)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.metrics import METRICS, MS, RATE, Report, section
from eval.results import QuestionResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PLOTS = {"recall": "recall_at_k.png", "baselines": "f1_vs_baselines.png", "open": "open_answers.png",
         "latency": "latency.png"}
_ARROWS = {True: "↑", False: "↓", None: ""}


def draw_plots(report: Report, results: Sequence[QuestionResult], out: Path) -> dict[str, str]:
    """Draw the plots that have something to show; returns name -> file of those written. A plot not drawn this
    time is deleted, so a report folder never shows one from an earlier run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = {"recall": recall_plot(report, results)}
    if report.baselines and report.n_quiz:
        drawn["baselines"] = baselines_plot(report)
    if report.open:
        drawn["open"] = open_plot(report)
    drawn["latency"] = latency_plot(results)
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


def recall_plot(report: Report, results: Sequence[QuestionResult]) -> Figure:
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


def baselines_plot(report: Report) -> Figure:
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


def open_plot(report: Report) -> Figure:
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


def latency_plot(results: Sequence[QuestionResult]) -> Figure:
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
