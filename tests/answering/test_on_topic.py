"""Right or "not given": a quiz phrase counts only when the evidence shows the sources address the question."""

from __future__ import annotations

from dataclasses import replace

from rag.answering.answerer import Reading
from rag.answering.on_topic import is_choice_list, phrase_answers, reading_answers
from rag.answering.quiz import QuizAnswerer
from rag.types import KeyPoint, Passage


def point(text: str, score: float | None, n: int = 1) -> KeyPoint:
    passage = Passage(chunk_id=f"a{n}:0@0", article_id=f"a{n}", text=text, title="T", source="W", url="u",
                      published_at=None, authors=(), start=0, end=len(text), score=0.5, rerank_score=score)
    return KeyPoint(n, passage)


def test_a_reading_whose_best_sentence_is_unrelated_does_not_answer_and_no_model_is_asked():
    weak = (point("Ticket sales for the summer concerts opened on Friday.", -3.2),
            point("Parking will be free after six.", -6.0))
    question = "How many people attended the summer concerts in the park last year?"
    assert not reading_answers(question, weak, [p.text for p in weak])
    assert reading_answers(question, (point("Assad fled to Russia.", 0.4),), []) and reading_answers(question, (), [])
    quiz = QuizAnswerer(model=object(), focus=None, evidence=None)
    assert quiz.writer(Reading((weak[0].passage,), weak, "The articles do not give …")) is None  # no model asked
    # a short question naming a code the reading holds is on topic, however low the cross-encoder scores it
    assert reading_answers("When does the N7 run?", weak, ["The N7 night tram runs at 00:30."])
    assert not reading_answers("When does the N7 run?", weak, ["Parking will be free after six."])


def test_a_phrase_outside_the_evidence_needs_clearly_relevant_evidence():
    fair = (point("The vote on the budget was delayed to Friday.", 1.0),)
    asked = "When will the city council vote on the budget this year?"
    assert phrase_answers(asked, "Friday", "The vote on the budget was delayed to Friday.", fair)
    assert not phrase_answers(asked, "Monday", "Schools reopen on Monday.", fair)  # another sentence, weak evidence
    sure = (point("The budget vote was delayed to Friday, the speaker said.", 6.5),)
    assert phrase_answers(asked, "Monday", "The speaker will meet donors on Monday.", sure)
    assert phrase_answers(asked, "Monday", "Schools reopen on Monday.", ())  # no evidence: the check decides
    assert phrase_answers("When does the N7 run?", "00:30", "Trams run from 00:30.", fair)  # short, names a code


def test_a_list_of_choices_or_one_of_its_options_answers_nothing():
    sure = (point("D. iPhone", 9.0),)
    assert is_choice_list("Which app was banned? A. Twitter B. Instagram C. Facebook D. iPhone")
    assert is_choice_list("(a) Paris (b) Rome")
    assert not is_choice_list("Vitamin D. Levels fell in the winter, a study found.")
    asked = "Which app did the agency ban on its phones?"
    assert not phrase_answers(asked, "D. iPhone", "D. iPhone", sure)
    assert not phrase_answers(asked, "Instagram", "A. Twitter B. Instagram C. Facebook D. iPhone", sure)
    assert phrase_answers(asked, "Instagram", "Instagram said it would appeal.", sure)


def test_the_finished_answer_refuses_a_phrase_from_a_sentence_the_evidence_does_not_back():
    passages = [replace(point("Schools reopen on Monday. The budget vote was delayed to Friday.", None).passage,
                        chunk_id="a1:0")]
    evidence = (point("The budget vote was delayed to Friday.", 1.0),)
    quiz = QuizAnswerer(None, None, None)
    wrong = quiz.finish("When is the budget vote?", "Monday [1]", passages, "local", evidence)
    right = quiz.finish("When is the budget vote?", "Friday [1]", passages, "local", evidence)
    assert wrong.refused and wrong.text.startswith("The articles do not give")
    assert not right.refused and right.short_answer == "Friday"
