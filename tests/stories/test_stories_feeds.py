"""A feed refresh places what it brings in the stories already there: a feed on a real HTTP server on 127.0.0.1
(tests/news_site.py) serves article pages of several outlets; a refresh that brings a new report of an event the
index holds puts it in that event's story (same id, one outlet more), and so does a refresh by a new assistant on
the same index, as a scheduled ``newsrag refresh`` would be."""

from __future__ import annotations

from datetime import date

import pytest
from news_site import NewsSite, Route, article_page, rss
from week_news import FESTIVAL, QUAKE_COASTAL, QUAKE_LEDGER, QUAKE_MERIDIAN, build, url_id

from rag import NewsAssistant

AFTERSHOCK = {  # a fourth outlet's report of the same earthquake, two days after the last
    "url": "", "source": "Harbour Daily", "published_at": "2024-03-08",
    "title": "Strong aftershock rattles Marnavik as families return to damaged homes",
    "text": "A magnitude 5.0 aftershock shook Marnavik on Friday, four days after the 6.4 earthquake that killed 41 "
            "people in the Orlesian town, sending residents who had returned to their damaged homes back into the "
            "streets. No new deaths were reported. Engineers have now inspected 1,200 buildings in the old quarter "
            "and declared a third of them unsafe to live in.",
}


def slug(record: dict[str, str]) -> str:
    return record["title"].lower().replace(" ", "-")[:40]


def publish(site: NewsSite, records: list[dict[str, str]], etag: str) -> None:
    """Serve each record as its outlet's article page (JSON-LD names the outlet and the day) and a feed of them."""
    items = []
    for record in records:
        path = f"/news/{slug(record)}"
        sentences = record["text"].split(". ")
        paragraphs = [". ".join(sentences[:2]) + ".", ". ".join(sentences[2:])]
        day = date.fromisoformat(record["published_at"])
        site.routes[path] = Route(article_page(slug(record), record["title"], paragraphs, day,
                                               outlet=record["source"]).encode())
        items.append({"title": record["title"], "link": f"{site.url}{path}", "description": sentences[0][:80],
                      "date": record["published_at"]})
    site.routes["/feed.xml"] = Route(rss("Orlesia Watch", items).encode(), content_type="application/rss+xml",
                                     etag=etag)


def placed_id(site: NewsSite, record: dict[str, str]) -> str:
    """The id of ``record``'s article as read from its page on ``site``."""
    return url_id({"url": f"{site.url}/news/{slug(record)}"})


@pytest.fixture(scope="module")
def site():
    with NewsSite() as running:
        yield running


@pytest.fixture(scope="module")
def follower(tmp_path_factory: pytest.TempPathFactory, site: NewsSite) -> NewsAssistant:
    """An index with weeks of history that follows the feed, first fetched with two reports of the earthquake."""
    assistant = build(tmp_path_factory.mktemp("feeds"), [], allow_private_urls=True, fetch_timeout=5.0)
    publish(site, [QUAKE_LEDGER, QUAKE_COASTAL, FESTIVAL], etag='"v1"')
    result = assistant.subscribe(f"{site.url}/feed.xml")
    assert result.ok and result.report is not None and result.report.articles_added == 3, result.line()
    assert result.from_summary == 0  # the pages were read, not the feed's summaries
    return assistant


def test_a_refresh_that_brings_a_new_report_of_an_event_joins_its_story(site, follower):
    first = {placed_id(site, r) for r in (QUAKE_LEDGER, QUAKE_COASTAL)}
    [before] = [s for s in follower.stories() if first & {a.article_id for a in s.articles}]
    assert {a.article_id for a in before.articles} == first
    assert set(before.outlets) == {"Northern Ledger", "Coastal Times"}  # the pages' own outlets, from JSON-LD
    festival = placed_id(site, FESTIVAL)
    assert festival not in {a.article_id for a in before.articles}

    publish(site, [QUAKE_LEDGER, QUAKE_COASTAL, FESTIVAL, QUAKE_MERIDIAN], etag='"v2"')
    [result] = follower.refresh().feeds
    assert result.ok and result.report is not None and result.report.articles_added == 1, result.line()
    meridian = placed_id(site, QUAKE_MERIDIAN)
    [after] = [s for s in follower.stories() if meridian in {a.article_id for a in s.articles}]
    assert after.id == before.id
    assert {a.article_id for a in after.articles} == first | {meridian}
    assert len(after.outlets) == 3 and "Daily Meridian" in after.outlets
    assert after.last_seen == date(2024, 3, 6) and after.first_seen == before.first_seen
    assert [s.id for s in follower.stories(since=date(2024, 3, 4), until=date(2024, 3, 10))][0] == before.id

    # A scheduled refresh is a new process: a new assistant on the index places the next report in the same story
    publish(site, [QUAKE_LEDGER, QUAKE_COASTAL, FESTIVAL, QUAKE_MERIDIAN, AFTERSHOCK], etag='"v3"')
    later = NewsAssistant(settings=follower.settings)
    [result] = later.refresh().feeds
    assert result.ok and result.report is not None and result.report.articles_added == 1, result.line()
    aftershock = placed_id(site, AFTERSHOCK)
    [last] = [s for s in later.stories() if aftershock in {a.article_id for a in s.articles}]
    assert last.id == before.id and len(last.outlets) == 4 and len(last.articles) == 4
    assert last.last_seen == date(2024, 3, 8)
    assert {p.story for p in later.story_store.articles([aftershock, meridian, *first]).values()} == {before.id}
    assert follower.story_store.count() == later.story_store.count()  # the first assistant reads the same file
