"""The answering chain (LCEL) and the citation check that turns its text into an ``Answer``.

    {"question" (as asked), "query" (its standalone form, for retrieval and chat models), "filters"}
      └─ assign(passages = retrieve)  ── relevant passages, numbered [1], [2] … in this order
      └─ assign(text = generate)      ── streamed text with [n] markers, or a refusal when nothing is relevant

Streaming the chain yields the passages as soon as they are found, then the text piece by piece.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from rag.articles import Answer, Citation, Passage
from rag.chunking import sentences

NOT_COVERED = "The indexed articles do not cover this question, so I cannot answer it from them."
NOT_GROUNDED = "The model's answer could not be traced to the articles, so it is withheld."

MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # [1], [2, 3]: citation markers


def unmarked(text: str) -> str:
    """Article text with anything shaped like a citation marker taken out: quoted into an answer, an article's
    own "[2]" would otherwise pass for a citation of source 2."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", MARKERS.sub("", text))).strip()


def build_chain(retrieve: Callable[[dict[str, Any]], list[Passage]],
                answer: Callable[[str, Sequence[Passage]], str] | Runnable) -> Runnable:
    """Compose retrieval and an answerer. ``answer`` is a plain function or a Runnable over {question, passages}."""
    answerer = answer if isinstance(answer, Runnable) else RunnableLambda(lambda x: answer(x["question"], x["passages"]))

    def generate(inputs: dict[str, Any]) -> str | Runnable:
        return answerer if inputs["passages"] else NOT_COVERED

    return RunnablePassthrough.assign(passages=RunnableLambda(retrieve)).assign(text=RunnableLambda(generate))


def cite(question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
    """Check the [n] markers against the passages: keep those that point at a passage, drop the rest, and list
    only the cited passages as citations. Numbers are kept as written, so the final text matches what was
    streamed (less any dropped marker)."""
    if not passages:
        return Answer(question=question, text=text.strip() or NOT_COVERED, citations=(), passages=(),
                      mode=mode, refused=True)
    cited: list[int] = []

    def keep_valid(match: re.Match[str]) -> str:
        numbers = [int(raw) for raw in match.group(1).split(",")]
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(passages)]
        cited.extend(n for n in valid if n not in cited)
        return "".join(f"[{n}]" for n in valid)

    cleaned = MARKERS.sub(keep_valid, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    answer_sentences = split_answer(cleaned)
    citations = tuple(
        Citation(number=n, passage=passages[n - 1], cited_by=tuple(s for s in answer_sentences if f"[{n}]" in s))
        for n in sorted(cited)
    )
    return Answer(question=question, text=cleaned or NOT_COVERED, citations=citations, passages=tuple(passages),
                  mode=mode, refused=not cleaned)


def repair_uncited(answer: Answer, phrase: str) -> Answer | None:
    """A model answer that cites nothing gets the sources that contain its short answer ``phrase`` cited after it;
    None when no source contains the phrase, i.e. the answer cannot be traced to the sources at all."""
    if answer.citations or not phrase:
        return answer
    wanted = " ".join(phrase.lower().split())
    numbers = [n for n, p in enumerate(answer.passages, start=1) if wanted in " ".join(p.text.lower().split())]
    if not numbers:
        return None
    at = answer.text.find(phrase) + len(phrase) if phrase in answer.text else len(answer.text)
    markers = "".join(f"[{n}]" for n in numbers)
    return cite(answer.question, f"{answer.text[:at]} {markers}{answer.text[at:]}", answer.passages, answer.mode)


def split_answer(text: str) -> list[str]:
    """Sentences of an answer, each with the [n] markers that follow it ("… city. [1] Next …" -> "… city. [1]")."""
    parts: list[str] = []
    for start, end in sentences(text):
        sentence = text[start:end]
        leading = re.match(r"(?:\s*\[\d+\])+", sentence)
        if leading and parts:
            parts[-1] += " " + leading.group(0).strip()
            sentence = sentence[leading.end():].strip()
        if sentence:
            parts.append(sentence)
    return parts
