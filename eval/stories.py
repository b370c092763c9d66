"""Stories, measured through the product: how well ingest groups articles into stories (a story set: a
``corpus.jsonl`` whose records carry a ``story`` label and no questions), and how much of a week's news a briefing
covers (a QA set's questions with ``gold_urls``).

- Clustering: the corpus is ingested in file order (each article placed as it arrives, as from a live feed), then
  B-cubed precision, recall and F1 over articles and the adjusted Rand index against the labels.
- Story recall@k: for each question date (``as_of``), the briefing of the 7 days up to it; a question is covered
  when one of its gold articles belongs to one of the first k stories listed. Reported for k = 1..10.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from eval.dataset import Question
from rag import Article, InputError, NewsAssistant, load_articles

RECALL_DEPTH = 10
WEEK = 7


def is_story_set(folder: str | Path) -> bool:
    """A folder with a ``corpus.jsonl`` and no ``questions.jsonl``."""
    path = Path(folder)
    return (path / "corpus.jsonl").is_file() and not (path / "questions.jsonl").is_file()


@dataclass(frozen=True)
class StoryScores:
    """How ingest grouped a labelled corpus: report.json's ``stories`` section."""

    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float
    articles: int
    gold_stories: int
    stories: int
    copies: int
    ingest_seconds: float
    story_seconds: float  # of which placing articles in stories

    def as_json(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class StoryReport:
    """A story set's evaluation."""

    dataset: str
    scores: StoryScores
    by_story: dict[str, dict[int, int]] = field(default_factory=dict)  # gold story -> predicted story -> articles


def bcubed(predicted: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over items (Bagga and Baldwin 1998)."""
    clusters: dict[object, set[int]] = defaultdict(set)
    classes: dict[object, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold)):
        clusters[p].add(i)
        classes[g].add(i)
    n = len(gold)
    if not n:
        return 0.0, 0.0, 0.0
    precision = sum(len(clusters[p] & classes[g]) / len(clusters[p]) for p, g in zip(predicted, gold)) / n
    recall = sum(len(clusters[p] & classes[g]) / len(classes[g]) for p, g in zip(predicted, gold)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def story_labels(corpus: Path) -> list[tuple[Article, str]]:
    """Each article of the corpus with its ``story`` label, in file order; a record without one is an error."""
    labels = []
    with corpus.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if line.strip():
                record = json.loads(line)
                if not record.get("story"):
                    raise InputError(f"{corpus}:{number}: a story set's record needs a 'story' label")
                labels.append(str(record["story"]))
    articles = [a for a in load_articles([corpus]) if isinstance(a, Article)]
    if len(articles) != len(labels):
        raise InputError(f"{corpus}: {len(labels)} records but {len(articles)} articles read (see newsrag ingest)")
    return list(zip(articles, labels))


def run_story_eval(dataset_dir: str | Path, out_dir: Path, assistant: NewsAssistant,
                   progress: bool = False) -> StoryReport:
    """Ingest the story set into ``assistant``'s (empty) index in file order and score its stories."""
    from sklearn.metrics import adjusted_rand_score

    corpus = Path(dataset_dir) / "corpus.jsonl"
    labelled = story_labels(corpus)
    started = time.perf_counter()
    report = assistant.ingest([corpus], progress=progress)
    seconds = time.perf_counter() - started
    placed = {s.id: s for s in assistant.stories(limit=1_000_000)}
    story_of = {a.article_id: (story_id, a.copy_of) for story_id, s in placed.items() for a in s.articles}
    predicted = [story_of[article.id][0] for article, _ in labelled]
    gold = [label for _, label in labelled]
    precision, recall, f1 = bcubed(predicted, gold)
    scores = StoryScores(precision, recall, f1, float(adjusted_rand_score(gold, predicted)), len(labelled),
                         len(set(gold)), len(set(predicted)), sum(1 for _, c in story_of.values() if c), seconds,
                         report.story_seconds)
    by_story: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p, g in zip(predicted, gold):
        by_story[g][p] += 1
    result = StoryReport(Path(dataset_dir).resolve().name, scores, {g: dict(c) for g, c in by_story.items()})
    write_story_report(result, out_dir)
    return result


def story_recall(assistant: NewsAssistant, questions: Sequence[Question],
                 depth: int = RECALL_DEPTH) -> dict[str, Any] | None:
    """Story recall@1..``depth`` of the briefing for each question week (see the module docstring); None when no
    question has a date and gold articles."""
    weeks: dict[Any, list[Question]] = defaultdict(list)
    for question in questions:
        if question.as_of and question.gold_urls:
            weeks[question.as_of].append(question)
    if not weeks:
        return None
    covered_at = [0] * depth
    seconds = []
    for as_of, asked in sorted(weeks.items()):
        started = time.perf_counter()
        briefing = assistant.brief(since=as_of - timedelta(days=WEEK - 1), until=as_of, limit=depth)
        seconds.append(time.perf_counter() - started)
        urls = [{a.url for a in story.articles} for story in briefing.stories]
        for question in asked:
            rank = next((i for i, found in enumerate(urls) if found & set(question.gold_urls)), None)
            if rank is not None:
                for k in range(rank, depth):
                    covered_at[k] += 1
    total = sum(len(asked) for asked in weeks.values())
    seconds.sort()
    return {"questions": total, "weeks": len(weeks),
            "story_recall_at_k": {str(k + 1): round(covered_at[k] / total, 4) for k in range(depth)},
            f"story_recall_at_{depth}": round(covered_at[-1] / total, 4),
            "brief_seconds_p50": round(seconds[len(seconds) // 2], 3),
            "brief_seconds_max": round(seconds[-1], 3)}


def write_story_report(report: StoryReport, out: Path) -> None:
    """report.json (``{"dataset", "stories": {...}}``), report.md and stories.png."""
    out.mkdir(parents=True, exist_ok=True)
    scores = report.scores
    (out / "report.json").write_text(json.dumps({"dataset": report.dataset, "stories": scores.as_json()}, indent=2)
                                     + "\n", encoding="utf-8")
    split = {g: c for g, c in report.by_story.items() if len(c) > 1}
    merged: dict[int, list[str]] = defaultdict(list)
    for g, c in report.by_story.items():
        for p in c:
            merged[p].append(g)
    lines = [f"# Stories: {report.dataset}", "",
             f"{scores.articles} articles in {scores.gold_stories} labelled stories, ingested in file order; newsrag "
             f"made {scores.stories} stories ({scores.copies} copies folded).", "",
             "| metric | value |", "|---|---|",
             *(f"| {k} | {v:.3f} |" for k, v in (("B-cubed precision", scores.bcubed_precision),
                                                  ("B-cubed recall", scores.bcubed_recall),
                                                  ("B-cubed F1", scores.bcubed_f1), ("ARI", scores.ari))),
             f"| ingest seconds | {scores.ingest_seconds:.1f} |",
             f"| of which placing in stories | {scores.story_seconds:.1f} |", "",
             "![B-cubed](stories.png)", "",
             f"Labelled stories split over several of ours: {len(split)}; "
             f"stories of ours holding several labelled ones: {sum(1 for g in merged.values() if len(g) > 1)}.", ""]
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _bars_png(out / "stories.png", [("B³ precision", scores.bcubed_precision), ("B³ recall", scores.bcubed_recall),
                                    ("B³ F1", scores.bcubed_f1), ("ARI", scores.ari)], f"Stories: {report.dataset}")


def recall_png(path: Path, recall: dict[str, Any]) -> None:
    """Story recall@k of the briefing, k = 1..10."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = sorted((int(k), v) for k, v in recall["story_recall_at_k"].items())
    figure, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot([k for k, _ in points], [v for _, v in points], marker="o")
    ax.set(xlabel="stories listed (k)", ylabel="questions covered", ylim=(0, 1),
           title=f"Briefing story recall@k ({recall['questions']} questions, {recall['weeks']} weeks)")
    ax.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _bars_png(path: Path, bars: list[tuple[str, float]], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(5, 3.2))
    ax.bar([b for b, _ in bars], [v for _, v in bars], color="#4a7bb7")
    for i, (_, v) in enumerate(bars):
        ax.text(i, v + 0.02, f"{v:.3f}", ha="center")
    ax.set(ylim=(0, 1.1), title=title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def story_summary(report: StoryReport, out: str | Path) -> str:
    s = report.scores
    return "\n".join([f"{report.dataset}: {s.articles} articles, {s.gold_stories} labelled stories, "
                      f"{s.stories} made",
                      f"  stories    B³ P {s.bcubed_precision:.3f}  R {s.bcubed_recall:.3f}  F1 {s.bcubed_f1:.3f}  "
                      f"ARI {s.ari:.3f}  ingest {s.ingest_seconds:.1f} s (stories {s.story_seconds:.1f} s)",
                      f"report: {out}/report.md"])
