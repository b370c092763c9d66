"""Reranking: a cross-encoder reads the question and each candidate passage together and scores how well the
passage answers it. It is slower than the first-stage rankings (one transformer pass per pair), so it reorders
only the fused top ``depth`` candidates. The model is ms-marco-MiniLM-L-12-v2 as int8 ONNX (``rag.onnx_models``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from rag.articles import Passage
from rag.onnx_models import OnnxRunner, packaged_model_dir


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


def rerank(model: CrossEncoder, question: str, passages: Sequence[Passage]) -> list[Passage]:
    """``passages`` best first by the cross-encoder, each carrying its rerank score in ``rerank_score``."""
    if not passages:
        return []
    texts = [f"{p.title}. {p.text}" if p.title else p.text for p in passages]
    scores = model.scores(question, texts)
    order = np.argsort(-scores, kind="stable")
    return [replace(passages[i], rerank_score=float(scores[i])) for i in order]
