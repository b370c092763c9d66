"""Scorers, each a small pure function so its numbers can be checked by hand (see tests/test_scoring.py).

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
