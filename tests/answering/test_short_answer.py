import pytest

from rag.answering.short_answer import short_answer


@pytest.mark.parametrize("question, sentence, expected", [
    ("Where did Assad flee?", "Assad and his family fled the country, seeking refuge in Russia. [1]", "Russia"),
    ("When did the opposition capture Damascus?",
     "The opposition groups successfully captured Damascus in the early morning hours of December 8th.", "December 8th"),
    ("Who seized the city of Deir ez-Zor?",
     "Concurrently, the Kurdish ‘Syrian Democratic Forces’ seized the city of Deir ez-Zor.", "Syrian Democratic Forces"),
    ("How much does a gallon of regular gas cost on average?",
     "The national average for a gallon of regular gas hit $5.00 on Saturday, according to AAA.", "$5.00"),
    ("Who did the authorities ask Russia to help apprehend?",
     "The new authorities demanded Russian cooperation in apprehending Assad.", "Assad"),
])
def test_picks_the_phrase_of_the_asked_kind_that_the_question_lacks(question, sentence, expected):
    assert short_answer(question, sentence) == expected


def test_falls_back_to_the_sentence_without_markers():
    assert short_answer("Why did it happen?", "because it rained all week. [2]") == "because it rained all week."
