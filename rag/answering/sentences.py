"""Sentence spans of article or answer text: what citations quote, highlight and check, one sentence at a time."""

from __future__ import annotations

import re

# Words that end with a full stop without ending a sentence: titles, "v." in case names, times, initials, months.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|prof|gov|sen|rep|gen|lt|col|sgt|capt|st|jr|sr|no|vs|v|inc|co|corp|ltd|dept|est|approx|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|a\.m|p\.m|e\.g|i\.e|u\.s|u\.k|u\.n|d\.c)|(?:^|[\s(])[A-Z])\.$",
    re.IGNORECASE)

_OPENER = re.compile(r"[ \t]+(?:The|A|An|He|She|It|They|We|I|This|That|These|Those|But|And|In|On|At|After|Its|His|Her|"
                     r"Their)\b")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``; used to quote, highlight and check single sentences. A full stop
    after an abbreviation ("U.S.", "p.m.", "Roe v. Wade", "Sept.") or an initial does not end a sentence."""
    spans: list[tuple[int, int]] = []
    joined = False  # the previous span ended in an abbreviation: this one continues it
    for match in re.finditer(r"[^\n]+?(?:[.!?…][\"'”’)]?(?=\s|$)|$)", text, flags=re.MULTILINE):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        if end <= start:
            continue
        if joined and spans:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        joined = bool(_ABBREVIATIONS.search(text[start:end])) and text[end:end + 1] in (" ", "\t") \
            and not _OPENER.match(text, end)
    return spans
