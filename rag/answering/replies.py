"""Reading a quiz answer's model reply: did it decline, and what phrase did it lead with."""

from __future__ import annotations

import re

from rag.answering.citations import MARKER_WITH_SPACE
from rag.answering.prompts import NO_ANSWER

_QUOTES = "\"'“”‘’"


def is_no_answer(text: str) -> bool:
    """Whether the model said the sources do not answer (allowing for stray markers and punctuation)."""
    plain = " ".join(MARKER_WITH_SPACE.sub("", text).split()).lower()
    return not plain.strip(" .") or NO_ANSWER.strip(".").lower() in plain


def lead_phrase(text: str) -> str:
    """The short answer the model led with: the text before its first citation marker or dash."""
    first_line = re.sub(r"^\W*(?:short\s+)?answer\W*:\W*", "", text.strip().split("\n", 1)[0], flags=re.IGNORECASE)
    head = re.split(r"\[\d|\s[—–-]\s|:\s", first_line, maxsplit=1)[0]
    phrase = head.strip().strip("*").rstrip(" ,;:.").strip()
    quotes = sum(ch in _QUOTES for ch in phrase)
    if len(phrase) >= 2 and phrase[0] in _QUOTES and phrase[-1] in _QUOTES and quotes == 2:
        phrase = phrase[1:-1]  # the whole phrase quoted
    elif quotes % 2 and phrase[:1] in _QUOTES:
        phrase = phrase[1:]  # an unbalanced quote at either end is noise; a balanced inner one is the name's
    elif quotes % 2 and phrase[-1:] in _QUOTES:
        phrase = phrase[:-1]
    return phrase.strip()
