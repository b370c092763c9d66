"""A briefing over a fixture week (``NewsAssistant.brief``, and ``ask`` with a question about the news as a whole):
the most-covered story first, one or two points per story, each a sentence of the article it cites, numbered once
per article across the briefing; a topic keeps its stories; an empty window says so. Extractive mode: no chat model
loads, and a briefing needs none."""

from __future__ import annotations

from datetime import date

import pytest
from week_news import (
    BACKGROUND,
    BEFORE,
    BUDGET,
    FESTIVAL,
    LOOK_ALIKES,
    MONDAY,
    QUAKE,
    QUAKE_LEDGER,
    QUAKE_YEAR_LATER,
    STRIKE,
    STRIKE_WIRE,
    SUNDAY,
    WEEK,
    build,
    ids,
    story_of,
)

from rag import Answer, KeyPoints, NewsAssistant, Retrieved, briefing_dict, briefing_text
from rag.types import Briefing, Filters

TEXTS = {r["url"]: " ".join(r["text"].split()) for r in [*BACKGROUND, *WEEK]}
DAYS = {r["url"]: date.fromisoformat(r["published_at"]) for r in [*BACKGROUND, *WEEK]}


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    return build(tmp_path_factory.mktemp("briefing"), WEEK)


@pytest.fixture(scope="module")
def briefing(week: NewsAssistant) -> Briefing:
    return week.brief(since=MONDAY, until=SUNDAY)


def test_the_most_covered_story_comes_first(week, briefing):
    assert (briefing.since, briefing.until, briefing.topic, briefing.note) == (MONDAY, SUNDAY, "", "")
    stories = briefing.stories
    assert stories[0].id == story_of(week, QUAKE_LEDGER).id and len(stories[0].outlets) == 3
    assert stories[1].id == story_of(week, STRIKE_WIRE).id and len(stories[1].outlets) == 2
    assert [len(s.outlets) for s in stories] == sorted((len(s.outlets) for s in stories), reverse=True)
    in_week = {a.article_id for s in stories for a in s.articles}
    assert ids([*QUAKE, *STRIKE, BUDGET]) <= in_week
    assert not in_week & ids([BEFORE, *LOOK_ALIKES, *BACKGROUND])  # dated outside the week
    assert all(any(a.published_at and MONDAY <= a.published_at <= SUNDAY for a in s.articles) for s in stories)
    assert len(week.brief(since=MONDAY, until=SUNDAY, limit=2).stories) == 2


def test_each_point_quotes_a_sentence_of_an_article_of_its_story(briefing):
    for story in briefing.stories:
        assert 1 <= len(story.points) <= 2, story.title
        urls = {a.url for a in story.articles}
        for point in story.points:
            assert point.passage.url in urls
            assert " ".join(point.text.split()) in TEXTS[point.passage.url]
            assert point.published_at == DAYS[point.passage.url]
            assert point.text[0].isupper() and len(point.text.split()) >= 8
    quake = briefing.stories[0]
    assert len({p.passage.url for p in quake.points}) == 2  # a second outlet's report, not the same one again
    assert not any(a.copy_of for s in briefing.stories for p in s.points for a in s.articles
                   if a.url == p.passage.url)  # a copy is never quoted while its original is there


def test_citation_numbers_are_one_per_article_across_the_briefing(briefing):
    points = [p for s in briefing.stories for p in s.points]
    numbers = [p.number for p in points]
    assert numbers == list(range(1, len(points) + 1))
    assert len({p.passage.article_id for p in points}) == len(points)  # one number per article, none cited twice
    text = briefing_text(briefing)
    assert text.startswith("The biggest stories from 2024-03-04 to 2024-03-10:")
    for rank, story in enumerate(briefing.stories, start=1):
        assert f"{rank}. {story.title}" in text
        for point in story.points:
            assert f"{' '.join(point.text.split())}” [{point.number}]" in text
    data = briefing_dict(briefing)
    assert [p["citation"] for s in data["stories"] for p in s["points"]] == numbers


def test_a_topic_briefing_leads_with_the_stories_about_it(week):
    about = week.brief(since=MONDAY, until=SUNDAY, topic="  earthquake ")
    assert about.topic == "earthquake"
    assert about.stories and about.stories[0].id == story_of(week, QUAKE_LEDGER).id
    assert briefing_text(about).startswith("The biggest stories about earthquake from 2024-03-04 to 2024-03-10:")


def test_a_topic_briefing_keeps_only_the_stories_about_it(week):
    about = week.brief(since=MONDAY, until=SUNDAY, topic="earthquake")
    assert [s.id for s in about.stories] == [story_of(week, QUAKE_LEDGER).id]


def test_a_topic_that_is_a_name_keeps_the_story_of_the_article_that_names_it(week):
    about = week.brief(since=MONDAY, until=SUNDAY, topic="Ilse Varga")  # the festival's prize winner
    assert [s.id for s in about.stories] == [story_of(week, FESTIVAL).id]


def test_an_empty_window_says_there_is_no_story(week):
    empty = week.brief(since=date(2023, 1, 2), until=date(2023, 1, 8))
    assert empty.stories == ()
    text = briefing_text(empty)
    assert "no story" in text and "2023-01-02" in text and "2023-01-08" in text
    assert "no story about lighthouses" in briefing_text(week.brief(since=date(2023, 1, 2), until=date(2023, 1, 8),
                                                                    topic="lighthouses"))
    answer = week.ask("What happened this week?", as_of=date(2023, 1, 8))
    assert answer.form == "brief" and answer.refused and answer.stories == () and answer.citations == ()
    assert "no story" in answer.text


def test_what_happened_this_week_is_answered_with_the_weeks_briefing(week, briefing):
    answer = week.ask("What happened this week?", as_of=SUNDAY)
    assert isinstance(answer, Answer) and answer.form == "brief" and not answer.refused
    assert [s.id for s in answer.stories] == [s.id for s in briefing.stories]
    assert answer.stories[0].id == story_of(week, QUAKE_LEDGER).id
    assert answer.text == briefing_text(briefing)
    points = [p for s in answer.stories for p in s.points]
    assert answer.points == tuple(points)
    assert [c.number for c in answer.citations] == [p.number for p in points]
    assert all(c.passage.url == p.passage.url for c, p in zip(answer.citations, points))
    events = list(week.stream("What happened this week?", as_of=SUNDAY))
    assert isinstance(events[0], Retrieved) and isinstance(events[1], KeyPoints) and isinstance(events[-1], Answer)
    assert events[-1] == answer


def test_a_briefing_question_asked_as_of_a_day_through_filters_is_the_week_up_to_that_day(week, briefing):
    answer = week.ask("What happened this week?", filters=Filters(as_of=SUNDAY))
    assert [s.id for s in answer.stories] == [s.id for s in briefing.stories]


def test_a_briefing_question_with_a_date_range_in_its_filters_briefs_that_range(week, briefing):
    answer = week.ask("What are the top stories?", filters=Filters(date_from=MONDAY, date_to=SUNDAY))
    assert answer.form == "brief" and [s.id for s in answer.stories] == [s.id for s in briefing.stories]


def test_yesterday_is_the_day_before(week):
    answer = week.ask("What happened yesterday?", as_of=date(2024, 3, 9))  # Friday 8 March
    assert answer.form == "brief" and answer.stories
    assert all(any(a.published_at == date(2024, 3, 8) for a in s.articles) for s in answer.stories)
    assert {s.id for s in answer.stories} == {story_of(week, STRIKE_WIRE).id, story_of(week, BUDGET).id}


def test_with_no_day_given_the_briefing_covers_the_newest_articles_and_says_so(week):
    latest = week.brief()  # the newest article is from 2025: older than any "this week" of today
    assert latest.until == date(2025, 3, 5) and latest.note == "The newest articles are from 2025-03-05."
    assert [s.id for s in latest.stories] == [story_of(week, QUAKE_YEAR_LATER).id]
    assert briefing_text(latest).startswith("The newest articles are from 2025-03-05. The biggest stories from")
