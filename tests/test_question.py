"""Reading a question (rag/question.py): its form, whether it asks about now, the order it wants points in, the detail
it asks for, the kind of phrase that answers it, the names it contains, and whether it needs the conversation."""

from __future__ import annotations

import pytest

from rag.question import (
    OPEN,
    QUIZ,
    answer_type,
    asked_detail,
    asks_for_latest,
    asks_for_timeline,
    asks_to_compare,
    compared_parts,
    named_words,
    needs_context,
)
from rag.question import form as question_form


@pytest.mark.parametrize("question", [
    "Summarize the situation in Syria.", "Why are there clashes in Syria?", "How did Russia react to the news?",
    "Give me a timeline of the opposition's advance.", "What's the latest on the N7 tram?",
    "Compare the two candidates' plans.", "What happened in Aleppo?", "What did the new authorities say about Assad?",
    "What caused the floods, and how bad was the damage?", "Tell me about the Crystal Heron award.",
])
def test_open_questions(question):
    assert question_form(question) == OPEN


@pytest.mark.parametrize("question", [
    "Where did Assad flee to?", "Who won the Crystal Heron award?", "How many people were killed in the clashes?",
    "When does the N7 run?", "Which city did the Kurdish forces seize?", "What is the population of Aleppo?",
    "How much did the skeleton sell for?", "What did she make?",
])
def test_quiz_questions(question):
    assert question_form(question) == QUIZ


@pytest.mark.parametrize("question", [
    "What's the latest on the N7 tram?", "Who is currently leading the count?", "What happened today in Kyiv?",
    "Any updates on the strike?", "What has been decided so far?", "What did the mayor say recently?",
])
def test_a_question_about_now_asks_for_the_latest(question):
    assert asks_for_latest(question)


@pytest.mark.parametrize("question", ["Where did Assad flee to?", "What happened in Aleppo in 2024?",
                                      "Who won the Crystal Heron award?"])
def test_a_question_about_a_fact_does_not(question):
    assert not asks_for_latest(question)


def test_timelines_and_comparisons_are_told_and_a_comparison_splits_into_its_sides():
    assert asks_for_timeline("Give me a timeline of the opposition's advance.")
    assert asks_for_timeline("How did the crisis develop?") and not asks_for_timeline("Where did Assad flee to?")
    assert asks_to_compare("Compare the two candidates' plans.") and asks_to_compare("How do the parties differ?")
    parts = [p.strip() for p in compared_parts("Compare the Labour plan with the Conservative plan")]
    assert parts == ["", "the Labour plan", "the Conservative plan"]


@pytest.mark.parametrize(("question", "phrase", "speaker"), [
    ("What happened in the flood, including how many people died?", "how many people died", ""),
    ("Summarize the earthquake and the latest death toll.", "the latest death toll", ""),
    ("What did Russia say about the talks?", "what Russia said about the talks", "Russia"),
])
def test_the_detail_an_open_question_asks_for_is_read_from_it(question, phrase, speaker):
    detail = asked_detail(question)
    assert detail is not None and (detail.phrase, detail.speaker) == (phrase, speaker)


def test_an_overview_asks_for_no_detail():
    assert asked_detail("What happened in Aleppo?") is None


@pytest.mark.parametrize(("question", "kind"), [
    ("How many people were killed?", "number"), ("When does the N7 run?", "date"),
    ("What year did the war end?", "date"), ("Who won the award?", "name"), ("Where did Assad flee to?", "name"),
])
def test_the_kind_of_phrase_a_quiz_question_asks_for(question, kind):
    assert answer_type(question) == kind


def test_names_and_codes_a_question_contains():
    assert named_words("When does the N7 run past Ilse Varga's house?") == {"n7", "ilse", "varga's"}
    assert named_words("where did it happen?") == set()


@pytest.mark.parametrize(("question", "needed"), [
    ("Where did he go?", True), ("Who was fighting there?", True), ("And Russia?", True), ("Tell me more", True),
    ("What else happened?", True), ("Who seized Deir ez-Zor?", False), ("Where did Assad flee to?", False),
])
def test_only_a_follow_up_that_points_back_needs_the_conversation(question, needed):
    assert needs_context(question) is needed
