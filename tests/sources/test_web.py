"""Live news from the web: article pages and feeds served by a real HTTP server on 127.0.0.1 (tests/news_site.py),
read through newsrag's own paths (``NewsAssistant.ingest``/``subscribe``/``refresh``, the CLI), into a real Chroma
index with the real embedder. The fetcher refuses loopback by default, so these tests allow private addresses,
except the test that checks the refusal."""

from __future__ import annotations

import gzip
from datetime import date, timedelta

import pytest
from news_site import NewsSite, Route, article_page, rss

from rag.errors import InputError
from rag.sources.feed_formats import FeedError, parse_feed
from rag.sources.fetch import Fetcher, FetchPolicy, is_public
from rag.sources.web import canonical_url

TOPICS = [
    ("crane", "New crane arrives at Port Velmar", "The gantry crane, the port's largest, was shipped from Rotterdam "
     "and will lift containers of up to 65 tonnes from March."),
    ("ferry", "Night ferry to Osterholm resumes", "The night ferry returns after a winter pause, with two crossings "
     "each evening and bicycles carried free of charge."),
    ("library", "Velmar library opens a seed archive", "Gardeners may borrow heirloom tomato and bean seeds and return "
     "seeds from their own harvest in the autumn."),
    ("bridge", "Swing bridge closed for repairs", "Engineers found corrosion in the turning mechanism of the swing "
     "bridge, which will stay shut to traffic for six weeks."),
    ("orchestra", "Harbour orchestra names new conductor", "The orchestra chose Ilse Varga, who led the youth "
     "ensemble in Brno for nine years, as its principal conductor."),
]


def paragraphs(lead: str, topic: str) -> list[str]:
    return [lead, f"Officials said the {topic} plan had been discussed with residents at two public meetings in the "
                  "town hall, where most speakers supported it.",
            f"The council expects the {topic} project to be reviewed again next year, once the first figures on its "
            "use are available to the public."]


def publish(site: NewsSite, stories: list[tuple[str, str, str]], feed: str = "/feed.xml", etag: str = '"v1"',
            day: date = date(2026, 11, 30)) -> None:
    """Serve a page per story and a feed listing them."""
    items = []
    for slug, title, lead in stories:
        site.routes[f"/news/{slug}"] = Route(article_page(slug, title, paragraphs(lead, slug), day).encode())
        items.append({"title": title, "link": f"{site.url}/news/{slug}?utm_source=rss", "guid": f"story-{slug}",
                      "description": lead[:80], "date": day.isoformat()})
    site.routes[feed] = Route(rss("Velmar Wire", items).encode(), content_type="application/rss+xml", etag=etag)


@pytest.fixture
def site():
    with NewsSite() as running:
        yield running


@pytest.fixture
def web_assistant(make_assistant):
    return make_assistant(allow_private_urls=True, fetch_timeout=2.0)


def keyword_hits(assistant, text: str) -> list[str]:
    """Stored passages that contain ``text`` (found by keyword search, then checked word for word)."""
    return [p.text for p in assistant.index.keyword_search(text, 50) if text.lower() in p.text.lower()]


def test_first_refresh_adds_every_item_as_an_article_without_boilerplate_with_outlet_and_date(site, web_assistant):
    publish(site, TOPICS)
    result = web_assistant.subscribe(f"{site.url}/feed.xml", name="Velmar Wire")
    assert result.ok and result.fetched == 5 and result.report.articles_added == 5 and result.from_summary == 0
    stats = web_assistant.stats()
    assert stats.articles == 5 and stats.sources == ("The Harbour Gazette",)  # the page's own outlet, from JSON-LD
    assert stats.oldest == stats.newest == date(2026, 11, 30)
    for boilerplate in ("cookies", "Subscribe for unlimited access", "rights reserved", "Ferry timetable",
                        "Share this article", "Related stories"):
        assert not keyword_hits(web_assistant, boilerplate), boilerplate
    [passage] = web_assistant.search("Who is the new conductor of the harbour orchestra?", k=1)
    assert "Ilse Varga" in passage.text and passage.source == "The Harbour Gazette"
    assert passage.url == f"{site.url}/news/orchestra" and passage.authors == ("Mira Holt",)  # no utm_source


def test_refresh_fetches_only_what_changed(site, web_assistant):
    publish(site, TOPICS)
    feed = f"{site.url}/feed.xml"
    web_assistant.subscribe(feed)

    site.requests.clear()
    [again] = web_assistant.refresh().feeds
    assert again.not_modified and site.requests == ["/feed.xml"] and site.pages_fetched() == []
    assert web_assistant.stats().articles == 5

    changed = [*TOPICS]
    changed[3] = ("bridge", "Swing bridge reopens early", "The swing bridge reopened to traffic on Monday after "
                  "engineers replaced the corroded gear rim ahead of schedule.")
    publish(site, changed, etag='"v2"')
    site.requests.clear()
    [update] = web_assistant.refresh().feeds
    assert update.fetched == 1 and site.pages_fetched() == ["/news/bridge?utm_source=rss"]
    assert update.report.articles_updated == 1 and update.report.articles_added == 0
    assert not keyword_hits(web_assistant, "corrosion turning mechanism")  # the old version's chunks are gone
    assert keyword_hits(web_assistant, "gear rim")
    assert web_assistant.stats().articles == 5

    publish(site, [*changed, ("tram", "Tram line N7 extended", "The N7 tram now runs to the airport every night.")],
            etag='"v3"')
    site.requests.clear()
    [added] = web_assistant.refresh().feeds
    assert added.fetched == 1 and site.pages_fetched() == ["/news/tram?utm_source=rss"]
    assert added.report.articles_added == 1 and web_assistant.stats().articles == 6


def test_one_story_met_through_two_feeds_is_stored_once(site, web_assistant):
    publish(site, TOPICS[:2])
    publish(site, TOPICS[:1], feed="/other.xml")
    web_assistant.subscribe(f"{site.url}/feed.xml")
    second = web_assistant.subscribe(f"{site.url}/other.xml")
    assert second.report.articles_unchanged == 1 and second.report.articles_added == 0
    assert web_assistant.stats().articles == 2


HOSTILE = {  # path -> (route, the error its feed gets)
    "/drip.xml": (Route(kind="drip"), "timed out after 2 s"),
    "/endless.xml": (Route(kind="endless"), "response too large"),
    "/gzip-bomb.xml": (Route(kind="gzip-bomb"), "decompressed response too large"),
    "/loop.xml": (Route(status=302, location="/loop-2.xml"), "redirect loop"),
    "/500.xml": (Route(b"oops", status=500), "HTTP 500 Internal Server Error"),
    "/page.xml": (Route(b"<!DOCTYPE html><html><body><p>Just a page</p></body></html>"), "not a feed (an HTML page)"),
    "/malformed.xml": (Route(b"<rss><channel><item><title>Broken"), "malformed XML"),
    "/laughs.xml": (Route(b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                          b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;'
                          b"</title><description>x</description></item></channel></rss>"), "refused unsafe XML"),
    "/ftp.xml": (Route(status=301, location="ftp://example.invalid/feed"), "only http and https"),
    "/missing.xml": (Route(b"", status=404), "HTTP 404 Not Found"),
}


def test_each_hostile_feed_gets_one_line_and_the_others_are_still_ingested(site, web_assistant):
    publish(site, TOPICS[:3])
    web_assistant.subscribe(f"{site.url}/feed.xml")
    for path, (route, _) in HOSTILE.items():
        site.routes[path] = route
        web_assistant.feeds.add(site.url + path)
    site.routes["/loop-2.xml"] = Route(status=302, location="/loop.xml")
    site.routes.pop("/missing.xml")
    publish(site, TOPICS[3:], feed="/good.xml")
    web_assistant.feeds.add(f"{site.url}/good.xml")

    report = web_assistant.refresh()
    results = {r.url.removeprefix(site.url): r for r in report.feeds}
    assert results["/good.xml"].ok and results["/good.xml"].report.articles_added == 2
    for path, (_, error) in HOSTILE.items():
        line = results[path].line()
        assert error in line and line.startswith("✗ ") and "\n" not in line, (path, line)
    assert web_assistant.stats().articles == 5  # the earlier three kept, the good feed's two added
    listed = {s.url.removeprefix(site.url): s for s in web_assistant.feeds.all()}
    assert "timed out" in listed["/drip.xml"].last_error and not listed["/good.xml"].last_error


def test_an_item_whose_page_fails_falls_back_to_the_feeds_summary_and_is_tried_again(site, web_assistant):
    site.routes["/news/slow"] = Route(kind="endless")
    items = [{"title": "Dock workers vote on new contract", "link": f"{site.url}/news/slow", "guid": "slow",
              "description": "Dock workers in Velmar vote on Friday on a contract that raises night-shift pay.",
              "date": "2026-11-30"}]
    site.routes["/feed.xml"] = Route(rss("Velmar Wire", items).encode(), etag='"same"')  # the feed never changes
    result = web_assistant.subscribe(f"{site.url}/feed.xml")
    assert result.from_summary == 1 and result.report.articles_added == 1
    assert keyword_hits(web_assistant, "night-shift pay")

    site.routes["/news/slow"] = Route(article_page("slow", "Dock workers vote on new contract", paragraphs(
        "Dock workers approved the contract with 83 percent of the vote on Friday evening.", "contract"),
        date(2026, 11, 30)).encode())
    [again] = web_assistant.refresh().feeds
    assert again.fetched == 1 and again.from_summary == 0 and again.report.articles_updated == 1
    assert keyword_hits(web_assistant, "83 percent")


def test_ingest_reads_an_article_page_or_a_whole_feed_from_a_url(site, web_assistant):
    publish(site, TOPICS[:2])
    report = web_assistant.ingest([f"{site.url}/news/crane"], progress=False)
    assert report.articles_added == 1 and not report.problems
    report = web_assistant.ingest([f"{site.url}/feed.xml", f"{site.url}/nowhere"], progress=False)
    assert report.articles_added == 1 and report.articles_unchanged == 1  # the crane page is the feed's first item
    [problem] = report.problems
    assert str(problem) == f"{site.url}/nowhere: HTTP 404 Not Found"
    assert web_assistant.remove([f"{site.url}/feed.xml"]) == 1  # what was written through the feed: the ferry
    assert web_assistant.remove([f"{site.url}/news/crane"]) == 1  # by its URL
    assert web_assistant.stats().articles == 0


def test_loopback_and_private_addresses_are_refused_without_the_setting(site, make_assistant):
    publish(site, TOPICS[:1])
    assistant = make_assistant()  # allow_private_urls off, as shipped
    with pytest.raises(InputError, match="refused: 127.0.0.1 is a private, loopback or link-local address"):
        assistant.subscribe(f"{site.url}/feed.xml")
    assert assistant.feeds.all() == []  # not kept
    [problem] = assistant.ingest([f"http://localhost:{site.url.rsplit(':', 1)[1]}/news/crane"], progress=False).problems
    assert "refused" in problem.reason and site.requests == []  # nothing was ever sent
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
                    "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1"):
        assert not is_public(address), address
    assert is_public("93.184.216.34") and is_public("2606:2800:220:1:248:1893:25c8:1946")


def test_a_redirect_is_checked_like_the_first_address(site):
    site.routes["/to-file"] = Route(status=302, location="file:///etc/passwd")
    fetcher = Fetcher(FetchPolicy(allow_private=True))
    with pytest.raises(Exception, match="only http and https URLs can be fetched"):
        fetcher.get(f"{site.url}/to-file")
    closed = Fetcher(FetchPolicy())
    with pytest.raises(Exception, match="refused"):
        closed.get(f"{site.url}/to-file")


def test_feeds_are_told_by_content_and_read_with_feedparser():
    atom = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>tag:1</id>'
            '<title>Dam opens</title><link href="https://n.example/dam"/><updated>2026-11-02T10:00:00Z</updated>'
            '<summary type="html">&lt;p&gt;The dam &lt;b&gt;opened&lt;/b&gt;.&lt;/p&gt;</summary></entry></feed>')
    [entry] = parse_feed(atom).items
    assert entry.link == "https://n.example/dam" and entry.summary == "The dam opened." and entry.published_at == \
        date(2026, 11, 2)
    json_feed = ('{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "url": '
                 '"https://n.example/j", "title": "Jetty", "content_text": "A jetty.", "date_published": '
                 '"2026-11-03T09:00:00+01:00"}]}')
    [item] = parse_feed(json_feed).items
    assert (item.title, item.summary, item.published_at) == ("Jetty", "A jetty.", date(2026, 11, 3))
    with pytest.raises(FeedError, match="malformed XML"):
        parse_feed("<rss><channel><item><title>x")


def test_canonical_urls_drop_tracking_and_fragments_not_the_articles_own_parameters():
    assert canonical_url("HTTPS://News.Example:443/a?id=7&utm_source=rss&fbclid=x#top") == "https://news.example/a?id=7"
    assert canonical_url("http://news.example:8080") == "http://news.example:8080/"


def test_a_question_about_the_latest_prefers_this_weeks_article_with_no_date_given(make_assistant, tmp_path):
    today = date.today()
    folder = tmp_path / "news"
    folder.mkdir()
    older = ("Dock strike in Velmar", today - timedelta(days=45), "Dock workers in Velmar went on strike over "
             "night-shift pay. The dock strike in Velmar closed the container terminal. Union leaders said the "
             "Velmar dock strike would go on until the port raised night-shift pay.")
    recent = ("Velmar strike talks", today - timedelta(days=2), "Union and port negotiators met again on Tuesday. "
              "They agreed to resume talks over pay for workers at the Velmar docks next week.")
    for number, (title, day, text) in enumerate((older, recent)):
        (folder / f"{number}.md").write_text(f"---\ntitle: {title}\ndate: {day.isoformat()}\n---\n{text}\n")
    assistant = make_assistant()
    assistant.ingest([folder], progress=False)
    plain = assistant.search("What about the dock strike in Velmar?", k=2)
    assert plain[0].title == "Dock strike in Velmar"  # without a word of time, the closer match leads
    latest = assistant.search("What's the latest on the dock strike in Velmar?", k=2)
    assert latest[0].title == "Velmar strike talks"
    dated = assistant.search("What's the latest on the dock strike in Velmar?", k=2,
                             filters=_around(today - timedelta(days=45)))
    assert dated[0].title == "Dock strike in Velmar"  # a date that is given wins over "latest"


def _around(day: date):
    from rag.types import Filters

    return Filters(around=day)


def test_the_command_line_follows_lists_refreshes_and_removes_feeds(site, capsys, tmp_path, monkeypatch):
    from cli.main import main

    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("NEWSRAG_FETCH_TIMEOUT", "2")
    publish(site, TOPICS[:2])
    site.routes["/500.xml"] = Route(b"down", status=500)
    index = str(tmp_path / "index")
    assert main(["feeds", "add", "--index", index, "--name", "Wire", f"{site.url}/feed.xml"]) == 0
    out = capsys.readouterr().out
    assert f"following {site.url}/feed.xml" in out and "2 added" in out
    assert main(["feeds", "add", "--index", index, f"{site.url}/500.xml"]) == 1
    err = capsys.readouterr().err
    assert err == f"newsrag: error: {site.url}/500.xml: HTTP 500 Internal Server Error; not subscribed\n"
    assert main(["refresh", "--index", index]) == 0
    out = capsys.readouterr().out
    assert "✓ Wire: not modified since the last refresh" in out and "1 feed refreshed" in out
    assert main(["feeds", "list", "--index", index]) == 0
    out = capsys.readouterr().out
    assert f"{site.url}/feed.xml" in out and "Wire" in out and "2 articles added" in out
    assert main(["feeds", "remove", "--index", index, "--articles", f"{site.url}/feed.xml"]) == 0
    assert "2 articles removed" in capsys.readouterr().out
    assert main(["refresh", "--index", index]) == 1
    assert "no feeds followed yet" in capsys.readouterr().err


def test_a_feed_file_and_a_json_feed_file_are_read_from_disk_too(tmp_path):
    from rag.sources.loaders import load

    (tmp_path / "f.json").write_text('{"version": "https://jsonfeed.org/version/1", "title": "J", "items": '
                                     '[{"id": "1", "url": "https://n.example/j", "title": "Jetty", "content_html": '
                                     '"<p>A new jetty opened.</p>"}]}')
    (tmp_path / "f.xml.gz").write_bytes(gzip.compress(b"x"))  # not a feed file: skipped with a reason
    [article, problem] = sorted(load([tmp_path]), key=lambda x: type(x).__name__)
    assert article.title == "Jetty" and article.text == "A new jetty opened." and article.source == "J"
    assert "unsupported file type" in problem.reason
