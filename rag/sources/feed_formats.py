"""Feed text -> ``Feed`` (its title and items): RSS 0.9x/1.0/2.0 and Atom by feedparser, JSON Feed by json.

feedparser copes with the real world's broken feeds (undeclared namespaces, bad dates, HTML in titles) and
sanitises the HTML it hands back. Two guarantees are ours, whichever parser runs: a document that declares XML
entities is refused before any parser sees it (the "billion laughs" expansion bomb, external entities), and the
caller bounds the text's size (a file limit, or the fetcher's response cap).

>>> from rag.sources.feed_formats import parse_feed
>>> feed = parse_feed(text)        # raises FeedError("malformed XML: …") etc.; feed.title, feed.items
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from rag.errors import NewsragError
from rag.sources.extract import html_to_text
from rag.sources.records import clean_text, parse_date, valid_unicode


class FeedError(NewsragError, ValueError):
    """Not a feed we can read, in one line: refused unsafe XML, malformed XML, no items, not a feed."""


@dataclass(frozen=True)
class FeedItem:
    """One item or entry. ``key`` identifies it across refreshes (guid, else link, else title); ``fingerprint``
    changes when its content does, so a refresh fetches and embeds only new or changed items."""

    key: str
    link: str
    title: str
    summary: str  # plain text: the item's content or description, the fallback when its page cannot be read
    published_at: date | None
    authors: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class Feed:
    title: str
    items: tuple[FeedItem, ...]


def looks_like_feed(text: str) -> bool:
    """Whether a document is a feed, by its content (a URL's extension or content type often lies)."""
    head = text[:2048].lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return bool(re.search(r'"version"\s*:\s*"https?://jsonfeed\.org/', text[:65536]))
    return bool(re.match(r"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>\s*)*"
                         r"<(rss|feed|rdf:RDF|channel)\b", head, re.S | re.I))


def parse_feed(text: str) -> Feed:
    """Parse an RSS, Atom or JSON feed that is already decoded; ``FeedError`` says why not in one line."""
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return _parse_json_feed(text)
    if _DECLARES_ENTITIES.search(text):
        raise FeedError("refused unsafe XML (EntitiesForbidden): the document declares entities")
    import feedparser  # a feed is read: ~0.1 s of imports spent only then

    # A stream, never a str: feedparser fetches a str that looks like a URL and opens one that names a file. The text
    # is already decoded, so its bytes are UTF-8 whatever its XML declaration says.
    data = _CHARACTER_REFERENCE.sub(_valid_reference, text).encode("utf-8", "replace")
    try:
        parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True,
                                  response_headers={"content-type": "application/xml; charset=utf-8"})
    except Exception as exc:  # noqa: BLE001 - feedparser on a stranger's document: a fault of its is an unreadable feed
        raise FeedError(f"a feed that cannot be parsed ({type(exc).__name__}: {str(exc)[:160]})") from None
    items = tuple(_rss_item(entry) for entry in parsed.get("entries") or [])
    # feedparser reads past real-world breakage (a stray "&", a bad date); only a feed that yields nothing usable
    # is refused as malformed
    if not any(i.link or i.summary for i in items):
        if parsed.get("bozo"):
            where = re.sub(r"^<unknown>:(\d+):(\d+):", r"line \1, column \2:", str(parsed.get("bozo_exception")))
            raise FeedError(f"malformed XML: {where}")
        raise FeedError("an XML file with no RSS items or Atom entries" if not items else
                        "a feed whose items have neither a link nor any text")
    title = html_to_text(str(parsed.get("feed", {}).get("title") or ""))
    return Feed(title, items)


def _rss_item(entry: Any) -> FeedItem:
    content = entry.get("content") or []
    body = next((c.get("value", "") for c in content if c.get("value")), "") or entry.get("summary") or ""
    title = html_to_text(str(entry.get("title") or ""))
    link = str(entry.get("link") or "").strip()
    raw = dict(entry)  # feedparser's own lookups map a missing 'updated' to 'published', with a warning
    when = raw.get("published_parsed") or raw.get("updated_parsed") or raw.get("created_parsed")
    names = [a.get("name", "") for a in entry.get("authors") or [] if isinstance(a, dict)]
    authors = tuple(n.strip() for n in names if n and n.strip()) or _one(entry.get("author"))
    summary = html_to_text(str(body))
    return FeedItem(
        key=str(entry.get("id") or link or title).strip(),
        link=link,
        title=title,
        summary=summary,
        published_at=date(*when[:3]) if isinstance(when, time.struct_time) else None,
        authors=authors,
        fingerprint=_fingerprint(title, link, summary, str(raw.get("updated") or raw.get("published") or "")),
    )


def _parse_json_feed(text: str) -> Feed:
    """JSON Feed 1.0/1.1 (jsonfeed.org): plain JSON, so no markup bombs; its HTML fields become text."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"malformed JSON feed: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(("https://jsonfeed.org/",
                                                                                  "http://jsonfeed.org/")):
        raise FeedError("not a feed: a JSON document without a jsonfeed.org version")
    items = [i for i in _list(data.get("items")) if isinstance(i, dict)]
    if not items:
        raise FeedError("a JSON feed with no items")
    return Feed(html_to_text(str(data.get("title") or "")), tuple(_json_item(i, data) for i in items))


def _json_item(item: dict[str, Any], feed: dict[str, Any]) -> FeedItem:
    """One item; its strings made valid Unicode first (a JSON escape can name a lone surrogate)."""
    link = valid_unicode(str(item.get("url") or item.get("external_url") or "")).strip()
    title = html_to_text(str(item.get("title") or ""))
    summary = html_to_text(str(item.get("content_html") or "")) or clean_text(str(item.get("content_text") or "")) \
        or html_to_text(str(item.get("summary") or ""))
    stamp = str(item.get("date_published") or item.get("date_modified") or "")
    people = _list(item.get("authors")) or ([item["author"]] if item.get("author") else _list(feed.get("authors")))
    authors = tuple(" ".join(valid_unicode(str(p.get("name"))).split()) for p in people
                    if isinstance(p, dict) and p.get("name"))
    return FeedItem(
        key=valid_unicode(str(item.get("id") or link or title)).strip(),
        link=link,
        title=title,
        summary=summary,
        published_at=parse_date(stamp),
        authors=authors,
        fingerprint=_fingerprint(title, link, summary, str(item.get("date_modified") or stamp)),
    )


_DECLARES_ENTITIES = re.compile(r"<!ENTITY", re.I)
_CHARACTER_REFERENCE = re.compile(r"&#(x[0-9a-f]+|[0-9]+);", re.I)


def _valid_reference(match: re.Match[str]) -> str:
    """A numeric character reference kept only when it names a character a text may hold: "&#xD800;" (a lone
    surrogate), "&#0;" or "&#x110000;" would crash a parser or forge control characters, and become U+FFFD."""
    ref = match.group(1)
    if len(ref) > 9:  # past U+10FFFF however it is written (and int() refuses 4,300 digits)
        return "&#xFFFD;"
    value = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
    allowed = value in (9, 10, 13) or 0x20 <= value < 0xD800 or 0xE000 <= value <= 0x10FFFF and value not in (
        0xFFFE, 0xFFFF)
    return match.group(0) if allowed else "&#xFFFD;"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def _list(value: Any) -> list[Any]:
    """A JSON field that should be a list, as one: anything else a stranger put there counts as empty."""
    return value if isinstance(value, list) else []


def _one(name: Any) -> tuple[str, ...]:
    return (name.strip(),) if isinstance(name, str) and name.strip() else ()
