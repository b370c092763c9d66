"""``newsrag ui`` with a background refresh: the real Gradio app on loopback answers while the refresh writes a large
feed into the index, and afterwards answers from the new articles; the Corpus tab follows, lists and refreshes
feeds through the app's own API."""

from __future__ import annotations

import time
from datetime import date

from conftest import SEEDS, free_port
from news_site import NewsSite, Route, article_page, rss


def council(number: int, part: int) -> str:
    """A paragraph of its own (identical texts would be embedded once, and the write would be over at once)."""
    return " ".join(f"At council meeting {number}, item {part}.{line}, members spent {number * 7 + line} minutes on "
                    f"the budget for roads, schools and berth {part + line}, and repairs postponed since "
                    f"{1990 + (number + line) % 30}." for line in range(8))


def big_feed(site: NewsSite, count: int = 40) -> None:
    """``count`` long articles (a write that takes seconds), one of them about a lighthouse keeper."""
    items = []
    for number in range(count):
        lead = (council(number, 0) if number else
                "Anselm Krieg, the last keeper of the Velmar lighthouse, retired on Friday after 31 years.")
        title = "Velmar lighthouse keeper retires" if number == 0 else f"Council meeting {number}"
        paragraphs = [lead, *(council(number, part) for part in range(1, 7))]
        site.routes[f"/news/{number}"] = Route(article_page(str(number), title, paragraphs, date(2026, 11, 30)).encode())
        items.append({"title": title, "link": f"{site.url}/news/{number}", "date": "2026-11-30"})
    site.routes["/feed.xml"] = Route(rss("Velmar Wire", items).encode(), etag='"1"')


def test_answers_go_on_while_a_background_refresh_writes_then_come_from_the_new_articles(make_assistant):
    from gradio_client import Client

    from ui.app import launch

    assistant = make_assistant(allow_private_urls=True, mode="extractive")
    assistant.ingest([SEEDS], progress=False)
    with NewsSite() as site:
        big_feed(site)
        assistant.feeds.add(f"{site.url}/feed.xml", name="Velmar Wire")
        lock = assistant.settings.index_dir / "write.lock"
        port = free_port()
        app = launch(assistant, port=port, block=False, refresh_every=3600)  # refreshes at start, then hourly
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            deadline = time.monotonic() + 120
            while not lock.read_text().startswith("writing") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert lock.read_text().startswith("writing"), "the background refresh never started writing"
            conversation, panel, _ = client.predict("Where did Assad flee to?", "extractive", 5, "", "", [], "",
                                                    api_name="/ask")
            answered_while_writing = not assistant.feeds.all()[0].last_fetch  # the refresh had not finished
            assert "Russia" in conversation[-1]["content"][0]["text"] and 'id="nr-source-1"' in panel
            assert answered_while_writing

            while not assistant.feeds.all()[0].last_fetch and time.monotonic() < deadline:
                time.sleep(0.2)
            assert assistant.feeds.all()[0].items_added == 40
            client.predict(api_name="/new_chat")
            conversation, panel, _ = client.predict("Who was the last keeper of the Velmar lighthouse?", "extractive",
                                                    5, "", "", [], "", api_name="/ask")
            assert "Anselm Krieg" in conversation[-1]["content"][0]["text"]
            assert "Velmar lighthouse keeper retires" in panel

            message, stats, _, feeds, _ = client.predict(api_name="/refresh_feeds")
            assert "✓ Velmar Wire: not modified since the last refresh" in message
            assert "Velmar Wire" in feeds and "41" in stats  # the seed article and the feed's 40
        finally:
            app.close()


def test_the_corpus_tab_adds_a_url_once_and_follows_and_unfollows_a_feed(make_assistant):
    from gradio_client import Client

    from ui.app import launch

    assistant = make_assistant(allow_private_urls=True, fetch_timeout=2.0)
    assistant.ingest([SEEDS], progress=False)
    with NewsSite() as site:
        site.routes["/news/ferry"] = Route(article_page("ferry", "Night ferry resumes", [
            "The night ferry to Osterholm returns after a winter pause, with two crossings each evening."] * 3,
            date(2026, 11, 30)).encode())
        site.routes["/feed.xml"] = Route(rss("Velmar Wire", [{"title": "Night ferry resumes", "date": "2026-11-30",
                                                              "link": f"{site.url}/news/ferry"}]).encode())
        port = free_port()
        app = launch(assistant, port=port, block=False)
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            message, *_ = client.predict(f"{site.url}/news/ferry", api_name="/add_url")
            assert message.startswith(f"✓ {site.url}/news/ferry: 1 new")
            message, _, _, feeds, _ = client.predict(f"{site.url}/feed.xml", "Wire", api_name="/follow_feed")
            assert f"Following {site.url}/feed.xml" in message and "1 unchanged" in message
            assert "Wire" in feeds and site.url in feeds
            message, *_ = client.predict(f"{site.url}/nowhere.xml", "", api_name="/follow_feed")
            assert message == f"✗ {site.url}/nowhere.xml: HTTP 404 Not Found; not subscribed"
            message, _, _, feeds, _ = client.predict(f"{site.url}/feed.xml", api_name="/unfollow_feed")
            assert message.startswith("No longer following") and "No feeds followed yet" in feeds
        finally:
            app.close()
