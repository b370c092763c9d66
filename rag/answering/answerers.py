"""The ways of answering, one small class each, behind one interface: read (choose what the answer is written from,
numbered one source per article), write (a chat model's raw text), then answer (check every claim against its sources,
show it only once checked, cite it).

- ``QuizAnswerer``: a chat model names the answer in a phrase ("Russia [1]"); the sentence stating it is then quoted
  from the source, so the explanation cannot be invented.
- ``OpenAnswerer``: for summaries, why/how, reactions, timelines, lists, comparisons and "the latest": key points
  quoted from the articles (``rag.answering.selection``), shown at once, then a chat model's short lead over them.
- ``QuotingAnswerer``: no model; a quiz question's best sentences quoted (``rag.answering.extractive``).

Which form a question gets is ``question_form``: the question's own grammar, not a model call (see its docstring).
Every model answer goes through ``rag.answering.grounding`` before it is shown: claims its cited passages do not state are
re-cited or dropped, and a quiz answer left with nothing says what the articles do not give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.citations import MARKERS, by_article, cite, complete_sentences, point_line, renumbered, split_answer
from rag.answering.grounding import NOT_GIVEN, ClaimChecker, check_answer, not_given
from rag.types import Answer, Citation, KeyPoint, Passage

QUIZ, OPEN = "quiz", "open"

_OPEN_START = re.compile(
    r"^(?:please\s+)?(?:summari[sz]e|give\s+(?:me\s+)?(?:an?\s+)?(?:summary|overview|timeline|rundown|recap|background|"
    r"brief)|tell\s+me\s+(?:about|more|what)|explain|describe|outline|list|compare|contrast|walk\s+me\s+through|"
    r"catch\s+me\s+up|brief\s+me|update\s+me|what\s+do\s+we\s+know|what\s+is\s+known|"
    r"what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:latest|situation|status|state|story|"
    r"reaction|response|impact|significance|background|context|outlook|consequences?|implications?|"
    r"arguments?|main|key|different)\b|what\s+(?:has\s+|have\s+)?happen(?:ed|s|ing)|"
    r"what(?:'s|’s|\s+is)\s+(?:going\s+on|happening)|what\s+led)", re.IGNORECASE)
_OPEN_ANYWHERE = re.compile(
    r"\b(?:why|timeline|chronology|react(?:ed|ion|ions)?|differ(?:s|ed|"
    r"ence|ences)?|versus|vs\.?|pros\s+and\s+cons|impact|consequences|implications|latest|so\s+far|"
    r"what\s+(?:did|does|do|has|have)\b.{1,60}\b(?:say|said|argue|think|claim|announce|plan|propose)|"
    r"how\s+(?!many\b|much\b|long\b|old\b|far\b|big\b|large\b|high\b|tall\b|often\b|fast\b|deep\b|soon\b|"
    r"early\b|late\b|heavy\b|expensive\b)\w+)\b", re.IGNORECASE)
_PHRASE_WORDS = 8  # longer "phrases" are sentences
# Evidence that says the thing asked about is not known yet does not support a phrase taken from it.
_UNSTATED = re.compile(r"\b(?:not\s+(?:yet\s+)?(?:been\s+)?(?:announced|disclosed|released|revealed|confirmed|known|"
                       r"decided|determined)|undisclosed|unclear|not\s+clear)\b", re.IGNORECASE)
_TWO_QUESTIONS = re.compile(r",?\s+and\s+(?:what|how|why|who|where|when|which)\b", re.IGNORECASE)


def question_form(question: str) -> str:
    """``"open"`` for questions that need a few sentences (summaries, why/how, reactions, timelines, lists,
    comparisons, "the latest", or two questions in one), else ``"quiz"`` (who/what/where/when/which/how many:
    one fact). Decided by the question's grammar alone, so it is instant and predictable; a question that names a
    single fact ("How many …", "Which country …") stays a quiz question whatever its topic."""
    text = " ".join(question.split())
    if _OPEN_START.search(text) or _TWO_QUESTIONS.search(text):
        return OPEN
    return OPEN if _OPEN_ANYWHERE.search(text) else QUIZ


@dataclass(frozen=True)
class Reading:
    """What an answer is written from: its sources, numbered [1], [2] … in this order, one passage per article; for
    an open answer also the key points quoted from them, and the sentence saying which detail the question asks for
    they do not give ("The articles do not give …"), if any."""

    sources: tuple[Passage, ...]
    points: tuple[KeyPoint, ...] = ()
    missing: str = ""


class Answerer(Protocol):
    """One way of answering. ``read`` picks what the answer is written from (those sources are shown and numbered);
    ``writer`` is the model's part for that reading, a Runnable over the chain's {"question", "query", "reading"}
    that streams raw text with [n] markers (None: no model writes); ``answer`` turns that text into what is shown,
    each piece only once it is checked, and ends with the ``Answer``."""

    form: str

    def read(self, question: str, passages: Sequence[Passage]) -> Reading: ...

    def writer(self, reading: Reading) -> Runnable | None: ...

    def prime(self) -> None: ...

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]: ...


class QuizAnswerer:
    """A chat model's short phrase, grounded word by word, then followed by the quoted sentence that states it. The
    phrase is a few tokens, so it is shown whole, once checked, never while the model writes it."""

    form = QUIZ

    def __init__(self, model, focus) -> None:  # noqa: ANN001 - a BaseChatModel and a PassageFocuser
        self.model = model
        self.focus = focus

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        return Reading(tuple(by_article(self.focus(question, passages))))

    def writer(self, reading: Reading) -> Runnable | None:
        """The prompt, the model, its text. The model gets the standalone form of the question (``query``): a small
        model answers "Where did Assad flee?" better than "Where did he flee?" plus a conversation."""
        from rag.answering.generation import answer_messages

        return RunnableLambda(lambda x: answer_messages(x["query"], x["reading"].sources)) | self.model | \
            StrOutputParser()

    def prime(self) -> None:
        """Have a local model read the fixed instructions now (``LocalChatModel.prime``)."""
        from rag.answering.generation import answer_messages

        if hasattr(self.model, "prime"):
            self.model.prime(answer_messages("", []))

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        answer = renumbered(self.finish(question, "".join(written), reading.sources, mode))
        yield answer.text
        yield answer

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
        from rag.answering.generation import as_shown, is_no_answer, lead_phrase, supporting_sentence

        if is_no_answer(text):
            return refusal(question, passages, mode, self.form)
        phrase = lead_phrase(text)
        markers = " ".join(m.group(0) for m in MARKERS.finditer(text))
        shown = [as_shown(p) for p in passages]  # checked and quoted from exactly what the model read
        # A phrase is checked word for word; a model that wrote a whole sentence instead is checked like any claim.
        checked = check_answer(f"{phrase} {markers}".strip(), shown, phrase=len(phrase.split()) <= _PHRASE_WORDS)
        if not checked.text:
            return refusal(question, passages, mode, self.form)
        evidence = supporting_sentence(checked.text, shown)
        if _UNSTATED.search(evidence):  # "the price has not yet been announced (… costs $9.99 …)": not an answer
            return refusal(question, passages, mode, self.form)
        return replace(cite(question, checked.text + evidence, passages, mode), short_answer=phrase, form=self.form)


class OpenAnswerer:
    """Key points first: the sentences of the retrieved chunks that state the facts (``rag.answering.selection``), quoted and
    cited, shown as soon as they are chosen. Then, when there is a chat model, a short lead that sums them up, written
    from the points alone and shown sentence by sentence, each only once the grounding check has passed it."""

    form = OPEN

    def __init__(self, model, select) -> None:  # noqa: ANN001 - a BaseChatModel (or None) and a SentenceSelector
        self.model = model
        self.select = select

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        from rag.answering.details import asked_detail, is_given
        from rag.answering.selection import arrange

        chosen = arrange(question, self.select(question, passages))
        numbers: dict[str, int] = {}
        for point in chosen:
            numbers.setdefault(point.article_id, len(numbers) + 1)
        chunks = [p for p in passages if any(s.chunk_id.startswith(p.chunk_id + "@") for s in chosen)]
        sources = sorted(by_article(chunks), key=lambda p: numbers[p.article_id])
        detail = asked_detail(question)
        missing = detail.sentence() if detail and not is_given(detail, chosen) else ""
        return Reading(tuple(sources), tuple(KeyPoint(numbers[p.article_id], p) for p in chosen), missing)

    def writer(self, reading: Reading) -> Runnable | None:
        from rag.answering.generation import lead_messages

        if self.model is None or not reading.points:
            return None
        return RunnableLambda(lambda x: lead_messages(x["query"], x["reading"].points)) | self.model | \
            StrOutputParser()

    def prime(self) -> None:
        from rag.answering.generation import lead_messages

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
    from rag.answering.generation import as_shown

    return [replace(source, text="\n".join(as_shown(p.passage).text for p in reading.points if p.number == number))
            for number, source in enumerate(reading.sources, start=1)]


class QuotingAnswerer:
    """The extractive mode for a quiz question: the best sentences quoted, no model. Quoted text needs no grounding
    check: it is the source. (An open question in extractive mode gets its key points without a lead.)"""

    form = QUIZ

    def __init__(self, embeddings) -> None:  # noqa: ANN001
        from rag.answering.extractive import ExtractiveAnswerer

        self.quote = ExtractiveAnswerer(embeddings, max_sentences=3, margin=0.05)

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        return Reading(tuple(by_article(passages)))

    def writer(self, reading: Reading) -> Runnable | None:
        return RunnableLambda(lambda x: self.quote(x["question"], x["reading"].sources))

    def prime(self) -> None:
        """Nothing to read ahead: quoting has no instructions."""

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        from rag.answering.short_answer import short_answer

        answer = cite(question, "".join(written), reading.sources, mode)
        if not answer.refused:
            answer = replace(answer, short_answer=short_answer(question, split_answer(answer.text)[0]))
        answer = renumbered(replace(answer, form=self.form))
        yield answer.text
        yield answer


def refusal(question: str, passages: Sequence[Passage], mode: str, form: str) -> Answer:
    """The answer when the sources state nothing that answers: it says so and quotes what they do report."""
    return replace(cite(question, not_given(question, passages), passages, mode), refused=True, form=form)
