"""Hostile feeds and URLs through the command line, against real HTTP servers on loopback (tests/news_site.py): a
link that http.client would choke on, an IPv6 feed, private addresses in IPv6 clothing, URLs with newlines and spaces,
and a fuzz of all of these. Every input ends in one line, never a traceback; the other items and feeds of the same
run are stored; sockets to anything but loopback are blocked, and a refusal is shown to send nothing at all."""

from __future__ import annotations

import ipaddress
import json
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from news_site import NewsSite, Route, article_page, rss

from cli.main import main
from rag.sources.feed_formats import FeedError, parse_feed
from rag.sources.fetch import FetchError, is_public, parse_url
from rag.sources.web import canonical_url

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BAD_CHARACTERS = ["\x00", "\r\n", "\n", " ", "\t", "\x7f", "\x85", "\u2028", "\x1b[31m"]


@pytest.fixture
def connections(monkeypatch):
    """Every connection attempt, by address; those off loopback are refused before a packet leaves. Names resolve
    (without DNS) to 127.0.0.1, after the checks a real resolver makes (IDNA), so nothing asks a name server."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_resolve = socket.getaddrinfo

    def connect(sock, address):
        attempts.append(str(address[0]))
        if not ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback:
            raise ConnectionRefusedError(111, "blocked by the test: not loopback")
        return real_connect(sock, address)

    def resolve(host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            str(host).encode("idna")  # what the real resolver refuses, this refuses
            host = "127.0.0.1"
        return real_resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return attempts


@pytest.fixture
def site():
    with NewsSite() as running:
        yield running


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run ``newsrag`` on a temp index; returns (exit code, stdout lines, stderr lines)."""
    monkeypatch.setenv("NEWSRAG_FETCH_TIMEOUT", "3")
    index = str(tmp_path / "index")

    def run(*args: str) -> tuple[int, list[str], list[str]]:
        command, *rest = args
        argv = [command, *rest[:1], "--index", index, *rest[1:]] if command == "feeds" else [command, "--index",
                                                                                            index, *rest]
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's own one-line refusal ("--", "-x" taken for options)
            code = exit_.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out.splitlines(), err.splitlines()

    return run


def story(site: NewsSite, slug: str, title: str, lead: str) -> str:
    site.routes[f"/news/{slug}"] = Route(article_page(slug, title, [lead, f"Officials said the {slug} plan had been "
                                                                          "discussed at two public meetings."],
                                                      __import__("datetime").date(2026, 11, 30)).encode())
    return f"{site.url}/news/{slug}"


def json_feed(items: list[dict[str, str]]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Velmar Wire", "items": items}).encode()


@pytest.mark.parametrize("bad", [c for c in BAD_CHARACTERS if c not in "\r\n\t"])  # those a URL drops, as browsers do
def test_a_link_with_a_character_http_client_refuses_costs_that_item_only(bad, site, cli, monkeypatch):
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    good = story(site, "crane", "New crane arrives at Port Velmar", "The gantry crane lifts 65 tonnes.")
    port = site.url.rsplit(":", 1)[1]
    site.routes["/feed.json"] = Route(json_feed([
        {"id": "1", "url": f"http://host{bad}:{port}/x", "title": "Bad link",
         "content_text": "The tram depot will open in May."},
        {"id": "2", "url": f"http://127.0.0.1{bad}:{port}/news/crane", "title": "Bad link, no text"},
        {"id": "3", "url": good, "title": "New crane arrives at Port Velmar"}]), content_type="application/json")
    site.routes["/other.xml"] = Route(rss("Other", [{"title": "Ferry", "link": story(
        site, "ferry", "Night ferry resumes", "The night ferry returns with two crossings."), "date": "2026-11-30"}])
        .encode())

    code, out, err = cli("ingest", f"{site.url}/feed.json")
    assert code == 0 and "2 new" in out[-1], (out, err)  # the crane page, and the tram item from its summary
    [skipped] = err
    assert skipped.startswith("skipped ") and "not a valid URL" in skipped and "no summary" in skipped

    code, out, err = cli("feeds", "add", f"{site.url}/feed.json")
    assert code == 0 and out[0] == f"following {site.url}/feed.json" and "1 item(s) skipped" in out[1], out
    code, out, err = cli("feeds", "add", f"{site.url}/other.xml")
    assert code == 0 and "1 added" in out[1]
    site.requests.clear()
    code, out, err = cli("refresh")
    assert code == 0 and len(out) == 3 and all(line.startswith("✓") for line in out[:2]), out
    assert site.requests == ["/feed.json", "/other.xml"]  # the bad link is not tried again, the feed after it is read


def test_lone_surrogates_anywhere_in_a_json_feed_cost_nothing(site, cli, monkeypatch):
    """JSON's "\\ud800" decodes to a character no database can store (found by the fuzz below): the item is stored
    with U+FFFD in its place, and its refresh is clean."""
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    good = story(site, "crane", "New crane arrives at Port Velmar", "The gantry crane lifts 65 tonnes.")
    site.routes["/feed.json"] = Route(json_feed([
        {"id": "\ud800", "url": good, "title": "Crane \udfff", "authors": [{"name": "Mira \ud800"}]},
        {"id": "2\ud800", "url": "http://127.0.0.1/\ud800", "content_text": "The tram depot opens in May \ud800.",
         "authors": [{"name": "\ud800"}]}]), content_type="application/json")
    code, out, err = cli("feeds", "add", f"{site.url}/feed.json")
    assert code == 0 and "2 added" in out[1], (out, err)
    code, out, err = cli("refresh")
    assert code == 0 and "not modified" not in out[0] and "✓" in out[0], out


def test_a_feed_on_an_ipv6_address_can_be_followed_refreshed_and_removed(cli, monkeypatch, make_assistant):
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    with NewsSite("::1") as site:
        assert site.url.startswith("http://[::1]:")
        site.routes["/feed.xml"] = Route(rss("Six", [{"title": "Crane", "link": story(
            site, "crane", "New crane arrives", "The gantry crane lifts 65 tonnes."), "date": "2026-11-30"}])
            .encode(), etag='"v1"')
        code, out, _ = cli("feeds", "add", f"{site.url}/feed.xml")
        assert code == 0 and out[0] == f"following {site.url}/feed.xml" and "1 added" in out[1]
        code, out, _ = cli("refresh")
        assert code == 0 and "not modified" in out[0]
        code, out, _ = cli("feeds", "list", "--json")
        assert [f["url"] for f in json.loads("\n".join(out))] == [f"{site.url}/feed.xml"]
        code, out, _ = cli("feeds", "remove", site.url.replace("http://", "HTTP://") + "/feed.xml#top")
        assert code == 0 and out[0].startswith("no longer following")
        code, out, err = cli("feeds", "remove", f"{site.url}/feed.xml")
        assert code == 1 and len(err) == 1 and "not a subscribed feed" in err[0]

        from ui.feeds import follow, unfollow  # the Corpus tab's Follow and Stop following, on the same index

        assistant = make_assistant(allow_private_urls=True)
        assert follow(assistant, f" {site.url}/feed.xml ").startswith(f"Following {site.url}/feed.xml\n✓")
        assert [s.url for s in assistant.feeds.all()] == [f"{site.url}/feed.xml"]
        assert unfollow(assistant, f"{site.url}/feed.xml").startswith("No longer following")
        assert assistant.feeds.all() == []
    assert canonical_url("http://[::1]:8080/feed") == "http://[::1]:8080/feed"
    assert canonical_url("HTTP://[FE80::1]:80/a#b") == "http://[fe80::1]/a"


PRIVATE_IN_DISGUISE = ["::127.0.0.1", "::ffff:0:7f00:1", "64:ff9b::7f00:1", "64:ff9b::a00:1", "2002:7f00:1::1",
                       "2002:c0a8:101::1", "fec0::1", "64:ff9b:1::808:808", "::ffff:127.0.0.1", "::ffff:a9fe:a9fe",
                       "2001:0:4136:e378:8000:63bf:80ff:fffe"]  # the last: Teredo, client 127.0.0.1


@pytest.mark.parametrize("address", PRIVATE_IN_DISGUISE)
def test_ipv6_forms_that_carry_a_private_ipv4_address_are_refused_without_a_connection(address, cli, connections):
    assert not is_public(address)
    code, _, err = cli("ingest", f"http://[{address}]:8080/news")
    assert code == 1 and len(err) == 1 and "refused:" in err[0], err
    code, _, err = cli("feeds", "add", f"http://[{address}]/feed.xml")
    assert code == 1 and len(err) == 1 and "refused:" in err[0] and "not subscribed" in err[0], err
    assert connections == []  # refused before any connection was tried


def test_ipv6_forms_of_public_addresses_are_still_public():
    for address in ("64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700::1111"):
        assert is_public(address), address


@pytest.mark.parametrize("bad", BAD_CHARACTERS)
def test_urls_with_control_characters_give_one_line_everywhere(bad, cli, connections):
    url = f"http://news.example/feed{bad}.xml"
    for command in (("feeds", "add", url), ("feeds", "remove", url), ("ingest", url)):
        code, out, err = cli(*command)
        assert code == 1 and len(err) == 1 and err[0].startswith("newsrag: error: " if command[0] == "feeds" else
                                                                   "skipped "), (command, err)
        assert err[0].isprintable() and not out[:-1]
    assert connections == []


def test_a_url_with_spaces_around_it_is_a_url_for_ingest_as_for_feeds_add(site, cli, monkeypatch):
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    page = story(site, "crane", "New crane arrives at Port Velmar", "The gantry crane lifts 65 tonnes.")
    code, out, err = cli("ingest", f"  {page}\n")
    assert code == 0 and "1 new" in out[-1] and not err


# The fuzz: what a stranger can put in a URL or a feed, thrown at the command line and the feed parsers.
hosts = st.one_of(
    st.sampled_from(["news.example", "127.0.0.1", "[::1]", "[::ffff:0:7f00:1]", "[64:ff9b::7f00:1]", "[fe80::1%25eth0]",
                     "[v1.x]", "[::1", "::1", "0x7f.1", "2130706433", "127.1", "[2002:7f00:1::1]", "xn--", "a..b",
                     "é.example", "user:pw@news.example", "news.example:99999", "news.example:-1", ""]),
    st.text(min_size=1, max_size=30),
    st.from_regex(r"[a-z0-9.\-]{1,70}", fullmatch=True),
)
urls = st.builds(lambda scheme, host, path: f"{scheme}{host}{path}",
                 st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "file://", "javascript:", " http://",
                                  "http:/", "http:///", "gopher://", ""]),
                 hosts, st.one_of(st.text(max_size=40), st.just("/" + "a" * 5000), st.just("/?" + "q=1&" * 3000)))


@FUZZ
@given(url=urls)
def test_fuzz_any_url_given_to_ingest_or_feeds_add_is_one_line(url, cli, connections):
    for command in (("ingest", url), ("feeds", "add", url)):
        code, out, err = cli(*command)
        assert code in (0, 1, 2) and len(err) <= 1, (command, err)
        if code:
            assert len(err) == 1 and ("newsrag: error: " in err[0] or err[0].startswith("skipped ")), err
    assert all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in connections)


# any character, lone surrogates ("\ud800" in the JSON) included
strange = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=60)
links = st.one_of(urls, strange, st.sampled_from(["/relative/page", "//news.example/x", "?p=1", "#top"]))
items = st.fixed_dictionaries({"id": strange, "url": links, "title": strange},
                              optional={"content_text": st.text(max_size=200) | strange,
                                        "date_published": st.text(max_size=30) | strange,
                                        "content_html": st.sampled_from(["<p>&#xD800; &#0; &#99999999999;</p>"]) | strange,
                                        "authors": st.lists(st.fixed_dictionaries({"name": strange}), max_size=2)})


@FUZZ
@given(feed_items=st.lists(items, min_size=1, max_size=4))
def test_fuzz_a_feed_of_hostile_items_is_followed_and_refreshed_in_one_line_each(feed_items, site, cli, monkeypatch,
                                                                              connections):
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    site.routes["/feed.json"] = Route(json_feed(feed_items), content_type="application/json")
    for command in (("feeds", "add", f"{site.url}/feed.json"), ("refresh",)):
        code, out, err = cli(*command)
        text = "\n".join(out + err)
        assert "unexpected error" not in text, text
        if code == 1:
            assert len(err) == 1, err


xml_bits = st.sampled_from(["<rss>", "<channel>", "<item>", "</item>", "<title>", "</title>", "<link>", "</link>",
                            "<description>", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#xD800;", "<feed xmlns="
                            "'http://www.w3.org/2005/Atom'>", "<entry>", "<link href='", "'/>", "<!DOCTYPE x>",
                            "<?xml version='1.0' encoding='klingon'?>", "\x00", "\ufeff", "javascript:x", "http://[::1",
                            "&#" + "9" * 5000 + ";"])
documents = st.one_of(st.text(max_size=500), st.lists(st.one_of(xml_bits, st.text(max_size=20)), max_size=40).map("".join),
                      st.builds(lambda d: json.dumps({"version": "https://jsonfeed.org/version/1", **d}),
                                st.dictionaries(st.sampled_from(["title", "items", "authors"]),
                                                st.recursive(st.none() | st.text(max_size=20) | st.integers(),
                                                             lambda inner: st.lists(inner, max_size=3) |
                                                             st.dictionaries(st.text(max_size=8), inner, max_size=3),
                                                             max_leaves=10))))


@FUZZ
@given(document=documents)
def test_fuzz_the_feed_parsers_give_a_feed_or_a_one_line_feed_error(document):
    try:
        feed = parse_feed(document)
    except FeedError as error:
        assert "\n" not in str(error)
        return
    for item in feed.items:
        try:
            parse_url(item.link)
        except FetchError as error:
            assert "\n" not in str(error)


html_bits = st.sampled_from([
    "<html>", "<head>", "<body>", "<p>", "</p>", "<article>", "<h1>", "</h1>", "<title>", "</title>", "<!DOCTYPE html>",
    '<meta property="og:title" content="', '<meta property="og:url" content="', '<meta name="author" content="',
    '<meta property="article:published_time" content="', '">', '<link rel="canonical" href="',
    '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", "headline": ', '{"author": [',
    '"datePublished": "99999-99-99"', '"publisher": {"name": {"name": null}}', "]}", "}", "<![CDATA[", "&#xD800;",
    "&#0;", "\x00", "\ufeff", "<meta charset='klingon'>", "<?xml version='1.0'?>", "<rss>", "http://[::1",
    "javascript:alert(1)", "The council met on Tuesday and approved the budget. "])
pages = st.one_of(st.binary(max_size=2000),
                  st.lists(st.one_of(html_bits, strange, st.text(max_size=30)), max_size=60).map(
                      lambda parts: "".join(parts).encode("utf-8", "surrogatepass")))


@FUZZ
@given(body=pages, content_type=st.sampled_from(["text/html; charset=utf-8", "text/html; charset=klingon",
                                                  "application/json", "text/plain; charset=utf-16"]))
def test_fuzz_any_page_given_to_ingest_is_an_article_or_one_line(body, content_type, site, cli, monkeypatch,
                                                                 connections):
    monkeypatch.setenv("NEWSRAG_ALLOW_PRIVATE_URLS", "1")
    site.routes["/news/page"] = Route(body, content_type=content_type)
    code, out, err = cli("ingest", f"{site.url}/news/page")
    assert code in (0, 1) and len(err) <= 1, err
    assert all(line.isprintable() for line in out + err)
