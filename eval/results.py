"""One question's result: what the assistant said and found for it (``QuestionResult``), and how that one answer is
scored (its properties, each a scorer of eval/scoring.py applied to it). The harness produces these; the metric table
(eval/metrics.py) aggregates them and the report writers (eval/report.py, eval/plots.py) read them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eval.dataset import Question
from eval.scoring import all_facts, exact_match, facts_stated, grounded_facts, key_fact_recall, says_not_given, token_f1
from rag import Answer

DATE_USES = ("soft", "hard")  # how a question's date is used; retrieval is scored under both


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answer: Answer
    gold_rank: int | None
    answer_rank: int | None
    retrieval_ms: float
    answer_ms: float
    first_token_ms: float | None
    top_score: float | None = None  # similarity of the best passage: where the refusal threshold falls
    other_ranks: tuple[int | None, int | None] = (None, None)  # (gold, answer) rank with the other DATE_USES entry

    @property
    def em(self) -> float | None:
        return None if self.question.answer is None else exact_match(self.answer.short_answer, self.question.answer)

    @property
    def f1(self) -> float | None:
        return None if self.question.answer is None else token_f1(self.answer.short_answer, self.question.answer)

    @property
    def cited_urls(self) -> list[str]:
        return [c.url for c in self.answer.citations]

    @property
    def refused(self) -> bool:
        """A declined answer. For an open question, an answer that says the articles do not give the detail counts
        too (``says_not_given``); a quiz question counts only the assistant's own refusal."""
        return self.answer.refused or (self.question.is_open and says_not_given(self.answer.text))

    @property
    def facts(self) -> list[bool]:
        """For each of an open question's key facts, whether the answer states it."""
        return facts_stated(self.answer.text, self.question.key_facts)

    @property
    def key_fact_recall(self) -> float | None:
        return key_fact_recall(self.answer.text, self.question.key_facts)

    @property
    def context(self) -> str:
        """What the answerer read before writing: an open answer's key points (all its lead reads), else the
        passages the chat model (or the quoter) read."""
        if self.answer.points:
            return " ".join(p.text for p in self.answer.points)
        return " ".join(p.text for p in self.answer.passages)

    @property
    def context_key_fact_recall(self) -> float | None:
        """The share of key facts in ``context``: what selection left for the writing to state."""
        return key_fact_recall(self.context, self.question.key_facts)

    @property
    def all_facts(self) -> float | None:
        return all_facts(self.answer.text, self.question.key_facts)

    @property
    def grounded(self) -> float | None:
        return grounded_facts(self.answer.text, self.question.key_facts,
                              [c.passage.text for c in self.answer.citations])

    def under_other_dates(self) -> QuestionResult:
        """This result with the ranks of the other date use, so the retrieval metrics score that ranking."""
        return replace(self, gold_rank=self.other_ranks[0], answer_rank=self.other_ranks[1],
                       other_ranks=(self.gold_rank, self.answer_rank))
