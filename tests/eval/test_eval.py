"""The harness end to end on the bundled gold set: real index, real model, real files out."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import replace

import pytest
from conftest import ROOT

from cli.main import main
from eval.dataset import Dataset, Question, load_dataset
from eval.harness import run_eval
from eval.metrics import METRICS, MS, PER_SECOND, RATE, SECONDS, Metric, section, summarize
from eval.report import summary_text, write_report
from eval.results import QuestionResult
from eval.scoring import fact_stated, mean
from rag.errors import InputError
from rag.types import Answer, Citation, Passage

GOLD = ROOT / "eval" / "gold" / "seeds"
KEYS = {
    "dataset", "n_questions", "mode", "retrieval", "answers", "speed", "baselines", "open_answers", "briefing",
    "losses",
}
RETRIEVAL = {"hit@1", "hit@5", "hit@10", "mrr", "answer_recall@1", "answer_recall@5", "answer_recall@10"}
ANSWERS = {"em", "f1", "context_recall", "refusal_rate", "citation_precision"}
SPEED = {"ingest_chunks_per_s", "retrieval_ms_p50", "retrieval_ms_p95", "answer_ms_p50", "answer_ms_p95",
         "first_token_ms_p50", "first_token_ms_p95", "model_load_s"}
OPEN_RATES = {"key_fact_recall", "context_key_fact_recall", "all_facts_rate", "grounded_fact_rate",
              "refusal_rate_answerable", "refusal_rate_unanswerable", "citation_precision"}
OPEN = OPEN_RATES | {"n_questions", "n_answerable", "n_unanswerable", "answer_ms_p50", "answer_ms_p95",
                     "first_token_ms_p50", "first_token_ms_p95", "by_kind"}


def test_seed_gold_set_report(tmp_path, monkeypatch):
    out, cache = tmp_path / "report", tmp_path / "cache"
    report = run_eval(GOLD, out_dir=out, cache_dir=cache, progress=False).as_json()

    on_disk = json.loads((out / "report.json").read_text())
    assert on_disk == report
    assert set(report) == KEYS and set(report["retrieval"]) == RETRIEVAL | {"dates", "other_dates"}
    other = report["retrieval"].pop("other_dates")
    assert report["retrieval"].pop("dates") == "soft" and other.pop("dates") == "hard" and set(other) == RETRIEVAL
    assert set(report["answers"]) == ANSWERS and set(report["speed"]) == SPEED
    assert report["dataset"] == "seeds" and report["n_questions"] == 24 and report["mode"] == "extractive"
    opened = report.pop("open_answers")  # the 8 open questions after the 16 quiz ones
    assert set(opened) == OPEN and (opened["n_questions"], opened["n_answerable"], opened["n_unanswerable"]) == (8, 4, 4)
    assert all(0.0 <= opened[key] <= 1.0 for key in OPEN_RATES)
    assert set(opened["by_kind"]) == {"summary", "why", "reaction", "timeline", "latest", "list"}
    for name in ("retrieval", "answers"):
        assert all(0.0 <= v <= 1.0 for v in report[name].values())
    assert report["retrieval"]["hit@10"] == 1.0  # one article: every question with a gold URL finds it
    assert report["speed"]["ingest_chunks_per_s"] > 0 and report["speed"]["retrieval_ms_p50"] > 0
    assert report["baselines"] == {}

    rows = list(csv.DictReader((out / "questions.csv").open(encoding="utf-8")))
    assert len(rows) == 24 and {"question", "gold", "ours", "em", "f1", "hit_rank", "cited_urls", "kind",
                                "facts_stated", "refused"} <= set(rows[0])
    answerable = [r for r in rows if r["gold"]]
    assert report["answers"]["em"] == pytest.approx(sum(float(r["em"]) for r in answerable) / len(answerable), abs=1e-3)
    open_rows = [r for r in rows if r["kind"] and r["answerable"] == "1"]
    assert opened["key_fact_recall"] == pytest.approx(
        mean([int(r["facts_stated"]) / int(r["key_facts"]) for r in open_rows]), abs=1e-3)
    markdown = (out / "report.md").read_text()
    assert "## Open answers (8 questions: 4 answerable, 4 unanswerable)" in markdown
    for name in ("report.md", "recall_at_k.png", "open_answers.png", "latency.png"):
        assert (out / name).stat().st_size > 0 and (name == "report.md" or f"]({name})" in markdown)
    # no baselines: no lonely pair of bars, and report.md says why instead of linking a missing image
    assert not (out / "f1_vs_baselines.png").exists() and "f1_vs_baselines.png" not in markdown
    assert "No answers-vs-baselines plot: the dataset has no baselines" in markdown
    assert "| **newsrag (extractive)** |" in markdown
    assert "Used as a hard limit (later articles ignored" in markdown
    losses = report["losses"]  # every answerable quiz question in one row; the seed article holds every answer
    assert sum(row["questions"] for row in losses.values()) == len(answerable)
    assert losses["not in the corpus"]["questions"] == 0
    assert all(row["right"] + row["wrong"] + row["refused"] == row["questions"] >= row["read"]
               for row in losses.values())
    assert "## Where quiz answers were lost" in markdown

    # a second run reuses the cached index: nothing is ingested again
    from rag.assistant import NewsAssistant

    def no_ingest(*args, **kwargs):
        raise AssertionError("the cached index was rebuilt")

    monkeypatch.setattr(NewsAssistant, "ingest", no_ingest)
    again = run_eval(GOLD, out_dir=tmp_path / "again", cache_dir=cache, limit=3, progress=False).as_json()
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
    report = run_eval(dataset, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=False).as_json()
    assert report["baselines"] == {"guess": {"em": 0.5, "f1": pytest.approx((2 / 3 + 1) / 2, abs=1e-3)}}
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| guess | 0.500 | 0.833 |" in markdown and "](f1_vs_baselines.png)" in markdown
    assert (tmp_path / "out" / "f1_vs_baselines.png").stat().st_size > 0


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


# --- open questions (the rtqa-open-dev format) ---

def _open_lines(*ids: str) -> list[dict]:
    lines = [json.loads(line) for line in (GOLD / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    return [q for q in lines if q["id"] in ids]


def test_seed_open_questions_key_facts_occur_verbatim_in_the_article():
    text = json.loads((GOLD / "corpus.jsonl").read_text(encoding="utf-8"))["text"]
    opened = [q for q in load_dataset(GOLD).questions if q.is_open]
    assert len(opened) == 8 and sum(q.answerable for q in opened) == 4
    for q in opened:
        assert q.kind in {"summary", "why", "how", "reaction", "timeline", "list", "compare", "latest"}, q.id
        if not q.answerable:
            assert q.key_facts == () and q.gold_urls == (), q.id
            continue
        assert 2 <= len(q.key_facts) <= 4 and q.gold_urls == ("seeds/000_3424cc2725251ae5.txt",), q.id
        for aliases in q.key_facts:
            assert 1 <= len(aliases) <= 3, q.id
            for alias in aliases:
                assert alias in text.replace("’", "'") or alias in text, (q.id, alias)
                assert fact_stated(text, [alias]), (q.id, alias)


def test_open_format_reader_and_mixed_datasets(tmp_path):
    (tmp_path / "corpus.jsonl").write_text("{}\n")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        '{"id": "q1", "question": "Where?", "answer": "Aleppo", "gold_urls": ["u1"]}\n'
        '{"id": "o1", "question": "Why?", "kind": "Why", "as_of": "2024-12-09", "answerable": true,'
        ' "key_facts": [["snowmelt"], ["10,000", "ten thousand"]], "support_urls": ["u2", "u3"], "note": "n"}\n'
        '{"id": "o2", "question": "Toll?", "kind": "latest", "answerable": false, "key_facts": [], "support_urls": []}\n',
        encoding="utf-8")
    quiz, why, toll = load_dataset(tmp_path).questions
    assert not quiz.is_open and quiz.answerable and quiz.kind == "" and quiz.key_facts == ()
    assert why.is_open and why.answerable and why.answer is None and why.kind == "why"
    assert why.key_facts == (("snowmelt",), ("10,000", "ten thousand")) and why.as_of.isoformat() == "2024-12-09"
    assert why.support_urls == why.gold_urls == ("u2", "u3")
    assert toll.is_open and not toll.answerable and toll.key_facts == ()
    assert not Question(id="x", question="y", answer=None).answerable

    bad = {
        '"key_facts": "snowmelt"': r"questions.jsonl:2: 'key_facts' must be a list of facts",
        '"key_facts": [["snowmelt"], "Gardiner"]': r"questions.jsonl:2: 'key_facts' must be a list of facts",
        '"key_facts": [[]]': r"questions.jsonl:2: 'key_facts' must be a list of facts",
        '"key_facts": [[31]]': r"questions.jsonl:2: 'key_facts' must be a list of facts",
        '"key_facts": [["a"]], "answerable": "yes"': r"questions.jsonl:2: 'answerable' must be true or false",
        '"key_facts": [], "answerable": true': r"questions.jsonl:2: an answerable open question needs at least one",
        '"key_facts": [["a"]], "answer": "a"': r"questions.jsonl:2: .*not both",
        '"key_facts": [["a"]], "support_urls": "u1"': r"questions.jsonl:2: 'support_urls' must be a list",
    }
    for fields, message in bad.items():
        questions.write_text('{"id": "q1", "question": "Where?", "answer": "Aleppo"}\n'
                             f'{{"id": "o1", "question": "Why?", {fields}}}\n', encoding="utf-8")
        with pytest.raises(InputError, match=message):
            load_dataset(tmp_path)
    questions.write_text('{"question": "Why?", "key_facts": [["a"]]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"questions.jsonl:1: a question needs 'id', 'question' and 'key_facts'"):
        load_dataset(tmp_path)


def test_corpus_is_found_beside_a_folder_of_questions(tmp_path, capsys):
    bench = tmp_path / "bench"
    for folder in ("open", "quiz", "notes"):
        (bench / folder).mkdir(parents=True)
    (bench / "open" / "questions.jsonl").write_text('{"id": "o", "question": "Why?", "key_facts": [["a"]]}\n')
    (bench / "quiz" / "corpus.jsonl").write_text("{}\n")
    assert load_dataset(bench / "open").corpus == (bench / "quiz" / "corpus.jsonl").resolve()
    assert "using the sibling folder's" in capsys.readouterr().err
    assert load_dataset(bench / "open", corpus=bench / "quiz" / "corpus.jsonl").corpus \
        == bench / "quiz" / "corpus.jsonl"
    with pytest.raises(InputError, match=r"the corpus .*missing.jsonl is not a file"):
        load_dataset(bench / "open", corpus=bench / "missing.jsonl")
    (bench / "notes" / "corpus.jsonl").write_text("{}\n")  # two candidates: no guessing
    with pytest.raises(InputError, match=r"corpus.jsonl is missing and 2 sibling folders have one.*--corpus"):
        load_dataset(bench / "open")
    (bench / "open" / "corpus.jsonl").write_text("{}\n")  # its own corpus comes first
    assert load_dataset(bench / "open").corpus == bench / "open" / "corpus.jsonl"


def _passage(text: str, url: str) -> Passage:
    return Passage(chunk_id=f"{url}:0", article_id=url, text=text, title="t", source="s", url=url, published_at=None,
                   authors=(), start=0, end=len(text), score=0.5)


def _result(question: Question, text: str, cited: list[tuple[str, str]] = (), refused: bool = False,
            short: str = "", answer_ms: float = 100.0) -> QuestionResult:
    citations = tuple(Citation(number=i, passage=_passage(t, u)) for i, (t, u) in enumerate(cited, start=1))
    answer = Answer(question=question.question, text=text, citations=citations,
                    passages=tuple(c.passage for c in citations), mode="extractive", refused=refused, short_answer=short)
    return QuestionResult(question=question, answer=answer, gold_rank=None, answer_rank=None, retrieval_ms=10.0,
                          answer_ms=answer_ms, first_token_ms=answer_ms - 10)


def _mixed() -> tuple[Dataset, list[QuestionResult]]:
    """Two quiz and four open questions with hand-made answers, scored by hand in the test below."""
    quiz = [Question("q1", "Where?", "Aleppo", gold_urls=("u1",)), Question("q2", "Toll?", None)]
    facts = {"key_facts": (("Homs",), ("Russia",)), "answerable": True, "is_open": True, "gold_urls": ("u1",)}
    opened = [Question("o1", "Summarize.", None, kind="summary", **facts),
              Question("o2", "Why?", None, kind="why", **{**facts, "key_facts": (("snowmelt",), ("1918",))}),
              Question("o3", "Who said?", None, kind="why", answerable=False, is_open=True),
              Question("o4", "Latest toll?", None, kind="latest", answerable=False, is_open=True)]
    results = [
        _result(quiz[0], "Aleppo [1].", [("In Aleppo.", "u1")], short="Aleppo", answer_ms=100),
        _result(quiz[1], "The indexed articles do not cover this question.", refused=True, answer_ms=300),
        # states both facts, cites a passage with Homs but not one with Russia: recall 1, all facts, grounded 1/2
        _result(opened[0], "Homs fell [1]. Assad fled to Russia [2].", [("Homs fell.", "u1"), ("He fled.", "u9")],
                answer_ms=1000),
        # states neither fact and says the articles do not give it: a refusal (of an answerable question)
        _result(opened[1], "The articles do not give the cause; rain fell [1].", [("Rain fell.", "u1")], answer_ms=2000),
        _result(opened[2], "The sources do not say.", answer_ms=3000),  # refused by its words, not the flag
        _result(opened[3], "The toll is 31 [1].", [("31 died.", "u1")], answer_ms=4000),  # an invented answer
    ]
    return Dataset("mixed", GOLD, GOLD / "corpus.jsonl", tuple(quiz + opened)), results


def test_summarize_scores_open_and_quiz_questions_apart():
    dataset, results = _mixed()
    report = summarize(dataset, "extractive", results, None).as_json()
    assert report["answers"]["em"] == 1.0 and report["answers"]["refusal_rate"] == 0.5  # the quiz questions only
    assert report["answers"]["citation_precision"] == 1.0
    assert (report["speed"]["answer_ms_p50"], report["speed"]["first_token_ms_p50"]) == (200.0, 190.0)
    open_answers = report["open_answers"]
    assert {k: open_answers[k] for k in ("n_questions", "n_answerable", "n_unanswerable")} == \
        {"n_questions": 4, "n_answerable": 2, "n_unanswerable": 2}
    assert open_answers["key_fact_recall"] == 0.5 and open_answers["all_facts_rate"] == 0.5
    assert open_answers["grounded_fact_rate"] == 0.5  # only o1 states a fact
    assert open_answers["refusal_rate_answerable"] == 0.5 and open_answers["refusal_rate_unanswerable"] == 0.5
    assert open_answers["citation_precision"] == pytest.approx(0.75)  # o1 cites u1 and u9: 1/2; o2 cites u1: 1
    assert (open_answers["answer_ms_p50"], open_answers["first_token_ms_p50"]) == (2500.0, 2490.0)
    assert open_answers["by_kind"] == {
        "latest": {"n_answerable": 0, "n_unanswerable": 1, "key_fact_recall": None},
        "summary": {"n_answerable": 1, "n_unanswerable": 0, "key_fact_recall": 1.0},
        "why": {"n_answerable": 1, "n_unanswerable": 1, "key_fact_recall": 0.0},
    }
    quiz = replace(dataset, questions=dataset.questions[:2])
    assert summarize(quiz, "extractive", results[:2], None).as_json()["open_answers"] is None


def test_open_dataset_end_to_end_with_the_corpus_beside_it(tmp_path, capsys):
    bench = tmp_path / "bench"
    (bench / "articles").mkdir(parents=True)
    (bench / "open").mkdir()
    (bench / "articles" / "corpus.jsonl").write_text((GOLD / "corpus.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    lines = _open_lines("seeds-open-03", "seeds-open-04", "seeds-open-06") + [
        {"id": "off-topic", "question": "Who won the 2024 United States presidential election?", "kind": "latest",
         "answerable": False, "key_facts": [], "support_urls": []}]
    (bench / "open" / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in lines), encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache"

    code = main(["eval", "--dataset", str(bench / "open"), "--out", str(out), "--cache", str(cache), "--quiet"])
    printed = capsys.readouterr()
    assert code == 0 and "using the sibling folder's" in printed.err and "articles" in printed.err
    assert "open: 4 questions, extractive mode" in printed.out and "  open       key facts " in printed.out
    assert "EM" not in printed.out  # no quiz questions, no quiz line
    report = json.loads((out / "report.json").read_text())
    opened = report["open_answers"]
    assert (opened["n_questions"], opened["n_answerable"], opened["n_unanswerable"]) == (4, 2, 2)
    assert all(0.0 <= opened[key] <= 1.0 for key in OPEN_RATES)
    assert set(opened["by_kind"]) == {"latest", "reaction", "timeline"}
    assert report["answers"]["em"] is None and report["speed"]["answer_ms_p50"] is None
    assert opened["answer_ms_p50"] > 0 and report["retrieval"]["hit@10"] == 1.0  # support URLs scored as gold URLs
    rows = {r["id"]: r for r in csv.DictReader((out / "questions.csv").open(encoding="utf-8"))}
    assert rows["off-topic"]["refused"] == "1"  # refused before any answer is written
    assert opened["refusal_rate_unanswerable"] >= 0.5
    assert rows["seeds-open-04"]["kind"] == "timeline" and rows["seeds-open-04"]["key_facts"] == "4"
    markdown = (out / "report.md").read_text()
    assert "## Open answers (4 questions: 2 answerable, 2 unanswerable)" in markdown and "## Answers" not in markdown
    assert (out / "open_answers.png").stat().st_size > 0 and not (out / "f1_vs_baselines.png").exists()
    assert "No answers-vs-baselines plot" not in markdown  # no quiz questions: nothing to compare

    # --corpus names it explicitly; the index built above is reused (it is named after the corpus's folder)
    again = run_eval(bench / "open", out_dir=tmp_path / "again", cache_dir=cache, progress=False, limit=1,
                     corpus=bench / "articles" / "corpus.jsonl")
    [index] = cache.iterdir()  # one index, named after the corpus's folder
    assert again.n_questions == 1 and index.name.startswith("articles-")


# --- the metric table drives every output ---

def _outputs(out, dataset, results):
    report = summarize(dataset, "extractive", results, 2.0, dates="soft")
    write_report(report, results, out)
    return report, json.loads((out / "report.json").read_text()), (out / "report.md").read_text(), \
        summary_text(report, out)


def test_every_metric_in_the_table_is_in_report_json_report_md_and_the_summary(tmp_path):
    dataset, results = _mixed()
    (tmp_path / "f1_vs_baselines.png").write_bytes(b"stale")  # from an earlier run of a set with baselines
    report, on_disk, markdown, summary = _outputs(tmp_path, dataset, results)
    assert on_disk == report.as_json()
    for metric in METRICS:
        value = report[metric]
        found = on_disk[metric.section]
        assert found[metric.key] == value, metric.key
        if metric.section == "retrieval":
            assert found["other_dates"][metric.key] == report.other_retrieval[metric], metric.key
        if metric.versus_gold:  # a column of the systems table, ours in bold
            assert f" {metric.name} |" in markdown.split("| system |")[1].splitlines()[0], metric.key
            assert f"**{metric.unit.format(value)}**" in markdown, metric.key
        else:
            assert f"| {metric.name} | {metric.unit.format(value)} |" in markdown, metric.key
        if metric.short and value is not None:
            assert f"{metric.short} {metric.unit.format(value)}" in summary, metric.key
    assert "| ingest, when the index was built | 2.0 chunks/s | higher |" in markdown
    assert not re.search(r"\d\.\d{3} ms", markdown + summary)  # milliseconds are whole (one decimal below 10)
    assert not (tmp_path / "f1_vs_baselines.png").exists()  # not drawn this time, so not left behind


def test_a_new_metric_is_one_entry_in_the_table(tmp_path, monkeypatch):
    citations = Metric("answers", "citations_per_answer", "citations per answer", RATE, None,
                       lambda r: None if r.question.is_open else float(len(r.answer.citations)), short="citations")
    monkeypatch.setattr("eval.metrics.METRICS", (*METRICS, citations))
    dataset, results = _mixed()
    report, on_disk, markdown, summary = _outputs(tmp_path, dataset, results)
    assert report[citations] == 0.5 and on_disk["answers"]["citations_per_answer"] == 0.5  # q1 cites 1, q2 none
    assert "| citations per answer | 0.500 | – |" in markdown
    assert "  answers    EM 1.000  F1 1.000  refusals 0.500  citation precision 1.000  citations 0.500" in summary


def test_units_write_figures_for_people():
    assert (MS.format(26.8), MS.format(59.7), MS.format(5.34), MS.format(12345.4)) == \
        ("27 ms", "60 ms", "5.3 ms", "12,345 ms")
    assert (PER_SECOND.format(2.0), PER_SECOND.format(53.14), PER_SECOND.format(147.04), PER_SECOND.format(2025.0)) \
        == ("2.0 chunks/s", "53.1 chunks/s", "147 chunks/s", "2,025 chunks/s")
    assert (SECONDS.format(4.2), SECONDS.format(31.0), RATE.format(0.5), RATE.format(None)) == \
        ("4.20 s", "31.0 s", "0.500", "–")
    assert {m.unit for m in section("speed") if m.key.endswith(("_p50", "_p95"))} == {MS}


def test_plots_show_every_series(tmp_path):
    from eval.plots import latency_plot, recall_plot

    dataset, results = _mixed()
    results = [replace(r, retrieval_ms=12.0 + i, gold_rank=1, answer_rank=1) for i, r in enumerate(results)]
    report = summarize(dataset, "extractive", results, None)
    recall = recall_plot(report, results).axes[0].get_lines()
    assert len(recall) == 2 and all(list(line.get_ydata()) == [1.0] * 10 for line in recall)  # on top of each other
    # … yet both show: one dashed line of small markers over a solid one of large hollow markers
    assert len({line.get_linestyle() for line in recall}) == len({line.get_markersize() for line in recall}) == 2
    assert len({line.get_marker() for line in recall}) == 2
    assert any(line.get_markerfacecolor() == "none" for line in recall)
    # retrieval takes ~15 ms, answers 100-4,000 ms: each latency has its own panel, with bars, whole-number counts
    panels = latency_plot(results).axes
    assert [ax.get_title(loc="left").split(" - ")[0] for ax in panels] == [
        "retrieval latency", "answer latency (retrieval included)", "first token latency",
        "open questions: answer latency (retrieval included)", "open questions: first token latency"]
    for ax in panels:
        assert any(bar.get_height() > 0 for bar in ax.patches)
        assert all(float(tick).is_integer() for tick in ax.get_yticks())
    assert panels[-1].get_xscale() == "log"
