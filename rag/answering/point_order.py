"""The order an open answer's key points are shown in: by date for a timeline, newest first for "the latest", side by
side for a comparison, else best first. Also the dates a sentence names (``event_day``), which put a timeline's
points in order and tell a figure from a date (``rag.answering.open``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from rag.answering.key_points import content_words_of
from rag.question import asks_for_latest, asks_for_timeline, asks_to_compare, compared_parts
from rag.types import Passage

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
# A day and month, with the year when given ("12 June 2022", "December 8th"); open answers read them too.
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?,?"
                        r"(?:\s+(\d{4}))?\b", re.IGNORECASE)
MONTH_DAY = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b,?"
                        r"(?:\s+(\d{4}))?", re.IGNORECASE)


def arrange(question: str, points: Sequence[Passage]) -> list[Passage]:
    """The points in the order a reader wants them: by date for a timeline, newest first for "the latest", side by
    side for a comparison, else best first."""
    if asks_for_timeline(question):
        order = {p.chunk_id: i for i, p in enumerate(points)}
        return sorted(points, key=lambda p: (event_day(p.text, p.published_at) or p.published_at or date.max,
                                             p.published_at or date.max, p.article_id, p.start, order[p.chunk_id]))
    if asks_for_latest(question):
        return sorted(points, key=lambda p: -(p.published_at or date.min).toordinal())  # stable: best first per day
    if asks_to_compare(question):
        return _by_side(question, points)
    return list(points)


def event_day(text: str, published: date | None) -> date | None:
    """The first date a sentence names ("on June 12", "12 June 2022", "December 8th"). Without a year, the year that
    puts it nearest the article's date (a December event in a January article is last year's). None when it names
    none, or a month and day with no year to place them in."""
    found = []
    for match in MONTH_DAY.finditer(text):
        found.append((match.start(), match.group(1), match.group(2), match.group(3)))
    for match in DAY_MONTH.finditer(text):
        found.append((match.start(), match.group(2), match.group(1), match.group(3)))
    for _, month_name, day_text, year_text in sorted(found):
        month = next(i for i, m in enumerate(_MONTHS, start=1) if m.startswith(month_name.lower()[:3]))
        years = [int(year_text)] if year_text else [published.year + d for d in (-1, 0, 1)] if published else []
        days = []
        for year in years:
            try:
                days.append(date(year, month, int(day_text)))
            except ValueError:
                continue
        if days:
            return min(days, key=lambda d: abs((d - published).days) if published and not year_text else 0)
    return None


def _by_side(question: str, points: Sequence[Passage]) -> list[Passage]:
    """A comparison's points grouped by the side they are about: the question's parts around "compare … with",
    "versus", "and" each have words of their own, and a point goes with the side whose words it shares most."""
    sides = [words for words in map(content_words_of, compared_parts(question)) if words]
    if len(sides) < 2:
        return list(points)
    shared = frozenset.intersection(*sides)
    sides = [side - shared for side in sides]

    def side_of(point: Passage) -> int:
        words = content_words_of(point.text)
        overlaps = [len(words & side) for side in sides]
        return overlaps.index(max(overlaps)) if max(overlaps) else len(sides)

    return sorted(points, key=side_of)  # stable: best first within a side
