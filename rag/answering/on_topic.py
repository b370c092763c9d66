"""Whether a quiz phrase answers the question asked, or only some question. The grounding check proves the phrase is in
a cited passage, not that the passage answers this question: "What does 'PSL' stand for?" → "D. iPhone" is in a
passage (a news quiz's choices for another question), so it passes the check and reads like a right answer.

The evidence (``rag.answering.quiz``) is the two sentences of what the model reads that the cross-encoder scores
highest against the question, after their article's title. Its logits run from about -11 (unrelated) to +10; 0 is
where it rates a pair as likely relevant as not. So:

- ``reading_answers``: when even the best sentence scores below ``RELEVANT``, the articles read do not address the
  question, and no model is asked: the answer is "The articles do not give …";
- ``phrase_answers``: the model's phrase must be in one of the evidence sentences, unless the best of them is clearly
  relevant (``SURE``) so the rest of the reading is about the question too; a phrase from a list of choices ("A.
  Twitter B. Instagram … D. iPhone"), or an option itself, answers nothing.

A short question naming something ("When does the N7 run?") passes both when the reading holds the name, as it
passes retrieval's relevance floor, and so does a follow-up pointing back at a person ("What did she make?"): the
cross-encoder scores such questions low even when they are answered, so the grounding check alone judges them.

Measured on the dev quiz set (docs/how-it-works.md, "Right or not given"): each rule alone, and these floors, were
chosen from a curve of right answers lost against wrong ones turned into "not given".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answering.normalise import fold
from rag.question import named_words
from rag.types import KeyPoint

RELEVANT = 0.0  # the best evidence sentence's logit below which the reading does not address the question
SURE = 2.0  # at or above it, a phrase may come from beyond the two evidence sentences
SHORT = 6  # words: a question this short scores low with the cross-encoder even when answered ("When does the N7 run?")
_PERSON_BACK = re.compile(r"\b(?:he|she|they|him|her|them|his|hers|their|theirs)\b", re.IGNORECASE)
_OPTION = re.compile(r"(?:^|[\s(])[A-Da-d][.)]\s+\S")  # "A. Twitter", "(b) Instagram"
_OPTION_START = re.compile(r"^\(?[A-Da-d][.)]\s")


def best_score(evidence: Sequence[KeyPoint]) -> float | None:
    """The cross-encoder's score of the best evidence sentence; None when there is no evidence."""
    scores = [p.passage.rerank_score for p in evidence if p.passage.rerank_score is not None]
    return max(scores) if scores else None


def named_in(question: str, texts: Sequence[str]) -> bool:
    """Whether a short question names something ("N7", "Ilse Varga") that the texts hold: such a question is on
    topic whatever the cross-encoder makes of it, as retrieval's relevance floor treats it (``names_found``). The
    cross-encoder scores short questions so low that its evidence says little: their phrase is judged by the
    grounding check alone (``texts`` empty: only whether the question is short and names something)."""
    if _PERSON_BACK.search(question):  # "What did she make?": read with the conversation, which the cross-encoder lacks
        return True
    named = named_words(question) if len(question.split()) <= SHORT else set()
    return bool(named) and (not texts or any(named & set(re.findall(r"[\w-]+", t.lower())) for t in texts))


def reading_answers(question: str, evidence: Sequence[KeyPoint], read: Sequence[str]) -> bool:
    """Whether what the model reads (``read``) addresses the question (no evidence to judge by: assume it may)."""
    best = best_score(evidence)
    return best is None or best >= RELEVANT or named_in(question, read)


def is_choice_list(sentence: str) -> bool:
    """A multiple-choice line ("A. Twitter B. Instagram C. Facebook D. iPhone"): its options answer no question."""
    return len(_OPTION.findall(sentence)) >= 2


def phrase_answers(question: str, phrase: str, sentence: str, evidence: Sequence[KeyPoint]) -> bool:
    """Whether ``phrase``, quoted from ``sentence``, answers the question the ``evidence`` was chosen for."""
    if _OPTION_START.match(phrase) or is_choice_list(sentence):
        return False
    best = best_score(evidence)
    if best is None or best >= SURE or named_in(question, []):
        return True
    wanted = f" {fold(phrase)} "
    return any(wanted in f" {fold(p.text)} " for p in evidence)
