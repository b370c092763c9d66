"""Quiz answers: a chat model's short phrase over the windows it reads (``rag.answering.windows``), grounded word by
word, then followed by the quoted sentence that states it (``rag.answering.evidence``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.answerer import Reading
from rag.answering.citations import MARKERS, by_article, cite, renumbered
from rag.answering.evidence import supporting_sentence
from rag.answering.grounding import check_answer
from rag.answering.prompts import answer_messages, as_shown
from rag.answering.refusal import refusal
from rag.answering.replies import is_no_answer, lead_phrase
from rag.question import QUIZ
from rag.types import Answer, Passage

_PHRASE_WORDS = 8  # longer "phrases" are sentences
# Evidence that says the thing asked about is not known yet does not support a phrase taken from it.
_UNSTATED = re.compile(r"\b(?:not\s+(?:yet\s+)?(?:been\s+)?(?:announced|disclosed|released|revealed|confirmed|known|"
                       r"decided|determined)|undisclosed|unclear|not\s+clear)\b", re.IGNORECASE)

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
        return RunnableLambda(lambda x: answer_messages(x["query"], x["reading"].sources)) | self.model | \
            StrOutputParser()

    def prime(self) -> None:
        """Have a local model read the fixed instructions now (``LocalChatModel.prime``)."""
        if hasattr(self.model, "prime"):
            self.model.prime(answer_messages("", []))

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        answer = renumbered(self.finish(question, "".join(written), reading.sources, mode))
        yield answer.text
        yield answer

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str) -> Answer:
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
