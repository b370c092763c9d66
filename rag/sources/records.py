"""The helpers every article record shares, whatever it was read from (a file, a page, a feed): clean text, a date,
a one-line name, and a record made into an ``Article``. The bottom of ``rag.sources``: it imports none of its
neighbours, and ``loaders``, ``extract``, ``feed_formats`` and ``web`` all import it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from rag.types import Article

MAX_ARTICLE_CHARS = 1_000_000  # ~150,000 words; far beyond any news article, so more is a wrong or hostile file


_SURROGATES = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate (JSON's "\\ud800" decodes to one, and no file or database can store it)
    made U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Normalise Unicode, drop control characters, collapse spaces, keep paragraph breaks (``valid_unicode`` first)."""
    text = valid_unicode(text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = re.sub(r"[ \t\u00a0\u200b]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def parse_date(value: Any) -> date | None:
    """ISO dates and datetimes, RFC 822 (feeds) or None. Unparseable values give None rather than a lost article."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def make_article(record: dict[str, Any], origin: str) -> Article | str:
    """A benchmark-style record (id, title, url, source, published_at, authors, text) -> Article, or why not."""
    if not isinstance(record, dict):
        return f"expected a JSON object, got {type(record).__name__}"
    raw_text = record.get("text") or record.get("content") or record.get("body") or ""
    if not isinstance(raw_text, str):
        return f"the article text must be a string, not {type(raw_text).__name__}"
    text = clean_text(raw_text)
    if not text:
        return "no text (expected a non-empty 'text' field)"
    if len(text) > MAX_ARTICLE_CHARS:
        return too_long(len(text), MAX_ARTICLE_CHARS)
    title = one_line(str(record.get("title") or "")) or _first_words(text)
    authors = _field(record, _AUTHOR_KEYS) or ()
    if isinstance(authors, str):
        authors = [a for a in re.split(r"\s*[;,]\s*|\s+and\s+", authors) if a]
    elif not isinstance(authors, (list, tuple)):
        authors = [authors]
    names = (name_of(a) for a in authors)
    return Article(
        title=title,
        text=_drop_repeated_title(title, text),
        url=_CONTROLS.sub("", str(record.get("url") or record.get("link") or "")),
        source=one_line(name_of(_field(record, _SOURCE_KEYS))),
        published_at=parse_date(_field(record, _DATE_KEYS)),
        authors=tuple(one_line(a) for a in names if a.strip()),
        origin=origin,
    )


_CONTROLS = re.compile("[\x00-\x20\x7f-\x9f\u2028\u2029\ud800-\udfff]")  # never in a URL; stripped as browsers do


def one_line(text: str) -> str:
    """A title, outlet or author as one line: cleaned, every run of whitespace (newlines, U+2028) one space."""
    return " ".join(clean_text(text).split())


# Where records name their outlet, date and authors, by key without case, "_" or "-" (NewsAPI's publishedAt and
# {"source": {"name": …}}, schema.org's datePublished and publisher, CSV headers): the first one given wins.
_SOURCE_KEYS = ("source", "publisher", "outlet", "sitename", "publication")
_DATE_KEYS = ("publishedat", "date", "published", "datepublished", "pubdate", "publishdate")
_AUTHOR_KEYS = ("authors", "author", "byline")


def _field(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    found = {re.sub(r"[_\-\s]", "", str(k)).lower(): v for k, v in record.items() if v not in (None, "", [], {})}
    return next((found[k] for k in keys if k in found), None)


def name_of(value: Any) -> str:
    """An outlet, author or headline given as a string or as an object with a name (``{"name": "BBC News"}``, JSON-LD's
    ``{"@id": …}``), or a list of them (the first that has one); "" for anything else."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or ""
    elif isinstance(value, list):
        value = next((n for n in map(name_of, value) if n), "")
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def too_long(length: int, limit: int) -> str:
    return f"too long for one news article ({length:,} characters; the limit is {limit:,})"


def _first_words(text: str, count: int = 12) -> str:
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


def _drop_repeated_title(title: str, text: str) -> str:
    """Many scraped articles repeat their headline as the first line; keep it once (as the title)."""
    first, _, rest = text.partition("\n")
    return clean_text(rest) if first.strip().lstrip("#").strip() == title and rest.strip() else text
