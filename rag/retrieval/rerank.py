"""Reranking: the cross-encoder (``rag.models.cross_encoder``) reads the question and each candidate passage together
and scores how well the passage answers it. It is slower than the first-stage rankings (one transformer pass per
pair), so it reorders only the fused top ``depth`` candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rag.models.cross_encoder import CrossEncoder
from rag.types import Passage


def rerank(model: CrossEncoder, question: str, passages: Sequence[Passage]) -> list[Passage]:
    """``passages`` best first by the cross-encoder, each carrying its rerank score in ``rerank_score``."""
    if not passages:
        return []
    texts = [f"{p.title}. {p.text}" if p.title else p.text for p in passages]
    scores = model.scores(question, texts)
    order = np.argsort(-scores, kind="stable")
    return [replace(passages[i], rerank_score=float(scores[i])) for i in order]
