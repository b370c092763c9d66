"""Files, folders, globs and feeds -> ``Article``s, plus a ``LoadProblem`` for every input that could not be read.

Bad input never raises: it is reported (naming the file and line) and the rest is loaded. Only a path that does
not exist at all raises ``InputError``, before anything is read, because that is almost always a typo.

>>> from rag.sources.loaders import load
>>> items = list(load(["seeds/"]))            # Articles and LoadProblems, in file order
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rag.errors import InputError
from rag.sources.records import MAX_ARTICLE_CHARS, clean_text, make_article, too_long
from rag.types import Article, LoadProblem

Loaded = Article | LoadProblem

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | {".json", ".jsonl", ".csv"}
MAX_FILE_BYTES = 512 * 2**20  # a file is read whole: bigger collections must be split (memory stays bounded)
MAX_PAGE_CHARS = 20 * MAX_ARTICLE_CHARS  # an HTML page is markup as much as text


def load(paths: Iterable[str | Path]) -> Iterator[Loaded]:
    """Yield an ``Article`` or a ``LoadProblem`` for everything under ``paths`` (files, folders, globs)."""
    for file in resolve_paths(paths):
        yield from load_file(file)


def resolve_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders (recursively, hidden files skipped) and globs into a sorted, de-duplicated file list."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                found = sorted(p for p in path.rglob("*") if p.is_file() and not _is_hidden(p.relative_to(path)))
            elif path.is_file():
                found = [path]
            elif glob.has_magic(str(raw)):
                found = sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if Path(p).is_file())
                if not found:
                    raise InputError(f"no files match {_shown(raw)}")
            else:
                raise InputError(f"no such file or directory: {_shown(raw)}")
        except OSError as exc:  # a name too long, a folder we may not read
            raise InputError(f"cannot read {_shown(raw)}: {exc.strerror or exc}") from None
        files.extend(found)
    return list(dict.fromkeys(files))


def _shown(raw: str | Path) -> str:
    """A path as a message quotes it: its repr, cut short past 200 characters."""
    text = repr(str(raw))
    return text if len(text) <= 200 else text[:200] + "…"


def load_file(path: Path) -> Iterator[Loaded]:
    """Read one file of any supported format."""
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        yield LoadProblem(str(path), f"unsupported file type {suffix or '(no extension)'!r}; "
                                     f"expected one of {', '.join(sorted(SUPPORTED_SUFFIXES))}")
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield LoadProblem(str(path), f"file too large ({size / 2**20:,.0f} MB; the limit is "
                                         f"{MAX_FILE_BYTES / 2**20:,.0f} MB): split it into smaller files")
            return
        text = decode(path.read_bytes())
    except OSError as exc:
        yield LoadProblem(str(path), f"cannot read file: {exc.strerror or exc}")
        return
    except ValueError as exc:
        yield LoadProblem(str(path), str(exc))
        return
    if not text.strip():
        yield LoadProblem(str(path), "empty file")
        return
    limit = MAX_ARTICLE_CHARS if suffix in TEXT_SUFFIXES else MAX_PAGE_CHARS if suffix in HTML_SUFFIXES else None
    if limit and len(text) > limit:  # one article a file: refuse before any parsing
        yield LoadProblem(str(path), too_long(len(text), limit))
        return
    yield from reader(path, text)


def origin_label(origin: str) -> str:
    """The file an article came from, as a reader should see it: as ingested when that path was relative, else
    relative to the working folder, else the file name alone. An absolute path names folders on the machine that
    ingested (someone's home, a server's layout): it helps no reader and may tell too much."""
    path = Path(origin)
    if not origin or not path.is_absolute():
        return origin
    try:
        return str(path.relative_to(Path.cwd()))
    except (ValueError, OSError):  # outside the working folder, or that folder is gone
        return path.name


def decode(data: bytes) -> str:
    """Bytes -> text, or ``ValueError`` saying why not. In order: a BOM (UTF-8, UTF-16); the encoding an XML
    declaration or an HTML ``<meta charset>`` names; UTF-8; and, for bytes with no UTF-8 multi-byte sequence at
    all, Windows-1252 (a superset of Latin-1, the usual legacy encoding of news archives)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(data, "utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data, "utf-8-sig")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    declared = _DECLARED.search(data[:4096])
    name = (declared.group(1) or declared.group(2)).decode("ascii") if declared else ""
    if name:
        try:
            encoding = codecs.lookup(name).name
        except LookupError:
            raise ValueError(f"unknown text encoding {name!r} declared") from None
        if not encoding.startswith(("utf-16", "utf-32")):  # without a BOM and NUL bytes, that declaration is wrong
            return _decode_as(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data) or sum(b < 32 and b not in b"\t\n\r\f" for b in data[:8192]) > 8:
            raise ValueError(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    return data.decode("cp1252", errors="replace")  # 5 byte values cp1252 leaves undefined become U+FFFD


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid {encoding} text ({exc.reason} at byte {exc.start})") from None


_DECLARED = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']"""
                       rb"""|<meta[^>]*?charset\s*=\s*["']?([A-Za-z0-9._-]{1,40})""", re.IGNORECASE)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _load_plain(path: Path, text: str) -> Iterator[Loaded]:
    """``.txt``/``.md``: optional front matter (``Key: value`` lines, fenced by ``---`` lines as Jekyll and Hugo write
    it, or not), the first other non-empty line as the title unless the front matter gave one, optional header
    lines (Source, URL, Date, Author), then the text."""
    lines = clean_text(text).split("\n")
    record: dict[str, Any] = {}
    at = _skip_blank(lines, _front_matter(lines, record))
    if "title" not in record:
        if at == len(lines):
            yield LoadProblem(str(path), "only metadata lines, no title or article text")
            return
        record["title"] = lines[at].lstrip("#").strip()
        at += 1
    record["text"] = "\n".join(lines[_header_lines(lines, at, record):])
    if not record["text"].strip():
        yield LoadProblem(str(path), "only a title line, no article text")
        return
    yield _record_or_problem(record, str(path), path)


def _front_matter(lines: list[str], record: dict[str, Any]) -> int:
    """Read the metadata before the title into ``record``; the number of lines it takes. Between ``---`` fences
    every ``key: value`` line is metadata (unknown keys are ignored); without fences, only known keys are."""
    if lines[0].strip() == "---":
        end = next((n for n, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), None)
        if end is not None:
            for line in lines[1:end]:
                _header(line, record)
            return end + 1
    return _header_lines(lines, 0, record)


def _header_lines(lines: list[str], at: int, record: dict[str, Any]) -> int:
    """Read the ``Key: value`` lines from ``at`` (blank lines may stand between them); the line after them."""
    end = at
    for number in range(at, len(lines)):
        if _header(lines[number], record):
            end = number + 1
        elif lines[number].strip():
            break
    return end


def _header(line: str, record: dict[str, Any]) -> bool:
    match = _HEADER.match(line)
    if match:
        field = _HEADER_FIELDS[match.group(1).lower().replace("-", "_")]
        record.setdefault(field, _unquote(match.group(2).strip()))
    return bool(match)


def _unquote(value: str) -> str:
    """A YAML-ish value without its quotes or list brackets: ``"Gazette"`` -> Gazette, ``[Ann, Bo]`` -> Ann, Bo."""
    if len(value) >= 2 and (value[0] + value[-1] in ('""', "''", "[]")):
        return value[1:-1].strip()
    return value


def _skip_blank(lines: list[str], at: int) -> int:
    while at < len(lines) and not lines[at].strip():
        at += 1
    return at


_HEADER_FIELDS = {"title": "title", "source": "source", "publisher": "source", "outlet": "source",
                  "publication": "source", "url": "url", "link": "url", "date": "published_at",
                  "published": "published_at", "published_at": "published_at", "publish_date": "published_at",
                  "author": "authors", "authors": "authors"}
_HEADER = re.compile(rf"^({'|'.join(_HEADER_FIELDS).replace('_', '[_-]')})\s*:\s*(\S.*)$", re.IGNORECASE)


def _load_json(path: Path, text: str) -> Iterator[Loaded]:
    """``.json``: one article object, a list of them, or a JSON Feed (jsonfeed.org)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield LoadProblem(str(path), f"malformed JSON: {exc.msg}", line=exc.lineno)
        return
    except RecursionError:
        yield LoadProblem(str(path), "malformed JSON: nested too deeply")
        return
    if isinstance(data, dict) and str(data.get("version", "")).startswith(("https://jsonfeed.org/",
                                                                           "http://jsonfeed.org/")):
        from rag.sources.feed_formats import FeedError, parse_feed

        try:
            yield from _feed_articles(path, parse_feed(text))
        except FeedError as exc:
            yield LoadProblem(str(path), str(exc))
        return
    records = data if isinstance(data, list) else [data]
    for index, record in enumerate(records):
        origin = f"{path}[{index}]" if isinstance(data, list) else str(path)
        yield _record_or_problem(record, origin, path)


def _load_jsonl(path: Path, text: str) -> Iterator[Loaded]:
    """``.jsonl``: one article object a line; blank lines are ignored."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield LoadProblem(str(path), f"malformed JSON: {exc.msg}", line=number)
            continue
        except RecursionError:
            yield LoadProblem(str(path), "malformed JSON: nested too deeply", line=number)
            continue
        yield _record_or_problem(record, f"{path}:{number}", path, line=number)


def _load_csv(path: Path, text: str) -> Iterator[Loaded]:
    """``.csv`` with a header row naming the article fields (at least ``text``)."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_CHARS + 1))  # the default 128 KB is too small
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    if not columns & {"text", "content", "body"}:
        yield LoadProblem(str(path), f"no 'text' column (columns: {', '.join(sorted(columns)) or 'none'})")
        return
    try:
        for row in reader:
            record = {(k or "").strip().lower(): v for k, v in row.items() if isinstance(v, str)}
            yield _record_or_problem(record, f"{path}:{reader.line_num}", path, line=reader.line_num)
    except csv.Error as exc:
        yield LoadProblem(str(path), f"malformed CSV: {exc}", line=reader.line_num)


def _record_or_problem(record: Any, origin: str, path: Path, line: int | None = None) -> Loaded:
    made = make_article(record, origin)
    return made if isinstance(made, Article) else LoadProblem(str(path), made, line=line)


def _load_html(path: Path, text: str) -> Iterator[Loaded]:
    """An article page: main text and metadata by ``rag.sources.extract`` (trafilatura, the page's JSON-LD and meta
    tags)."""
    from rag.sources.extract import extract_page

    yield _record_or_problem(extract_page(text), str(path), path)


def _load_feed(path: Path, text: str) -> Iterator[Loaded]:
    """RSS 0.9x/1.0/2.0 and Atom (``rag.sources.feed_formats``): each item or entry is an article; the feed's title
    is its source. Entity-declaring XML is refused before any parser sees it."""
    from rag.sources.feed_formats import FeedError, parse_feed

    try:
        feed = parse_feed(text)
    except FeedError as exc:
        yield LoadProblem(str(path), str(exc))
        return
    yield from _feed_articles(path, feed)


def _feed_articles(path: Path, feed: Any) -> Iterator[Loaded]:
    for number, item in enumerate(feed.items, start=1):
        record = {"title": item.title, "text": item.summary, "url": item.link, "source": feed.title,
                  "published_at": item.published_at, "authors": list(item.authors)}
        made = make_article(record, f"{path}#{number}")
        yield made if isinstance(made, Article) else LoadProblem(str(path), f"entry {number}: {made}")


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


_READERS: dict[str, Callable[[Path, str], Iterator[Loaded]]] = {
    **{s: _load_plain for s in TEXT_SUFFIXES},
    **{s: _load_html for s in HTML_SUFFIXES},
    **{s: _load_feed for s in FEED_SUFFIXES},
    ".json": _load_json,
    ".jsonl": _load_jsonl,
    ".csv": _load_csv,
}
