"""``newsrag eval`` on a story set: a labelled corpus ingested in file order through the product, its stories scored."""

from __future__ import annotations

import json

from eval.harness import run_eval
from eval.report import summary_text
from eval.stories import StoryReport, bcubed, is_story_set

QUAKE = ("A magnitude 6.4 earthquake struck near the town of Almora in northern Italy on Monday, killing 12 people "
         "and destroying hundreds of homes, the civil protection agency said.")
RACE = ("The Tour de France ended in Paris on Sunday with Danish rider Jonas Vingegaard winning the yellow jersey "
        "ahead of Tadej Pogacar after three weeks of racing through the Alps and the Pyrenees.")


def _records() -> list[dict]:
    quake = [
        QUAKE,
        "Rescuers dug through rubble in Almora after Monday's 6.4 magnitude quake in northern Italy left 12 dead and "
        "hundreds of homes destroyed, officials said.",
        "The death toll from the earthquake that hit Almora, Italy rose to 12 as rescue teams searched collapsed "
        "homes on Tuesday after the 6.4 tremor.",
    ]
    race = [
        RACE,
        "Jonas Vingegaard of Denmark won the Tour de France on Sunday, finishing the final stage in Paris ahead of "
        "Tadej Pogacar after three weeks in the Alps and the Pyrenees.",
        "Vingegaard sealed his Tour de France victory in Paris on Sunday; Pogacar finished second after three weeks "
        "of racing.",
    ]
    return [{"id": f"q{i}", "title": text.split(",")[0], "text": text, "story": "quake"} for i, text in
            enumerate(quake)] + [{"id": f"r{i}", "title": text.split(",")[0], "text": text, "story": "race"}
                                  for i, text in enumerate(race)]


def test_bcubed_scores_a_perfect_and_a_merged_clustering():
    assert bcubed([1, 1, 2, 2], ["a", "a", "b", "b"]) == (1.0, 1.0, 1.0)
    precision, recall, _ = bcubed([1, 1, 1, 1], ["a", "a", "b", "b"])
    assert (precision, recall) == (0.5, 1.0)


def test_a_story_set_is_ingested_and_scored(tmp_path):
    folder = tmp_path / "tiny-stories"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(r) for r in _records()) + "\n", encoding="utf-8")
    assert is_story_set(folder)
    out = tmp_path / "report"
    report = run_eval(folder, out_dir=out, cache_dir=tmp_path / "cache", progress=False, mode="extractive")
    assert isinstance(report, StoryReport)
    stories = json.loads((out / "report.json").read_text())["stories"]
    assert {"bcubed_f1", "bcubed_precision", "bcubed_recall", "ari"} <= set(stories)
    assert stories["articles"] == 6 and stories["gold_stories"] == 2
    assert stories["bcubed_f1"] == 1.0 and stories["ari"] == 1.0  # two plainly different events
    assert (out / "stories.png").is_file() and "B-cubed F1" in (out / "report.md").read_text()
    assert "F1 1.000" in summary_text(report, out)
    assert not list((tmp_path / "cache").iterdir())  # the fresh index it used is gone
