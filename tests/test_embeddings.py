"""The MiniLM embedder at both precisions: bfloat16 must give the same vectors as float32, to within rounding."""

from __future__ import annotations

import numpy as np
import pytest

from rag.config import Settings
from rag.embeddings import NewsEmbeddings, resolve_precision
from rag.errors import ModelError
from rag.hardware import native_bfloat16

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
