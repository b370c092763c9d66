"""The extractive mode: a quiz question answered by quoting the sentences of the retrieved passages that best answer it,
no model. Fast, deterministic and never says anything the sources do not say, so it is a mode worth keeping beside a
chat model (and the baseline a model has to beat). Quoted text needs no grounding check: it is the source. (An open
question in extractive mode gets its key points without a lead.)

Sentences are scored by meaning (embedding similarity to the question): the best one is always given, and
runners-up within ``margin`` of it join it. (Adding word overlap to the score was tried and dropped: it favours
sentences that repeat the question's words over ones that answer it with synonyms, e.g. "skirmishes took place near
…" for "where did the clashes erupt?".) The short answer is then the phrase of the first quoted sentence that
answers the question (``rag.answering.short_answer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import numpy as np
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.answerer import Reading
from rag.answering.citations import by_article, cite, renumbered, split_answer, unmarked
from rag.answering.sentences import sentences
from rag.answering.short_answer import short_answer
from rag.models.embeddings import NewsEmbeddings
from rag.question import QUIZ
from rag.types import Answer, Passage


class QuotingAnswerer:
    """The extractive mode for a quiz question: the best sentences quoted, no model. Quoted text needs no grounding
    check: it is the source. (An open question in extractive mode gets its key points without a lead.)"""

    form = QUIZ

    def __init__(self, embeddings) -> None:  # noqa: ANN001
        self.quote = SentenceQuoter(embeddings, max_sentences=3, margin=0.05)

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        return Reading(tuple(by_article(passages)))

    def writer(self, reading: Reading) -> Runnable | None:
        return RunnableLambda(lambda x: self.quote(x["question"], x["reading"].sources))

    def prime(self) -> None:
        """Nothing to read ahead: quoting has no instructions."""

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        answer = cite(question, "".join(written), reading.sources, mode)
        if not answer.refused:
            answer = replace(answer, short_answer=short_answer(question, split_answer(answer.text)[0]))
        answer = renumbered(replace(answer, form=self.form))
        yield answer.text
        yield answer


class SentenceQuoter:
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
