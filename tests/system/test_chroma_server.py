"""Server mode against a real ``chroma run`` on loopback: ingest, ask, re-ingest and remove through it."""

from __future__ import annotations

import pytest
from conftest import SEEDS, free_port

from rag.errors import StoreError


def test_ingest_and_ask_through_a_chroma_server(chroma_server, make_assistant, tmp_path):
    assistant = make_assistant(chroma_host="127.0.0.1", chroma_port=chroma_server, chroma_collection="news-test")
    report = assistant.ingest([SEEDS], progress=False)
    assert report.articles_added == 1 and report.chunks_added >= 2
    assert not (tmp_path / "index" / "chroma.sqlite3").exists()  # nothing was stored locally

    # a second process (here: a second assistant with an empty local folder) sees the same index
    other = make_assistant(chroma_host="127.0.0.1", chroma_port=chroma_server, chroma_collection="news-test",
                           index_dir=tmp_path / "elsewhere")
    assert other.stats().articles == 1 and other.stats().path.startswith(f"http://127.0.0.1:{chroma_server}")
    answer = other.ask("Where did the clashes erupt?")
    assert not answer.refused and answer.citations and "Aleppo" in answer.citations[0].passage.text
    hybrid = other.search("Aleppo clashes")  # keyword half: built from the server's chunks
    assert hybrid and hybrid[0].article_id == answer.citations[0].passage.article_id

    assert assistant.ingest([SEEDS], progress=False).articles_unchanged == 1
    assert other.remove([str(SEEDS)]) == 1
    assert assistant.stats().articles == 0 and assistant.search("Aleppo clashes") == []


def test_an_unreachable_server_is_a_clear_error(make_assistant):
    assistant = make_assistant(chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreError, match=r"cannot reach the Chroma server at http://127\.0\.0\.1:\d+"):
        assistant.stats()


def test_feeds_are_followed_and_refreshed_into_a_chroma_server(chroma_server, make_assistant, tmp_path):
    from datetime import date

    from news_site import NewsSite, Route, article_page, rss

    assistant = make_assistant(chroma_host="127.0.0.1", chroma_port=chroma_server, chroma_collection="news-feeds",
                               allow_private_urls=True)
    with NewsSite() as site:
        site.routes["/news/jetty"] = Route(article_page("jetty", "A new jetty for Velmar", [
            "The new jetty in Velmar opened on Saturday and can moor four ferries at once."] * 3,
            date(2026, 11, 30)).encode())
        site.routes["/feed.xml"] = Route(rss("Velmar Wire", [{"title": "A new jetty for Velmar", "date": "2026-11-30",
                                                              "link": f"{site.url}/news/jetty"}]).encode(), etag='"1"')
        assert assistant.subscribe(f"{site.url}/feed.xml").report.articles_added == 1
        [again] = assistant.refresh().feeds
        assert again.not_modified and site.pages_fetched() == ["/news/jetty"]  # fetched once, by the first refresh
    assert (tmp_path / "index" / "feeds.sqlite3").is_file()  # the list is this machine's, beside the keyword copy
    assert not (tmp_path / "index" / "chroma.sqlite3").exists()
    [passage] = assistant.search("Where can four ferries moor?", k=1)
    assert "jetty" in passage.text
