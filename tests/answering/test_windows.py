"""Focusing passages for a chat model: real embeddings, exact offsets, word budget and reranking."""

from __future__ import annotations

import pytest

from rag.answering.windows import PassageFocuser
from rag.config import Settings
from rag.types import Passage

ARTICLE = ("The council met on Monday to discuss the budget. Members argued about road repairs for hours. "
           "In the end the mayor resigned after the vote, citing ill health. A new election is due in May. "
           "Local shops reported a quiet week.")
OTHER = "Weather was mild across the region. Farmers expect a good harvest this year. Rain is due next week."


def passage(text: str, start: int, n: int, score: float) -> Passage:
    return Passage(chunk_id=f"a{n}:0", article_id=f"a{n}", text=text, title="t", source="s", url=f"u{n}",
                   published_at=None, authors=(), start=start, end=start + len(text), score=score)


@pytest.fixture(scope="module")
def embeddings():
    from rag.models.embeddings import NewsEmbeddings

    return NewsEmbeddings.from_settings(Settings())


def test_keeps_the_best_sentence_with_exact_offsets_within_the_budget(embeddings):
    full = "Intro line. " + ARTICLE
    chunk = passage(ARTICLE, start=12, n=1, score=0.6)
    [focused] = PassageFocuser(embeddings, max_passages=1, max_words=20)("Why did the mayor resign?", [chunk])
    assert "the mayor resigned after the vote" in focused.text
    assert len(focused.text.split()) <= 20 and focused.text != ARTICLE
    assert full[focused.start:focused.end] == focused.text  # offsets still point into the article


def test_reranks_by_best_evidence_and_keeps_the_best_few(embeddings):
    weather = passage(OTHER, 0, 1, score=0.7)  # retrieved first, but says nothing about the mayor
    council = passage(ARTICLE, 0, 2, score=0.5)
    result = PassageFocuser(embeddings, max_passages=1, max_words=40)("Who resigned after the vote?", [weather, council])
    assert [p.chunk_id for p in result] == ["a2:0"]


def test_settings_are_checked():
    with pytest.raises(ValueError):
        PassageFocuser(None, max_passages=0, max_words=60)  # type: ignore[arg-type]
