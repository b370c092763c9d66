"""Removing articles (``NewsAssistant.remove``) takes them out of their stories: the story keeps its id and the
rest of its articles, a story left empty is gone, and when the original of a wire copy goes, its copy becomes the
original. Each test removes from its own story of one index built for the module."""

from __future__ import annotations

from datetime import date

import pytest
from week_news import (
    BUDGET,
    FESTIVAL,
    QUAKE,
    QUAKE_COASTAL,
    QUAKE_LEDGER,
    QUAKE_MERIDIAN,
    SEEDS,
    STRIKE,
    STRIKE_FOLLOW_UP,
    STRIKE_REPRINT,
    STRIKE_WIRE,
    build,
    ids,
    story_of,
    url_id,
    write_jsonl,
)

from rag import NewsAssistant

SECOND_REPRINT = {  # the wire copy as a third outlet runs it, a day later
    **STRIKE_WIRE, "url": "https://coastal-times.example/2024/03/08/velmar-dockers-strike", "source": "Coastal Times",
    "published_at": "2024-03-08", "title": "Dockers strike at Velmar, ships wait at anchor",
    "text": STRIKE_WIRE["text"].replace("unlawful", "irresponsible"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    folder = tmp_path_factory.mktemp("removal")
    assistant = build(folder, [*QUAKE, *STRIKE, SECOND_REPRINT, FESTIVAL])
    assert assistant.ingest([write_jsonl(folder / "extra.jsonl", [BUDGET])], progress=False).articles_added == 1
    return assistant


def article_ids(assistant: NewsAssistant) -> set[str]:
    return {a.article_id for s in assistant.stories(limit=1000) for a in s.articles}


def test_a_removed_article_leaves_its_story_and_the_story_keeps_the_rest(corpus):
    before = story_of(corpus, QUAKE_LEDGER)
    assert corpus.remove([QUAKE_COASTAL["url"]]) == 1
    gone = url_id(QUAKE_COASTAL)
    assert gone not in article_ids(corpus) and corpus.story_store.articles([gone]) == {}
    after = story_of(corpus, QUAKE_LEDGER)
    assert after.id == before.id
    assert {a.article_id for a in after.articles} == ids(QUAKE) - {gone}
    assert "Coastal Times" not in after.outlets and len(after.outlets) == 2
    assert (after.first_seen, after.last_seen) == (date(2024, 3, 4), date(2024, 3, 6))
    assert {p.story for p in corpus.story_store.articles(list(ids(QUAKE) - {gone})).values()} == {before.id}


def test_removing_the_original_of_a_wire_copy_makes_the_copy_the_original(corpus):
    before = story_of(corpus, STRIKE_WIRE)
    wire, reprint, second = url_id(STRIKE_WIRE), url_id(STRIKE_REPRINT), url_id(SECOND_REPRINT)
    assert corpus.story_store.canonical([reprint, second]) == {reprint: wire, second: wire}
    assert corpus.remove([wire]) == 1  # by id this time
    placed = corpus.story_store.articles([wire, reprint, second, url_id(STRIKE_FOLLOW_UP)])
    assert wire not in placed
    assert placed[reprint].copy_of == "" and placed[reprint].story == before.id  # the first copy placed
    assert placed[second].copy_of == reprint and placed[second].story == before.id  # now copies it
    copies = corpus.story_store.copies([wire, reprint])
    assert {a: [c.article_id for c in found] for a, found in copies.items()} == {wire: [], reprint: [second]}
    after = story_of(corpus, STRIKE_REPRINT)
    assert after.id == before.id
    assert {a.article_id for a in after.originals} == {reprint, url_id(STRIKE_FOLLOW_UP)}
    assert [a.article_id for a in after.articles if a.copy_of] == [second]
    assert after.articles[0].copy_of == ""
    assert set(after.outlets) == {"Harbour Daily", "Meridian Wire", "Coastal Times"}  # the follow-up is the wire's
    assert wire not in {a.article_id for a in after.articles}


def test_a_story_whose_last_article_is_removed_is_gone(corpus):
    story = story_of(corpus, FESTIVAL).id
    stories = len(corpus.stories(limit=1000))
    assert corpus.remove([FESTIVAL["url"]]) == 1
    assert story not in {s.id for s in corpus.stories(limit=1000)}
    assert len(corpus.stories(limit=1000)) == stories - 1
    assert corpus.story_store.states([story]) == {} and corpus.story_store.members([story]) == {story: []}
    assert corpus.story_store.articles([url_id(FESTIVAL)]) == {}


def test_an_article_pruned_with_its_file_leaves_the_stories(corpus):
    extra = corpus.settings.index_dir.parent / "extra.jsonl"
    story = story_of(corpus, BUDGET).id
    report = corpus.ingest([write_jsonl(extra, [SEEDS])], prune=True, progress=False)
    assert (report.articles_added, report.articles_removed) == (1, 1)
    assert corpus.story_store.articles([url_id(BUDGET)]) == {}
    assert story not in {s.id for s in corpus.stories(limit=1000)}
    assert [a.article_id for a in story_of(corpus, SEEDS).articles] == [url_id(SEEDS)]


def test_an_edited_article_stays_in_its_story_once(corpus, tmp_path):
    before = story_of(corpus, QUAKE_MERIDIAN)
    edited = {**QUAKE_MERIDIAN, "text": QUAKE_MERIDIAN["text"].replace("killed 41", "killed 43"),
              "title": "Orlesia appeals for aid as the Marnavik toll rises to 43"}
    report = corpus.ingest([write_jsonl(tmp_path / "edited.jsonl", [edited])], progress=False)
    assert report.articles_updated == 1
    after = story_of(corpus, QUAKE_MERIDIAN)
    assert after.id == before.id and len(after.articles) == len(before.articles)
    assert [a.title for a in after.articles if a.article_id == url_id(QUAKE_MERIDIAN)] == [edited["title"]]
    assert corpus.story_store.count()[0] == len(article_ids(corpus))


def test_a_restarted_assistant_sees_the_removals(corpus):
    again = NewsAssistant(settings=corpus.settings)
    assert article_ids(again) == article_ids(corpus)
    assert again.story_store.count() == corpus.story_store.count()
