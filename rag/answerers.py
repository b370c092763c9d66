"""The ways of answering, one small class each, behind one interface: select the passages to read, stream the
text, then finish it (check every claim against its sources and cite them).

- ``QuizAnswerer``: a chat model names the answer in a phrase ("Russia [1]"); the sentence stating it is then quoted
  from the source, so the explanation cannot be invented.
- ``OpenAnswerer``: a chat model writes 2–5 sentences, each citing its sources, for summaries, why/how, reactions,
  timelines, lists, comparisons and "the latest".
- ``ExtractiveAnswerer`` (``rag.extractive``): no model; quotes the best sentences.

Which form a question gets is ``question_form``: the question's own grammar, not a model call (see its docstring).
Every model answer goes through ``rag.grounding`` before it is shown: claims its cited passages do not state are
re-cited or dropped, and an answer left with nothing says what the articles do not give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.articles import Answer, Passage
from rag.citations import MARKERS, cite, split_answer
from rag.grounding import check_answer, not_given

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


class Answerer(Protocol):
    """One way of answering. ``read`` picks what the answer is written from (those passages are shown and
    numbered); ``writer`` is the Runnable over the chain's {"question", "query", "passages"} that streams the text
    with [n] markers; ``finish`` checks and cites it."""

    form: str

    def read(self, question: str, passages: Sequence[Passage]) -> list[Passage]: ...

    def writer(self) -> Runnable: ...

    def prime(self) -> None: ...

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer: ...


class _ModelAnswerer:
    """What the chat-model answerers share: focused passages, and their prompt piped into the model."""

    def __init__(self, model, focus) -> None:  # noqa: ANN001 - a BaseChatModel and a PassageFocuser
        self.model = model
        self.focus = focus

    def read(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        return self.focus(question, passages)

    def writer(self) -> Runnable:
        """The prompt, the model, its text. The model gets the standalone form of the question (``query``): a small
        model answers "Where did Assad flee?" better than "Where did he flee?" plus a conversation."""
        return RunnableLambda(lambda x: self.messages(x["query"], x["passages"])) | self.model | StrOutputParser()

    def messages(self, question: str, passages: Sequence[Passage]) -> list:
        raise NotImplementedError

    def prime(self) -> None:
        """Have a local model read this answerer's fixed instructions now (``LocalChatModel.prime``)."""
        if hasattr(self.model, "prime"):
            self.model.prime(self.messages("", []))


class QuizAnswerer(_ModelAnswerer):
    """A chat model's short phrase, grounded word by word, then followed by the quoted sentence that states it."""

    form = QUIZ

    def messages(self, question: str, passages: Sequence[Passage]) -> list:
        from rag.generation import answer_messages

        return answer_messages(question, passages)

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
        from rag.generation import is_no_answer, lead_phrase, supporting_sentence

        if is_no_answer(text):
            return refusal(question, passages, mode, self.form)
        phrase = lead_phrase(text)
        markers = " ".join(m.group(0) for m in MARKERS.finditer(text))
        # A phrase is checked word for word; a model that wrote a whole sentence instead is checked like any claim.
        checked = check_answer(f"{phrase} {markers}".strip(), passages, phrase=len(phrase.split()) <= _PHRASE_WORDS)
        if not checked.text:
            return refusal(question, passages, mode, self.form)
        evidence = supporting_sentence(checked.text, passages)
        if _UNSTATED.search(evidence):  # "the price has not yet been announced (… costs $9.99 …)": not an answer
            return refusal(question, passages, mode, self.form)
        return replace(cite(question, checked.text + evidence, passages, mode), short_answer=phrase, form=self.form)


class OpenAnswerer(_ModelAnswerer):
    """A few sentences from a chat model, each claim checked against the passage it cites."""

    form = OPEN

    def messages(self, question: str, passages: Sequence[Passage]) -> list:
        from rag.generation import open_answer_messages

        return open_answer_messages(question, passages)

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
        from rag.generation import is_no_answer

        if is_no_answer(text):
            return refusal(question, passages, mode, self.form)
        checked = check_answer(" ".join(text.split()), passages, question=question)
        claims = [s for s in split_answer(checked.text) if MARKERS.search(s)]
        if not claims:
            return refusal(question, passages, mode, self.form)  # nothing left that a source states
        # The model's own "the articles do not give …" beside supported claims is dropped: measured on open dev
        # questions, a 1.5B model wrote it in most answers that the articles did answer.
        return replace(cite(question, " ".join(claims), passages, mode), form=self.form)


class QuotingAnswerer:
    """The extractive mode for either form: the best sentences quoted (more of them, from more passages, for an
    open question). Quoted text needs no grounding check: it is the source."""

    def __init__(self, embeddings, form: str) -> None:  # noqa: ANN001
        from rag.extractive import ExtractiveAnswerer

        self.form = form
        self.quote = ExtractiveAnswerer(embeddings, max_sentences=3 if form == QUIZ else 4,
                                        margin=0.05 if form == QUIZ else 0.12)

    def read(self, question: str, passages: Sequence[Passage]) -> list[Passage]:
        return list(passages)

    def writer(self) -> Runnable:
        return RunnableLambda(lambda x: self.quote(x["question"], x["passages"]))

    def prime(self) -> None:
        """Nothing to read ahead: quoting has no instructions."""

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
        from rag.short_answer import short_answer

        answer = cite(question, text, passages, mode)
        if answer.refused:
            return replace(answer, form=self.form)
        lead = split_answer(answer.text)[0]
        return replace(answer, short_answer=short_answer(question, lead) if self.form == QUIZ else "", form=self.form)


def refusal(question: str, passages: Sequence[Passage], mode: str, form: str) -> Answer:
    """The answer when the sources state nothing that answers: it says so and quotes what they do report."""
    return replace(cite(question, not_given(question, passages), passages, mode), refused=True, form=form)
