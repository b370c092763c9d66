"""Keyword search and hybrid fusion over a real index: rare names, filters, and staying in step with writes."""

from __future__ import annotations

import json
from datetime import date

from rag.retrieval.retriever import fuse
from rag.types import Filters, Passage

ARTICLES = [
    {"title": "Port strike ends", "url": "https://ex.com/port", "source": "Harbour News", "published_at": "2024-03-01",
     "text": "Dock workers returned on Tuesday after the union leader Wenceslas Okonkwo-Brandt signed the deal."},
    {"title": "Rail fares rise", "url": "https://ex.com/rail", "source": "City Paper", "published_at": "2024-05-01",
     "text": "Train tickets will cost more from June, the transport authority said, citing energy prices."},
    {"title": "Okonkwo-Brandt profile", "url": "https://ex.com/profile", "source": "City Paper",
     "published_at": "2024-06-01", "text": "Wenceslas Okonkwo-Brandt grew up in the port district and joined the union at 19."},
]


def build(make_assistant, tmp_path, articles=ARTICLES):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    assistant = make_assistant()
    assistant.ingest([corpus], progress=False)
    return assistant, corpus


def test_keyword_search_finds_a_rare_name_and_respects_filters(make_assistant, tmp_path):
    assistant, _ = build(make_assistant, tmp_path)
    hits = assistant.index.keyword_search("Okonkwo-Brandt", 5)
    assert {p.url for p in hits} == {"https://ex.com/port", "https://ex.com/profile"}
    assert all(-1.0 <= p.score <= 1.0 for p in hits)  # scored by cosine similarity, like dense hits
    assert [p.url for p in assistant.index.keyword_search("Okonkwo-Brandt", 5, Filters(as_of=date(2024, 4, 1)))] == [
        "https://ex.com/port"]
    assert [p.url for p in assistant.index.keyword_search("Okonkwo-Brandt", 5, Filters(sources=("City Paper",)))] == [
        "https://ex.com/profile"]
    assert assistant.index.keyword_search("the of and", 5) == []  # stop words only


def test_keyword_index_is_saved_and_follows_changes(make_assistant, tmp_path):
    assistant, corpus = build(make_assistant, tmp_path)
    assert assistant.index.keyword_search("Okonkwo-Brandt", 5)
    assert (assistant.settings.index_dir / "keywords.sqlite3").is_file()  # on disk, for the next process
    fresh = make_assistant()
    assert len(fresh.index.keyword_search("Okonkwo-Brandt", 5)) == 2  # loaded from disk

    changed = [dict(ARTICLES[0], text="Dock workers returned after a deal signed by Marguerite Fallowfield.")] + ARTICLES[1:]
    corpus.write_text("\n".join(json.dumps(a) for a in changed) + "\n", encoding="utf-8")
    assistant.ingest([corpus], progress=False)
    assert [p.url for p in assistant.index.keyword_search("Okonkwo-Brandt", 5)] == ["https://ex.com/profile"]
    assert [p.url for p in assistant.index.keyword_search("Fallowfield", 5)] == ["https://ex.com/port"]


def test_hybrid_ranking_and_the_relevance_gate(make_assistant, tmp_path):
    assistant, _ = build(make_assistant, tmp_path)
    ranked = assistant.search("Who is Wenceslas Okonkwo-Brandt?", k=3)
    assert {p.url for p in ranked[:2]} == {"https://ex.com/port", "https://ex.com/profile"}
    answer = assistant.ask("What is a good recipe for banana bread?")
    assert answer.refused and answer.passages == ()


def passage(n: int) -> Passage:
    return Passage(chunk_id=f"c{n}", article_id=f"a{n}", text="t", title="t", source="s", url=f"u{n}",
                   published_at=None, authors=(), start=0, end=1, score=0.5)


def test_reciprocal_rank_fusion_rewards_agreement():
    a, b, c, d = (passage(n) for n in range(4))
    assert [p.chunk_id for p in fuse([[a, b, c], [c, d, a]])] == ["c0", "c2", "c1", "c3"]


def test_a_search_matches_the_rarest_terms_within_its_budget(make_assistant, tmp_path, monkeypatch):
    """A common word would make FTS5 score a large part of a big index: past the budget it is left out."""
    assistant, _ = build(make_assistant, tmp_path)
    index = assistant.index
    assert {p.url for p in index.keyword_search("tickets port", 5)} == {
        "https://ex.com/rail", "https://ex.com/port", "https://ex.com/profile"}
    monkeypatch.setattr("rag.stores.keywords.POSTINGS_BUDGET", 2)  # "tickets" is in 1 chunk, "port" in 2
    assert [p.url for p in index.keyword_search("tickets port", 5)] == ["https://ex.com/rail"]
    assert {p.url for p in index.keyword_search("port", 5)} == {"https://ex.com/port", "https://ex.com/profile"}


def test_dense_and_keyword_search_apply_the_same_filter_rules(make_assistant, tmp_path):
    """Both sides of a hybrid search translate ``Filters.conditions`` (to Chroma's where, to SQL): asked for every
    chunk, each admits exactly the same articles, whatever the filter, undated articles included."""
    undated = {"title": "Ferry timetable", "url": "https://ex.com/ferry", "source": "Harbour News",
               "text": "The port ferry timetable changes for the summer, the operator said."}
    assistant, _ = build(make_assistant, tmp_path, ARTICLES + [undated])
    everyone = "port union fares ferry Okonkwo-Brandt tickets"  # a word of every article, for the keyword side
    cases = {
        Filters(): {"port", "rail", "profile", "ferry"},
        Filters(sources=("City Paper",)): {"rail", "profile"},
        Filters(date_from=date(2024, 4, 1)): {"rail", "profile"},
        Filters(date_to=date(2024, 5, 1)): {"port", "rail"},  # a date range leaves undated articles out
        Filters(as_of=date(2024, 5, 1)): {"port", "rail", "ferry"},  # as of a day keeps them
        Filters(sources=("Harbour News",), as_of=date(2024, 2, 1)): {"ferry"},
    }
    for filters, expected in cases.items():
        dense = {p.url.rsplit("/", 1)[1] for p in assistant.index.search(everyone, 50, filters)}
        keyword = {p.url.rsplit("/", 1)[1] for p in assistant.index.keyword_search(everyone, 50, filters)}
        assert dense == keyword == expected, filters
