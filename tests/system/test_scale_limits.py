"""Past SQLite's limit of 32,766 variables a statement, through newsrag's own write and read paths: more articles
and more chunks than that, then hybrid search, stats, a repair after an interrupted write, remove and prune.

A Chroma ``get`` binds one variable per record, so any read of "the whole collection" fails past the limit
unless it pages. The embedder is not the subject here, so a cheap hashed-words one stands in for the model.
The tests run in file order on one shared index.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from eval.benchmarks.common import HashedEmbeddings
from rag import NewsAssistant
from rag.retrieval.retriever import FUSION_DEPTH
from rag.stores.keywords import KeywordRow
from rag.types import Filters

pytestmark = pytest.mark.slow  # an index of 33,500 articles: deselect with -m 'not slow' for a quick run

ARTICLES = 33_500  # one chunk each: more articles, and more chunks, than SQLite's 32,766 variables
SOURCES = ("North Wire", "South Wire")
FIRST_DAY = date(2024, 1, 1)


def codeword(i: int) -> str:
    """A word only article ``i`` uses."""
    return "zq" + "".join(chr(97 + (i // 26**k) % 26) for k in range(4))


def url(i: int) -> str:
    return f"https://wire.example/{i}"


def write_corpus(path: Path, numbers: range | list[int]) -> Path:
    lines = (json.dumps({"title": f"Bulletin {i}", "url": url(i), "source": SOURCES[i % 2],
                         "published_at": (FIRST_DAY + timedelta(days=i % 300)).isoformat(),
                         "text": f"The council of ward {i} approved the {codeword(i)} plan on the same day."})
             for i in numbers)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[NewsAssistant, Path]:
    folder = tmp_path_factory.mktemp("big")
    corpus = write_corpus(folder / "news.jsonl", range(ARTICLES))
    assistant = NewsAssistant(index_dir=folder / "index", embeddings=HashedEmbeddings(), mode="extractive")
    report = assistant.ingest([corpus], progress=False)
    assert report.articles_added == ARTICLES and report.chunks_added == ARTICLES and not report.problems
    return assistant, corpus


def test_hybrid_search_past_the_limit(big):
    """The hashed embedder cannot tell the articles apart; keyword search can (each has a word of its own), so
    the fused ranking must hold the article near the top."""
    assistant, _ = big
    assert assistant.index.count() == assistant.index.keywords.count() == ARTICLES
    for i in (0, 17_001, ARTICLES - 1):
        query = f"What is the {codeword(i)} plan?"
        assert assistant.index.keyword_search(query, 1)[0].url == url(i)
        # Reciprocal rank fusion rightly puts first what both rankings found, and the dense ranking's first ties
        # with the keyword ranking's first. The dense side's picks here are arbitrary (and HNSW's graph differs
        # from run to run), so the article must come right after those.
        dense = {p.url for p in assistant.index.search(query, FUSION_DEPTH)}
        keyword = {p.url for p in assistant.index.keyword_search(query, FUSION_DEPTH)}
        ahead = len((dense & keyword) - {url(i)}) + (url(i) not in dense)
        assert url(i) in [p.url for p in assistant.search(query, k=ahead + 1)]
    i = 32_000
    day = FIRST_DAY + timedelta(days=i % 300)
    for filters in (Filters(sources=(SOURCES[i % 2],)), Filters(as_of=day), Filters(date_from=day, date_to=day)):
        assert assistant.index.keyword_search(f"The {codeword(i)} plan", 1, filters)[0].url == url(i)
    for filters in (Filters(sources=(SOURCES[1 - i % 2],)), Filters(as_of=day - timedelta(days=1))):
        assert url(i) not in {p.url for p in assistant.index.keyword_search(codeword(i), 5, filters)}
    answer = assistant.ask(f"Which ward approved the {codeword(i)} plan?")
    assert not answer.refused and url(i) in {p.url for p in answer.passages}


def test_stats_past_the_limit(big):
    stats = big[0].stats()
    assert (stats.articles, stats.chunks, stats.sources) == (ARTICLES, ARTICLES, SOURCES)
    assert stats.oldest == FIRST_DAY and stats.newest == FIRST_DAY + timedelta(days=299)


def test_repair_after_an_interrupted_write_fixes_both_indexes(big):
    assistant, corpus = big
    index = assistant.index
    # what a writer killed mid-write can leave: a chunk of an article whose chunk 0 never landed, a keyword row
    # for a chunk the store lacks, and a chunk whose keyword row is missing
    index._collection.upsert(ids=["orphan:1"], embeddings=np.asarray(index.embed(["an orphan"])),
                             documents=["an orphan zqorphan"], metadatas=[{"article_id": "orphan", "ordinal": 1}])
    index.keywords.add([KeywordRow("ghost:0", "x", "", 0, "zqghost")])
    lost = index.keyword_search(codeword(123), 1)[0].chunk_id
    index.keywords.delete([lost])
    assert index.keyword_search(codeword(123), 5) == []
    (index.path / "write.lock").write_text("writing 99999\n", encoding="utf-8")

    report = assistant.ingest([corpus], progress=False)
    assert report.chunks_repaired == 1 and report.articles_unchanged == ARTICLES
    assert index.count() == index.keywords.count() == ARTICLES
    assert index.keyword_search("zqorphan zqghost", 5) == []
    assert [p.url for p in index.keyword_search(codeword(123), 5)] == [url(123)]


def test_remove_and_prune_past_the_limit(big):
    assistant, corpus = big
    assert assistant.remove([url(5)]) == 1
    assert url(5) not in {p.url for p in assistant.index.keyword_search(codeword(5), 5)}
    write_corpus(corpus, [i for i in range(ARTICLES) if not 10 <= i < 20])
    report = assistant.ingest([corpus], prune=True, progress=False)
    assert report.articles_removed == 10 and report.articles_added == 1  # article 5 came back
    assert assistant.index.count() == assistant.index.keywords.count() == ARTICLES - 10
    assert assistant.index.keyword_search(codeword(15), 5) == []
    assert assistant.stats().articles == ARTICLES - 10
