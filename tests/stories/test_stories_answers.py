"""Answers that know their story: how outlets report it (with what only one of them states), timelines across its
days, the stories of an answer's sources and the questions to ask next. Real Chroma, real embeddings, extractive
mode (no chat model: these answers need none)."""

from __future__ import annotations

from datetime import date

import pytest
from week_news import FESTIVAL, QUAKE, QUAKE_COASTAL, QUAKE_LEDGER, QUAKE_MERIDIAN, STRIKE, build, ids

from rag import NewsAssistant
from rag.answering.outlets import only_in
from rag.answering.suggestions import subject
from rag.question import asks_how_outlets_differ
from rag.types import Filters, KeyPoint, Passage, Story, StoryArticle

AROUND = Filters(around=date(2024, 3, 6))


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    return build(tmp_path_factory.mktemp("answers"), [*QUAKE, *STRIKE, FESTIVAL])


def _passage(record: dict[str, str], text: str) -> Passage:
    return Passage(chunk_id=record["url"] + ":0", article_id=record["url"], text=text, title=record["title"],
                   source=record["source"], url=record["url"], published_at=date.fromisoformat(record["published_at"]),
                   authors=(), start=0, end=len(text), score=1.0)


def test_only_in_marks_what_one_outlet_states_and_no_other():
    """Each outlet states one fact the others do not (the mourning, the tents, the homeless); the toll of 41 and the
    magnitude two of them state alike, in their own words."""
    own = {QUAKE_LEDGER["source"]: "Prime Minister Dana Velic declared three days of national mourning.",
           QUAKE_COASTAL["source"]: "Hundreds of residents spent a cold night in tents set up in the town's "
                                    "football stadium.",
           QUAKE_MERIDIAN["source"]: "Interior minister Petar Hollen said 3,000 people had lost their homes."}
    shared = [(QUAKE_COASTAL, next(s for s in QUAKE_COASTAL["text"].split(". ") if "41" in s)),
              (QUAKE_MERIDIAN, next(s for s in QUAKE_MERIDIAN["text"].split(". ") if "41" in s))]
    sources = [_passage(r, r["text"]) for r in QUAKE]
    points = [KeyPoint(i + 1, _passage(r, own[r["source"]])) for i, r in enumerate(QUAKE)]
    points += [KeyPoint(9, _passage(r, text)) for r, text in shared]
    alone = only_in(points, sources)
    assert {p.text for p in alone} == set(own.values())


def test_how_outlets_differ_is_answered_outlet_by_outlet(assistant):
    answer = assistant.ask("How do outlets differ on the Marnavik earthquake?", filters=AROUND)
    assert answer.form == "outlets" and not answer.refused
    outlets = {r["source"] for r in QUAKE}
    headings = [line.rstrip(":") for line in answer.text.splitlines() if line.endswith(":") and line[0] != "H"]
    assert set(headings) == outlets  # the story's three outlets, and no outlet of another story
    assert {c.passage.url for c in answer.citations} <= {r["url"] for r in QUAKE}
    section = ""
    for line in answer.text.splitlines():
        if line.rstrip(":") in outlets:
            section = line.rstrip(":")
        elif "— only in " in line:
            assert line.endswith(f"— only in {section}")


def test_a_timeline_draws_dated_points_from_the_whole_story(assistant):
    answer = assistant.ask("How did the Marnavik earthquake story develop?", filters=AROUND)
    days = [p.published_at for p in answer.points]
    assert len(set(days)) >= 2 and days == sorted(days)  # across the story's days, in order
    assert {p.passage.url for p in answer.points} <= {r["url"] for r in QUAKE}


def test_an_answer_carries_its_story_and_questions_to_ask_next(assistant):
    answer = assistant.ask("What happened in Marnavik?", filters=AROUND)
    [story] = [s for s in answer.stories if {a.article_id for a in s.articles} >= {c.passage.article_id
                                                                                   for c in answer.citations}]
    assert {a.article_id for a in story.articles} == ids(QUAKE) and len(story.outlets) == 3
    assert answer.suggestions and len(answer.suggestions) <= 3
    assert any(s.startswith("How did “") and s.endswith("develop?") for s in answer.suggestions)
    differ = next(s for s in answer.suggestions if asks_how_outlets_differ(s))
    assert subject(story) in differ
    assert assistant.ask(differ, filters=AROUND).form == "outlets"  # one click asks it, and it is answered so


def test_a_lone_article_suggests_nothing(assistant):
    answer = assistant.ask("When does the lantern festival open?", filters=AROUND)
    assert answer.suggestions == ()


def test_a_headline_is_named_without_its_dateline_or_site():
    story = Story(1, "Washington CNN — Senators agree on a gun bill - CNN Politics", (
        StoryArticle("a", "t", "s", "u", None),), None, None)
    assert subject(story) == "Senators agree on a gun bill"
