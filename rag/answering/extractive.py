"""The extractive answerer: quotes the sentences of the retrieved passages that best answer the question.

Fast, deterministic and never says anything the sources do not say, so it is a mode worth keeping beside an LLM
(and the baseline an LLM has to beat). Sentences are scored by meaning (embedding similarity to the question):
the best one is always given, and runners-up within ``margin`` of it join it. (Adding word overlap to the score
was tried and dropped: it favours sentences that repeat the question's words over ones that answer it with
synonyms, e.g. "skirmishes took place near …" for "where did the clashes erupt?".)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answering.citations import unmarked
from rag.answering.sentences import sentences
from rag.models.embeddings import NewsEmbeddings
from rag.types import Passage


class ExtractiveAnswerer:
    """``(question, passages) -> answer text`` with an [n] after each quoted sentence (n = passage number)."""

    def __init__(self, embeddings: NewsEmbeddings, max_sentences: int = 3, margin: float = 0.05) -> None:
        if max_sentences < 1:
            raise ValueError("max_sentences must be at least 1")
        self.embeddings = embeddings
        self.max_sentences = max_sentences
        self.margin = margin  # how far (in cosine similarity) a runner-up may trail the best sentence

    def __call__(self, question: str, passages: Sequence[Passage]) -> str:
        candidates: list[tuple[int, str]] = []
        seen: set[str] = set()
        for number, passage in enumerate(passages, start=1):
            for start, end in sentences(passage.text):
                sentence = unmarked(passage.text[start:end])
                key = " ".join(sentence.lower().split())
                if len(sentence.split()) >= 4 and key not in seen:  # overlapping chunks repeat sentences
                    seen.add(key)
                    candidates.append((number, sentence))
        if not candidates:
            return ""
        vectors = np.array(self.embeddings.embed_sentences([question] + [s for _, s in candidates]))
        scores = vectors[1:] @ vectors[0]
        order = np.argsort(-scores, kind="stable")
        chosen = [i for i in order[: self.max_sentences] if scores[i] >= scores[order[0]] - self.margin]
        return " ".join(f"{candidates[i][1]} [{candidates[i][0]}]" for i in chosen)
