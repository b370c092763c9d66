"""Citation markers and their check: turn a model's (or quoter's) text with [n] markers into an ``Answer`` whose
markers all point at a passage, and the sentence-level helpers that grounding and the UI share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.articles import Answer, Citation, Passage
from rag.sentences import sentences

NOT_COVERED = "The indexed articles do not cover this question, so I cannot answer it from them."

MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # [1], [2, 3]: citation markers
_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def unmarked(text: str) -> str:
    """Article text with anything shaped like a citation marker taken out: quoted into an answer, an article's
    own "[2]" would otherwise pass for a citation of source 2."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", MARKERS.sub("", text))).strip()


def cited_numbers(text: str, count: int) -> list[int]:
    """The passage numbers ``text``'s markers point at, first citation first, each once, only 1 … ``count``."""
    numbers = [int(raw) for m in MARKERS.finditer(text) for raw in m.group(1).split(",")]
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= count]


def quoted(sentence: str) -> str:
    """A source sentence in quotation marks; quotes inside it become single ones, as in print."""
    return "“" + sentence.translate(_INNER_QUOTES) + "”"


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
    cleaned = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", cleaned)  # "[1] [1] [1]" -> "[1]"
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    answer_sentences = split_answer(cleaned)
    citations = tuple(
        Citation(number=n, passage=passages[n - 1], cited_by=tuple(s for s in answer_sentences if f"[{n}]" in s))
        for n in sorted(cited)
    )
    return Answer(question=question, text=cleaned or NOT_COVERED, citations=citations, passages=tuple(passages),
                  mode=mode, refused=not cleaned)


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


def renumbered(answer: Answer) -> Answer:
    """The answer with its cited passages numbered 1, 2 … in the order the text first cites them, and listed first,
    so a reader's sources list always starts at [1] (a model citing only its second source wrote "[2]")."""
    order = cited_numbers(answer.text, len(answer.passages))
    if order == list(range(1, len(order) + 1)):
        return answer
    order += [n for n in range(1, len(answer.passages) + 1) if n not in order]
    new_number = {old: new for new, old in enumerate(order, start=1)}
    text = MARKERS.sub(lambda m: "".join(f"[{new_number[int(raw)]}]" for raw in m.group(1).split(",")
                                         if int(raw) in new_number), answer.text)
    recited = cite(answer.question, text, [answer.passages[n - 1] for n in order], answer.mode)
    return replace(recited, refused=answer.refused, short_answer=answer.short_answer, form=answer.form)
