"""Hostile and broken input: every loader gets binary, empty, huge, mis-encoded, truncated, nested, scripted and
oddly named files, by hand and from hypothesis. Each bad input is one line naming its file; the rest is indexed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.config import Settings
from rag.indexing.chunking import Chunker
from rag.sources.loaders import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, decode, load_file
from rag.sources.records import clean_text
from rag.types import Article, LoadProblem

BODY = "Clashes erupted near the camp on Tuesday. Officials said the fighting stopped by night."
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE: dict[str, bytes] = {
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "zero.md": b"",
    "huge.txt": b"word " * (21 * 2**20),  # 105 MB, one 'article'
    "mixed-utf8.txt": "Caf\u00e9 news\n\nPrices rose.".encode() + b"\xff\xfe broken",
    "truncated.json": b'{"title": "Half", "text": "The council met on',
    "nested.json": b"[" * 100_000 + b"]" * 100_000,
    "nested-lines.jsonl": b"[" * 100_000 + b"\n",
    "laughs.xml": b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9
        "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><rss><channel><item><title>&lol9;</title>
        <description>text</description></item></channel></rss>""",
    "external-entity.rss": b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
        <rss><channel><item><title>&x;</title><description>&x;</description></item></channel></rss>""",
    "no-columns.csv": b"headline;summary\nA;B\n",
    "bad name\nwith\x1b[31m escapes.txt": b"\x00\x01\x02",
    "unknown-charset.html": b'<meta charset="klingon"><p>Qapla</p>',
}
WHY = {
    "binary.txt": "binary file", "zero.md": "empty file", "huge.txt": "too long for one news article",
    "mixed-utf8.txt": "not valid UTF-8", "truncated.json": "malformed JSON", "nested.json": "nested too deeply",
    "nested-lines.jsonl": "nested too deeply", "laughs.xml": "refused unsafe XML",
    "external-entity.rss": "refused unsafe XML", "no-columns.csv": "no 'text' column",
    "bad name\nwith\x1b[31m escapes.txt": "binary file", "unknown-charset.html": "unknown text encoding 'klingon'",
}


def good_files(folder: Path) -> dict[str, str]:
    """Well-formed articles in awkward clothes; name -> a phrase its text must contain."""
    files = {
        "latin-1.txt": ("Caf\u00e9 prices rise\n\nThe caf\u00e9 raised prices by 5\u00a0%.".encode("cp1252"), "café raised"),
        "utf-16.md": ("Tram news\n\nTrams will run every five minutes.".encode("utf-16"), "every five minutes"),
        "latin-feed.xml": ('<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>W</title><item>'
                           '<title>Sm\u00f8rrebr\u00f8d</title><description>Sm\u00f8rrebr\u00f8d sales grew.</description>'
                           '</item></channel></rss>'.encode("latin-1"), "Smørrebrød sales"),
        "scripts.html": (b"<html><head><script>steal()</script><style>*{}</style></head><body onload='steal()'>"
                         b"<h1>Port reopens</h1><script>document.write('<p>injected</p>')</script>"
                         b"<p>The port reopened on Monday.</p><img src=x onerror=steal()><iframe src=evil></iframe>"
                         b"</body></html>", "The port reopened on Monday."),
        "ragged.csv": (b"title,text,source\nRagged,The ferry resumed service.,Wire,extra,cells\nShort row\n", "ferry resumed"),
        "odd name \u00e9\u00e8 & (1) -rf.md": (f"Odd name\n\n{BODY}".encode(), "Clashes erupted"),
    }
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    return {name: phrase for name, (_, phrase) in files.items()}


def test_each_hostile_file_is_one_line_naming_it_and_the_rest_is_indexed(tmp_path, make_assistant):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, content in HOSTILE.items():
        (folder / name).write_bytes(content)
    with open(folder / "sparse.jsonl", "wb") as sparse:  # over the size limit without using the disk
        sparse.truncate(MAX_FILE_BYTES + 1)
    expected = good_files(folder)

    assistant = make_assistant()
    report = assistant.ingest([folder], progress=False)

    problems = {Path(p.path).name: p for p in report.problems}
    why_else = {"sparse.jsonl": "file too large", "ragged.csv": "no text"}  # ragged.csv: its short row only
    assert set(problems) == {*HOSTILE, *why_else}
    for name, why in {**WHY, **why_else}.items():
        line = str(problems[name])
        assert why in line and "\n" not in line and "\x1b" not in line
        assert line.startswith(str(folder / name).replace("\n", "\\n").replace("\x1b", "\\x1b"))
    stored = assistant.index._collection.get(include=["documents"])
    assert report.articles_added == len(expected) == len({m.split(":")[0] for m in stored["ids"]})
    text = "\n".join(stored["documents"])
    for phrase in expected.values():
        assert phrase in text
    for leaked in ("steal()", "injected", "evil", "lol", "passwd"):
        assert leaked not in text
    again = assistant.ingest([folder], progress=False)  # consistent: nothing changes on a second run
    assert (again.articles_unchanged, again.chunks_added, len(again.problems)) == (len(expected), 0, len(problems))


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_any_bytes_in_any_format_give_articles_or_one_line_problems(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for item in load_file(path):
        assert isinstance(item, (Article, LoadProblem))
        if isinstance(item, LoadProblem):
            assert item.path == str(path) and "\n" not in str(item)
        else:
            assert item.text.strip() and item.text == clean_text(item.text)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=20)
records = st.fixed_dictionaries({}, optional={k: json_values for k in
                                              ("title", "text", "url", "source", "published_at", "authors", "date")})


@FUZZ
@given(items=st.lists(records | json_values, max_size=5))
def test_any_json_records_give_articles_or_problems(tmp_path, items):
    for name, content in (("a.json", json.dumps(items)), ("b.jsonl", "\n".join(json.dumps(i) for i in items))):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        for item in load_file(path):
            assert isinstance(item, (Article, LoadProblem))


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_gives_text_or_says_why_not(data):
    try:
        text = decode(data)
    except ValueError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(text, str)


@FUZZ
@given(st.text(max_size=2000))
def test_cleaning_is_idempotent_and_leaves_no_control_characters(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert all(ch in "\n\t" or ch.isprintable() or not ch.isascii() for ch in cleaned)


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    return Chunker(40, 8, Settings().embedding_model)


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=14)
sentences_ = st.lists(words, min_size=1, max_size=30).map(lambda w: " ".join(w)).map(lambda s: s + st_end(s))


def st_end(sentence: str) -> str:
    return "" if sentence.endswith((".", "!", "?")) else "."


@FUZZ
@given(paragraphs=st.lists(st.lists(sentences_, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=6))
def test_chunk_offsets_always_map_back_to_the_article_text(chunker, paragraphs):
    text = clean_text("\n\n".join(paragraphs))
    if not text:
        return
    article = Article(title="T", text=text)
    chunks = chunker.split(article)
    assert chunks and [c.ordinal for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert article.text[chunk.start:chunk.end] == chunk.text and chunk.text.strip()
    assert all(a.start < b.start and a.end < b.end for a, b in zip(chunks, chunks[1:]))
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # no text is dropped
