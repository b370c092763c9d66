"""The Corpus tab's web part: add a page or feed by URL, follow feeds, refresh them now or in the background.

The app's writes (uploads, URLs, refreshes) wait for one another at the index's write lock, which lets this
process's writers take turns (``NewsIndex.writing``); answers never take it and go on while a write is under way.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable

from rag import NewsAssistant, NewsragError, RefreshReport, one_line


def add_url(assistant: NewsAssistant, url: str) -> str:
    """Ingest an article page or every item of a feed, once; the result in a line or a few."""
    url = (url or "").strip()
    if not url:
        return "Paste the address of an article page or a feed first."
    try:
        report = assistant.ingest([url], progress=False)
    except NewsragError as error:
        return f"✗ {error}"
    lines = [f"✗ {p}" for p in report.problems] + [f"⊘ {page}" for page in report.boilerplate]
    if report.articles_seen or not lines:
        lines.append(f"✓ {one_line(url)}: {report.articles_added} new, {report.articles_updated} updated, "
                     f"{report.articles_unchanged} unchanged articles; {report.chunks_added} passages added")
    return "\n".join(lines)


def follow(assistant: NewsAssistant, url: str, name: str = "") -> str:
    url = (url or "").strip()
    if not url:
        return "Paste the address of a feed first."
    try:
        result = assistant.subscribe(url, name)
    except NewsragError as error:
        return f"✗ {error}"
    return f"Following {result.url}\n{result.line()}"


def unfollow(assistant: NewsAssistant, url: str | None) -> str:
    if not url:
        return "Choose a feed to stop following."
    try:
        assistant.unsubscribe(url)
    except NewsragError as error:
        return f"✗ {error}"
    return f"No longer following {one_line(url)} (its articles stay in the index)."


def refresh_now(assistant: NewsAssistant) -> str:
    if not assistant.feeds.all():
        return "No feeds followed yet: paste a feed's address and choose Follow."
    return report_text(assistant.refresh())


def report_text(report: RefreshReport) -> str:
    return "\n".join([*(f.line() for f in report.feeds),
                      f"{len(report.feeds)} feed(s) in {report.seconds:.1f}s: {report.articles_added} added, "
                      f"{report.articles_updated} updated, {len(report.failed)} failed"])


def feeds_html(assistant: NewsAssistant) -> str:
    """The followed feeds as a table: name, address, last refresh, articles added, state. Everything is escaped (a
    feed's name and error text come from the web)."""
    try:
        subscriptions = assistant.feeds.all()
    except NewsragError as error:
        return f'<div class="nr-empty">{html.escape(str(error))}</div>'
    if not subscriptions:
        return '<div class="nr-empty">No feeds followed yet.</div>'
    rows = "".join(
        f"<tr><td>{html.escape(s.name or '–')}</td><td>{html.escape(s.url)}</td>"
        f"<td>{html.escape(s.fetched)}</td>"
        f"<td>{s.items_added:,}</td><td>{html.escape('✗ ' + s.last_error if s.last_error else '✓')}</td></tr>"
        for s in subscriptions)
    head = "<tr><th>Feed</th><th>Address</th><th>Last refresh</th><th>Articles added</th><th>State</th></tr>"
    return f'<table class="nr-feeds"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def feed_choices(assistant: NewsAssistant) -> list[tuple[str, str]]:
    try:
        return [(s.label, s.url) for s in assistant.feeds.all()]
    except NewsragError:
        return []


class Refresher:
    """Refreshes the followed feeds in a background thread: once at start, then every ``every`` seconds, until
    ``running()`` says the app has stopped. Each feed's line goes to ``log``."""

    def __init__(self, assistant: NewsAssistant, every: float, running: Callable[[], bool],
                 log: Callable[[str], None] = print) -> None:
        self.assistant, self.every, self.running, self.log = assistant, every, running, log
        self.last: RefreshReport | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="newsrag-refresh", daemon=True)

    def start(self) -> Refresher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while self.running() and not self._stop.is_set():
            try:
                if self.assistant.feeds.all():
                    self.last = self.assistant.refresh()
                    for result in self.last.feeds:
                        self.log(f"newsrag: refresh: {result.line()}")
            except Exception as error:  # noqa: BLE001 - a background loop must outlive any one failure; it is logged
                self.log(f"newsrag: refresh failed: {error}")
            if self._stop.wait(self.every):
                return
