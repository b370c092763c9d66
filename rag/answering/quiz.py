"""Quiz answers: evidence first, then a chat model's short phrase over the windows it reads
(``rag.answering.windows``), grounded word by word and followed by the quoted sentence that states it
(``rag.answering.evidence``).

The evidence is the one or two sentences of those windows the cross-encoder scores as most likely to state the
answer (a ``KeyPointSelector`` over them). It is shown as soon as it is chosen, a fraction of a second after
retrieval, while the model reads for several seconds more; the sources are numbered so the evidence's articles come
first, and the numbers never change afterwards, so what was shown stays true.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from rag.answering.answerer import Reading
from rag.answering.citations import MARKERS, by_article, cite, quoted
from rag.answering.evidence import stating_sentence
from rag.answering.grounding import check_answer
from rag.answering.on_topic import RELEVANT, phrase_answers, reading_answers
from rag.answering.prompts import answer_messages, as_shown
from rag.answering.refusal import not_given, refusal
from rag.answering.replies import is_no_answer, lead_phrase
from rag.question import QUIZ
from rag.types import Answer, Citation, KeyPoint, Passage

_PHRASE_WORDS = 8  # longer "phrases" are sentences
# Evidence that says the thing asked about is not known yet does not support a phrase taken from it.
_UNSTATED = re.compile(r"\b(?:not\s+(?:yet\s+)?(?:been\s+)?(?:announced|disclosed|released|revealed|confirmed|known|"
                       r"decided|determined)|undisclosed|unclear|not\s+clear)\b", re.IGNORECASE)

class QuizAnswerer:
    """Evidence first, then a chat model's short phrase, grounded word by word and followed by the quoted sentence
    that states it. The phrase is a few tokens, so it is shown whole, once checked, never while the model writes it.
    ``focus`` is a ``PassageFocuser`` (what the model reads), ``evidence`` a ``KeyPointSelector`` (what is shown
    first)."""

    form = QUIZ

    def __init__(self, model, focus, evidence) -> None:  # noqa: ANN001 - BaseChatModel, PassageFocuser, KeyPointSelector
        self.model = model
        self.focus = focus
        self.evidence = evidence

    def read(self, question: str, passages: Sequence[Passage]) -> Reading:
        """The windows the model reads, one source per article, the evidence's articles first; the evidence as
        points citing them; and, when the reading does not address the question, what the articles do not give."""
        windows = self.focus(question, passages)
        chosen = self.evidence(question, windows)
        relevant = [p for p in chosen if (p.rerank_score or 0.0) >= RELEVANT]  # weak evidence keeps the focuser's order
        first = list(dict.fromkeys(p.article_id for p in relevant))
        sources = sorted(by_article(windows), key=lambda p: first.index(p.article_id) if p.article_id in first
                         else len(first))  # stable: the others keep the focuser's order
        numbers = {p.article_id: n for n, p in enumerate(sources, start=1)}
        evidence = tuple(KeyPoint(numbers[p.article_id], p) for p in chosen)
        unaddressed = not reading_answers(question, evidence, [p.text for p in sources])
        return Reading(tuple(sources), evidence, not_given(question, sources) if unaddressed else "")

    def writer(self, reading: Reading) -> Runnable | None:
        """The prompt, the model, its text; None (no model asked, the answer is "not given") when not even the best
        evidence sentence addresses the question. The model gets the standalone form of the question (``query``): a
        small model answers "Where did Assad flee?" better than "Where did he flee?" plus a conversation."""
        if reading.missing:
            return None
        return RunnableLambda(lambda x: answer_messages(x["query"], x["reading"].sources)) | self.model | \
            StrOutputParser()

    def prime(self) -> None:
        """Have a local model read the fixed instructions now (``LocalChatModel.prime``)."""
        if hasattr(self.model, "prime"):
            self.model.prime(answer_messages("", []))

    def answer(self, question: str, reading: Reading, written: Iterable[str], mode: str) -> Iterator[str | Answer]:
        answer = self.finish(question, "".join(written), reading.sources, mode, reading.points)
        answer = with_evidence(answer, reading.points)
        yield answer.text
        yield answer

    def finish(self, question: str, text: str, passages: Sequence[Passage], mode: str,
               evidence: Sequence[KeyPoint] = ()) -> Answer:
        """The checked phrase with the sentence that states it, or "The articles do not give …" when the model
        declined, its phrase is not in the sources, or its sentence does not answer this question
        (``rag.answering.on_topic``)."""
        if is_no_answer(text):
            return refusal(question, passages, mode, self.form)
        phrase = lead_phrase(text)
        markers = " ".join(m.group(0) for m in MARKERS.finditer(text))
        shown = [as_shown(p) for p in passages]  # checked and quoted from exactly what the model read
        # A phrase is checked word for word; a model that wrote a whole sentence instead is checked like any claim.
        checked = check_answer(f"{phrase} {markers}".strip(), shown, phrase=len(phrase.split()) <= _PHRASE_WORDS)
        if not checked.text:
            return refusal(question, passages, mode, self.form)
        stated = stating_sentence(checked.text, shown)
        if stated is not None:
            sentence, number = stated
            if _UNSTATED.search(sentence):  # "the price has not yet been announced (… costs $9.99 …)": not an answer
                return refusal(question, passages, mode, self.form)
            if not phrase_answers(question, phrase, sentence, evidence):  # true of another question, not this one
                return refusal(question, passages, mode, self.form)
        quote = f" — {quoted(stated[0])} [{stated[1]}]" if stated else ""
        return replace(cite(question, checked.text + quote, passages, mode), short_answer=phrase, form=self.form)


def with_evidence(answer: Answer, evidence: Sequence[KeyPoint]) -> Answer:
    """The answer with its evidence, and the sources the evidence quotes among its citations (numbered as shown)."""
    cited = {c.number: c for c in answer.citations}
    for point in evidence:
        if point.number <= len(answer.passages):
            before = cited.get(point.number, Citation(point.number, answer.passages[point.number - 1]))
            cited[point.number] = replace(before, cited_by=(*before.cited_by, point.text))
    return replace(answer, evidence=tuple(evidence), citations=tuple(cited[n] for n in sorted(cited)))
