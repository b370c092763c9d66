"""The cross-encoder: it reads a question and a text together and scores how well the text answers it. It reranks
retrieved passages (``rag.retrieval.rerank``) and scores an open answer's candidate sentences
(``rag.answering.key_points``). The model is ms-marco-MiniLM-L-12-v2 as int8 ONNX (``rag.models.onnx``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from rag.models.onnx import OnnxRunner, packaged_model_dir


class CrossEncoder:
    """Scores (question, passage) pairs; higher is more relevant. Logits, not probabilities: compare, don't read."""

    def __init__(self, runner: OnnxRunner) -> None:
        self.runner = runner

    def scores(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """One score per text."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        return self.runner.run([(question, t) for t in texts]).reshape(len(texts))


@lru_cache(maxsize=2)
def load_cross_encoder(max_tokens: int = 256) -> CrossEncoder:
    """The packaged reranker, loaded once per process."""
    return CrossEncoder(OnnxRunner(packaged_model_dir("reranker_en"), max_tokens=max_tokens, pairs=True))
