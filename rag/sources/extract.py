"""An HTML page -> an article record: main text by trafilatura, metadata by the page's own declarations first.

trafilatura is built and benchmarked for main-text extraction (navigation, share bars, "related" lists and cookie
notices go; the story stays), and its metadata pass runs htmldate for the publication date. What a news page
declares about itself for search engines (schema.org JSON-LD ``NewsArticle``, Open Graph, ``<link rel=canonical>``)
is more exact than any guess, so it wins where present. ``eval/benchmarks/extract.py`` compares this with the
hand-written parser it replaced (docs/extraction.md).

>>> from rag.sources.extract import extract_page
>>> record = extract_page(html, url="https://news.example/a")  # -> rag.sources.records.make_article(record, origin)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from rag.sources.records import clean_text, name_of

# The page's own metadata, read by a tolerant scanner (never by a full DOM: a hostile page is bounded upstream).
_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publish-date", "dc.date",
              "dc.date.issued", "parsely-pub-date", "sailthru.date")


def extract_page(html: str, url: str = "") -> dict[str, Any]:
    """A record (title, text, url, source, published_at, authors) for ``rag.sources.records.make_article``.

    ``url`` is where the page was fetched from, if it was: it helps trafilatura and is the URL when the page names
    no canonical one. Text is "" when the page holds no main text (make_article then says so)."""
    import trafilatura  # ~0.3 s of imports (lxml, justext, htmldate): only when a page is read

    declared = _declared_metadata(html)
    doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False,
                                      include_tables=True, deduplicate=False)
    doc_field = (lambda name: (getattr(doc, name, None) or "")) if doc is not None else (lambda name: "")
    ld = declared.ld
    return {
        "title": declared.meta.get("og:title") or name_of(ld.get("headline")) or doc_field("title"),
        "text": doc_field("text"),
        "url": _first_web_url(declared.meta.get("og:url"), declared.meta.get("canonical"), name_of(ld.get("url")),
                              doc_field("url"), url),
        "source": name_of(ld.get("publisher")) or declared.meta.get("og:site_name") or doc_field("sitename"),
        "published_at": next((declared.meta[k] for k in _DATE_META if declared.meta.get(k)), None)
        or name_of(ld.get("datePublished")) or doc_field("date") or None,
        "authors": ld.get("author") or declared.meta.get("author") or declared.meta.get("article:author")
        or doc_field("author"),  # a string of names is split by make_article
    }


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment (a feed item's summary): block elements become paragraph breaks; scripts,
    styles and forms go. For whole pages use ``extract_page``, which also drops the page's boilerplate."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return clean_text("".join(parser.parts))


class _Declared(HTMLParser):
    """<meta> tags, <link rel=canonical> and JSON-LD blocks: what a page says about itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"].strip())
        elif tag == "link" and "canonical" in values.get("rel", "").lower() and values.get("href"):
            self.meta.setdefault("canonical", values["href"].strip())
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


@dataclass(frozen=True)
class _Metadata:
    meta: dict[str, str]  # <meta> name/property -> content (first wins), plus "canonical"
    ld: dict[str, Any]  # the page's schema.org article object, or {}


def _declared_metadata(html: str) -> _Metadata:
    scanner = _Declared()
    scanner.feed(html)
    scanner.close()
    return _Metadata(scanner.meta, json_ld_article(scanner.json_ld))


def json_ld_article(blocks: list[str]) -> dict[str, Any]:
    """The first schema.org article object (NewsArticle, BlogPosting, …) in a page's JSON-LD blocks, or {}."""
    for block in blocks:
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):  # a broken block costs its metadata, never the article
            continue
        tops = [n for n in (data if isinstance(data, list) else [data]) if isinstance(n, dict)]
        graphs = [node for n in tops if isinstance(n.get("@graph"), list) for node in n["@graph"]]
        for node in (n for n in [*tops, *graphs] if isinstance(n, dict)):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.endswith(("Article", "BlogPosting")) for k in kinds):
                return node
    return {}


def _first_web_url(*candidates: str | None) -> str:
    """The first absolute http(s) URL: a relative or javascript: canonical is a page bug, not an address."""
    return next((c.strip() for c in candidates if c and re.match(r"https?://[^/\s]+", c.strip(), re.I)), "")


class _VisibleText(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg", "head", "form", "iframe"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr",
              "blockquote", "pre", "header", "ul", "ol", "table", "figure", "figcaption", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip_depth += 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data.replace("\n", " "))
