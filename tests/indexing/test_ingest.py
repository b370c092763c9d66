"""Ingest into a real Chroma index in a temp folder, with the real embedding model."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import SEEDS

from rag.errors import InputError, StoreError
from rag.types import Filters

SENTENCES = [
    "The city council approved a new budget for public transport on Monday.",
    "Bus fares will fall by ten percent from next spring.",
    "Opposition members said the plan ignored rural routes.",
    "The mayor promised a review of rural services within a year.",
    "Unions welcomed the decision but asked for more drivers.",
]


def record(url: str, repeat: int = 1, **fields) -> dict:
    """An article of SENTENCES that states its title (the same text under three titles it does not state
    would be its site's boilerplate, rag/indexing/boilerplate.py)."""
    title = fields.pop("title", "Transit budget")
    return {"title": title, "url": url, "source": fields.pop("source", "City Paper"),
            "published_at": fields.pop("published_at", "2024-03-04"),
            "text": f"In brief: {title}. " + " ".join(SENTENCES * repeat), **fields}


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def chunk_ids(assistant):
    return sorted(assistant.index._collection.get()["ids"])


def test_reingest_adds_nothing(make_assistant):
    assistant = make_assistant()
    first = assistant.ingest([SEEDS], progress=False)
    assert (first.articles_added, first.articles_unchanged) == (1, 0) and first.chunks_added >= 2
    before = chunk_ids(assistant)
    second = assistant.ingest([SEEDS], progress=False)
    assert (second.articles_added, second.articles_updated, second.articles_unchanged, second.chunks_added) == (0, 0, 1, 0)
    assert chunk_ids(assistant) == before


def test_changed_article_replaces_its_chunks(make_assistant, tmp_path):
    assistant = make_assistant(chunk_tokens=40, chunk_overlap=5)
    path = write_jsonl(tmp_path / "news.jsonl", [record("https://ex.com/a", repeat=4), record("https://ex.com/b", title="Other")])
    assistant.ingest([path], progress=False)
    long_ids = chunk_ids(assistant)
    assert len(long_ids) > 6

    write_jsonl(path, [record("https://ex.com/a", repeat=1, title="Transit budget (updated)"),
                       record("https://ex.com/b", title="Other")])
    report = assistant.ingest([path], progress=False)
    assert (report.articles_updated, report.articles_unchanged) == (1, 1)
    assert report.chunks_removed > 0
    stats = assistant.index.stats()
    assert stats.articles == 2
    hits = assistant.index.search("bus fares", k=20)
    a_hits = [h for h in hits if h.url == "https://ex.com/a"]
    assert a_hits and all(h.title == "Transit budget (updated)" for h in a_hits)
    assert len(chunk_ids(assistant)) == len(long_ids) - report.chunks_removed


def test_problems_are_reported_and_the_rest_ingested(make_assistant, tmp_path):
    (tmp_path / "good.txt").write_text("Good title\n\n" + " ".join(SENTENCES), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{oops", encoding="utf-8")
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    seen = []
    report = make_assistant().ingest([tmp_path], progress=False, on_problem=seen.append)
    assert report.articles_added == 1
    assert sorted(p.path.rsplit("/", 1)[-1] for p in report.problems) == ["bad.json", "empty.md"]
    assert list(report.problems) == seen


def test_missing_path_fails_before_anything_is_written(make_assistant, tmp_path):
    assistant = make_assistant()
    with pytest.raises(InputError):
        assistant.ingest([SEEDS, tmp_path / "typo"], progress=False)
    assert assistant.index.stats().chunks == 0


def test_filters_by_source_and_date(make_assistant, tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", [
        record("https://ex.com/1", source="City Paper", published_at="2024-03-04"),
        record("https://ex.com/2", source="Wire", published_at="2024-05-01", title="Wire story"),
        record("https://ex.com/3", source="Wire", published_at=None, title="Undated"),
    ])
    assistant = make_assistant()
    assistant.ingest([path], progress=False)
    urls = lambda f: {p.url for p in assistant.index.search("bus fares", k=10, filters=f)}  # noqa: E731
    assert urls(None) == {"https://ex.com/1", "https://ex.com/2", "https://ex.com/3"}
    assert urls(Filters(sources=("Wire",))) == {"https://ex.com/2", "https://ex.com/3"}
    assert urls(Filters(date_from=date(2024, 4, 1))) == {"https://ex.com/2"}
    assert urls(Filters(sources=("City Paper",), date_to=date(2024, 3, 4))) == {"https://ex.com/1"}
    stats = assistant.index.stats()
    assert (stats.articles, stats.sources, stats.oldest, stats.newest) == (3, ("City Paper", "Wire"), date(2024, 3, 4), date(2024, 5, 1))


def test_index_refuses_another_embedding_model(make_assistant, tmp_path):
    from rag.models.catalog import resolve_model_path
    from rag.stores.chroma import NewsIndex

    make_assistant().ingest([SEEDS], progress=False)
    other = make_assistant(embedding_model=str(resolve_model_path("all-MiniLM-L6-v2")))
    with pytest.raises(StoreError, match="was built with the embedding model 'all-MiniLM-L6-v2'"):
        NewsIndex(tmp_path / "index", other.embeddings)


def test_as_of_ignores_later_articles_but_keeps_undated_ones(make_assistant, tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", [
        record("https://ex.com/early", published_at="2024-03-04"),
        record("https://ex.com/late", published_at="2024-05-01", title="Later story"),
        record("https://ex.com/undated", published_at=None, title="Undated"),
    ])
    assistant = make_assistant()
    assistant.ingest([path], progress=False)
    found = {p.url for p in assistant.index.search("bus fares", k=10, filters=Filters(as_of=date(2024, 4, 1)))}
    assert found == {"https://ex.com/early", "https://ex.com/undated"}
    answer = assistant.ask("How much will bus fares fall?", as_of=date(2024, 4, 1))
    assert {p.url for p in answer.passages} <= {"https://ex.com/early", "https://ex.com/undated"}


def test_around_prefers_articles_near_the_day_without_ignoring_any(make_assistant, tmp_path):
    path = write_jsonl(tmp_path / "n.jsonl", [
        record("https://ex.com/march", published_at="2024-03-04"),
        record("https://ex.com/may", published_at="2024-05-01"),
        record("https://ex.com/undated", published_at=None),
    ])
    assistant = make_assistant(stories=False)  # one text under three URLs: with stories, copies fold into one
    assistant.ingest([path], progress=False)
    ranked = lambda **f: [p.url for p in assistant.search("How much will bus fares fall?", 3, Filters(**f))]  # noqa: E731
    assert ranked(around=date(2024, 5, 3))[0] == "https://ex.com/may"
    assert ranked(around=date(2024, 3, 1))[0] == "https://ex.com/march"
    assert len(ranked(around=date(2024, 3, 1))) == 3  # a preference, not a filter
    assert ranked(as_of=date(2024, 4, 30)) == ["https://ex.com/march", "https://ex.com/undated"]  # as_of also prefers
    answer = assistant.ask("How much will bus fares fall?", around=date(2024, 5, 3))
    assert answer.citations[0].url == "https://ex.com/may"


def test_recency_halves_with_each_half_life_and_ignores_undated_articles():
    from rag.retrieval.retriever import Recency

    prefer = Recency(date(2024, 5, 15), half_life=14)
    assert prefer.closeness(date(2024, 5, 15)) == 1.0
    assert prefer.closeness(date(2024, 5, 1)) == prefer.closeness(date(2024, 5, 29)) == 0.5
    assert prefer.closeness(None) == 0.0


def test_prune_removes_articles_whose_files_are_gone_but_keeps_unreadable_files(make_assistant, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    write_jsonl(feeds / "a.jsonl", [record("https://ex.com/a1"), record("https://ex.com/a2", title="Second")])
    write_jsonl(feeds / "b.jsonl", [record("https://ex.com/b1", title="Bee")])
    write_jsonl(feeds / "c.jsonl", [record("https://ex.com/c1", title="Sea")])
    outside = write_jsonl(tmp_path / "other.jsonl", [record("https://ex.com/out", title="Outside")])
    assistant = make_assistant()
    assistant.ingest([feeds, outside], progress=False)
    assert assistant.stats().articles == 5

    write_jsonl(feeds / "a.jsonl", [record("https://ex.com/a1")])  # a2 dropped from its file
    (feeds / "b.jsonl").unlink()  # b1's file deleted
    (feeds / "c.jsonl").write_text("{broken", encoding="utf-8")  # c1's file unreadable now: keep c1
    report = assistant.ingest([feeds], progress=False, prune=True)
    assert report.articles_removed == 2 and report.articles_unchanged == 1 and len(report.problems) == 1
    urls = {p.url for p in assistant.index.search("bus fares", k=20)}
    assert urls == {"https://ex.com/a1", "https://ex.com/c1", "https://ex.com/out"}  # other.jsonl was not under feeds/
    assert assistant.stats().chunks == sum(1 for _ in assistant.index._collection.get()["ids"])


def test_remove_by_id_url_or_file_and_nothing_on_an_unknown_target(make_assistant, tmp_path):
    first = write_jsonl(tmp_path / "one.jsonl", [record("https://ex.com/1"), record("https://ex.com/2", title="Two")])
    second = write_jsonl(tmp_path / "two.jsonl", [record("https://ex.com/3", title="Three")])
    assistant = make_assistant(chunk_tokens=40, chunk_overlap=5)
    assistant.ingest([first, second], progress=False)
    by_url = {p.url: p.article_id for p in assistant.index.search("bus fares", k=50)}
    with pytest.raises(InputError, match="matches 'nope'"):
        assistant.remove(["https://ex.com/1", "nope"])
    assert assistant.stats().articles == 3  # nothing removed when one target is unknown
    assert assistant.remove(["https://ex.com/1", by_url["https://ex.com/2"]]) == 2
    assert assistant.remove([str(second)]) == 1
    assert assistant.stats().articles == 0 and assistant.index._collection.count() == 0


def test_keyword_index_follows_writes_made_by_another_process(make_assistant, tmp_path):
    reader, writer = make_assistant(), make_assistant()  # two NewsIndex objects on one folder, as two processes
    reader.ingest([SEEDS], progress=False)
    assert reader.index.keyword_search("tram timetable", 5) == []  # builds and keeps the BM25 index in memory
    writer.ingest([write_jsonl(tmp_path / "t.jsonl", [record("https://ex.com/tram", title="Tram timetable")])],
                  progress=False)
    assert [p.url for p in reader.index.keyword_search("tram timetable", 5)] == ["https://ex.com/tram"]
    writer.remove(["https://ex.com/tram"])
    assert reader.index.keyword_search("tram timetable", 5) == []


def test_repeated_texts_are_embedded_once(make_assistant):
    index = make_assistant().index
    calls: list[list[str]] = []
    embed = index.embeddings.embed_documents
    index.embeddings.embed_documents = lambda texts: calls.append(list(texts)) or embed(texts)
    vectors = index.embed(["Utah", "Breaking news from Aleppo.", "Utah"])
    again = index.embed(["Utah", "Colorado"])
    assert calls == [["Utah", "Breaking news from Aleppo."], ["Colorado"]]
    assert vectors.shape == (3, 384) and (vectors[0] == vectors[2]).all() and (again[0] == vectors[0]).all()
    assert index.embed([]).shape[0] == 0
