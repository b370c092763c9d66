"""The answering chain (LCEL): retrieval, then an answerer.

    {"question" (as asked), "query" (its standalone form, for retrieval and chat models), "filters"}
      └─ assign(passages = retrieve)  ── relevant passages, numbered [1], [2] … in this order
      └─ assign(text = generate)      ── streamed text with [n] markers, or a refusal when nothing is relevant

Streaming the chain yields the passages as soon as they are found, then the text piece by piece.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.articles import Passage
from rag.citations import NOT_COVERED


def build_chain(retrieve: Callable[[dict[str, Any]], list[Passage]],
                answer: Callable[[str, Sequence[Passage]], str] | Runnable) -> Runnable:
    """Compose retrieval and an answerer. ``answer`` is a plain function or a Runnable over {question, passages}."""
    answerer = answer if isinstance(answer, Runnable) else RunnableLambda(
        lambda x: answer(x["question"], x["passages"]))

    def generate(inputs: dict[str, Any]) -> str | Runnable:
        return answerer if inputs["passages"] else NOT_COVERED

    return RunnablePassthrough.assign(passages=RunnableLambda(retrieve)).assign(text=RunnableLambda(generate))
