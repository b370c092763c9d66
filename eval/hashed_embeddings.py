"""A cheap, deterministic stand-in for the embedding model, for measuring and testing the store at scale.

Each word is hashed to one of ``dimensions`` signed slots (the hashing trick), so texts that share words lie
close and the vectors cost microseconds. It knows nothing of meaning: use it only where the embedder is not the
subject (``eval/bench_scale.py``, the tests that cross SQLite's limits), never to measure retrieval quality.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"\w+")


class HashedEmbeddings(Embeddings):
    """Bag-of-hashed-words unit vectors. ``model_name`` is what the index records as its embedding model."""

    def __init__(self, dimensions: int = 64) -> None:
        self.dimensions = dimensions
        self.model_name = f"hashed-words-{dimensions}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                code = zlib.crc32(word.encode("utf-8"))
                vectors[row, code % self.dimensions] += 1.0 if code & (1 << 31) else -1.0
        vectors[:, 0] += 1e-3  # a text without words still gets a direction
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    embed_sentences = embed_documents  # what answering embeds: the same cheap vectors
