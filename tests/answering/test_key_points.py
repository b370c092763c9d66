"""Choosing key points: the real cross-encoder scores the sentences; diversity, the budget, the sentence a pronoun
needs, and the order a timeline or a comparison is shown in."""

from __future__ import annotations

from datetime import date

import pytest

from rag.answering.key_points import SENTENCE_TOKENS, KeyPointSelector
from rag.answering.point_order import arrange, event_day
from rag.models.cross_encoder import load_cross_encoder
from rag.types import Passage

FLOOD = ("Record rain fell on the melting snowpack over the weekend. The Yellowstone River rose above its 1918 record "
         "on Monday. Floodwater washed out roads and bridges near the town of Gardiner. More than 10,000 visitors were "
         "ordered to leave the park. Park officials said the northern loop may stay closed for months.")
WIRE = ("The Yellowstone River rose above its 1918 record on Monday, officials said. Floodwater washed out roads and "
        "bridges near the town of Gardiner, the wire service reported. Hotels in the region reported cancellations.")
OTHER = ("Ticket sales for the summer concert series opened on Friday. The organisers expect about 4,000 people a "
         "night. Parking will be free after six.")
PRONOUN = ("Senator Maria Ortiz lost the primary on Tuesday by nine points. She conceded in a short speech to "
           "supporters in Tucson. Turnout was the highest in a decade.")


TITLES = {FLOOD: "Yellowstone closes after record floods", WIRE: "Floods swamp Yellowstone",
          OTHER: "Summer concerts return to the park", PRONOUN: "Ortiz loses Senate primary"}


def passage(text: str, n: int, day: date | None = None, start: int = 0) -> Passage:
    return Passage(chunk_id=f"a{n}:0", article_id=f"a{n}", text=text, title=TITLES.get(text, ""), source=f"Outlet {n}",
                   url=f"https://ex.com/{n}", published_at=day, authors=(), start=start, end=start + len(text),
                   score=0.5)


@pytest.fixture(scope="module")
def model():
    return load_cross_encoder(SENTENCE_TOKENS)


def select(model, question, passages, **settings):
    options = {"max_points": 6, "max_words": 200, "max_chunks": 10, **settings}
    return KeyPointSelector(model, **options)(question, passages)


def test_the_sentences_that_state_the_facts_come_first_with_exact_offsets(model):
    chunk = passage(FLOOD, 1, start=40)
    article = "x" * 40 + FLOOD
    points = select(model, "How bad was the damage from the Yellowstone floods?", [chunk, passage(OTHER, 2)])
    assert points and all(p.article_id == "a1" for p in points[:2])
    assert any("Gardiner" in p.text for p in points[:2]) and not any("concert" in p.text for p in points[:2])
    assert all(article[p.start:p.end] == p.text for p in points if p.article_id == "a1")  # the article's own words
    assert points[0].rerank_score == max(p.rerank_score for p in points)  # the best first


def test_no_two_points_say_the_same_thing_and_other_articles_get_a_say(model):
    points = select(model, "What happened in the Yellowstone floods?", [passage(FLOOD, 1), passage(WIRE, 2)])
    record = [p for p in points if "1918 record" in p.text]
    gardiner = [p for p in points if "Gardiner" in p.text]
    assert len(record) == 1 and len(gardiner) == 1  # the wire copy's near-identical sentences are left out
    seen = KeyPointSelector(model, 6, 200, 10).candidates([passage(FLOOD, 1), passage(WIRE, 2)])
    assert len([c for c in seen if "1918 record" in c.passage.text]) == 2  # both were read; one was chosen
    assert {p.article_id for p in select(model, "What happened in the Yellowstone floods?",
                                         [passage(FLOOD, 1), passage(WIRE, 2)], same_article=5.0)} == {"a1", "a2"}


def test_a_sentence_that_opens_with_a_pronoun_brings_the_one_before_it(model):
    points = select(model, "How did Senator Ortiz react to losing?", [passage(PRONOUN, 1)])
    conceded = next(p for p in points if "conceded" in p.text)
    assert conceded.text.startswith("Senator Maria Ortiz lost the primary")  # "She conceded" is read with its subject
    assert PRONOUN[conceded.start:conceded.end] == conceded.text


def test_the_budget_caps_points_and_words(model):
    passages = [passage(FLOOD, 1), passage(WIRE, 2), passage(OTHER, 3)]
    assert len(select(model, "What happened in Yellowstone?", passages, max_points=2)) == 2
    small = select(model, "What happened in Yellowstone?", passages, max_words=30)
    assert small and sum(len(p.text.split()) for p in small) <= 30
    assert select(model, "What happened in Yellowstone?", passages, max_chunks=1)[0].article_id == "a1"
    with pytest.raises(ValueError):
        KeyPointSelector(model, max_points=0, max_words=100, max_chunks=5)


def test_a_timeline_is_shown_in_date_order():
    early = passage("The senate framework was announced on June 12.", 1, date(2022, 6, 13))
    vote = passage("The senate passed the bill 65-33 on Thursday.", 2, date(2022, 6, 24))
    signed = passage("The president signed the law on June 25, 2022.", 3, date(2022, 7, 11))
    shown = arrange("Give me a timeline of the gun bill.", [signed, vote, early])
    assert [p.article_id for p in shown] == ["a1", "a2", "a3"]
    assert arrange("What happened to the gun bill?", [signed, vote, early]) == [signed, vote, early]  # best first
    latest = arrange("What's the latest on the gun bill?", [early, signed, vote])
    assert [p.article_id for p in latest] == ["a3", "a2", "a1"]


def test_event_days_take_their_year_from_the_article():
    assert event_day("It began on December 8th.", date(2025, 1, 3)) == date(2024, 12, 8)  # the December before
    assert event_day("The vote is on 12 June.", date(2022, 6, 1)) == date(2022, 6, 12)
    assert event_day("Signed on July 4, 2021.", None) == date(2021, 7, 4)
    assert event_day("It began on December 8th.", None) is None and event_day("No date here.", None) is None


def test_a_comparison_is_shown_side_by_side():
    holmes = passage("Holmes was convicted on four counts in January.", 1)
    balwani = passage("Balwani was convicted on all 12 counts in July.", 2)
    holmes_sentence = passage("Holmes faces up to 20 years in prison.", 3)
    shown = arrange("How did Balwani's verdict compare with Holmes' verdict?", [holmes, balwani, holmes_sentence])
    assert [p.article_id for p in shown] == ["a2", "a1", "a3"]


def test_two_questions_in_one_get_points_for_each_part(model):
    chunks = [passage(FLOOD, 1), passage(OTHER, 2)]
    question = "What happened to the Yellowstone River, and how many people are expected at the concerts?"
    points = select(model, question, chunks, max_points=3)
    assert any("1918 record" in p.text or "Gardiner" in p.text for p in points)
    assert any("4,000" in p.text for p in points)  # the second part's answer, though the first part scores higher
    alone = select(model, "What happened to the Yellowstone River?", chunks, max_points=3)
    assert not any("4,000" in p.text for p in alone)


def test_question_parts_split_only_where_a_second_question_begins():
    from rag.question import question_parts

    assert question_parts("What happened in Syria, and how did Russia respond?") == [
        "What happened in Syria", "how did Russia respond?"]
    assert question_parts("Who won? Why did the vote go that way?") == ["Who won", "Why did the vote go that way?"]
    assert question_parts("What did Tom and Jerry say?") == ["What did Tom and Jerry say?"]
    assert question_parts("Who won, and why?") == ["Who won, and why?"]  # a one-word part: read as one question
