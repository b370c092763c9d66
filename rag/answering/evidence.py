"""The evidence a quiz answer's phrase is shown with: the sentence of its cited source that states it, quoted, so the
reader sees why and the explanation cannot be invented ("Russia [1] — “Assad and his family fled to Russia …” [1]").
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.citations import MARKER_WITH_SPACE, cited_numbers, quoted, unmarked
from rag.answering.normalise import fold
from rag.answering.replies import lead_phrase
from rag.answering.sentences import sentences
from rag.types import Passage


def supporting_sentence(answer: str, passages: Sequence[Passage]) -> str:
    """The text to append to a phrase answer: " — “<sentence>” [n]", quoting the first sentence of the first cited
    source that contains the phrase; empty when the answer is longer than a phrase or no cited sentence has it."""
    phrase = lead_phrase(answer)
    if not phrase or len(MARKER_WITH_SPACE.sub("", answer).split()) > len(phrase.split()) + 2:
        return ""
    wanted = f" {fold(phrase)} "
    for number in cited_numbers(answer, len(passages)):
        text = passages[number - 1].text
        for start, end in sentences(text):
            sentence = " ".join(unmarked(text[start:end]).split())
            if wanted in f" {fold(sentence)} ":
                return f" — {quoted(sentence)} [{number}]"
    return ""
