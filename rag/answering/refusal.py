"""Saying what the articles do not give: the sentence an answer states when nothing it could say is supported, and
the pattern by which such sentences are recognised (a model's own, or the eval's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.answering.citations import cite, quoted, unmarked
from rag.answering.normalise import content_words, word_set
from rag.answering.sentences import sentences
from rag.types import Answer, Passage

NOT_GIVEN = re.compile(r"\b(?:articles?|sources?|passages?|reports?)\s+(?:do|does|did)\s+not\s+(?:give|say|state|"
                       r"report|mention|specify|include|provide|cover|contain|answer|name|identify)", re.IGNORECASE)


def not_given(question: str, passages: Sequence[Passage]) -> str:
    """What an answer says when no claim survives: that the articles do not give it, and the sentence of the best
    passage that comes closest, quoted and cited, so the reader sees what they do report."""
    asked = " ".join(question.split()).rstrip("?.! ")
    if not passages:
        return f"The articles do not give an answer to “{asked}?”."
    wanted = content_words(question)
    best_score, best = -1, None
    for number, passage in enumerate(passages[:3], start=1):
        for start, end in sentences(passage.text):
            sentence = " ".join(unmarked(passage.text[start:end]).split())
            score = len(wanted & word_set(sentence))
            if len(sentence.split()) >= 5 and sentence[-1] in ".!?\"”’'" and score > best_score:
                best_score, best = score, (number, sentence)
    lead = f"The articles do not give an answer to “{asked}?”"
    if best is None or best_score <= 0:
        return lead + "."
    number, sentence = best
    return f"{lead}; the closest they report is: {quoted(sentence)} [{number}]"


def refusal(question: str, passages: Sequence[Passage], mode: str, form: str) -> Answer:
    """The answer when the sources state nothing that answers: it says so and quotes what they do report."""
    return replace(cite(question, not_given(question, passages), passages, mode), refused=True, form=form)
