"""Open answers: key points first, the sentences of the retrieved chunks that state the facts
(``rag.answering.key_points``), quoted, cited and put in the order the question wants (``rag.answering.point_order``),
shown as soon as they are chosen. Then, when there is a chat model, a short lead that sums them up, written from the
points alone and shown sentence by sentence, each only once the grounding check has passed it. When the question
asks for a figure or a statement the points do not give (``rag.question.asked_detail``), the answer says so first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.answerer import Reading
from rag.answering.citations import MARKERS, by_article, complete_sentences, point_line, split_answer
from rag.answering.claims import speaks
from rag.answering.grounding import ClaimChecker
from rag.answering.normalise import fold
from rag.answering.point_order import DAY_MONTH, MONTH_DAY, arrange
from rag.answering.prompts import as_shown, lead_messages
from rag.answering.refusal import NOT_GIVEN, refusal
from rag.answering.sentences import sentences
from rag.question import OPEN, Detail, asked_detail
from rag.types import Answer, Citation, KeyPoint, Passage

_NUMBER_WORDS = set("two three four five six seven eight nine ten eleven twelve dozen dozens hundred hundreds thousand "
                    "thousands million millions billion billions".split())
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Words that make a figure a hope, plan, expectation or estimate rather than a result.
HEDGED = re.compile(r"\b(?:hope[sd]?|hoping|expect(?:s|ed|ing|ations?)?|aim(?:s|ed|ing)?\s+(?:to|for|at)|targets?|"
                    r"goals?|plan(?:s|ned)?\s+to|could|would|might|may|will|estimat\w*|forecast\w*|projected|"
                    r"projections?|predict\w*|anticipat\w*|intends?\s+to|seeks?\s+to|proposed)\b", re.IGNORECASE)


class OpenAnswerer:
    """Key points, then a checked lead over them (see the module's docstring). ``select`` is a ``KeyPointSelector``;
    ``model`` a chat model, or None for the points alone."""

    form = OPEN

    def __init__(self, model, select) -> None:  # noqa: ANN001 - a BaseChatModel (or None) and a KeyPointSelector
        self.model = model
        self.select = select

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        chosen = arrange(question, self.select(question, passages))
        numbers: dict[str, int] = {}
        for point in chosen:
            numbers.setdefault(point.article_id, len(numbers) + 1)
        chunks = [p for p in passages if any(s.chunk_id.startswith(p.chunk_id + "@") for s in chosen)]
        sources = sorted(by_article(chunks), key=lambda p: numbers[p.article_id])
        detail = asked_detail(question)
        missing = detail.sentence() if detail and not is_given(detail, chosen, question) else ""
        return Reading(tuple(sources), tuple(KeyPoint(numbers[p.article_id], p) for p in chosen), missing)

    def writer(self, reading: Reading) -> Runnable | None:
        if self.model is None or not reading.points:
            return None
        return RunnableLambda(lambda x: lead_messages(x["query"], x["reading"].points)) | self.model | \
            StrOutputParser()

    def prime(self) -> None:
        if hasattr(self.model, "prime"):
            self.model.prime(lead_messages("", []))

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        if not reading.points:
            yield refusal(question, reading.sources, mode, self.form)
            return
        checker = ClaimChecker(point_passages(reading), question=question)
        lead: list[str] = []
        for sentence in complete_sentences(written):
            shown = checker.check(sentence)
            if shown and MARKERS.search(shown) and not NOT_GIVEN.search(shown):  # the model's own "not given"
                yield (" " if lead else "") + shown  # goes: the points say what the articles give
                lead.append(shown)
        yield self.finish(question, reading, lead, mode)

    def finish(self, question: str, reading: Reading, lead: Sequence[str], mode: str) -> Answer:
        """The answer from its checked lead sentences and its points."""
        heading = "What the articles report:" if reading.missing else "Key points:"
        points = "\n".join([heading, *(point_line(p) for p in reading.points)])
        text = "\n\n".join(part for part in (" ".join([reading.missing, *lead]).strip(), points) if part)
        citations = []
        for number, passage in enumerate(reading.sources, start=1):
            cited_by = [s for s in lead if f"[{number}]" in s]
            cited_by += [s for p in reading.points if p.number == number for s in split_answer(p.text)]
            citations.append(Citation(number, passage, tuple(cited_by)))
        return Answer(question=question, text=text, citations=tuple(citations), passages=reading.sources, mode=mode,
                      refused=bool(reading.missing), form=self.form, points=reading.points, lead=" ".join(lead),
                      not_given=reading.missing)


def point_passages(reading: Reading) -> list[Passage]:
    """Source ``n`` as the lead's check sees it: only the text of its points as the model was shown them
    (``as_shown``), the lead's whole evidence."""
    return [replace(source, text="\n".join(as_shown(p.passage).text for p in reading.points if p.number == number))
            for number, source in enumerate(reading.sources, start=1)]


def is_given(detail: Detail, points: Sequence[Passage], question: str = "") -> bool:
    """Whether the points give the detail: a figure (a number that is not a date or a year) for a figure, and the
    speaker saying something for a statement. A figure hoped for, expected, planned or estimated ("aims to cut
    emissions by 30%") is not the figure a question asks about as a fact ("How much did emissions fall?"), unless the
    question asks about such a figure itself ("How much is it expected to cost?")."""
    if detail.speaker:
        return speaks(fold(detail.speaker.split()[-1]), points)
    facts_only = not HEDGED.search(question)
    for point in points:
        for start, end in sentences(point.text) or [(0, len(point.text))]:
            said = point.text[start:end]
            if facts_only and HEDGED.search(said):
                continue
            text = _YEAR.sub(" ", MONTH_DAY.sub(" ", DAY_MONTH.sub(" ", said)))
            if re.search(r"\d", text) or _NUMBER_WORDS & set(fold(text).split()):
                return True
    return False
