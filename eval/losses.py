"""Where quiz answers are lost: each answerable quiz question placed by where its gold answer first occurs (in the
retriever's top 5, at 6–10, elsewhere in the corpus, nowhere in it) and by what became of it (right, wrong, refused),
with how many of each row the answerer read. It is how to choose what to fix: a wrong answer whose gold answer is
nowhere in the corpus is a "not given" that was not said; one at rank 1–5 that was not read is lost to the selection
of what the model reads; one read and answered wrong, to the model or the check.

>>> CorpusText(["Assad fled to Russia."]).holds("russia")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eval.results import QuestionResult
from eval.scoring import answer_rank, normalize_answer

RIGHT_F1 = 0.5  # an answer at least this close to the gold answer (token F1) counts as right
ROWS = ("rank 1–5", "rank 6–10", "in the corpus, not in the top 10", "not in the corpus")
OUTCOMES = ("right", "wrong", "refused")


class CorpusText:
    """Every article's text, normalised as answers are (``normalize_answer``), to ask whether a gold answer occurs
    anywhere in the corpus."""

    def __init__(self, texts: Iterable[str]) -> None:
        # one string, articles apart by a newline, which no normalised answer holds: a match never spans two
        self._text = "\n".join(f" {normalize_answer(t)} " for t in texts)

    def holds(self, answer: str) -> bool:
        needle = normalize_answer(answer)
        return bool(needle) and f" {needle} " in self._text


@dataclass(frozen=True)
class LossRow:
    where: str  # one of ROWS
    questions: int
    read: int  # of them, the gold answer is in what the answerer read
    right: int
    wrong: int
    refused: int


@dataclass(frozen=True)
class LossTable:
    rows: tuple[LossRow, ...]

    @property
    def questions(self) -> int:
        return sum(r.questions for r in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {r.where: {"questions": r.questions, "read": r.read, "right": r.right, "wrong": r.wrong,
                          "refused": r.refused} for r in self.rows}

    def markdown(self) -> list[str]:
        total = LossRow("all", self.questions, *(sum(getattr(r, f) for r in self.rows)
                                                 for f in ("read", "right", "wrong", "refused")))
        return ["| gold answer | questions | read by the answerer | right | wrong | refused |",
                "|---|---|---|---|---|---|",
                *[f"| {r.where} | {r.questions} | {r.read} | {r.right} | {r.wrong} | {r.refused} |"
                  for r in (*self.rows, total)], ""]


def outcome(result: QuestionResult) -> str:
    """right (token F1 ≥ ``RIGHT_F1``), refused, or wrong."""
    if result.refused:
        return "refused"
    return "right" if (result.f1 or 0.0) >= RIGHT_F1 else "wrong"


def where(result: QuestionResult, corpus: CorpusText | None) -> str:
    """Where the gold answer first occurs: its rank in the top-10 ranking, else the corpus (``not in the corpus``
    only when the corpus was searched)."""
    rank = result.answer_rank
    if rank is not None and rank <= 5:
        return ROWS[0]
    if rank is not None and rank <= 10:
        return ROWS[1]
    if corpus is not None and not corpus.holds(result.question.answer or ""):
        return ROWS[3]
    return ROWS[2]


def read(result: QuestionResult) -> bool:
    """Whether the gold answer is in what the answerer read (the windows a model read, or the quoted passages)."""
    return answer_rank([result.context], result.question.answer or "") is not None


def loss_table(results: Sequence[QuestionResult], corpus: CorpusText | None) -> LossTable | None:
    """The table over the quiz questions with a gold answer; None when there are none."""
    quiz = [r for r in results if not r.question.is_open and r.question.answer is not None]
    if not quiz:
        return None
    rows = []
    for name in ROWS:
        these = [r for r in quiz if where(r, corpus) == name]
        outcomes = [outcome(r) for r in these]
        rows.append(LossRow(name, len(these), sum(map(read, these)), *(outcomes.count(o) for o in OUTCOMES)))
    return LossTable(tuple(rows))
