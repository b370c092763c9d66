"""Key points for open questions: the sentences of the retrieved chunks that state the facts, chosen under a budget.

An open question ("What happened…?", "Why…?", "Give me a timeline…") needs facts spread over several articles, and a
small model writing prose from cut-down chunks left most of them out. Here every sentence of the best retrieved
chunks is scored against the question by the cross-encoder (``rag.models.cross_encoder``), which reads
the question and the sentence together and so tells the sentence that states a fact from one that shares its words.
The best are then taken greedily (maximal marginal relevance): a sentence that repeats one already chosen is
skipped, and each further point from an article already used counts a little less, so several articles speak when
several are relevant. A sentence that opens by pointing back ("He …", "But …", "The move …") brings the sentence
before it, so it is read right. The points are quoted, so they need no grounding check.

>>> selector = KeyPointSelector(load_cross_encoder(SENTENCE_TOKENS), max_points=6, max_words=160, max_chunks=10)
>>> points = selector("What happened in Aleppo?", passages)   # [Passage], one sentence (or two) each, best first
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.citations import unmarked
from rag.answering.normalise import content_words, fold
from rag.answering.sentences import sentences
from rag.models.cross_encoder import CrossEncoder
from rag.question import question_parts
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


class KeyPointSelector:
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
        """The points. Two questions in one ("What happened in X, and how did Y respond?") are scored part by part:
        each part's best sentence comes first, then the best of the rest by its best part."""
        candidates = self.candidates(passages)
        if not candidates:
            return []
        parts = question_parts(question)
        if len(parts) == 1:
            return self.choose(candidates, self.scores(question, candidates))
        by_part = [self.scores(part, candidates) for part in parts]
        firsts = [max(range(len(candidates)), key=lambda i: scores[i]) for scores in by_part]
        return self.choose(candidates, [max(each) for each in zip(*by_part)], first=firsts)

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
                found.append(_Candidate(_slice(chunk, start, end, text), chunk, content_words_of(text), rank))
        return found

    def choose(self, candidates: Sequence[_Candidate], scores: Sequence[float],
               first: Sequence[int] = ()) -> list[Passage]:
        """Greedy maximal marginal relevance under the point and word budgets, in the cross-encoder's logits: each
        earlier point from the same article costs ``same_article``, and a sentence scoring more than ``margin``
        below the best is not a point at all. ``first``: candidates taken before the others, in this order (each
        part's best, of a question in parts), unless one repeats another."""
        if not candidates:
            return []
        floor = max(scores) - self.margin
        forced = list(dict.fromkeys(first))
        left = sorted((i for i in range(len(candidates)) if scores[i] >= floor or i in forced),
                      key=lambda i: (-scores[i], candidates[i].rank))
        chosen: list[int] = []
        used = 0
        per_article: dict[str, int] = {}
        while left and len(chosen) < self.max_points:
            best, best_value = None, -math.inf
            pending = [i for i in forced if i in left]
            for i in pending[:1] or left:
                words = len(candidates[i].passage.text.split())
                if used + words > self.max_words or self._repeats(candidates[i], [candidates[j] for j in chosen]):
                    continue
                value = scores[i] - self.same_article * per_article.get(candidates[i].passage.article_id, 0)
                if value > best_value:
                    best, best_value = i, value
            if best is None:
                if pending:  # a part's best repeats a point already chosen: the part is answered
                    forced.remove(pending[0])
                    continue
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


def content_words_of(text: str) -> frozenset[str]:
    """Content words as key points compare them (for repeats, and a comparison's sides): single letters left out."""
    return content_words(text, _STOP, min_length=2)
