"""The MiniLM embedder at both precisions: bfloat16 must give the same vectors as float32, to within rounding."""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import Settings
from rag.errors import ModelError
from rag.models.catalog import resolve_precision
from rag.models.embeddings import NewsEmbeddings
from rag.models.hardware import native_bfloat16

TEXTS = ["Clashes erupted in Aleppo on Tuesday.", "Bus fares will fall by ten percent from next spring.",
         "The central bank raised interest rates by half a point. " * 8]


def test_bfloat16_vectors_match_float32_ones():
    full = np.asarray(NewsEmbeddings.from_settings(Settings(embed_precision="float32")).embed_documents(TEXTS))
    half = np.asarray(NewsEmbeddings.from_settings(Settings(embed_precision="bfloat16")).embed_documents(TEXTS))
    assert full.shape == half.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    cosines = (full * half).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    assert not np.array_equal(full, half)  # the setting really changes how the model runs


def test_auto_precision_follows_the_cpu_and_onnx_models_stay_int8():
    assert resolve_precision("all-MiniLM-L6-v2", "auto") == ("bfloat16" if native_bfloat16() else "float32")
    assert resolve_precision("all-MiniLM-L6-v2", "float32") == "float32"
    assert resolve_precision("bge-small-en-v1.5", "bfloat16") == "int8"
    with pytest.raises(ModelError, match="unknown embedding precision 'half'"):
        NewsEmbeddings("all-MiniLM-L6-v2", 32, precision="half")


def test_question_time_vectors_are_the_indexing_models_without_torch():
    """Questions and scored sentences go through rag.models.numpy_bert: the same vectors as sentence-transformers in
    float32, for short and long texts (past the model's 256 word pieces: cut the same way), in any batch."""
    import subprocess
    import sys

    texts = ["Where did Assad flee to?", "Aleppo", "The opposition captured Damascus on December 8. " * 60,
             "Clashes erupted near the Nayrab refugee camp, south of Aleppo's airport, on Tuesday."]
    embedder = NewsEmbeddings.from_settings(Settings(embed_precision="float32"))
    indexed = np.asarray(embedder.embed_documents(texts))
    read = np.asarray(embedder.embed_sentences(texts))
    assert read.shape == indexed.shape and np.abs(read - indexed).max() < 1e-5
    assert np.allclose(embedder.embed_sentences(texts[1:2])[0], read[1], atol=1e-6)  # alone or in a batch
    # answering a question never imports torch: a fresh process embeds a query and checks
    code = ("import sys; from rag.config import Settings; from rag.models.embeddings import NewsEmbeddings; "
            "v = NewsEmbeddings.from_settings(Settings()).embed_query('Where did Assad flee?'); "
            "assert len(v) == 384 and 'torch' not in sys.modules, sorted(m for m in sys.modules if 'torch' in m)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0
