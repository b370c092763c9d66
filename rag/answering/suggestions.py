"""Questions to ask next, drawn from the story an answer comes from, made without a model: how it developed (when
it runs over several days), how outlets differ (when several carry it), the latest on it (when it was reported
after the newest source the answer cites). Each names the story by its headline, so it finds the story again."""

from __future__ import annotations

import re

from rag.question import asks_for_latest, asks_for_timeline, asks_how_outlets_differ
from rag.types import Answer, Story

MAX_SUGGESTIONS = 3
_DATELINE = re.compile(r"^[^—–:|]{0,40}\s[—–]\s+")  # "Washington CNN — …", "London (Reuters) – …"
_TAIL = re.compile(r"\s*(?:[|–—-]\s+[^|–—-]{1,40}|\.\.\.|…)\s*$")  # " - CNN", " | Site", a cut-off "…"


def subject(story: Story, words: int = 14) -> str:
    """The story's headline as a question can name it: datelines and site names off, at most ``words`` words."""
    title = _DATELINE.sub("", " ".join(story.title.split()))
    title = _TAIL.sub("", title).strip(" .,:;\"'“”‘’")
    cut = title.split()
    return " ".join(cut[:words]) + ("…" if len(cut) > words else "")


def suggestions(answer: Answer) -> tuple[str, ...]:
    """Up to ``MAX_SUGGESTIONS`` questions about the story of the answer's first source (none for a refusal or a
    briefing, which lists stories of its own), skipping the kind of question just asked."""
    if answer.refused or answer.form == "brief" or not answer.stories or not answer.citations:
        return ()
    first = answer.citations[0].passage.article_id
    story = next((s for s in answer.stories if any(a.article_id == first for a in s.articles)), None)
    if story is None or len(story.articles) < 2:
        return ()
    name = subject(story)
    if not name:
        return ()
    asked = answer.question
    found: list[str] = []
    days = {a.published_at for a in story.articles if a.published_at}
    if len(days) > 1 and not asks_for_timeline(asked):
        found.append(f"How did “{name}” develop?")
    if len(story.outlets) > 1 and not asks_how_outlets_differ(asked):
        found.append(f"How do outlets differ on “{name}”?")
    cited = [c.published_at for c in answer.citations if c.published_at]
    if story.last_seen and cited and max(cited) < story.last_seen and not asks_for_latest(asked):
        found.append(f"What's the latest on “{name}”?")
    return tuple(found[:MAX_SUGGESTIONS])
