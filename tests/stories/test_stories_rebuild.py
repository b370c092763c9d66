"""``newsrag stories --rebuild`` (``NewsAssistant.rebuild_stories``): every article placed again from the vectors
the index holds. On an index ingest grouped it gives the same grouping; on an index built with ``stories = false``
(no story file at all) it gives it its stories, the same as ingest would have."""

from __future__ import annotations

import pytest
from week_news import BACKGROUND, MONDAY, QUAKE_LEDGER, STRIKE_WIRE, SUNDAY, WEEK, build, expected_partition, story_of

from rag import NewsAssistant
from rag.stories.store import STORIES_FILE


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    return build(tmp_path_factory.mktemp("grouped"), WEEK)


@pytest.fixture(scope="module")
def ungrouped(tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    return build(tmp_path_factory.mktemp("ungrouped"), WEEK, stories=False)


def grouping(assistant: NewsAssistant) -> set[frozenset[tuple[str, bool]]]:
    """The stories as sets of (article id, whether it is a copy), whatever the stories' ids."""
    return {frozenset((a.article_id, bool(a.copy_of)) for a in s.articles) for s in assistant.stories(limit=1000)}


def copies(assistant: NewsAssistant) -> set[frozenset[str]]:
    """Each copy with the article it copies, as an unordered pair."""
    return {frozenset((a.article_id, a.copy_of)) for s in assistant.stories(limit=1000) for a in s.articles
            if a.copy_of}


def test_a_rebuild_gives_the_grouping_ingest_gave(grouped):
    ingested, copied = grouping(grouped), copies(grouped)
    assert {frozenset(i for i, _ in s) for s in ingested} == expected_partition(WEEK)
    assert len(copied) == 1
    assert grouped.rebuild_stories() == len(BACKGROUND) + len(WEEK)
    assert grouping(grouped) == ingested and copies(grouped) == copied
    assert grouped.story_store.count() == (len(BACKGROUND) + len(WEEK), len(expected_partition(WEEK)))
    assert grouped.rebuild_stories() == len(BACKGROUND) + len(WEEK)  # again: nothing doubles
    assert grouping(grouped) == ingested
    assert NewsAssistant(settings=grouped.settings).stories(limit=1000) == grouped.stories(limit=1000)


def test_an_index_built_without_stories_gets_them_from_a_rebuild(ungrouped, grouped):
    assert not (ungrouped.settings.index_dir / STORIES_FILE).exists()
    assert ungrouped.stories() == [] and ungrouped.brief(since=MONDAY, until=SUNDAY).stories == ()
    assert ungrouped.rebuild_stories() == len(BACKGROUND) + len(WEEK)
    assert (ungrouped.settings.index_dir / STORIES_FILE).is_file()
    assert {frozenset(i for i, _ in s) for s in grouping(ungrouped)} == expected_partition(WEEK)
    assert grouping(ungrouped) == grouping(grouped) and copies(ungrouped) == copies(grouped)
    briefed = ungrouped.brief(since=MONDAY, until=SUNDAY).stories
    assert [s.title for s in briefed[:2]] == [story_of(ungrouped, QUAKE_LEDGER).title,
                                              story_of(ungrouped, STRIKE_WIRE).title]
