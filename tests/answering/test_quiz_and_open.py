"""Choosing the form of an answer, finishing each form, and the relevance floor on short questions and follow-ups
(real index and embeddings; the extractive mode, so no model is needed)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sample_news import AWARD, TRAM

from rag import NewsAssistant
from rag.answering.answerer import Reading
from rag.answering.open import OpenAnswerer
from rag.answering.quiz import QuizAnswerer
from rag.question import OPEN, QUIZ
from rag.types import KeyPoint, Passage

HERON = """Herons return to the old marsh

Grey herons nested in the old marsh this spring for the first time in a decade, the wildlife trust said.
"""

FLOOR = 0.55  # above what these questions score against their articles, so the floor alone would refuse them


def passage(text: str, n: int) -> Passage:
    return Passage(chunk_id=f"a{n}:0", article_id=f"a{n}", text=text, title=f"T{n}", source="W", url=f"https://ex.com/{n}",
                   published_at=None, authors=(), start=0, end=len(text), score=0.5)


PASSAGES = [passage("Grey herons nested in the old marsh this spring.", 1),
            passage("Assad and his family fled the country, seeking refuge in Russia for ‘humanitarian reasons’.", 2)]


def test_a_quiz_phrase_is_checked_recited_and_followed_by_its_evidence():
    answer = QuizAnswerer(None, None, None).finish("Where did Assad flee?", "Russia [1]", PASSAGES, "local")
    assert answer.text == ("Russia [2] — “Assad and his family fled the country, seeking refuge in Russia for "
                           "‘humanitarian reasons’.” [2]")
    assert answer.short_answer == "Russia" and answer.form == QUIZ and not answer.refused


def test_an_invented_quiz_phrase_becomes_what_the_articles_do_not_give():
    answer = QuizAnswerer(None, None, None).finish("How many people fled?", "100 [2]", PASSAGES, "local")
    assert answer.refused and "100" not in answer.text
    assert answer.text.startswith("The articles do not give an answer to “How many people fled?”")


def test_a_phrase_whose_evidence_says_it_is_not_known_yet_is_not_an_answer():
    passages = [passage("The price has not yet been announced (the basic plan costs $9.99 now).", 1)]
    answer = QuizAnswerer(None, None, None).finish("How much will the new plan cost?", "$9.99 [1]", passages, "local")
    assert answer.refused and answer.text.startswith("The articles do not give")


def reading_of(*sentences: tuple[int, str]) -> Reading:
    """A reading whose key points are these sentences of sources 1, 2 …, each its own article."""
    numbers = sorted({n for n, _ in sentences})
    sources = tuple(passage(" ".join(t for m, t in sentences if m == n), n) for n in numbers)
    points = tuple(KeyPoint(n, replace(passage(t, n), chunk_id=f"a{n}:0@{i}")) for i, (n, t) in enumerate(sentences))
    return Reading(sources, points)


POINTS = reading_of((1, "Grey herons nested in the old marsh this spring."),
                    (2, "Assad and his family fled the country, seeking refuge in Russia for ‘humanitarian reasons’."))


def test_an_open_answer_shows_its_points_and_only_the_lead_sentences_they_state():
    written = ["The articles do not give the details. Assad fled", " to Russia [2]. He took 40 million dollars with",
               " him [2]. Herons nested in the marsh [1]."]
    events = list(OpenAnswerer(None, None).answer("What happened?", POINTS, iter(written), "local"))
    *shown, answer = events
    assert shown == ["Assad fled to Russia [2].", " Herons nested in the marsh [1]."]  # checked, one by one
    assert answer.lead == "Assad fled to Russia [2]. Herons nested in the marsh [1]."
    assert answer.text == (answer.lead + "\n\nKey points:\n• “Grey herons nested in the old marsh this spring.” [1]\n"
                           "• “Assad and his family fled the country, seeking refuge in Russia for "
                           "‘humanitarian reasons’.” [2]")
    assert [c.number for c in answer.citations] == [1, 2] and answer.form == OPEN and not answer.refused
    assert answer.citations[1].cited_by[0] == "Assad fled to Russia [2]."


def test_a_lead_the_check_drops_whole_leaves_the_points_standing():
    events = list(OpenAnswerer(None, None).answer("What happened?", POINTS, iter(["Putin said 500 people died [2]."]),
                                                  "local"))
    assert len(events) == 1  # nothing of the lead is shown
    [answer] = events
    assert not answer.refused and answer.lead == "" and len(answer.points) == 2
    assert answer.text.startswith("Key points:") and "500" not in answer.text and "do not give" not in answer.text


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    corpus = tmp_path_factory.mktemp("small")
    for name, text in (("award.txt", AWARD), ("tram.txt", TRAM), ("heron.txt", HERON)):
        (corpus / name).write_text(text, encoding="utf-8")
    assistant = NewsAssistant(index_dir=tmp_path_factory.mktemp("small-index") / "index", mode="extractive",
                              min_relevance=FLOOR)
    assistant.ingest([corpus], progress=False)
    return assistant


def test_short_questions_and_condensed_follow_ups_are_not_refused(small):
    for question in ("When does the N7 run?", "What did Ilse Varga make?"):
        assert max(p.score for p in small.index.search(question, 3)) < FLOOR
    tram = small.ask("When does the N7 run?")
    assert not tram.refused and "00:30 and 05:00" in tram.text
    made = small.ask("What did Ilse Varga make?")
    assert not made.refused and "Salt Roads" in " ".join(p.text for p in made.passages)
    history = [{"role": "user", "content": "Who won the Crystal Heron award?"},
               {"role": "assistant", "content": "Ilse Varga [1]"}]
    follow_up = small.ask("What did she make?", history=history)  # retrieved as "Who won … award? What did she make?"
    assert not follow_up.refused and "Salt Roads" in " ".join(p.text for p in follow_up.passages)


def test_off_topic_questions_are_still_refused(small):
    for question in ("What is a good recipe for banana bread?", "Who won the 1998 football World Cup?"):
        assert small.ask(question).refused


def test_a_quiz_answer_written_as_a_sentence_is_checked_as_a_claim():
    passages = [passage("Elton John has teamed up with Britney Spears for his new single Hold Me Closer.", 1)]
    answer = QuizAnswerer(None, None, None).finish(
        "Who did Elton John collaborate with?", "Elton John has collaborated with Britney Spears on Hold Me Closer. [1]",
        passages, "local")
    assert not answer.refused and "Britney Spears" in answer.text


def test_a_hoped_for_figure_is_not_the_measured_one_a_question_asks_for():
    from rag.answering.open import is_given
    from rag.question import asked_detail

    plan = [passage("The maker hopes the filter will cut emissions by 30%. A trial starts in May.", 1)]
    result = [passage("In the trial, the filter cut emissions by 12%, the maker said.", 1)]
    measured = "How much did the filter cut emissions in the trial, and what happens next?"
    hoped = "How much does the maker expect the filter to cut emissions, and why?"
    assert not is_given(asked_detail(measured), plan, measured)  # the plan's figure is not the result
    assert is_given(asked_detail(measured), result, measured)
    assert is_given(asked_detail(hoped), plan, hoped)  # asked about the expectation itself: it is given
