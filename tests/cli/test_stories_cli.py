"""``newsrag brief``, ``newsrag stories`` and briefing questions through ``ask`` and ``chat``, run in-process on a real
index (real embeddings, real Chroma, the real story store) of a small corpus: three outlets reporting one bridge
collapse over three days (one of them twice, under two URLs), and five unrelated articles from the same week."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

import pytest

from cli.main import main

BRIDGE = "Kessler River bridge"
OUTLETS = {"Valley Herald", "Coastal Daily", "North Wire"}
COLLAPSE = ("The Kessler River bridge in Dunmore collapsed on Tuesday morning, sending four cars and a delivery truck "
            "into the water below. Rescue crews pulled eleven people from the river and two remain missing, the "
            "Dunmore fire chief said. The steel truss bridge, built in 1962, carried about 30,000 vehicles a day and "
            "had been rated in poor condition by state inspectors last year. Governor Elaine Marsh declared a state "
            "of emergency and ordered inspections of every bridge of the same design.")
# In the order they are ingested, which is the order they are placed in stories.
ARTICLES = [
    {"url": "https://coastaldaily.example/sport/harbor-rowing-regatta", "source": "Coastal Daily",
     "published_at": "2024-03-04", "title": "Harbor City rowing club wins spring regatta",
     "text": "The Harbor City rowing club won the spring regatta on Saturday, finishing the eight-oar final two "
             "lengths ahead of its rivals from Pine Hollow. The club's coach said the crew had trained every morning "
             "on the bay since January."},
    {"url": "https://valleyherald.example/business/orchard-cider", "source": "Valley Herald",
     "published_at": "2024-03-06", "title": "Greenfield orchard opens cider mill",
     "text": "A family orchard in Greenfield opened a cider mill on Wednesday that will press up to two thousand "
             "bottles of apple cider a day. The owners said the mill would employ twelve people during the autumn "
             "harvest."},
    {"url": "https://metrotimes.example/culture/library-reopens", "source": "Metro Times",
     "published_at": "2024-03-07", "title": "Central library reopens after two-year renovation",
     "text": "The central public library in Westbrook reopened on Thursday after a two-year renovation that added a "
             "rooftop reading garden. Hundreds of readers queued before the doors opened at nine o'clock."},
    {"url": "https://valleyherald.example/2024/03/05/kessler-bridge-collapse", "source": "Valley Herald",
     "published_at": "2024-03-05", "title": "Kessler River bridge collapses during morning rush hour in Dunmore",
     "text": COLLAPSE},
    {"url": "https://valleyherald.example/amp/2024/03/05/kessler-bridge-collapse", "source": "Valley Herald",
     "published_at": "2024-03-05", "title": "Kessler River bridge collapses during morning rush hour in Dunmore",
     "text": COLLAPSE},  # the same report under a second URL: a copy
    {"url": "https://coastaldaily.example/news/dunmore-bridge-inspections", "source": "Coastal Daily",
     "published_at": "2024-03-06", "title": "Dunmore bridge had failed two inspections before collapse",
     "text": "State engineers had flagged corrosion on the Kessler River bridge in Dunmore twice before it collapsed "
             "on Tuesday, records show. Divers resumed the search for the two people still missing after the steel "
             "truss bridge fell into the river during rush hour. Governor Elaine Marsh said every bridge of the same "
             "1962 design would be inspected within thirty days. Commuters face detours of up to forty minutes while "
             "the Kessler crossing stays closed."},
    {"url": "https://northwire.example/us/dunmore-bridge-victims", "source": "North Wire",
     "published_at": "2024-03-07", "title": "Divers recover bodies of two missing after Dunmore bridge collapse",
     "text": "Divers on Thursday recovered the bodies of the two people who went missing when the Kessler River "
             "bridge collapsed in Dunmore. The collapse of the steel truss bridge on Tuesday morning sent several "
             "cars and a truck into the river, and eleven people were rescued. Federal investigators from the "
             "transportation safety board arrived to examine corrosion on the bridge's support beams. Governor "
             "Elaine Marsh has ordered inspections of every bridge of the same design."},
    {"url": "https://northwire.example/science/comet-sighting", "source": "North Wire",
     "published_at": "2024-03-08", "title": "Amateur astronomer spots new comet over Lake Ardent",
     "text": "An amateur astronomer in Lake Ardent photographed a previously unknown comet on Friday night, the "
             "regional observatory confirmed. The comet should be visible with binoculars for about two weeks after "
             "sunset."},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One index of ``ARTICLES`` for the module, built with ``newsrag ingest`` (tests may rebuild its stories, which
    must give the same grouping, but add or remove nothing)."""
    folder = tmp_path_factory.mktemp("stories-cli")
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


def grouping(stories: list[dict]) -> set[frozenset[str]]:
    """Which articles share a story, by URL (story ids are the store's own and change on a rebuild)."""
    return {frozenset(a["url"] for a in s["articles"]) for s in stories}


def bridge_urls() -> frozenset[str]:
    return frozenset(a["url"] for a in ARTICLES if "bridge" in a["url"])


def test_brief_json_lists_the_most_covered_story_first_with_cited_points(capsys, index):
    code, out, err = run(capsys, "brief", "--index", index, "--json")
    assert code == 0 and not err
    data = json.loads(out)
    assert set(data) == {"stories", "since", "until", "topic", "note"}
    # nothing is from this week: the week up to the newest article is briefed, and the note says so
    assert (data["since"], data["until"]) == ("2024-03-02", "2024-03-08") and "2024-03-08" in data["note"]
    first = data["stories"][0]
    assert set(first) >= {"title", "outlets", "first_seen", "last_seen", "articles", "points"}
    assert BRIDGE in first["title"] and set(first["outlets"]) == OUTLETS and len(first["articles"]) == 4
    assert (first["first_seen"], first["last_seen"]) == ("2024-03-05", "2024-03-07")
    assert set(first["articles"][0]) >= {"url", "title", "source", "published_at"}
    assert {a["url"] for a in first["articles"]} == bridge_urls()
    assert len(data["stories"]) == 5 and all(len(s["articles"]) == 1 for s in data["stories"][1:])
    numbers = [p["citation"] for s in data["stories"] for p in s["points"]]
    assert numbers == list(range(1, len(numbers) + 1))  # numbered across the briefing, first story first
    assert len(first["points"]) >= 2 and {p["source"] for p in first["points"]} <= OUTLETS
    assert all(p["text"] and p["text"] in " ".join(a["text"] for a in ARTICLES) for p in first["points"])
    assert "“" not in out and "\\u" not in out  # printed as ask --json prints: UTF-8, not escaped

    code, out, _ = run(capsys, "brief", "--index", index, "--json", "--since", "2024-03-05", "--until", "2024-03-06",
                       "--limit", "2")
    data = json.loads(out)
    assert code == 0 and (data["since"], data["until"], data["note"]) == ("2024-03-05", "2024-03-06", "")
    assert len(data["stories"]) == 2 and BRIDGE in data["stories"][0]["title"]  # two outlets in those two days
    assert data["stories"][1]["title"] == "Greenfield orchard opens cider mill"


def test_brief_prints_the_stories_then_their_sources(capsys, index):
    code, out, err = run(capsys, "brief", "--index", index, "--until", "2024-03-08", "--limit", "3")
    assert code == 0 and not err
    briefing, sources = out.split("\nSources:\n")
    assert briefing.startswith("The biggest stories from 2024-03-02 to 2024-03-08:")
    assert "\n1. Kessler River bridge collapses" in briefing and "3 outlets (" in briefing
    assert briefing.count("\n   • 2024-03-0") >= 4 and "[1]" in briefing
    lines = sources.splitlines()
    assert lines[0] == "  [1] Kessler River bridge collapses during morning rush hour in Dunmore — Valley Herald, " \
                       "2024-03-05"
    assert lines[1] == "      https://valleyherald.example/2024/03/05/kessler-bridge-collapse"
    assert sum(line.startswith("  [") for line in lines) == briefing.count("” [")

    code, out, _ = run(capsys, "brief", "--index", index, "--since", "2024-04-01")
    assert code == 0 and out.strip() == "The articles hold no story from 2024-04-01 to 2024-04-07."


def test_stories_lists_the_bridge_story_first_with_its_three_outlets_and_marks_the_copy(capsys, index):
    code, out, _ = run(capsys, "stories", "--index", index, "--json")
    data = json.loads(out)
    assert code == 0 and list(data) == ["stories"]
    first = data["stories"][0]
    assert set(first["outlets"]) == OUTLETS and {a["url"] for a in first["articles"]} == bridge_urls()
    copies = [a for a in first["articles"] if a["copy_of"]]
    assert [a["url"] for a in copies] == [ARTICLES[4]["url"]]  # the second URL of the same report
    assert len(data["stories"]) == 5

    code, out, _ = run(capsys, "stories", "--index", index)
    blocks = out.strip().split("\n\n")
    assert code == 0 and len(blocks) == 5
    head = blocks[0].splitlines()
    assert head[0].startswith("1. ") and BRIDGE in head[0] and head[1].startswith("   3 outlets (")
    assert "   • 2024-03-07 · North Wire · Divers recover bodies of two missing after Dunmore bridge collapse" in head
    assert "     https://northwire.example/us/dunmore-bridge-victims" in head
    assert sum("(copy of Valley Herald, 2024-03-05)" in line for line in head) == 1

    code, out, _ = run(capsys, "stories", "--index", index, "--json", "--since", "2024-03-08")
    assert [s["title"] for s in json.loads(out)["stories"]] == [ARTICLES[-1]["title"]]
    code, out, _ = run(capsys, "stories", "--index", index, "--until", "2024-03-01")
    assert code == 0 and out == "no stories with an article dated on or before 2024-03-01\n"


def test_rebuilding_the_stories_gives_the_same_grouping(capsys, index):
    before = grouping(json.loads(run(capsys, "stories", "--index", index, "--json")[1])["stories"])
    code, out, _ = run(capsys, "stories", "--index", index, "--json", "--rebuild")
    data = json.loads(out)
    assert code == 0 and data["rebuilt"] == 8 and data["stories_rebuilt"] == 5 and data["seconds"] >= 0
    assert grouping(data["stories"]) == before and bridge_urls() in before

    code, out, err = run(capsys, "stories", "--index", index, "--rebuild", "--limit", "1")
    assert code == 0 and not err  # no progress bar: stderr is not a terminal
    summary, listing = out.split("\n\n", 1)
    assert summary.startswith("placed 8 articles in 5 stories in ") and summary.endswith("s")
    assert listing.startswith("1. ") and BRIDGE in listing.splitlines()[0] and "\n2. " not in listing


def test_bad_window_is_one_error_line(capsys, index):
    for command in ("brief", "stories"):
        with pytest.raises(SystemExit) as exited:
            main([command, "--index", index, "--since", "2024-02-30"])
        out, err = capsys.readouterr()
        assert exited.value.code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith("newsrag: error: argument --since: not a date") and "Traceback" not in err

        code, out, err = run(capsys, command, "--index", index, "--since", "2024-03-08", "--until", "2024-03-01")
        assert code == 1 and not out and err == "newsrag: error: --since 2024-03-08 is after --until 2024-03-01\n"
    code, _, err = run(capsys, "brief", "--index", index, "--limit", "0")
    assert code == 1 and err == "newsrag: error: --limit must be between 1 and 100, got 0\n"
    code, _, err = run(capsys, "stories", "--index", str(Path(index).parent / "none"))
    assert code == 1 and err.startswith("newsrag: error: no index at") and err.count("\n") == 1


def test_ask_routes_a_question_about_the_week_to_the_briefing(capsys, index):
    code, out, _ = run(capsys, "ask", "--index", index, "--json", "What happened this week?")
    data = json.loads(out)
    assert code == 0 and data["form"] == "brief" and not data["refused"]
    assert BRIDGE in data["stories"][0]["title"] and set(data["stories"][0]["outlets"]) == OUTLETS
    assert set(data["stories"][0]) >= {"title", "outlets", "first_seen", "last_seen", "articles", "points"}
    assert [c["number"] for c in data["citations"]] == [p["citation"] for p in data["points"]]  # keys as before

    code, out, _ = run(capsys, "ask", "--index", index, "--json", "Who declared a state of emergency?")
    data = json.loads(out)
    assert code == 0 and data["form"] != "brief" and data["stories"] == []  # the key is always there

    code, out, _ = run(capsys, "ask", "--index", index, "Catch me up")
    briefing, sources = out.split("\nSources:\n")
    assert code == 0 and "Key points:" not in briefing  # the points are shown under their stories
    assert "\n1. Kessler River bridge collapses" in briefing and "3 outlets (" in briefing and "[1]" in briefing
    assert sources.startswith("  [1] Kessler River bridge collapses")


def test_chat_answers_catch_me_up_with_the_briefing(capsys, index, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Catch me up\n/sources\n/quit\n"))
    code, out, err = run(capsys, "chat", "--index", index)
    assert code == 0 and not err
    assert "\n1. Kessler River bridge collapses" in out and "\nSources:\n  [1] Kessler River bridge" in out
    assert "\n[1] Kessler River bridge collapses" in out  # /sources: each quoted article in full


def test_help_describes_the_new_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "brief       the biggest stories" in out and "stories     list the stories" in out
    for command, words in (("brief", ("--since", "--until", "--topic", "--limit", "--days", "--json", "[n]")),
                           ("stories", ("--since", "--until", "--limit", "--rebuild", "--json", "copy"))):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert all(word in text for word in words), command
