"""Scorers, each a small pure function so its numbers can be checked by hand (see tests/eval/test_scoring.py).

Answer normalisation follows SQuAD (lower-case, delete punctuation, drop the articles a/an/the, squeeze spaces),
with one deliberate difference: Unicode punctuation is deleted too, not just ASCII, so “Squid Game” matches
"Squid Game" (news text is full of curly quotes). Every system, ours and the baselines, goes through the same one.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit


def normalize_answer(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(ch for ch in text if ch not in string.punctuation and not unicodedata.category(ch).startswith("P"))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str | None, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str | None, gold: str) -> float:
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def normalize_url(url: str) -> str:
    """Scheme, ``www.``, query, fragment and a trailing slash do not make a different article."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else url.strip().rstrip("/")


def gold_rank(retrieved_urls: Sequence[str], gold_urls: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved passage from a gold article, or None if none was retrieved."""
    gold = {normalize_url(u) for u in gold_urls}
    return next((i for i, url in enumerate(retrieved_urls, start=1) if normalize_url(url) in gold), None)


def answer_rank(passages: Sequence[str], answer: str) -> int | None:
    """1-based rank of the first passage containing the normalised answer (as whole words), or None."""
    needle = normalize_answer(answer)
    if not needle:
        return None
    return next((i for i, text in enumerate(passages, start=1) if f" {needle} " in f" {normalize_answer(text)} "), None)


def hit_at(rank: int | None, k: int) -> float:
    return float(rank is not None and rank <= k)


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def citation_precision(cited_urls: Sequence[str], gold_urls: Sequence[str]) -> float | None:
    """Share of the cited sources that are gold articles; None when nothing was cited."""
    if not cited_urls:
        return None
    gold = {normalize_url(u) for u in gold_urls}
    return sum(normalize_url(u) in gold for u in cited_urls) / len(cited_urls)


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (as numpy's default), ``q`` in 0..100; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# Open questions (the rtqa-open-dev format): an answer is scored on the key facts it states, each fact a list of
# accepted wordings (aliases). Matching follows that benchmark's definition: lower-case, curly quotes made straight,
# punctuation replaced by spaces (not deleted, as in normalize_answer: "U-Haul" reads "u haul"), a/an/the dropped,
# whitespace collapsed, and a match must be whole words ("31" is not in "310").

_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'})


def normalize_text(text: str | None) -> str:
    text = (text or "").lower().translate(_CURLY)
    text = "".join(" " if ch in string.punctuation or unicodedata.category(ch).startswith("P") else ch for ch in text)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def fact_stated(text: str | None, aliases: Sequence[str]) -> bool:
    """Whether ``text`` states a fact: one of its aliases occurs in it, normalised, as whole words."""
    haystack = f" {normalize_text(text)} "
    return any(needle and f" {needle} " in haystack for needle in map(normalize_text, aliases))


def facts_stated(text: str | None, key_facts: Sequence[Sequence[str]]) -> list[bool]:
    """For each key fact, whether ``text`` states it."""
    haystack = f" {normalize_text(text)} "
    return [any(needle and f" {needle} " in haystack for needle in map(normalize_text, aliases))
            for aliases in key_facts]


def key_fact_recall(text: str | None, key_facts: Sequence[Sequence[str]]) -> float | None:
    """The share of the key facts that ``text`` states; None when there are no key facts."""
    stated = facts_stated(text, key_facts)
    return sum(stated) / len(stated) if stated else None


def all_facts(text: str | None, key_facts: Sequence[Sequence[str]]) -> float | None:
    """1.0 when ``text`` states every key fact, else 0.0; None when there are no key facts."""
    stated = facts_stated(text, key_facts)
    return float(all(stated)) if stated else None


def grounded_facts(text: str | None, key_facts: Sequence[Sequence[str]], cited_texts: Sequence[str]) -> float | None:
    """Of the key facts ``text`` states, the share that also occur (any alias) in one of the passages it cites
    (``[c.passage.text for c in answer.citations]``); None when it states none."""
    stated = [aliases for aliases, said in zip(key_facts, facts_stated(text, key_facts)) if said]
    if not stated:
        return None
    return sum(any(fact_stated(passage, aliases) for passage in cited_texts) for aliases in stated) / len(stated)


# "The articles do not give a death toll", "The indexed articles do not cover this question", "The sources do not
# say.", "None of the articles mention…", "The death toll is not stated in the sources", "There is no information
# about it in the articles", "I could not find…": an answer that plainly says the detail is not in the articles. The
# subject must be the articles themselves ("the sources", "these reports"), not a person or body in the news:
# "Police did not say how many were hurt" reports what the news says and is not a refusal.
_SOURCE = (r"(?:articles?|sources?|reports?|passages?|texts?|documents?|excerpts?|stories|story|coverage|corpus|"
           r"context|search results|news items?|snippets?)")
_DETERMINER = (r"(?:the|these|those|this|both|my|your|our|all(?: of)? the|any of the|"
               r"(?:provided|indexed|available|retrieved|cited|given|above|news|supplied)\s)")
_ADJECTIVES = r"(?:\s(?:provided|indexed|available|retrieved|cited|given|above|news|supplied|relevant|same))*"
_SUBJECT = rf"\b{_DETERMINER}{_ADJECTIVES}\s?{_SOURCE}\b"
_AFTER_SUBJECT = (r"(?:\s?,|\s(?:provided|given|here|above|available|cited|retrieved|indexed|supplied|themselves|"
                  r"also|only|so far|at hand|i have|i found|i was given|i read|in the index|in the corpus|however|"
                  r"unfortunately))*")
_VERBS = (r"(?:give|say|state|report|mention|cover|specify|provide|include|contain|list|name|reveal|disclose|"
          r"identify|indicate|detail|offer|address|answer|explain|discuss|describe|confirm|tell|quote|attribute|"
          r"put a (?:number|figure)|go into)")
_PARTICIPLES = (r"(?:given|said|stated|reported|mentioned|covered|specified|provided|included|contained|listed|"
                r"named|revealed|disclosed|identified|indicated|detailed|offered|addressed|answered|explained|"
                r"discussed|described|confirmed|available|found|quoted|attributed|known from)")
_NEGATED = (r"(?:do not|don't|does not|doesn't|did not|didn't|never|fail to|fails to|failed to|cannot|can't|"
            r"could not|couldn't)")
_NOT_GIVEN = [
    # the sources do not say / the indexed articles do not cover / the articles provided never mention
    rf"{_SUBJECT}{_AFTER_SUBJECT}\s{_NEGATED}"
    rf"(?:\s(?:explicitly|directly|specifically|clearly|actually|appear to|seem to|any))*\s{_VERBS}",
    # the articles give no death toll / make no mention / contain no information / are silent on
    rf"{_SUBJECT}{_AFTER_SUBJECT}\s(?:give|gives|provide|provides|offer|offers|contain|contains|include|includes|"
    rf"have|has|make|makes|hold|holds)\s(?:no|nothing)\b",
    rf"{_SUBJECT}{_AFTER_SUBJECT}\s(?:is|are)\s(?:silent|mute)\b",
    # none of the articles / neither source / no article says
    rf"\b(?:none of|neither of)\s(?:the|these|those)\s(?:\w+\s)?{_SOURCE}\s(?:\w+\s)?{_VERBS}",
    rf"\b(?:neither|no)\s(?:article|source|report|passage|document|story)\s(?:\w+\s)?{_VERBS}",
    # the death toll is not given in the articles / not mentioned by the sources
    rf"\bnot\s(?:\w+\s)?{_PARTICIPLES}\s(?:[\w']+\s){{0,4}}?(?:in|by|within|from|anywhere in)\s"
    rf"{_DETERMINER}?{_ADJECTIVES}\s?{_SOURCE}\b",
    rf"\b(?:cannot|can't|can not|could not|couldn't)\sbe\s(?:determined|found|answered|confirmed|established|"
    rf"identified|inferred|verified|told)\s(?:from|in|with|using|based on)\s{_DETERMINER}?{_ADJECTIVES}\s?{_SOURCE}\b",
    # there is no information about it in the articles
    rf"\bno\s(?:information|details?|mention|figures?|data|numbers?|indication|word|record|reference)\b[^.;!?]{{0,80}}?"
    rf"\b(?:in|from|within)\s{_DETERMINER}?{_ADJECTIVES}\s?{_SOURCE}\b",
    # I cannot answer it from them / I could not find …
    r"\bi\s(?:cannot|can't|can not|could not|couldn't|am unable to|was unable to|"
    r"am not able to|do not|don't)\s(?:\w+\s)?(?:find|answer|determine|tell|say|confirm|know)\b",
]
_NOT_GIVEN_RE = re.compile("|".join(f"(?:{p})" for p in _NOT_GIVEN))


def says_not_given(text: str | None) -> bool:
    """Whether an answer plainly says that the articles do not give (say, state, report, mention, cover…) what
    was asked. Stating facts as well does not change that ("The articles do not give a death toll; they report
    …" is a refusal); a specific detail without such a statement is not one."""
    text = " ".join((text or "").lower().translate(_CURLY).split())
    return bool(_NOT_GIVEN_RE.search(text))
