"""The ``newsrag`` command, run in-process (same code path as the console script) and once as a real process."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS

from cli.main import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_ask_stats_and_reingest(capsys, tmp_path):
    index = str(tmp_path / "index")
    code, out, _ = run(capsys, "ingest", "--index", index, str(SEEDS))
    assert code == 0 and out.startswith("1 article read: 1 new") and "chunks/s" in out

    code, out, _ = run(capsys, "ingest", "--index", index, str(SEEDS))
    assert code == 0 and "0 chunks added" in out and "nothing new" in out

    code, out, _ = run(capsys, "ask", "--index", index, "Where did the clashes erupt?")
    assert code == 0
    answer, sources = out.split("\nSources:\n")
    assert "[1]" in answer and "Nayrab refugee camp" in answer
    assert "[1] Clashes Erupt in Aleppo as Syria Nears Brink of Internal Conflict" in sources

    code, out, _ = run(capsys, "ask", "--index", index, "--json", "Where did the clashes erupt?")
    data = json.loads(out)
    assert data["citations"][0]["number"] == 1 and "Nayrab" in data["citations"][0]["text"]

    code, out, _ = run(capsys, "ask", "--index", index, "--around", "2000-01-01", "Where did the clashes erupt?")
    assert code == 0 and "Nayrab refugee camp" in out  # a preference: the only article still answers
    code, out, _ = run(capsys, "ask", "--index", index, "--as-of", "2000-01-01", "Where did the clashes erupt?")
    assert code == 0 and "Nayrab refugee camp" in out  # the seed article is undated, and as_of keeps undated ones
    code, out, _ = run(capsys, "ask", "--index", index, "--since", "2030-01-01", "Where did the clashes erupt?")
    assert code == 0 and "do not cover" in out
    with pytest.raises(SystemExit) as exited:
        run(capsys, "ask", "--index", index, "--around", "last week", "q")
    assert exited.value.code == 2 and "--around" in capsys.readouterr().err

    code, out, _ = run(capsys, "stats", "--index", index, "--json")
    assert json.loads(out)["articles"] == 1


FLOODS = """Yellowstone closes after record floods

Source: Mountain Herald
Date: 2022-06-14

The Yellowstone River rose above its 1918 record on Monday after heavy rain fell on melting snow. Floodwater washed
out roads and bridges near the town of Gardiner. More than 10,000 visitors were ordered to leave the park.
"""


def test_an_open_answer_prints_dated_key_points_and_gives_them_as_fields_in_json(capsys, tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "floods.txt").write_text(FLOODS, encoding="utf-8")
    index = str(tmp_path / "index")
    assert run(capsys, "ingest", "--index", index, str(tmp_path / "news"))[0] == 0
    code, out, _ = run(capsys, "ask", "--index", index, "What happened in Yellowstone?")
    points, sources = out.split("\nSources:\n")
    assert code == 0 and points.startswith("Key points:\n  • 2022-06-14 — “")
    assert "Gardiner" in points and points.count("[1]") >= 2 and "[2]" not in points
    assert "[1] Yellowstone closes after record floods — Mountain Herald, 2022-06-14" in sources
    code, out, _ = run(capsys, "ask", "--index", index, "--json", "What happened in Yellowstone?")
    data = json.loads(out)
    assert data["form"] == "open" and data["points"]
    first = data["points"][0]
    assert set(first) >= {"text", "citation", "date"} and first["citation"] == 1 and first["date"] == "2022-06-14"
    assert first["text"] in FLOODS.replace("\n", " ") or first["text"] in FLOODS


def test_chat_answers_question_after_question_until_quit(capsys, tmp_path, monkeypatch):
    index = str(tmp_path / "index")
    assert run(capsys, "ingest", "--index", index, str(SEEDS))[0] == 0
    typed = ["Where did the clashes erupt?", "/sources", "/nope", "Who seized Deir ez-Zor?", "/new", "/sources",
             "/quit", "Where did Assad flee to?"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(typed) + "\n"))
    code, out, err = run(capsys, "chat", "--index", index)
    assert code == 0 and not err
    assert out.startswith("newsrag chat: 1 article in")
    assert "Nayrab refugee camp" in out and "Syrian Democratic Forces" in out
    # in each answer's sources, under the header of its story (the article's own), and in the /sources listing
    assert out.count("Clashes Erupt in Aleppo") == 3 and "Story:" not in out  # a one-article story: no header
    assert any(line.startswith("    ") and "Nayrab" in line for line in out.splitlines())  # /sources: the passage
    assert "unknown command /nope" in out
    assert out.rstrip().endswith("No sources yet: ask a question first.")  # /new forgot them; nothing after /quit
    assert "Russia" not in out.split("Who seized", 1)[0].split("Sources:")[0]  # the first answer keeps to its question


def test_chat_without_an_index_is_one_error_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Where did the clashes erupt?\n"))
    code, out, err = run(capsys, "chat", "--index", str(tmp_path / "none"))
    assert code == 1 and err.startswith("newsrag: error: no index at") and not out


def test_prune_and_remove(capsys, tmp_path):
    index, corpus = str(tmp_path / "index"), tmp_path / "corpus"
    corpus.mkdir()
    [seed] = SEEDS.iterdir()
    (corpus / "seed.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "extra.txt").write_text("Tram timetable changes\n\nTrams will run every five minutes from Monday.")
    assert run(capsys, "ingest", "--index", index, str(corpus))[0] == 0
    (corpus / "extra.txt").unlink()
    code, out, _ = run(capsys, "ingest", "--index", index, "--prune", str(corpus))
    assert code == 0 and "1 unchanged" in out and "1 removed" in out

    code, _, err = run(capsys, "remove", "--index", index, str(tmp_path / "nowhere"))
    assert code == 1 and err.startswith("newsrag: error: nothing in the index") and err.count("\n") == 1
    code, out, _ = run(capsys, "remove", "--index", index, str(corpus / "seed.txt"))
    assert code == 0 and out.startswith("1 article(s) removed")
    assert json.loads(run(capsys, "stats", "--index", index, "--json")[1])["articles"] == 0


def test_env_sets_the_index(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSRAG_INDEX_DIR", str(tmp_path / "from-env"))
    assert run(capsys, "ingest", "--quiet", str(SEEDS))[0] == 0
    assert (tmp_path / "from-env" / "chroma.sqlite3").exists()


def test_bad_input_gives_one_line_and_nonzero_exit(capsys, tmp_path):
    code, _, err = run(capsys, "ingest", "--index", str(tmp_path / "i"), str(tmp_path / "missing"))
    assert code == 1 and err.strip().startswith("newsrag: error: no such file or directory")
    assert len(err.strip().splitlines()) == 1

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{nope\n", encoding="utf-8")
    code, out, err = run(capsys, "ingest", "--index", str(tmp_path / "i"), str(bad))
    assert code == 1 and f"skipped {bad}:1: malformed JSON" in err and "1 input(s) skipped" in out

    code, _, err = run(capsys, "ask", "--index", str(tmp_path / "nowhere"), "anything?")
    assert code == 1 and "no index at" in err and not (tmp_path / "nowhere").exists()

    code, _, err = run(capsys, "ask", "--index", str(tmp_path / "i"), "--top-k", "0", "q")
    assert code == 1 and "top_k must be between 1 and 100" in err


def test_console_script_help_without_traceback():
    exe = ROOT / ".venv" / "bin" / "newsrag"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "ingest" in result.stdout and "ask" in result.stdout
    result = subprocess.run([*command, "ask"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "question" in result.stderr


def test_a_source_from_a_file_shows_its_outlet_and_date_or_else_a_relative_file_name(capsys, tmp_path, monkeypatch):
    news = tmp_path / "news"
    news.mkdir()
    (news / "bakery.md").write_text("---\ntitle: Harbor Bakery wins bread prize\nsource: Riverside Gazette\n"
                                    "date: 2024-05-02\n---\n\nHarbor Bakery won the national bread prize on Thursday "
                                    "for its rye sourdough.\n", encoding="utf-8")
    (news / "mill.txt").write_text("Mill closes\n\nThe old mill closed on Friday after ninety years of milling flour "
                                   "for the valley.\n", encoding="utf-8")
    index = str(tmp_path / "index")
    assert run(capsys, "ingest", "--quiet", "--index", index, str(news))[0] == 0  # absolute paths are stored
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "ask", "--index", index, "Who won the national bread prize?")
    sources = out.split("\nSources:\n")[1]
    assert code == 0 and "[1] Harbor Bakery wins bread prize — Riverside Gazette, 2024-05-02" in sources
    assert "bakery.md" not in sources  # the outlet and date name the source; the file is only a fallback
    monkeypatch.setattr(sys, "stdin", io.StringIO("When did the old mill close?\n/sources\n"))
    code, out, _ = run(capsys, "chat", "--index", index)
    answers = out.split("\n", 2)[2]  # after the banner, which names the index
    assert code == 0 and str(tmp_path) not in answers  # no absolute path from the machine that ingested
    assert out.count("news/mill.txt") == 2  # under the answer, and in the /sources listing


def test_a_bad_flag_is_one_error_line_and_version_is_known(capsys):
    with pytest.raises(SystemExit) as exit_code:
        main(["ask", "--since", "2024-13-01", "Where?"])
    out, err = capsys.readouterr()
    assert exit_code.value.code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("newsrag: error: argument --since: not a date")
    assert "usage" not in err
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("newsrag ")


def test_help_names_the_variable_that_sets_the_index(capsys):
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    assert "$NEWSRAG_INDEX_DIR" in capsys.readouterr().out


def test_ingest_speed_leaves_out_loading_the_model():
    from rag.types import IngestReport

    assert IngestReport(chunks_added=100, seconds=12.0, model_seconds=10.0).chunks_per_second == 50.0


def test_a_quiz_answer_prints_its_evidence_first_then_the_answer_and_json_carries_it(seeded):
    from test_assistant import ScriptedModel, with_model

    from cli.commands import _answer_dict
    from cli.terminal import EVIDENCE, print_answer

    assistant = with_model(seeded, ScriptedModel(pieces=["Russia [1]"]))
    out = io.StringIO()
    answer = print_answer(assistant, "Where did Assad and his family flee?", out=out)
    printed = out.getvalue()
    assert printed.startswith(EVIDENCE) and printed.index(EVIDENCE) < printed.index("\nAnswer: Russia [1] — “")
    first = answer.evidence[0]
    assert f"[{first.number}]" in printed.split("\nAnswer:")[0] and first.text.split()[0] in printed
    data = json.loads(json.dumps(_answer_dict(answer), default=str))
    assert [e["text"] for e in data["evidence"]] == [p.text for p in answer.evidence]
    assert data["evidence"][0]["citation"] == first.number and data["evidence"][0]["url"] == first.passage.url
