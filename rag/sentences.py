"""Sentence spans of article or answer text: what citations quote, highlight and check, one sentence at a time."""

from __future__ import annotations

import re


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``; used to quote and highlight single sentences of a passage."""
    spans = []
    for match in re.finditer(r"[^\n]+?(?:[.!?…][\"'”’)]?(?=\s|$)|$)", text, flags=re.MULTILINE):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans
