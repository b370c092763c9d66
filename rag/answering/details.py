"""The specific detail an open question asks for, and whether its key points give it.

An open question is answered with key points whatever happens, but some open questions also ask for one thing the
articles may lack: a figure ("…, including how many people live there", "the latest death toll") or what someone said
("What did Russia say about …?"). Quoting related sentences would then look like an answer, so the answer says
first that the articles do not give that detail, and names it, before what they do report. Only these two kinds are
checked: they can be told by strings (a figure is a number; a statement is its speaker acting in a sentence). Which
group or person a question asks for cannot, and is left to the points and the lead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.grounding import fold, speaks
from rag.answering.selection import DAY_MONTH, MONTH_DAY
from rag.types import Passage

_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b[^,;?.]*", re.IGNORECASE)
_FIGURE = re.compile(r"\b(?:the\s+)?(?:latest\s+|final\s+|total\s+|official\s+)?(?:death\s+toll|toll|number\s+of\s+\w+|"
                     r"population|price|cost|score|turnout|vote\s+share|share\s+of\s+the\s+vote|casualty\s+figures?)"
                     r"\b[^,;?.]*", re.IGNORECASE)
_STATEMENT = re.compile(r"^what\s+(?:did|does|has|have)\s+(.+?)\s+(say|tell|announce|claim|argue|think|propose|declare|"
                        r"state)\b([^?]*)", re.IGNORECASE)
_PAST = {"say": "said", "tell": "told", "think": "thought", "declare": "declared", "state": "stated",
         "propose": "proposed", "argue": "argued", "announce": "announced", "claim": "claimed"}
_NUMBER_WORDS = set("two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand "
                    "thousands million millions billion billions".split())
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Detail:
    """What an open question asks for besides an overview: ``phrase`` names it in the answer ("The articles do not
    give <phrase>."); ``speaker`` is set when it is a statement, whose speaker must be saying something."""

    phrase: str
    speaker: str = ""

    def sentence(self) -> str:
        verb = "report" if self.speaker else "give"
        return f"The articles do not {verb} {self.phrase}."


def asked_detail(question: str) -> Detail | None:
    """The figure or statement an open question asks for, if it asks for one."""
    text = " ".join(question.split()).rstrip("?.! ")
    said = _STATEMENT.match(text)
    if said:
        speaker, verb, rest = said.group(1), said.group(2).lower(), said.group(3)
        return Detail(f"what {speaker} {_PAST.get(verb, verb + 'ed')}{rest}".rstrip(), speaker=speaker)
    for pattern in (_HOW_MANY, _FIGURE):
        found = pattern.search(text)
        if found:
            phrase = found.group(0).strip()
            return Detail(phrase[0].lower() + phrase[1:])
    return None


def is_given(detail: Detail, points: Sequence[Passage]) -> bool:
    """Whether the points give the detail: a figure (a number that is not a date or a year) for a figure, and the
    speaker saying something for a statement."""
    if detail.speaker:
        return speaks(fold(detail.speaker.split()[-1]), points)
    for point in points:
        text = _YEAR.sub(" ", MONTH_DAY.sub(" ", DAY_MONTH.sub(" ", point.text)))
        if re.search(r"\d", text) or _NUMBER_WORDS & set(fold(text).split()):
            return True
    return False
