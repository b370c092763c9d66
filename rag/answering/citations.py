"""Citation markers and their check: turn a model's (or quoter's) text with [n] markers into an ``Answer`` whose
markers all point at a passage, and the sentence-level helpers that grounding and the UI share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from rag.answering.sentences import sentences
from rag.types import Answer, Citation, KeyPoint, Passage

EXCERPT_GAP = "\n…\n"  # between two excerpts of one article that are not next to each other
NOT_COVERED = "The indexed articles do not cover this question, so I cannot answer it from them."

MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # [1], [2, 3]: citation markers
MARKER_WITH_SPACE = re.compile(rf"\s*{MARKERS.pattern}")  # a marker with the space before it
_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def unmarked(text: str) -> str:
    """Article text with anything shaped like a citation marker taken out: quoted into an answer, an article's
    own "[2]" would otherwise pass for a citation of source 2."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", MARKERS.sub("", text))).strip()


def cited_numbers(text: str, count: int) -> list[int]:
    """The passage numbers ``text``'s markers point at, first citation first, each once, only 1 … ``count``."""
    numbers = [int(raw) for m in MARKERS.finditer(text) for raw in m.group(1).split(",")]
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= count]


def quoted(sentence: str) -> str:
    """A source sentence in quotation marks; quotes inside it become single ones, as in print."""
    return "“" + sentence.translate(_INNER_QUOTES) + "”"


def cite(question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
    """Check the [n] markers against the passages: keep those that point at a passage, drop the rest, and list
    only the cited passages as citations. Numbers are kept as written, so the final text matches what was
    streamed (less any dropped marker)."""
    if not passages:
        return Answer(question=question, text=text.strip() or NOT_COVERED, citations=(), passages=(),
                      mode=mode, refused=True)
    cited: list[int] = []

    def keep_valid(match: re.Match[str]) -> str:
        numbers = [int(raw) for raw in match.group(1).split(",")]
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(passages)]
        cited.extend(n for n in valid if n not in cited)
        return "".join(f"[{n}]" for n in valid)

    cleaned = MARKERS.sub(keep_valid, text)
    cleaned = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", cleaned)  # "[1] [1] [1]" -> "[1]"
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    answer_sentences = split_answer(cleaned)
    citations = tuple(
        Citation(number=n, passage=passages[n - 1], cited_by=tuple(s for s in answer_sentences if f"[{n}]" in s))
        for n in sorted(cited)
    )
    return Answer(question=question, text=cleaned or NOT_COVERED, citations=citations, passages=tuple(passages),
                  mode=mode, refused=not cleaned)


def split_answer(text: str) -> list[str]:
    """Sentences of an answer, each with the [n] markers that follow it ("… city. [1] Next …" -> "… city. [1]")."""
    parts: list[str] = []
    for start, end in sentences(text):
        sentence = text[start:end]
        leading = re.match(r"(?:\s*\[\d+\])+", sentence)
        if leading and parts:
            parts[-1] += " " + leading.group(0).strip()
            sentence = sentence[leading.end():].strip()
        if sentence:
            parts.append(sentence)
    return parts


def complete_sentences(pieces: Iterable[str]) -> Iterator[str]:
    """The sentences of a text arriving in pieces (a model's stream), each as soon as it is complete with its [n]
    markers: when the next sentence has begun. The last comes at the end of the stream."""
    buffer = ""
    for piece in pieces:
        buffer += piece
        parts = split_answer(buffer)
        if len(parts) > 1:
            yield from parts[:-1]
            buffer = buffer[buffer.rindex(parts[-1]):]
    yield from split_answer(buffer)


def renumbered(answer: Answer) -> Answer:
    """The answer with its cited passages numbered 1, 2 … in the order the text first cites them, and listed first,
    so a reader's sources list always starts at [1] (a model citing only its second source wrote "[2]")."""
    order = cited_numbers(answer.text, len(answer.passages))
    if order == list(range(1, len(order) + 1)):
        return answer
    order += [n for n in range(1, len(answer.passages) + 1) if n not in order]
    new_number = {old: new for new, old in enumerate(order, start=1)}
    text = MARKERS.sub(lambda m: "".join(f"[{new_number[int(raw)]}]" for raw in m.group(1).split(",")
                                         if int(raw) in new_number), answer.text)
    recited = cite(answer.question, text, [answer.passages[n - 1] for n in order], answer.mode)
    return replace(recited, refused=answer.refused, short_answer=answer.short_answer, form=answer.form)


def by_article(passages: Sequence[Passage]) -> list[Passage]:
    """One passage per article, in the order the articles first appear, so that an answer numbers each article
    once: its excerpts in article order, overlapping or touching ones joined into one slice, others with an
    ellipsis line (``EXCERPT_GAP``) between them; ``start``/``end`` span them all."""
    groups: dict[str, list[Passage]] = {}
    for passage in passages:
        groups.setdefault(passage.article_id, []).append(passage)
    merged = []
    for parts in groups.values():
        first = parts[0]
        ordered = sorted(parts, key=lambda p: (p.start, -p.end))
        text, start, end = ordered[0].text, ordered[0].start, ordered[0].end
        for part in ordered[1:]:
            if part.end <= end:
                continue  # already inside
            text += part.text[end - part.start:] if part.start <= end else EXCERPT_GAP + part.text
            end = part.end
        merged.append(first if len(parts) == 1 else replace(first, text=text, start=start, end=end))
    return merged


def point_line(point: KeyPoint) -> str:
    """A key point as one line of an answer's text: its source's date, the quoted sentence, its [n]."""
    day = f"{point.published_at.isoformat()} — " if point.published_at else ""
    return f"• {day}{quoted(' '.join(point.text.split()))} [{point.number}]"
