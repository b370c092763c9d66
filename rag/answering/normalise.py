"""Words as a reader compares them: the folding every check and every picker of sentences shares.

``fold`` makes "4.0 million" and "4 million", "Sept." and "September", "8th" and "8", curly and straight quotes the
same words; ``word_set`` is a text's folded word set (cached: one answer's claims meet the same passages many times);
``same_name`` lets a name match its adjective ("Russia" ~ "Russian"); ``content_words`` drops the small words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

MONTHS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
           "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
           "dec": "december"}
_NUMBER_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven "
                                                 "twelve".split())}
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "‐": "-",
                       "‑": "-", "−": "-", "\u00a0": " "})
# Capitalised words that are not names a claim could get wrong: sentence openers, titles, pronouns.
NOT_NAMES = set("""a an the and or but of in on at to for from by with as after before during since while when where
what which who why how this that these those there their they he she it its his her we our i you yes no not also
however meanwhile according mr mrs ms dr president prime minister secretary gov governor sen senator rep chief judge
king queen prince general officials official spokesperson spokesman spokeswoman ceo""".split())
STOPWORDS = NOT_NAMES | set("""is are was were be been being has have had do does did will would can could should may
might must about into over under than then so if because up down out off more most less least very just only such
said says say""".split())


def fold(text: str) -> str:
    """Text reduced to what a reader would call the same words: case, accents, quote and dash styles, month
    abbreviations, ordinal suffixes, digit grouping and trailing ".0" folded away; words joined by single spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 10,000 -> 10000
    text = re.sub(r"(?<=\d)\.0+\b", "", text)  # 4.0 -> 4
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)  # 8th -> 8
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # u.s. -> us. ; u.k. -> uk.
    text = re.sub(r"\b([a-z]{2})\.(?=\s|$)", lambda m: m.group(1) + " " if m.group(1) in ("us", "uk", "un", "eu")
                  else m.group(0), text)
    words = re.findall(r"\w+(?:[.'-]\w+)*", text)
    out = []
    for word in words:
        word = re.sub(r"'s$", "", word)
        out.append(MONTHS.get(word, _NUMBER_WORDS.get(word, word)))
    return " ".join(out)


@lru_cache(maxsize=4096)
def cached_fold(text: str) -> str:
    """``fold`` of a passage, cached: one answer's claims are checked against the same few passages many times."""
    return fold(text)


@lru_cache(maxsize=4096)
def word_set(text: str) -> frozenset[str]:
    text = cached_fold(text)
    return frozenset(text.replace("-", " ").split()) | frozenset(text.split())


def same_name(word: str, words: frozenset[str]) -> bool:
    """A name word is in the text as written or as its adjective/plural: Russia ~ Russian, Israel ~ Israeli."""
    if word in words:
        return True
    return len(word) >= 4 and any(len(w) >= 4 and abs(len(w) - len(word)) <= 3 and (w.startswith(word) or
                                                                                   word.startswith(w)) for w in words)


def content_words(text: str, stopwords: Collection[str] = STOPWORDS, min_length: int = 1) -> frozenset[str]:
    """The folded words of ``text`` that carry its content: hyphenated words split, ``stopwords`` and words shorter
    than ``min_length`` left out."""
    return frozenset(w for w in fold(text).replace("-", " ").split() if w not in stopwords and len(w) >= min_length)
