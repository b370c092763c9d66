"""What two articles are compared by: their weighted words (TF-IDF over the lead, names weighted up, since two
look-alike events differ mostly in who, where and how many), and a MinHash of their text's word shingles, which
estimates how much of one text the other repeats (a wire copy, one story under two URLs)."""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping

import numpy as np

LEAD_WORDS = 200  # an article's story is in its title and lead; later paragraphs drift into background
NAME_WEIGHT = 2.0  # names and numbers tell two incidents of one kind apart (two earthquakes, two boxing bouts)
SHINGLE = 5  # words per shingle: long enough that shared phrases of one topic do not look like copying
PERMUTATIONS = 64  # MinHash size: the resemblance estimate's standard error is about 0.06 at 0.8
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20221014)  # fixed: signatures stored by one process are compared by another
_A = _rng.integers(1, _PRIME, PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, PERMUTATIONS, dtype=np.uint64)

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[^\W_]|[^\W\d_]|\d[\d,.]*\d|\d")
_STOPWORDS = frozenset("""a about after again against all also an and any are as at be because been before being
between both but by can could did do does during each few for from further had has have he her here hers him his how
i if in into is it its just more most my no nor not now of off on once only or other our out over own same she should
so some such than that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your said says say told according new one two
year years week day days time people percent monday tuesday wednesday thursday friday saturday sunday""".split())


def words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def term_counts(title: str, text: str) -> dict[str, float]:
    """The lead's content words, lower-cased, counted; a capitalised word (a name, or a sentence's first word) or a
    number counts ``NAME_WEIGHT`` times."""
    counts: dict[str, float] = {}
    tokens = words(title) + words(" ".join(text.split()[:LEAD_WORDS]))
    for token in tokens:
        lower = token.lower().strip(".,")
        if len(lower) < 2 or lower in _STOPWORDS:
            continue
        counts[lower] = counts.get(lower, 0.0) + (NAME_WEIGHT if token[0].isupper() or token[0].isdigit() else 1.0)
    return counts


def weigh(counts: Mapping[str, float], document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    """TF-IDF (log-scaled counts, smoothed IDF plus one, as scikit-learn's, so the words of the first articles of
    an index weigh something), normalised to unit length."""
    weights = {t: (1.0 + math.log(c)) * (1.0 + math.log((documents + 1) / (document_frequency.get(t, 0) + 1)))
               for t, c in counts.items() if c > 0}
    return normalised(weights)


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two unit-length sparse vectors (a centroid need not be unit length: ``normalised`` it first)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def top_terms(weights: Mapping[str, float], keep: int) -> dict[str, float]:
    """The ``keep`` heaviest terms: a story's word centroid stays small however many articles it has."""
    return dict(sorted(weights.items(), key=lambda item: -item[1])[:keep])


def signature(text: str) -> np.ndarray:
    """The MinHash of the text's ``SHINGLE``-word shingles (lower-cased words): ``PERMUTATIONS`` uint64 values."""
    tokens = [t.lower() for t in words(text)]
    shingles = {" ".join(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    if not len(hashes):
        return np.full(PERMUTATIONS, _PRIME, dtype=np.uint64)
    permuted = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME  # crc32 < 2^32 and a < 2^61: wraps mod 2^64
    return permuted.min(axis=0)


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets, from their signatures."""
    return float(np.mean(a == b))
