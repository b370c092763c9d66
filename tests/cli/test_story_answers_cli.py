"""Answers that know their stories, through ``newsrag ask`` and ``newsrag chat``, run in-process on a real index (real
embeddings, real Chroma, the real story store; extractive mode): sources grouped by story, the outlets that ran a
copy, the questions to ask next (and /1 in the chat to ask one), and "How do outlets differ on …?" answered outlet by
outlet. The corpus: three outlets reporting a mill fire over three days (the wire's report also run by one of the
others, as a copy), and four unrelated articles from the same week."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys

import pytest

from cli.main import main

OUTLETS = {"Lakeside Gazette", "Prairie Courier", "Capital Wire"}
QUESTION = "What happened at the Halvorsen paper mill?"
REBUILD = ("Brantford's council voted on Wednesday to help rebuild the Halvorsen paper mill, two days after a fire "
           "destroyed its main hall. The mill employed 300 people, and the council pledged two million dollars toward "
           "a new building if the owners commit to reopening within eighteen months. Halvorsen's chief executive said "
           "insurers had begun assessing the damage and that staff would be paid through April.")
ARTICLES = [
    {"url": "https://prairiecourier.example/sport/curling-final", "source": "Prairie Courier",
     "published_at": "2024-03-09", "title": "Ostrava rink wins provincial curling final",
     "text": "The Ostrava rink won the provincial curling final on Saturday, scoring three in the last end to beat the "
             "defending champions from Millbrook. The skip said her team would now prepare for the national "
             "championship in April."},
    {"url": "https://lakesidegazette.example/culture/jazz-festival", "source": "Lakeside Gazette",
     "published_at": "2024-03-10", "title": "Harbourfront jazz festival announces summer line-up",
     "text": "The Harbourfront jazz festival announced a line-up of forty bands for its summer season on Sunday, "
             "including three orchestras from abroad. Organisers expect eighty thousand visitors over the two "
             "weekends in July."},
    {"url": "https://capitalwire.example/science/rare-orchid", "source": "Capital Wire",
     "published_at": "2024-03-12", "title": "Botanists find rare ghost orchid in Redfern marsh",
     "text": "Botanists surveying the Redfern marsh found a flowering ghost orchid on Tuesday, a plant not recorded in "
             "the region for sixty years. The university team said the site would be kept secret to protect it from "
             "collectors."},
    {"url": "https://lakesidegazette.example/2024/03/11/halvorsen-mill-fire", "source": "Lakeside Gazette",
     "published_at": "2024-03-11", "title": "Fire destroys Halvorsen paper mill in Brantford",
     "text": "A fire destroyed the main hall of the Halvorsen paper mill in Brantford on Monday night, sending a "
             "column of smoke over the town. Sixty firefighters fought the blaze for nine hours, and the night "
             "shift of forty workers was evacuated without injury, the Brantford fire chief said. Residents of the "
             "east side were told to keep their windows closed until the smoke cleared."},
    {"url": "https://prairiecourier.example/news/halvorsen-fire-cause", "source": "Prairie Courier",
     "published_at": "2024-03-12", "title": "Halvorsen mill fire started in faulty paper dryer, investigators say",
     "text": "Investigators said on Tuesday that the fire that destroyed the Halvorsen paper mill in Brantford started "
             "in a faulty paper dryer in the main hall. The provincial fire marshal's office found that a temperature "
             "sensor on the dryer had been reported broken a week before the blaze. The mill's owners said they were "
             "cooperating with the investigation."},
    {"url": "https://capitalwire.example/business/halvorsen-mill-rebuild", "source": "Capital Wire",
     "published_at": "2024-03-13", "title": "Brantford pledges help to rebuild Halvorsen mill after fire",
     "text": REBUILD},
    {"url": "https://lakesidegazette.example/2024/03/13/halvorsen-rebuild-wire", "source": "Lakeside Gazette",
     "published_at": "2024-03-13", "title": "Brantford pledges help to rebuild Halvorsen mill after fire",
     "text": REBUILD},  # the wire's report run by another outlet: a copy
    {"url": "https://prairiecourier.example/business/grain-prices", "source": "Prairie Courier",
     "published_at": "2024-03-14", "title": "Grain prices climb as dry spring worries farmers",
     "text": "Wheat and barley prices rose for a third week on Thursday as forecasters predicted a dry spring across "
             "the prairies. Farmers' associations asked the province to prepare drought relief."},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One index of ``ARTICLES`` for the module, built with ``newsrag ingest`` (no test writes to it)."""
    folder = tmp_path_factory.mktemp("story-answers-cli")
    corpus = folder / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:  # the autouse isolation is per test; this runs once for the module
        for name in [n for n in os.environ if n.startswith("NEWSRAG_")]:
            env.delenv(name)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["ingest", "--quiet", "--index", str(folder / "index"), str(corpus)])
    assert code == 0 and out.getvalue().startswith("8 articles read: 8 new"), err.getvalue()
    return str(folder / "index")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fire_urls() -> set[str]:
    return {a["url"] for a in ARTICLES if "halvorsen" in a["url"]}


def test_ask_json_gives_the_story_of_each_citation_and_questions_about_it(capsys, index):
    code, out, err = run(capsys, "ask", "--index", index, "--json", QUESTION)
    data = json.loads(out)
    assert code == 0 and not err and not data["refused"] and data["form"] == "open"
    fire = data["stories"][0]  # the story of the first source comes first
    assert set(fire["outlets"]) == OUTLETS and {a["url"] for a in fire["articles"]} == fire_urls()
    assert (fire["first_seen"], fire["last_seen"]) == ("2024-03-11", "2024-03-13") and "Halvorsen" in fire["title"]
    assert set(fire) >= {"id", "title", "outlets", "first_seen", "last_seen", "articles", "points"}

    members = {s["id"]: {a["id"] for a in s["articles"]} for s in data["stories"]}
    for citation in data["citations"]:
        assert {"story", "also_published_by", "number", "title", "source", "url", "article_id"} <= set(citation)
        assert citation["story"] is None or citation["article_id"] in members[citation["story"]]
    cited = [c for c in data["citations"] if c["story"] == fire["id"]]
    assert {c["source"] for c in cited} == OUTLETS  # each outlet's report cited, under the one story
    wire = next(c for c in cited if c["source"] == "Capital Wire")
    assert wire["also_published_by"] == ["Lakeside Gazette"]  # its copy was folded into it
    assert all(c["also_published_by"] == [] for c in data["citations"] if c is not wire)

    assert 1 <= len(data["suggestions"]) <= 3 and len(set(data["suggestions"])) == len(data["suggestions"])
    assert all("Halvorsen" in s and s.endswith("?") for s in data["suggestions"])  # each names the story
    assert any("outlets differ" in s for s in data["suggestions"])  # three outlets carry it


def test_ask_prints_sources_under_their_story_and_what_to_ask_next(capsys, index):
    code, out, err = run(capsys, "ask", "--index", index, QUESTION)
    assert code == 0 and not err
    answer, rest = out.split("\nSources:\n")
    sources, suggested = rest.split("\nAsk next:\n")
    assert answer.startswith("Key points:") and "Halvorsen" in answer
    header = sources.splitlines()[0]
    assert header.startswith("Story: ") and "Halvorsen" in header
    assert " — 3 outlets (" in header and all(o in header for o in OUTLETS) and "2024-03-11 to 2024-03-13" in header
    lines = sources.splitlines()
    assert lines[1].startswith("  [1] ") and all(line.startswith(("  [", "      ", "Story: ")) for line in lines
                                                 if line)
    wire = next(line for line in lines if "— Capital Wire, 2024-03-13" in line)
    assert wire.endswith(" · also published by Lakeside Gazette")
    questions = [line for line in suggested.splitlines() if line]
    assert questions and all(q.startswith("  ") and "Halvorsen" in q and not q.startswith("  /") for q in questions)


def test_how_outlets_differ_is_answered_outlet_by_outlet(capsys, index):
    question = "How do outlets differ on the Halvorsen mill fire?"
    code, out, err = run(capsys, "ask", "--index", index, question)
    assert code == 0 and not err
    answer, sources = out.split("\nSources:\n")
    assert "Key points:" not in answer and answer.startswith("How 3 outlets report it:")
    sections = {line[:-1] for line in answer.splitlines() if line.endswith(":") and not line.startswith("How ")}
    assert sections == OUTLETS
    for outlet in OUTLETS:  # each section quotes its own outlet's articles, cited
        section = answer.split(f"\n{outlet}:\n", 1)[1].split("\n\n", 1)[0]
        assert section.startswith("• 2024-03-1") and "[" in section
    assert "— only in " in answer  # what one outlet alone states is marked
    assert sources.startswith("Story: ") and "Halvorsen" in sources.splitlines()[0]

    code, out, _ = run(capsys, "ask", "--index", index, "--json", question)
    data = json.loads(out)
    assert data["form"] == "outlets" and {p["source"] for p in data["points"]} == OUTLETS
    assert not any("outlets differ" in s for s in data["suggestions"])  # not the question just asked again


def test_chat_asks_a_suggested_question_by_its_number(capsys, index, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\n/9\n/1\n/help\n/quit\n"))
    code, out, err = run(capsys, "chat", "--index", index)
    assert code == 0 and not err
    first, rest = out.split("\nAsk next:\n", 1)
    offered = [line.strip() for line in rest.split("\n\n", 1)[0].splitlines()]
    assert offered and offered[0].startswith("/1 ") and all(o.startswith(f"/{n} ") for n, o in enumerate(offered, 1))
    suggestion = offered[0][3:]
    assert "Halvorsen" in suggestion and "\nStory: " in first
    have = f"/1 to /{len(offered)}" if len(offered) > 1 else "/1"
    assert f"\nno suggestion /9: the last answer suggests {have}\n" in rest  # a number it did not offer
    asked = rest.split(f"\n> {suggestion}\n", 1)[1]  # /1 echoes the question it asks, then answers it
    assert "\nSources:\nStory: " in asked and "Halvorsen" in asked
    assert "/1, /2, /3: ask a question suggested under the last answer" in asked  # /help
    assert out.count("\nSources:\n") == 2


def test_help_tells_how_to_ask_a_suggestion(capsys):
    for command, words in (("chat", ("/1, /2, /3", "/sources", "/new", "/quit")),
                           ("ask", ("story", "also_published_by", "suggestions", "--json"))):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert all(word in text for word in words), command
