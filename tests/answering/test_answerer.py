"""Citation checking and the chain's routing, with hand-made passages (no model needed)."""

from __future__ import annotations

from dataclasses import replace

from langchain_core.runnables import RunnableLambda

from rag.answering.answerer import build_chain
from rag.answering.citations import EXCERPT_GAP, NOT_COVERED, by_article, cite, renumbered, split_answer
from rag.types import Passage


def passage(n: int) -> Passage:
    return Passage(chunk_id=f"a{n}:0", article_id=f"a{n}", text=f"Passage {n} text.", title=f"Title {n}",
                   source="Wire", url=f"https://ex.com/{n}", published_at=None, authors=(), start=0, end=16, score=0.5)


def test_only_cited_sources_are_listed_and_invalid_numbers_dropped():
    passages = [passage(1), passage(2), passage(3)]
    answer = cite("q?", "Fighting broke out [2]. It spread north [7][2, 9]. Talks failed [3].", passages, "test")
    assert answer.text == "Fighting broke out [2]. It spread north [2]. Talks failed [3]."
    assert [c.number for c in answer.citations] == [2, 3]
    assert [c.url for c in answer.citations] == ["https://ex.com/2", "https://ex.com/3"]
    assert answer.citations[0].cited_by == ("Fighting broke out [2].", "It spread north [2].")
    assert answer.passages == tuple(passages) and not answer.refused


def test_no_passages_is_a_refusal():
    answer = cite("q?", "", [], "test")
    assert answer.refused and answer.text == NOT_COVERED and answer.citations == ()


def test_answer_sentences_keep_their_trailing_markers():
    assert split_answer("One thing. [1] Another [2]. Last. [1][3]") == ["One thing. [1]", "Another [2].", "Last. [1][3]"]


def test_chain_streams_passages_reading_then_text_and_writes_nothing_without_passages():
    calls = []

    def writer(reading):
        return RunnableLambda(lambda x: calls.append(x["question"]) or f"Answer from {len(reading)} passages [1].")

    chain = build_chain(lambda x: [passage(1)] if "news" in x["question"] else [], lambda x: x["passages"], writer)
    updates = list(chain.stream({"question": "news?"}))
    keys = [next(iter(u)) for u in updates if "question" not in u]
    assert keys == ["passages", "reading", "text"]
    assert chain.invoke({"question": "news?"})["text"] == "Answer from 1 passages [1]."
    calls.clear()
    nothing = chain.invoke({"question": "weather?"})
    assert nothing["reading"] is None and nothing["text"] == "" and calls == []


def test_one_article_is_one_source_its_excerpts_joined():
    article = "First sentence here. Second one follows. Third sentence. Fourth and last sentence."
    first = replace(passage(1), text=article[:40], start=0, end=40, chunk_id="a1:0")
    overlapping = replace(passage(1), text=article[21:57], start=21, end=57, chunk_id="a1:1")
    far = replace(passage(1), text=article[58:], start=58, end=len(article), chunk_id="a1:2")
    [merged, other] = by_article([overlapping, passage(2), first])
    assert merged.text == article[:57] and (merged.start, merged.end) == (0, 57)  # overlapping chunks: one slice
    assert merged.chunk_id == "a1:1" and other.article_id == "a2"  # in the order the articles came
    [with_gap] = by_article([first, far])
    assert with_gap.text == article[:40] + EXCERPT_GAP + article[58:] and with_gap.end == len(article)


def test_renumbering_lists_the_first_cited_source_as_1():
    passages = [passage(1), passage(2), passage(3)]
    answer = renumbered(cite("q?", "Fighting broke out [3]. Talks failed [2][3].", passages, "test"))
    assert answer.text == "Fighting broke out [1]. Talks failed [2][1]."
    assert [(c.number, c.url) for c in answer.citations] == [(1, "https://ex.com/3"), (2, "https://ex.com/2")]
    assert [p.url for p in answer.passages] == ["https://ex.com/3", "https://ex.com/2", "https://ex.com/1"]
    in_order = cite("q?", "One [1]. Two [2].", passages, "test")
    assert renumbered(in_order) is in_order
