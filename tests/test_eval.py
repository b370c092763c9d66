"""The harness end to end on the bundled gold set: real index, real model, real files out."""

from __future__ import annotations

import csv
import json

import pytest

from eval.harness import run_eval
from rag.cli import main
from rag.errors import InputError

from conftest import ROOT

GOLD = ROOT / "eval" / "gold" / "seeds"
KEYS = {
    "dataset", "n_questions", "mode", "retrieval", "answers", "speed", "baselines",
}
RETRIEVAL = {"hit@1", "hit@5", "hit@10", "mrr", "answer_recall@1", "answer_recall@5", "answer_recall@10"}
ANSWERS = {"em", "f1", "context_recall", "refusal_rate", "citation_precision"}
SPEED = {"ingest_chunks_per_s", "retrieval_ms_p50", "retrieval_ms_p95", "answer_ms_p50", "answer_ms_p95",
         "first_token_ms_p50", "first_token_ms_p95", "model_load_s"}


def test_seed_gold_set_report(tmp_path, monkeypatch):
    out, cache = tmp_path / "report", tmp_path / "cache"
    report = run_eval(GOLD, out_dir=out, cache_dir=cache, progress=False)

    on_disk = json.loads((out / "report.json").read_text())
    assert on_disk == report
    assert set(report) == KEYS and set(report["retrieval"]) == RETRIEVAL | {"dates", "other_dates"}
    other = report["retrieval"].pop("other_dates")
    assert report["retrieval"].pop("dates") == "soft" and other.pop("dates") == "hard" and set(other) == RETRIEVAL
    assert set(report["answers"]) == ANSWERS and set(report["speed"]) == SPEED
    assert report["dataset"] == "seeds" and report["n_questions"] == 16 and report["mode"] == "extractive"
    for section in ("retrieval", "answers"):
        assert all(0.0 <= v <= 1.0 for v in report[section].values())
    assert report["retrieval"]["hit@10"] == 1.0  # one article: every question with a gold URL finds it
    assert report["speed"]["ingest_chunks_per_s"] > 0 and report["speed"]["retrieval_ms_p50"] > 0
    assert report["baselines"] == {}

    rows = list(csv.DictReader((out / "questions.csv").open(encoding="utf-8")))
    assert len(rows) == 16 and {"question", "gold", "ours", "em", "f1", "hit_rank", "cited_urls"} <= set(rows[0])
    answerable = [r for r in rows if r["gold"]]
    assert report["answers"]["em"] == pytest.approx(sum(float(r["em"]) for r in answerable) / len(answerable), abs=1e-3)
    for name in ("report.md", "recall_at_k.png", "f1_vs_baselines.png", "latency.png"):
        assert (out / name).stat().st_size > 0
    assert "| **newsrag (extractive)** |" in (out / "report.md").read_text()
    assert "Used as a hard limit (later articles ignored" in (out / "report.md").read_text()

    # a second run reuses the cached index: nothing is ingested again
    from rag.assistant import NewsAssistant

    def no_ingest(*args, **kwargs):
        raise AssertionError("the cached index was rebuilt")

    monkeypatch.setattr(NewsAssistant, "ingest", no_ingest)
    again = run_eval(GOLD, out_dir=tmp_path / "again", cache_dir=cache, limit=3, progress=False)
    assert again["n_questions"] == 3
    assert again["speed"]["ingest_chunks_per_s"] == report["speed"]["ingest_chunks_per_s"]


def test_baselines_are_scored_with_the_same_scorer(tmp_path):
    dataset = tmp_path / "mini"
    (dataset / "baselines").mkdir(parents=True)
    (dataset / "corpus.jsonl").write_text((GOLD / "corpus.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    questions = [json.loads(line) for line in (GOLD / "questions.jsonl").read_text(encoding="utf-8").splitlines()][:2]
    (dataset / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions), encoding="utf-8")
    # Q1 gold "Aleppo province": "Aleppo" -> EM 0, F1 2/3. Q2 gold "Nayrab refugee camp": exact -> EM 1, F1 1.
    (dataset / "baselines" / "guess.jsonl").write_text(
        f'{{"id": "{questions[0]["id"]}", "prediction": "Aleppo"}}\n'
        f'{{"id": "{questions[1]["id"]}", "prediction": "the Nayrab refugee camp."}}\n', encoding="utf-8")
    report = run_eval(dataset, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=False)
    assert report["baselines"] == {"guess": {"em": 0.5, "f1": pytest.approx((2 / 3 + 1) / 2, abs=1e-3)}}


def test_cli_eval_and_bad_datasets(tmp_path, capsys):
    code = main(["eval", "--dataset", str(GOLD), "--out", str(tmp_path / "o"), "--cache", str(tmp_path / "c"),
                 "--limit", "2", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "seeds: 2 questions, extractive mode" in out and (tmp_path / "o" / "report.md").exists()

    assert main(["eval", "--dataset", str(tmp_path)]) == 1
    assert "is not a dataset: corpus.jsonl is missing" in capsys.readouterr().err
    (tmp_path / "corpus.jsonl").write_text("{}\n")
    (tmp_path / "questions.jsonl").write_text('{"id": 1, "question": "q", "answer": "a"}\nnot json\n')
    with pytest.raises(InputError, match=r"questions.jsonl:2: malformed JSON"):
        run_eval(tmp_path, out_dir=tmp_path / "o2", cache_dir=tmp_path / "c2", progress=False)
