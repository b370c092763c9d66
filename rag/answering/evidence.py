"""The evidence a quiz answer's phrase is shown with: the sentence of its cited source that states it, quoted, so the
reader sees why and the explanation cannot be invented ("Russia [1] — “Assad and his family fled to Russia …” [1]").
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.citations import MARKER_WITH_SPACE, cited_numbers, unmarked
from rag.answering.normalise import fold
from rag.answering.replies import lead_phrase
from rag.answering.sentences import sentences
from rag.types import Passage


def stating_sentence(answer: str, passages: Sequence[Passage]) -> tuple[str, int] | None:
    """The first sentence of the first cited source that contains a phrase answer's phrase, and that source's
    number; None when the answer is longer than a phrase or no cited sentence has it."""
    phrase = lead_phrase(answer)
    if not phrase or len(MARKER_WITH_SPACE.sub("", answer).split()) > len(phrase.split()) + 2:
        return None
    wanted = f" {fold(phrase)} "
    for number in cited_numbers(answer, len(passages)):
        text = passages[number - 1].text
        for start, end in sentences(text):
            sentence = " ".join(unmarked(text[start:end]).split())
            if wanted in f" {fold(sentence)} ":
                return sentence, number
    return None
