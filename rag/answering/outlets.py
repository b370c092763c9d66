"""How outlets report one story: "How do outlets differ on …?", "How did CNN and USA Today cover …?".

Per outlet, the sentences of its own articles that best answer the question (the key-point selector, run on that
outlet's passages alone), quoted and cited; a point stating what no other outlet's passages do (a number or a name
only it holds) is marked "only in <outlet>". No chat model: what each outlet says is quoted, never paraphrased, so a
difference shown is one the articles hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from rag.answering.answerer import Reading
from rag.answering.citations import by_article, point_line, split_answer
from rag.answering.claims import specifics
from rag.answering.key_points import KeyPointSelector, content_words_of
from rag.answering.normalise import fold
from rag.answering.refusal import refusal
from rag.question import OUTLETS
from rag.types import Answer, Citation, KeyPoint, Passage

POINTS_PER_OUTLET = 2
OUTLETS_SHOWN = 4
SHARED = 0.6  # a point is also another outlet's when that outlet's passages hold this share of its words


class OutletsAnswerer:
    """Points per outlet, with what only one outlet states marked (see the module docstring)."""

    form = OUTLETS

    def __init__(self, select: KeyPointSelector) -> None:
        self.select = KeyPointSelector(select.model, POINTS_PER_OUTLET, select.max_words, select.max_chunks,
                                       select.redundancy, select.same_article, select.margin, select.titles)

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        by_outlet: dict[str, list[Passage]] = {}
        for passage in passages:
            by_outlet.setdefault(passage.source or "(no outlet named)", []).append(passage)
        chosen: list[Passage] = []
        for outlet in list(by_outlet)[:OUTLETS_SHOWN]:
            chosen += self.select(question, by_outlet[outlet])
        numbers: dict[str, int] = {}
        for point in chosen:
            numbers.setdefault(point.article_id, len(numbers) + 1)
        chunks = [p for p in passages if any(s.chunk_id.startswith(p.chunk_id + "@") for s in chosen)]
        sources = sorted(by_article(chunks), key=lambda p: numbers[p.article_id])
        return Reading(tuple(sources), tuple(KeyPoint(numbers[p.article_id], p) for p in chosen))

    def writer(self, reading: Reading) -> None:
        return None

    def prime(self) -> None:
        return None

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        for _ in written:  # nothing is written (no model), but the chain that streams it must run to its end
            pass
        if not reading.points:
            yield refusal(question, reading.sources, mode, self.form)
            return
        yield self.finish(question, reading, mode)

    def finish(self, question: str, reading: Reading, mode: str) -> Answer:
        outlets = list(dict.fromkeys(p.passage.source or "(no outlet named)" for p in reading.points))
        only = only_in(reading.points, reading.sources)
        lines = [f"How {len(outlets)} outlet{'s' if len(outlets) != 1 else ''} report it:" if len(outlets) > 1
                 else f"Only {outlets[0]} reports it in these articles:"]
        for outlet in outlets:
            lines += ["", f"{outlet}:"]
            for point in (p for p in reading.points if (p.passage.source or "(no outlet named)") == outlet):
                lines.append(point_line(point) + (f" — only in {outlet}" if point in only and len(outlets) > 1
                                                  else ""))
        citations = tuple(Citation(n, passage, tuple(s for p in reading.points if p.number == n
                                                     for s in split_answer(p.text)))
                          for n, passage in enumerate(reading.sources, start=1))
        return Answer(question=question, text="\n".join(lines), citations=citations, passages=reading.sources,
                      mode=mode, form=self.form, points=reading.points)


def only_in(points: Sequence[KeyPoint], sources: Sequence[Passage]) -> set[KeyPoint]:
    """The points that state something no other outlet does: a number or a name of theirs that no other outlet's
    passages hold (weekdays and months aside: they date a report, not a fact); a point with neither, when no other
    outlet's passages hold ``SHARED`` of its content words (read together: a fact is often spread over two
    sentences)."""
    texts: dict[str, list[str]] = {}
    for source in sources:
        texts.setdefault(source.source, []).append(source.text)
    folded = {outlet: f" {' '.join(fold(' '.join(parts)).split())} " for outlet, parts in texts.items()}
    words_of = {outlet: content_words_of(" ".join(parts)) for outlet, parts in texts.items()}
    alone = set()
    for point in points:
        others = [o for o in texts if o != point.passage.source]
        if not others:
            continue
        found = specifics(point.text)
        marks = [e for e in found.exact if any(c.isdigit() for c in e)] + list(found.names)
        if marks:
            if any(all(f" {mark} " not in folded[o] for o in others) for mark in marks):
                alone.add(point)
            continue
        words = content_words_of(point.text)
        if words and not any(len(words & words_of[o]) >= SHARED * len(words) for o in others):
            alone.add(point)
    return alone
