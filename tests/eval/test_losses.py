"""The loss table: each answerable quiz question placed by where its gold answer is and what became of it."""

from __future__ import annotations

from dataclasses import replace

from eval.dataset import Question
from eval.losses import ROWS, CorpusText, loss_table
from eval.results import QuestionResult
from rag.types import Answer, Passage

CORPUS = CorpusText(["Assad fled to Moscow with his family.", "The Commanders won the vote 12-3.",
                     "A quake struck Herat; the toll is 2,000."])


def _result(answer: str, said: str, rank: int | None, read: str = "", refused: bool = False) -> QuestionResult:
    passage = Passage(chunk_id="a:0", article_id="a", text=read or "nothing here", title="t", source="s", url="u",
                      published_at=None, authors=(), start=0, end=1, score=0.5)
    reply = Answer(question="q", text=said, citations=(), passages=(passage,), mode="local", refused=refused,
                   short_answer=said)
    return QuestionResult(question=Question("q", "q?", answer), answer=reply, gold_rank=None, answer_rank=rank,
                          retrieval_ms=1.0, answer_ms=1.0, first_token_ms=1.0)


def test_rows_by_where_the_answer_is_and_columns_by_what_became_of_it():
    results = [
        _result("Moscow", "Moscow", 1, read="Assad fled to Moscow."),  # right, read
        _result("Moscow", "Damascus", 3, read="He fled to Moscow."),  # read, answered wrong
        _result("12-3", "", 2, refused=True),  # refused with the answer at rank 2, not read
        _result("Herat", "Kabul", 8),  # wrong, the answer at rank 8
        _result("2,000", "2,000 people", None),  # right (F1 2/3) though ranked nowhere: in the corpus
        _result("Tehran", "Kabul", None),  # wrong where no article holds the answer
        _result("Oslo", "", None, refused=True),  # refused where no article holds it
    ]
    table = loss_table(results, CORPUS)
    assert table is not None and table.questions == 7
    rows = {r.where: (r.questions, r.read, r.right, r.wrong, r.refused) for r in table.rows}
    assert rows == {ROWS[0]: (3, 2, 1, 1, 1), ROWS[1]: (1, 0, 0, 1, 0), ROWS[2]: (1, 0, 1, 0, 0),
                    ROWS[3]: (2, 0, 0, 1, 1)}
    markdown = "\n".join(table.markdown())
    assert "| not in the corpus | 2 | 0 | 0 | 1 | 1 |" in markdown and "| all | 7 | 2 | 2 | 3 | 2 |" in markdown
    assert table.as_json()[ROWS[0]] == {"questions": 3, "read": 2, "right": 1, "wrong": 1, "refused": 1}


def test_open_and_unanswerable_questions_are_left_out_and_no_corpus_means_not_retrieved():
    opened = replace(_result("x", "y", None), question=Question("o", "Why?", None, is_open=True, kind="why"))
    unanswerable = _result("x", "", None, refused=True)
    unanswerable = replace(unanswerable, question=Question("u", "Toll?", None))
    assert loss_table([opened, unanswerable], CORPUS) is None
    table = loss_table([_result("Tehran", "Kabul", None)], None)  # the corpus not searched: counted as not retrieved
    assert table is not None and {r.where: r.questions for r in table.rows}[ROWS[2]] == 1


def test_a_match_never_spans_two_articles_and_is_whole_words():
    corpus = CorpusText(["It ended in Paris", "Texas won."])
    assert corpus.holds("paris") and corpus.holds("Texas") and not corpus.holds("Paris Texas")
    assert not corpus.holds("Par") and not corpus.holds("")
