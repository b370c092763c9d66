"""The ways of answering, behind one interface: read (choose what the answer is written from, numbered one source
per article), write (a chat model's raw text), then answer (check every claim against its sources, show it only once
checked, cite it).

- ``QuizAnswerer`` (``rag.answering.quiz``): a chat model names the answer in a phrase ("Russia [1]"); the sentence
  stating it is then quoted from the source, so the explanation cannot be invented.
- ``OpenAnswerer`` (``rag.answering.open``): for summaries, why/how, reactions, timelines, lists, comparisons and
  "the latest": key points quoted from the articles, shown at once, then a chat model's short lead over them.
- ``QuotingAnswerer`` (``rag.answering.quoting``): no model; a quiz question's best sentences quoted.

Which form a question gets is ``rag.question.form``: the question's own grammar, not a model call. Every model
answer goes through the grounding check (``rag.answering.grounding``) before it is shown: claims its cited passages
do not state are re-cited or dropped, and a quiz answer left with nothing says what the articles do not give
(``rag.answering.refusal``).

An answerer runs in one LCEL chain with retrieval (``build_chain``):

    {"question" (as asked), "query" (its standalone form, for chat models), "search" (what retrieval looks for),
     "filters"}
      └─ assign(passages = retrieve)  ── relevant passages, best first (none: the corpus does not cover the question)
      └─ assign(reading = read)       ── the sources numbered [1], [2] … and, for an open answer, its key points
      └─ assign(text = write)         ── a chat model's raw text with [n] markers, streamed ("" when no model writes)

Streaming the chain yields each key as soon as it is computed, the text piece by piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.types import Answer, KeyPoint, Passage


@dataclass(frozen=True)
class Reading:
    """What an answer is written from: its sources, numbered [1], [2] … in this order, one passage per article; for
    an open answer also the key points quoted from them, and the sentence saying which detail the question asks for
    they do not give ("The articles do not give …"), if any."""

    sources: tuple[Passage, ...]
    points: tuple[KeyPoint, ...] = ()
    missing: str = ""


class Answerer(Protocol):
    """One way of answering. ``read`` picks what the answer is written from (those sources are shown and numbered);
    ``writer`` is the model's part for that reading, a Runnable over the chain's {"question", "query", "reading"}
    that streams raw text with [n] markers (None: no model writes); ``answer`` turns that text into what is shown,
    each piece only once it is checked, and ends with the ``Answer``."""

    form: str

    def read(self, question: str, passages: Sequence[Passage]) -> Reading: ...

    def writer(self, reading: Reading) -> Runnable | None: ...

    def prime(self) -> None: ...

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]: ...


def build_chain(retrieve: Callable[[dict[str, Any]], list[Passage]],
                read: Callable[[dict[str, Any]], Any],
                write: Callable[[Any], Runnable | None]) -> Runnable:
    """Compose retrieval, the answerer's reading of the passages, and its writer (``write(reading)`` is a Runnable
    over the chain's inputs, or None when nothing is to be written)."""

    def generate(inputs: dict[str, Any]) -> str | Runnable:
        writer = write(inputs["reading"]) if inputs["passages"] else None
        return "" if writer is None else writer

    def reading(inputs: dict[str, Any]) -> Any:
        return read(inputs) if inputs["passages"] else None

    return (RunnablePassthrough.assign(passages=RunnableLambda(retrieve))
            .assign(reading=RunnableLambda(reading))
            .assign(text=RunnableLambda(generate)))

