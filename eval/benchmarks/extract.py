"""HTML page -> main text and publication date: the hand-written parser newsrag used before, trafilatura, and
``rag.sources.extract.extract_page`` (trafilatura's text, the page's own metadata first for the date), measured the way
trafilatura measures itself (its repository's ``tests/comparison.py``): each page has ``with`` snippets that must be
in the extracted text and ``without`` snippets (boilerplate) that must not. Summed over the pages: true positives =
``with`` found, false negatives = ``with`` missing, false positives = ``without`` found, true negatives = ``without``
absent; a page an extractor fails on counts every ``with`` as missed and every ``without`` as absent. Whitespace is
collapsed on both sides before matching. Dates count as right when the day matches the gold date.

    python -m eval.benchmarks.extract                                   # eval/gold/extraction, prints the table
    python -m eval.benchmarks.extract --gold eval/gold/extraction --out /tmp/extract.json --repeat 3

The pages and their snippets are in ``eval/gold/extraction`` (README.md there says where they come from). No
network: everything is read from that folder. Timings are per page (median of the best of ``--repeat`` runs), so
run it alone on the machine. docs/extraction.md holds the figures and what newsrag kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from eval.benchmarks.common import ROOT
from rag import parse_date  # unchanged from the old parser's
from rag.sources.extract import json_ld_article  # unchanged too: the old parser's JSON-LD reader lives on there

GOLD = ROOT / "eval" / "gold" / "extraction"

Extractor = Callable[[str, str], tuple[str | None, date | None]]  # (html, url) -> (main text, publication day)


# --- the baseline: newsrag's HTML reader before trafilatura (``git show 5556c5d^:rag/loaders.py``: _HTMLText and
# _load_html), its text and date logic only, copied so that this comparison outlives the code it replaced (its JSON-LD
# reader is today's ``json_ld_article``).

class _OldHTMLText(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "iframe"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "tr",
              "blockquote", "pre", "header", "ul", "ol", "table", "figure", "figcaption", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._skip_depth = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "time" and values.get("datetime") and not self._skip_depth:
            self.meta.setdefault("time", values["datetime"])
        if tag in ("title", "h1"):
            self._in = tag
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self._in = tag
            self.json_ld.append("")
        if tag in self.SKIP and tag != "head":
            self._skip_depth += 1
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and tag != "head" and self._skip_depth:
            self._skip_depth -= 1
        if tag == self._in:
            self._in = None
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.json_ld[-1] += data
            return
        if self._in == "title":
            return
        if not self._skip_depth:
            self.parts.append(data.replace("\n", " "))


_OLD_DATES = ("article:published_time", "datepublished", "date", "pubdate", "publish-date", "dc.date", "dc.date.issued")


def _old_name(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or ""
    elif isinstance(value, list):
        value = next((n for n in map(_old_name, value) if n), "")
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def old_parser(html: str, url: str) -> tuple[str | None, date | None]:
    parser = _OldHTMLText()
    parser.feed(html)
    parser.close()
    meta, ld = parser.meta, json_ld_article(parser.json_ld)
    published = next((meta[k] for k in _OLD_DATES if meta.get(k)), None) or _old_name(ld.get("datePublished")) \
        or meta.get("time")
    return "".join(parser.parts), parse_date(published)


# --- the candidates

def trafilatura_extractor(**options: Any) -> Extractor:
    def extract(html: str, url: str) -> tuple[str | None, date | None]:
        import trafilatura

        doc = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, **options)
        if doc is None:
            return None, None
        return getattr(doc, "text", None), parse_date(getattr(doc, "date", None))

    return extract


def newsrag_extractor(html: str, url: str) -> tuple[str | None, date | None]:
    from rag.sources.extract import extract_page

    record = extract_page(html, url=url)
    return record.get("text") or None, parse_date(record.get("published_at"))


def htmldate_only(html: str, url: str) -> tuple[str | None, date | None]:
    from htmldate import find_date

    return None, parse_date(find_date(html, url=url or None, extensive_search=True, original_date=True))


EXTRACTORS: dict[str, Extractor] = {
    "old": old_parser,
    "trafilatura": trafilatura_extractor(),
    "trafilatura favor_precision": trafilatura_extractor(favor_precision=True),
    "trafilatura favor_recall": trafilatura_extractor(favor_recall=True),
    "newsrag": newsrag_extractor,
}
DATE_ONLY: dict[str, Extractor] = {"htmldate find_date": htmldate_only}


# --- scoring

@dataclass(frozen=True)
class Page:
    name: str
    url: str
    html: str
    day: date | None
    with_: tuple[str, ...]
    without: tuple[str, ...]
    news: bool


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def count(page: Page, text: str | None) -> tuple[int, int, int, int]:
    """(true positives, false negatives, false positives, true negatives) of one page, as trafilatura counts them."""
    if not isinstance(text, str):
        return 0, len(page.with_), 0, len(page.without)
    found = norm(text)
    tp = sum(norm(s) in found for s in page.with_)
    fp = sum(norm(s) in found for s in page.without)
    return tp, len(page.with_) - tp, fp, len(page.without) - fp


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    dated: int = 0  # pages with a gold date
    right_day: int = 0
    ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    per_page: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, counts: tuple[int, int, int, int]) -> None:
        self.tp, self.fn, self.fp, self.tn = (a + b for a, b in zip((self.tp, self.fn, self.fp, self.tn), counts))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 0.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def load_gold(folder: Path) -> list[Page]:
    pages = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        html = gzip.decompress((folder / "pages" / row["page"]).read_bytes()).decode("utf-8")
        pages.append(Page(name=row["page"], url=row.get("url") or "", html=html,
                          day=date.fromisoformat(row["date"]) if row.get("date") else None,
                          with_=tuple(row["with"]), without=tuple(row["without"]), news=bool(row.get("news"))))
    return pages


def run(name: str, extractor: Extractor, pages: list[Page], repeat: int, text: bool = True) -> Score:
    score = Score()
    for page in pages:
        best, result = float("inf"), None
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                result = extractor(page.html, page.url)
            except Exception as exc:  # noqa: BLE001 - a crash on one page is scored as a miss, and named
                score.failures.append(f"{page.name}: {type(exc).__name__}: {exc}")
                result = None
                break
            best = min(best, (time.perf_counter() - started) * 1000)
        got_text, got_day = result if result is not None else (None, None)
        if best != float("inf"):
            score.ms.append(best)
        counts = count(page, got_text)
        if text:
            score.add(counts)
        if page.day is not None:
            score.dated += 1
            score.right_day += got_day == page.day
        score.per_page[page.name] = {
            "tp": counts[0], "fn": counts[1], "fp": counts[2], "tn": counts[3],
            "missed": [s for s in page.with_ if got_text is None or norm(s) not in norm(got_text)],
            "kept_boilerplate": [s for s in page.without if got_text is not None and norm(s) in norm(got_text)],
            "date": got_day.isoformat() if got_day else None, "gold_date": page.day.isoformat() if page.day else None,
            "chars": len(got_text or ""),
        }
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", default=str(GOLD), help="folder with gold.jsonl and pages/")
    parser.add_argument("--out", help="write every figure and per-page result here (JSON)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the fastest one is timed")
    parser.add_argument("--only", nargs="+", help="extractor names to run (default: all)")
    args = parser.parse_args()

    import trafilatura  # noqa: F401 - imported once here, so that no timing pays its ~0.3 s import

    pages = load_gold(Path(args.gold))
    chosen = {**EXTRACTORS, **DATE_ONLY}
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only}
    results = {name: run(name, fn, pages, max(1, args.repeat), text=name not in DATE_ONLY)
               for name, fn in chosen.items()}

    snippets = sum(len(p.with_) + len(p.without) for p in pages)
    dated = sum(p.day is not None for p in pages)
    print(f"{len(pages)} pages ({sum(p.news for p in pages)} news), {snippets} snippets, {dated} with a gold date")
    print("| extractor | pages | precision | recall | F1 | accuracy | date right | ms/page (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, s in results.items():
        scores = "| — | — | — | — " if name in DATE_ONLY else \
            f"| {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.accuracy:.3f} "
        ms = statistics.median(s.ms) if s.ms else 0.0
        print(f"| {name} | {len(pages)} {scores}| {s.right_day}/{s.dated} | {ms:.1f} |")
    for name, s in results.items():
        for failure in s.failures:
            print(f"{name} failed on {failure}")

    if args.out:
        Path(args.out).write_text(json.dumps({
            "pages": len(pages), "news": sum(p.news for p in pages), "snippets": snippets, "dated": dated,
            "extractors": {name: {
                "tp": s.tp, "fn": s.fn, "fp": s.fp, "tn": s.tn, "precision": s.precision, "recall": s.recall,
                "f1": s.f1, "accuracy": s.accuracy, "dates_right": s.right_day, "dated": s.dated,
                "ms_median": statistics.median(s.ms) if s.ms else None, "failures": s.failures,
                "pages": s.per_page} for name, s in results.items()},
        }, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
