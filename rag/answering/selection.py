"""Key points for open questions: the sentences of the retrieved chunks that state the facts, chosen under a budget.

An open question ("What happened…?", "Why…?", "Give me a timeline…") needs facts spread over several articles, and a
small model writing prose from cut-down chunks left most of them out. Here every sentence of the best retrieved
chunks is scored against the question by the cross-encoder (ms-marco-MiniLM-L-12 int8, ``rag.retrieval.rerank``), which reads
the question and the sentence together and so tells the sentence that states a fact from one that shares its words.
The best are then taken greedily (maximal marginal relevance): a sentence that repeats one already chosen is
skipped, and each further point from an article already used counts a little less, so several articles speak when
several are relevant. A sentence that opens by pointing back ("He …", "But …", "The move …") brings the sentence
before it, so it is read right. The points are quoted, so they need no grounding check.

>>> selector = SentenceSelector(load_cross_encoder(SENTENCE_TOKENS), max_points=6, max_words=160, max_chunks=10)
>>> points = selector("What happened in Aleppo?", passages)   # [Passage], one sentence (or two) each, best first
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from rag.answering.citations import unmarked
from rag.answering.grounding import fold
from rag.answering.sentences import sentences
from rag.models.cross_encoder import CrossEncoder
from rag.types import Passage

SENTENCE_TOKENS = 128  # word pieces of question + sentence the cross-encoder reads (longer sentences are cut)
MIN_WORDS = 5  # shorter "sentences" are headings, captions and datelines
MAX_WORDS = 70  # longer ones are run-on boilerplate (menus, lists of links) more often than news
_POINTS_BACK = re.compile(r"^(?:he|she|it|they|him|her|them|his|its|their|this|that|these|those|there|but|however|"
                          r"yet|still|also|meanwhile|instead|then|the\s+(?:move|decision|statement|announcement|"
                          r"comments?|remarks?|incident|attack|deal|plan|measure|bill|ruling|vote))\b", re.IGNORECASE)
_STOP = set("""a an the and or but of in on at to for from by with as is are was were be been has have had it its this
that these those he she they his her their them we our you your not no will would can could should may might said says
also after before over into about than then there which who whom what when where why how more most""".split())


@dataclass(frozen=True)
class _Candidate:
    passage: Passage  # the sentence (with the one before it when needed), offsets in the article
    chunk: Passage  # the retrieved chunk it came from
    words: frozenset[str]  # content words, for redundancy
    rank: int  # of its chunk in the retrieval order


class SentenceSelector:
    """``(question, passages) -> [Passage]``: the sentences that best answer the question, each as a Passage of its
    article (exact offsets, the article's metadata, ``rerank_score`` = relevance), best first.

    ``max_chunks``: how many retrieved chunks are read; ``max_points`` and ``max_words``: how many sentences, and
    how many words in all, are kept; ``redundancy``: a sentence sharing this share of its content words with one
    already chosen says the same thing and is skipped; ``same_article``: what each earlier point from the same
    article costs a candidate, and ``margin``: how far below the best sentence a point may score, both in the
    cross-encoder's logits (which run from about -11, unrelated, to +10)."""

    def __init__(self, model: CrossEncoder, max_points: int, max_words: int, max_chunks: int,
                 redundancy: float = 0.6, same_article: float = 1.0, margin: float = 6.0, titles: bool = True) -> None:
        if max_points < 1 or max_words < 10 or max_chunks < 1:
            raise ValueError("max_points and max_chunks must be at least 1 and max_words at least 10")
        if not 0 < redundancy <= 1 or same_article < 0 or margin <= 0:
            raise ValueError("redundancy must be in (0, 1], same_article at least 0 and margin above 0")
        self.model = model
        self.max_points = max_points
        self.max_words = max_words
        self.max_chunks = max_chunks
        self.redundancy = redundancy
        self.same_article = same_article
        self.margin = margin
        self.titles = titles

    def __call__(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        candidates = self.candidates(passages)
        if not candidates:
            return []
        return self.choose(candidates, self.scores(question, candidates))

    def scores(self, question: str, candidates: Sequence[_Candidate]) -> list[float]:
        """The cross-encoder's relevance of each candidate, read after its article's title: a sentence rarely names
        its story's subject ("Floodwater washed out roads near Gardiner" scores -9.9 for "What happened in
        Yellowstone?" alone, +3.6 after the headline "Yellowstone closes after record floods")."""
        texts = [f"{c.passage.title}. {c.passage.text}" if c.passage.title and self.titles else c.passage.text
                 for c in candidates]
        return [float(s) for s in self.model.scores(question, texts)]

    def candidates(self, passages: Sequence[Passage]) -> list[_Candidate]:
        """Every sentence of the first ``max_chunks`` chunks that could be a point, once each: chunks overlap, and
        the same wire story runs in several outlets."""
        found: list[_Candidate] = []
        seen: set[tuple[str, int] | str] = set()
        for rank, chunk in enumerate(passages[: self.max_chunks]):
            spans = sentences(chunk.text)
            for i, (start, end) in enumerate(spans):
                text = unmarked(chunk.text[start:end])
                count = len(text.split())
                if not MIN_WORDS <= count <= MAX_WORDS or not re.search(r"[.!?…][\"'”’)]?$", text):
                    continue  # headings, captions, bylines and run-ons end without a full stop or are too short/long
                key = " ".join(fold(text).split())
                if (chunk.article_id, chunk.start + start) in seen or key in seen:
                    continue
                seen.update({(chunk.article_id, chunk.start + start), key})
                if i > 0 and _POINTS_BACK.match(text):  # read with the sentence before it
                    start = spans[i - 1][0]
                    text = unmarked(chunk.text[start:end])
                found.append(_Candidate(_slice(chunk, start, end, text), chunk, _content(text), rank))
        return found

    def choose(self, candidates: Sequence[_Candidate], scores: Sequence[float]) -> list[Passage]:
        """Greedy maximal marginal relevance under the point and word budgets, in the cross-encoder's logits: each
        earlier point from the same article costs ``same_article``, and a sentence scoring more than ``margin``
        below the best is not a point at all."""
        if not candidates:
            return []
        floor = max(scores) - self.margin
        left = sorted((i for i in range(len(candidates)) if scores[i] >= floor),
                      key=lambda i: (-scores[i], candidates[i].rank))
        chosen: list[int] = []
        used = 0
        per_article: dict[str, int] = {}
        while left and len(chosen) < self.max_points:
            best, best_value = None, -math.inf
            for i in left:
                words = len(candidates[i].passage.text.split())
                if used + words > self.max_words or self._repeats(candidates[i], [candidates[j] for j in chosen]):
                    continue
                value = scores[i] - self.same_article * per_article.get(candidates[i].passage.article_id, 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                break
            chosen.append(best)
            left.remove(best)
            used += len(candidates[best].passage.text.split())
            article = candidates[best].passage.article_id
            per_article[article] = per_article.get(article, 0) + 1
        return [replace(candidates[i].passage, rerank_score=scores[i]) for i in chosen]

    def _repeats(self, candidate: _Candidate, chosen: Sequence[_Candidate]) -> bool:
        for other in chosen:
            if candidate.passage.article_id == other.passage.article_id and _overlaps(candidate.passage, other.passage):
                return True  # the same words (a sentence pulled in as another's context)
            shared = len(candidate.words & other.words)
            if shared >= self.redundancy * max(1, min(len(candidate.words), len(other.words))):
                return True
        return False


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.start < b.end and b.start < a.end


def _slice(chunk: Passage, start: int, end: int, text: str) -> Passage:
    """The sentence at ``chunk.text[start:end]`` as a passage of its article (offsets into the article)."""
    lead = len(chunk.text[start:end]) - len(chunk.text[start:end].lstrip())
    begin = chunk.start + start + lead
    return replace(chunk, chunk_id=f"{chunk.chunk_id}@{begin}", text=text, start=begin,
                   end=begin + len(chunk.text[start:end].strip()))


def _content(text: str) -> frozenset[str]:
    return frozenset(w for w in fold(text).replace("-", " ").split() if w not in _STOP and len(w) > 1)


# --- the order points are shown in ---

_TIMELINE = re.compile(r"\b(?:timeline|chronolog\w*|unfold\w*|progress\w*|play(?:ed)?\s+out|evolv\w*|develop\w*|"
                       r"sequence|step\s+by\s+step|what\s+led|lead\s+up|led\s+up)\b", re.IGNORECASE)
_LATEST = re.compile(r"\b(?:latest|so\s+far|right\s+now|currently|today|this\s+week|most\s+recent|newest)\b",
                     re.IGNORECASE)
_SIDES = re.compile(r"\b(?:compare[sd]?|comparison|versus|vs\.?|differ\w*|contrast\w*)\b", re.IGNORECASE)
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
# A day and month, with the year when given ("12 June 2022", "December 8th"); rag.answering.details reads them too.
DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?,?"
                        r"(?:\s+(\d{4}))?\b", re.IGNORECASE)
MONTH_DAY = re.compile(r"\b(" + "|".join(m[:3] for m in _MONTHS) + r")[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b,?"
                        r"(?:\s+(\d{4}))?", re.IGNORECASE)


def arrange(question: str, points: Sequence[Passage]) -> list[Passage]:
    """The points in the order a reader wants them: by date for a timeline, newest first for "the latest", side by
    side for a comparison, else best first."""
    if _TIMELINE.search(question):
        order = {p.chunk_id: i for i, p in enumerate(points)}
        return sorted(points, key=lambda p: (event_day(p.text, p.published_at) or p.published_at or date.max,
                                             p.published_at or date.max, p.article_id, p.start, order[p.chunk_id]))
    if _LATEST.search(question):
        return sorted(points, key=lambda p: -(p.published_at or date.min).toordinal())  # stable: best first per day
    if _SIDES.search(question):
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
    parts = re.split(r"\b(?:compared?\s+(?:with|to)|compare[sd]?|versus|vs\.?|with|to|and|against|than)\b", question,
                     flags=re.IGNORECASE)
    sides = [_content(part) for part in parts if _content(part)]
    if len(sides) < 2:
        return list(points)
    shared = frozenset.intersection(*sides)
    sides = [side - shared for side in sides]

    def side_of(point: Passage) -> int:
        words = _content(point.text)
        overlaps = [len(words & side) for side in sides]
        return overlaps.index(max(overlaps)) if max(overlaps) else len(sides)

    return sorted(points, key=side_of)  # stable: best first within a side
