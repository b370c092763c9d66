"""The cross-encoder reranker with its real packaged ONNX model: it must put the passage that answers first."""

from __future__ import annotations

from datetime import date

import pytest

from rag.models.cross_encoder import load_cross_encoder
from rag.models.onnx import packaged_model_dir
from rag.retrieval.rerank import rerank
from rag.types import Passage


def passage(text: str, title: str, n: int) -> Passage:
    return Passage(chunk_id=f"a:{n}", article_id=f"a{n}", text=text, title=title, source="Wire", url="",
                   published_at=date(2024, 12, 8), authors=(), start=0, end=len(text), score=0.5)


@pytest.fixture(scope="module")
def model():
    return load_cross_encoder()


def test_the_passage_that_answers_is_ranked_first(model):
    candidates = [
        passage("Syria's president has been in office since 2000 and his family ruled for decades.", "Syria profile", 1),
        passage("The weather in Damascus was mild this week, with light rain on Tuesday.", "Weather", 2),
        passage("Assad and his family fled the country and were granted asylum in Moscow, Russian media said.",
                "Assad flees", 3),
    ]
    ranked = rerank(model, "Where did Assad flee to?", candidates)
    assert [p.chunk_id for p in ranked][0] == "a:3"
    assert all(p.rerank_score is not None for p in ranked)
    assert ranked[0].rerank_score > ranked[-1].rerank_score
    assert sorted(p.chunk_id for p in ranked) == ["a:1", "a:2", "a:3"]  # reordered, nothing lost or duplicated


def test_long_passages_are_cut_and_batches_agree_with_single_pairs(model):
    long_text = "The committee met again. " * 300 + "Assad fled to Moscow."
    texts = [long_text, "Assad fled to Moscow, Russian media said."] * 10  # more than one batch
    scores = model.scores("Where did Assad flee?", texts)
    assert scores.shape == (20,)
    # int8 activations are quantised per batch, so padding shifts a score a little, never the order
    assert abs(float(model.scores("Where did Assad flee?", texts[1:2])[0]) - float(scores[1])) < 0.2
    assert scores[1] > scores[0]  # the answer past the cut-off is not seen


def test_no_candidates_no_work(model):
    assert rerank(model, "anything", []) == []


def test_the_model_files_are_found_in_site_packages():
    folder = packaged_model_dir("reranker_en")
    assert (folder / "model.onnx").stat().st_size > 10_000_000


def test_the_retriever_reranks_when_configured(seeded):
    reranked = seeded.with_settings(rerank=True, rerank_depth=5).search("Where did Assad flee to?", k=2)
    plain = seeded.search("Where did Assad flee to?", k=2)
    assert len(reranked) == 2 and all(p.rerank_score is not None for p in reranked)
    assert reranked[0].rerank_score >= reranked[1].rerank_score and "Russia" in reranked[0].text
    assert all(p.rerank_score is None for p in plain)  # off by default
