"""What a quiz answer's model reads: each retrieved chunk cut down to a window of sentences around its best one.

A small CPU model reads about 100 prompt tokens a second, so five whole chunks (~1,000 tokens) cost ten seconds
before the first word. Most of a chunk is irrelevant to the question: keeping the sentence most similar to the
question plus its neighbours, up to ``max_words`` a passage, and only the ``max_passages`` best passages (ranked
by that sentence, which reranks the chunks by their best evidence), keeps the answer in view at a third of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rag.answering.sentences import sentences
from rag.models.embeddings import NewsEmbeddings
from rag.types import Passage


class PassageFocuser:
    """``(question, passages) -> passages``: fewer, shorter passages, best evidence first, offsets kept exact."""

    def __init__(self, embeddings: NewsEmbeddings, max_passages: int, max_words: int) -> None:
        if max_passages < 1 or max_words < 10:
            raise ValueError("max_passages must be at least 1 and max_words at least 10")
        self.embeddings = embeddings
        self.max_passages = max_passages
        self.max_words = max_words

    def __call__(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        if not passages:
            return []
        spans = [sentences(p.text) or [(0, len(p.text))] for p in passages]
        texts = [p.text[s:e] for p, spans_of in zip(passages, spans) for s, e in spans_of]
        query = np.asarray(self.embeddings.embed_query(question))  # cached: retrieval embedded it already
        scores = np.asarray(self.embeddings.embed_sentences(texts)) @ query
        focused: list[tuple[float, int, Passage]] = []
        offset = 0
        for rank, (passage, spans_of) in enumerate(zip(passages, spans)):
            sentence_scores = scores[offset: offset + len(spans_of)]
            offset += len(spans_of)
            first, last = self._window(passage.text, spans_of, sentence_scores)
            start, end = spans_of[first][0], spans_of[last][1]
            text = passage.text[start:end].strip()
            lead = len(passage.text[start:end]) - len(passage.text[start:end].lstrip())
            focused.append((float(sentence_scores.max()), -rank, replace(
                passage, text=text, start=passage.start + start + lead, end=passage.start + start + lead + len(text))))
        focused.sort(key=lambda item: (item[0], item[1]), reverse=True)
        return [p for _, _, p in focused[: self.max_passages]]

    def _window(self, text: str, spans: list[tuple[int, int]], scores: np.ndarray) -> tuple[int, int]:
        """The best sentence, grown by whichever neighbour scores higher while the word budget allows."""
        words = [len(text[s:e].split()) for s, e in spans]
        first = last = int(np.argmax(scores))
        used = words[first]
        while True:
            options = [i for i in (first - 1, last + 1) if 0 <= i < len(spans) and used + words[i] <= self.max_words]
            if not options:
                return first, last
            best = max(options, key=lambda i: scores[i])
            used += words[best]
            first, last = min(first, best), max(last, best)
