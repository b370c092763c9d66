"""Stories as the rest of newsrag sees them: typed ``Story`` records built from the store, biggest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from rag.stories.store import PlacedArticle, StoryStore
from rag.types import Story, StoryArticle


def story_record(story: int, members: Sequence[PlacedArticle]) -> Story:
    """A story from its articles: the headline is the title of the article nearest the story's mean vector (its most
    central report, not the first or a copy), the articles oldest first."""
    originals = [m for m in members if not m.copy_of] or list(members)
    centre = np.sum([m.vector for m in originals], axis=0)
    central = max(originals, key=lambda m: (float(m.vector @ centre), -m.placed))
    ordered = sorted(members, key=lambda m: (m.day or 0, m.placed))
    days = [m.day for m in members if m.day]
    return Story(id=story, title=central.title or "(untitled)",
                 articles=tuple(StoryArticle(m.article_id, m.title, m.source, m.url, m.published_at, m.copy_of)
                                for m in [central, *(m for m in ordered if m is not central)]),
                 first_seen=date.fromordinal(min(days)) if days else None,
                 last_seen=date.fromordinal(max(days)) if days else None)


def biggest_stories(store: StoryStore, since: date | None, until: date | None, limit: int,
                    among: Sequence[int] | None = None) -> list[Story]:
    """The ``limit`` biggest stories with an article in the window (outlets, then articles, then recency); the
    first article of each is its headline's."""
    first = since.toordinal() if since else None
    last = until.toordinal() if until else None
    ranked = store.biggest(first, last, limit, among)
    members = store.members(ranked)
    return [story_record(s, members[s]) for s in ranked if members.get(s)]


def stories_of(store: StoryStore, article_ids: Sequence[str]) -> list[Story]:
    """The stories these articles belong to, in the order the articles are given (each once)."""
    placed = store.stories_of(article_ids)
    order = list(dict.fromkeys(placed[a] for a in article_ids if a in placed))
    members = store.members(order)
    return [story_record(s, members[s]) for s in order if members.get(s)]
