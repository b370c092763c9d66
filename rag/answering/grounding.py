"""The grounding check: every claim of an answer must be stated by the passage it cites, before anyone sees it.

Each claim's specifics (``rag.answering.claims``) must occur in the passages it cites. A claim that fails is
re-cited to a retrieved passage that does support it, or dropped; a model that cites every source after a sentence
keeps only those it needs. When nothing is left, the answerer says plainly that the articles do not give what was
asked (``rag.answering.refusal``). No model runs here: it is string work, a few milliseconds an answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.citations import MARKERS, cited_numbers, split_answer
from rag.answering.claims import Specifics, specifics, supports
from rag.answering.normalise import cached_fold, content_words, fold, same_name, word_set
from rag.answering.refusal import NOT_GIVEN
from rag.types import Passage


@dataclass(frozen=True)
class Checked:
    """The answer text after the check, and what happened to its claims."""

    text: str
    kept: int
    recited: int
    dropped: tuple[str, ...]


def check_answer(text: str, passages: Sequence[Passage], phrase: bool = False, question: str = "") -> Checked:
    """Keep the claims of ``text`` its cited passages support, re-cite those another passage supports, drop the
    rest (and repeats). ``phrase``: the text is a quiz answer (a phrase and its [n]), checked word by word. What the
    ``question`` itself says ("… in June 2022?") may be restated without a source."""
    checker = ClaimChecker(passages, phrase=phrase, question=question)
    kept = [shown for sentence in split_answer(text) if (shown := checker.check(sentence))]
    return Checked(" ".join(kept), checker.kept, checker.recited, tuple(checker.dropped))


class ClaimChecker:
    """The check one claim at a time, so that an answer can be shown sentence by sentence as the model writes it,
    each sentence only once it has passed (``check_answer`` runs it over a whole text, with the same result)."""

    def __init__(self, passages: Sequence[Passage], phrase: bool = False, question: str = "") -> None:
        self.passages = passages
        self.phrase = phrase
        self.given = word_set(question) if question else frozenset()
        self.seen: set[str] = set()
        self.dropped: list[str] = []
        self.kept = self.recited = 0

    def check(self, sentence: str) -> str | None:
        """The claim as it may be shown (with the markers of the passages that state it), or None: dropped, a
        repeat, or markers alone."""
        passages = self.passages
        numbers = cited_numbers(sentence, len(passages))
        claim_text = re.sub(r"\s+([.,;:!?])", r"\1", MARKERS.sub("", sentence)).strip()
        key = fold(claim_text)
        if key in self.seen or not claim_text.strip(" .,;:!?-–—"):
            return None  # a repeat (small models loop) or markers alone
        self.seen.add(key)
        found = specifics(claim_text, phrase=self.phrase)
        claim = replace(found, exact=tuple(w for w in found.exact if w not in self.given),
                        names=tuple(w for w in found.names if not same_name(w, self.given)))
        if NOT_GIVEN.search(claim_text) and not (claim.exact or claim.names or claim.attributions or claim.phrases):
            # "The articles do not give …" about what the question asks: a statement about the sources. One that
            # also asserts something ("… but the mayor was arrested on 3 May [1]") is a claim, checked as any other.
            return claim_text
        cited = [passages[n - 1] for n in numbers]
        checkable = claim.exact or claim.names or claim.attributions or claim != found  # else: word overlap decides
        if cited and checkable and supports(cited, claim):
            self.kept += 1
            return _with_markers(claim_text, _needed(numbers, claim, passages))
        other = _supporting(claim_text, claim, passages)
        sources = [other] if other is not None else _item_sources(claim, passages)
        if not sources:
            self.dropped.append(sentence)
            return None
        if set(sources) <= set(numbers):
            self.kept += 1
        else:
            self.recited += 1
        return _with_markers(claim_text, sources)


def _needed(numbers: list[int], claim: Specifics, passages: Sequence[Passage]) -> list[int]:
    """Of the passages a claim cites, those it needs: one that states it all if there is one, else each that
    states part of it. A model that cites every source after a sentence ("[1] [2] [3] [4]") keeps only those."""
    alone = [n for n in numbers if supports([passages[n - 1]], claim)]
    if alone:
        return alone[:1]
    wanted = set(claim.exact) | set(claim.names)
    return [n for n in numbers if wanted & word_set(passages[n - 1].text)] or numbers[:1]


def _with_markers(claim_text: str, numbers: Sequence[int]) -> str:
    markers = "".join(f"[{n}]" for n in numbers)
    if re.search(r"[.!?]$", claim_text):
        return f"{claim_text[:-1].rstrip()} {markers}{claim_text[-1]}"
    return f"{claim_text} {markers}"


def _supporting(claim_text: str, claim: Specifics, passages: Sequence[Passage]) -> int | None:
    """The passage (1-based) that supports the claim on its own, sharing most of its words; None if none does."""
    if not (claim.exact or claim.names):
        return _overlap_source(claim_text, passages)
    fitting = [n for n, p in enumerate(passages, start=1) if supports([p], claim)]
    if not fitting:
        return None
    wanted = content_words(claim_text)
    return max(fitting, key=lambda n: (len(wanted & word_set(passages[n - 1].text)), -n))


def _item_sources(claim: Specifics, passages: Sequence[Passage]) -> list[int]:
    """For a list answer no one passage states in full ("Rishi Sunak, Liz Truss"): a passage for each item, or
    nothing when some item is in none."""
    if len(claim.phrases) < 2:
        return []
    folded = [f" {cached_fold(p.text)} " for p in passages]
    sources: list[int] = []
    for phrase in claim.phrases:
        found = next((n for n, text in enumerate(folded, start=1) if f" {phrase} " in text), None)
        if found is None:
            return []
        sources.append(found)
    return list(dict.fromkeys(sources))


def _overlap_source(claim_text: str, passages: Sequence[Passage]) -> int | None:
    """For a claim with nothing checkable (no name, number or date): the passage sharing at least half of its
    content words, the most first; None when no passage says anything like it."""
    wanted = content_words(claim_text)
    if not wanted:
        return None
    best = max(range(len(passages)), key=lambda i: len(wanted & word_set(passages[i].text)), default=None)
    if best is None or len(wanted & word_set(passages[best].text)) < len(wanted) / 2:
        return None
    return best + 1
