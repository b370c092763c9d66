"""The answering chain (LCEL): retrieval, what the answerer reads, then its writer.

    {"question" (as asked), "query" (its standalone form, for chat models), "search" (what retrieval looks for),
     "filters"}
      └─ assign(passages = retrieve)  ── relevant passages, best first (none: the corpus does not cover the question)
      └─ assign(reading = read)       ── the sources numbered [1], [2] … and, for an open answer, its key points
      └─ assign(text = write)         ── a chat model's raw text with [n] markers, streamed ("" when no model writes)

Streaming the chain yields each key as soon as it is computed, the text piece by piece.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.types import Passage


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

