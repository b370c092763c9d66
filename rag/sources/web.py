"""URLs -> ``Article``s: an article page, or a feed (RSS, Atom, JSON Feed) whose items' pages are fetched in turn.

What a URL holds is told by its content, not its extension or content type. A feed item's page is fetched and its main
text extracted (``rag.sources.extract``); when the page cannot be fetched or holds no text, the feed's own summary of
the item stands in. An article's id comes from its canonical URL (``canonical_url``), so one story met through two
feeds, or with two sets of tracking parameters, is stored once.

>>> from rag.sources.web import WebReader
>>> from rag.sources.fetch import Fetcher, FetchPolicy
>>> reader = WebReader(Fetcher(FetchPolicy()), max_items=50)
>>> items = list(reader.load("https://news.example/feed.xml"))   # Articles and LoadProblems
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from rag.sources.feed_formats import Feed, FeedError, FeedItem, looks_like_feed, parse_feed
from rag.sources.fetch import Fetched, Fetcher, FetchError, parse_url, problem_with
from rag.sources.loaders import MAX_PAGE_CHARS, decode
from rag.sources.records import make_article
from rag.types import Article, LoadProblem

Loaded = Article | LoadProblem

# Query parameters that say how a reader arrived, not which page it is: dropped from canonical URLs.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref_src|cmpid|ocid|_ga)$", re.I)


def canonical_url(url: str) -> str:
    """``url`` as an article id is made from it: scheme and host in lower case (an IPv6 host keeps its brackets), no
    default port, no fragment, no tracking parameters (utm_*, fbclid …). Other query parameters stay: on many sites
    they name the article. A string that is not a URL comes back stripped, for the fetcher to refuse."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # a bad port, an unclosed bracket
        return url.strip()
    if not parts.scheme or not host:
        return url.strip()
    scheme = parts.scheme.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def fetchable_url(url: str) -> str:
    """``url`` in its canonical form, when the fetcher would take it; ``FetchError`` says why not (a feed to follow,
    a feed item's link)."""
    parse_url(url)
    return canonical_url(url)


@dataclass(frozen=True)
class ItemRead:
    """A feed item read: its article (or why there is none), and why its page could not be read ("" when it was, or
    when the item links to no page): then the article is the feed's summary of it."""

    loaded: Loaded
    page_error: str = ""


@dataclass(frozen=True)
class FeedRead:
    """A fetched feed: the document (None for a 304), and the response that carried it."""

    feed: Feed | None
    response: Fetched


class WebReader:
    """Reads URLs through ``fetcher``; a feed gives at most ``max_items`` of its items per read."""

    def __init__(self, fetcher: Fetcher, max_items: int = 50) -> None:
        self.fetcher = fetcher
        self.max_items = max_items

    def load(self, url: str) -> Iterator[Loaded]:
        """An article page, or every item of a feed (up to ``max_items``); a problem for what cannot be read."""
        try:
            response = self.fetcher.get(url)
            text = _text(response)
        except (FetchError, ValueError) as exc:
            yield LoadProblem(url, problem_with(url, exc))
            return
        if looks_like_feed(text):
            try:
                feed = parse_feed(text)
            except FeedError as exc:
                yield LoadProblem(url, str(exc))
                return
            for item in feed.items[: self.max_items]:
                yield self.item(item, feed.title, response.url).loaded
            return
        yield self.page(response, text)

    def read_feed(self, url: str, etag: str = "", last_modified: str = "") -> FeedRead:
        """Fetch a feed, conditionally: raises ``FetchError``/``FeedError`` (one line naming the problem) for a feed
        that cannot be fetched or is not a feed."""
        response = self.fetcher.get(url, etag=etag, last_modified=last_modified)
        if response.not_modified:
            return FeedRead(None, response)
        try:
            text = _text(response)
        except ValueError as exc:
            raise FeedError(str(exc)) from None
        if not looks_like_feed(text):
            kind = "an HTML page" if re.search(r"<html|<!doctype html", text[:4096], re.I) else "not RSS, Atom or JSON"
            raise FeedError(f"not a feed ({kind}); to add a single article page use newsrag ingest URL")
        return FeedRead(parse_feed(text), response)

    def item(self, item: FeedItem, source: str, feed_url: str = "") -> ItemRead:
        """A feed item as an article: its page's text, else the feed's summary of it; ``source`` is the outlet
        when the page names none. A relative link is read against ``feed_url``; a link that cannot be fetched (not
        http(s), control characters, a bad host) is never the article's URL."""
        page: Article | None = None
        failure = bad_link = ""
        target = _absolute(item.link, feed_url)
        link = ""
        if target:
            try:
                link = fetchable_url(target)
            except FetchError as exc:  # for good: not tried again
                bad_link = exc.problem
        if link:
            try:
                response = self.fetcher.get(target)
                made = self.page(response, _text(response))
                page, failure = (made, "") if isinstance(made, Article) else (None, made.reason)
            except (FetchError, ValueError) as exc:
                failure = problem_with(target, exc)
        if page is not None:
            return ItemRead(Article(
                title=page.title if page.title and not page.title.endswith(" …") else item.title or page.title,
                text=page.text, url=page.url or link, source=page.source or source,
                # the feed's date is declared data; a page that declares none gets one guessed from its text
                published_at=item.published_at or page.published_at, authors=page.authors or item.authors,
                origin=page.url or link, summary=item.summary))
        summary = make_article({"title": item.title, "text": item.summary, "url": link, "source": source,
                                "published_at": item.published_at, "authors": list(item.authors)}, link or item.key)
        if isinstance(summary, Article):
            return ItemRead(summary, failure)
        where = target or item.title or item.key
        reason = failure or bad_link
        why = f"{reason}; and the feed gives no summary to fall back on" if reason else summary
        return ItemRead(LoadProblem(where, why), failure)

    def page(self, response: Fetched, text: str) -> Loaded:
        """An article page as an Article: its main text, title, outlet, date and author (``rag.sources.extract``)."""
        from rag.sources.extract import extract_page

        if len(text) > MAX_PAGE_CHARS:
            return LoadProblem(response.url, f"page too long ({len(text):,} characters)")
        record = extract_page(text, url=response.url)
        record["url"] = _trusted_canonical(str(record.get("url") or ""), response.url)
        made = make_article(record, record["url"])
        if isinstance(made, str):
            why = "no article text found on the page" if made.startswith("no text") else made
            return LoadProblem(response.url, why)
        return made


def _absolute(link: str, base: str) -> str:
    """A feed item's link made absolute against the feed's URL (a malformed one as it is, for the fetcher to name)."""
    if not link or not base:
        return link
    try:
        return urljoin(base, link)
    except ValueError:
        return link


def _trusted_canonical(declared: str, fetched: str) -> str:
    """The page's declared canonical URL when it is on the site the page came from, else where it was fetched: a
    page may not claim another site's article id (and overwrite that article)."""
    def site(url: str) -> str:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")

    if declared and site(declared) == site(fetched):
        return canonical_url(declared)
    return canonical_url(fetched)


def _text(response: Fetched) -> str:
    """A response's body as text: the charset its headers name, else ``rag.sources.loaders.decode``'s rules."""
    if not response.body.strip():
        raise ValueError("empty response")
    if response.charset and not response.body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return response.body.decode(response.charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong header: the body's own declaration and the usual rules decide
    return decode(response.body)
