"""A briefing: the biggest stories of a window, each with its headline, its outlets and one or two key points quoted
from its articles and cited [n]. Built from stories and the articles' opening sentences, with no chat model, so it
is on screen in about a second: a news article's first sentences say what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rag.answering.citations import point_line, split_answer
from rag.answering.key_points import content_words_of
from rag.answering.sentences import sentences
from rag.stores.index import Index
from rag.types import Answer, Briefing, Citation, KeyPoint, Passage, Story

POINTS_PER_STORY = 2
_MIN_WORDS, _MAX_WORDS = 8, 70  # a point states something (not a byline or a caption) and stays readable
_REPEATS = 0.5  # a second point sharing more than this share of its content words with the first says it again


def with_points(stories: Sequence[Story], index: Index, per_story: int = POINTS_PER_STORY) -> list[Story]:
    """Each story with up to ``per_story`` key points: the opening statement of its headline article, then of its
    articles from other outlets (then others), skipping what repeats an earlier point. Numbered across the
    briefing, one number per article."""
    wanted = {s.id: _point_articles(s, per_story) for s in stories}
    openings = index.passages([f"{a}:0" for ids in wanted.values() for a in ids])
    by_article = {p.article_id: p for p in openings}
    numbered: list[Story] = []
    number = 0
    for story in stories:
        points: list[KeyPoint] = []
        said: list[frozenset[str]] = []
        for article_id in wanted[story.id]:
            if len(points) == per_story or article_id not in by_article:
                continue
            sentence = opening_statement(by_article[article_id], story.title)
            if sentence is None:
                continue
            words = content_words_of(sentence.text)
            if any(len(words & earlier) > _REPEATS * max(1, len(words)) for earlier in said):
                continue
            number += 1
            points.append(KeyPoint(number, sentence))
            said.append(words)
        numbered.append(replace(story, points=tuple(points)))
    return numbered


def _point_articles(story: Story, per_story: int) -> list[str]:
    """Articles to quote, best first: the headline's, one per other outlet, then the rest (copies never: they say
    what their original says)."""
    originals = list(story.originals) or list(story.articles)
    head, rest = story.articles[0], [a for a in originals if a.article_id != story.articles[0].article_id]
    outlets = {head.source}
    first_of_outlet = []
    for article in reversed(rest):  # newest first: a story's latest report says where it stands
        if article.source not in outlets:
            outlets.add(article.source)
            first_of_outlet.append(article)
    others = [a for a in reversed(rest) if a not in first_of_outlet]
    return [a.article_id for a in [head, *first_of_outlet, *others]][:per_story * 4]


def opening_statement(chunk: Passage, title: str) -> Passage | None:
    """The first sentence of an article's opening chunk that states something: long enough, not its title again,
    not a dateline or a caption; as a passage of its article."""
    title_words = content_words_of(title)
    for start, end in sentences(chunk.text):
        text = " ".join(chunk.text[start:end].split())
        words = text.split()
        if not _MIN_WORDS <= len(words) <= _MAX_WORDS or not any(c.islower() for c in text):
            continue
        own = content_words_of(text)
        if own and own <= title_words:
            continue
        begin = chunk.start + start
        return replace(chunk, chunk_id=f"{chunk.chunk_id}@{begin}", text=text, start=begin, end=chunk.start + end)
    return None


def briefing_text(briefing: Briefing) -> str:
    """The briefing as text: a heading, then per story its headline, outlets and dates, and its points with [n]."""
    if not briefing.stories:
        where = f" about {briefing.topic}" if briefing.topic else ""
        when = f" {window(briefing)}" if briefing.since and briefing.until else ""
        return f"The articles hold no story{where}{when}."
    about = f" about {briefing.topic}" if briefing.topic else ""
    lines = [" ".join(p for p in (briefing.note, f"The biggest stories{about} {window(briefing)}:") if p)]
    for rank, story in enumerate(briefing.stories, start=1):
        lines += ["", f"{rank}. {story.title}", f"   {coverage(story)}"]
        lines += [f"   {point_line(p)}" for p in story.points]
    return "\n".join(lines).strip()


def window(briefing: Briefing) -> str:
    if briefing.since and briefing.until:
        if briefing.since == briefing.until:
            return f"on {briefing.since.isoformat()}"
        return f"from {briefing.since.isoformat()} to {briefing.until.isoformat()}"
    return "in the articles"


def coverage(story: Story) -> str:
    """"3 outlets (cnn.com, usatoday.com, bbc.co.uk) · 5 articles · 2022-08-22 to 2022-08-26"."""
    outlets = story.outlets
    parts = []
    if outlets:
        parts.append(f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''} ({', '.join(outlets)})")
    count = len(story.articles)
    parts.append(f"{count} article{'s' if count != 1 else ''}")
    if story.first_seen and story.last_seen:
        days = story.first_seen.isoformat()
        parts.append(days if story.first_seen == story.last_seen else f"{days} to {story.last_seen.isoformat()}")
    return " · ".join(parts)


def briefing_answer(question: str, briefing: Briefing, mode: str) -> Answer:
    """A briefing as an ``Answer`` (``form`` "brief"): its text, its points, a citation per quoted article."""
    points = [p for story in briefing.stories for p in story.points]
    sources: dict[int, Passage] = {}
    for point in points:
        sources.setdefault(point.number, point.passage)
    citations = tuple(Citation(n, passage, tuple(s for p in points if p.number == n for s in split_answer(p.text)))
                      for n, passage in sorted(sources.items()))
    return Answer(question=question, text=briefing_text(briefing), citations=citations,
                  passages=tuple(c.passage for c in citations), mode=mode, refused=not briefing.stories, form="brief",
                  points=tuple(points), stories=briefing.stories)


def story_dict(story: Story) -> dict[str, object]:
    """A story as JSON (``newsrag brief --json``, ``newsrag stories --json``, the UI): the fields below stay."""
    return {
        "id": story.id, "title": story.title, "outlets": list(story.outlets),
        "first_seen": story.first_seen.isoformat() if story.first_seen else None,
        "last_seen": story.last_seen.isoformat() if story.last_seen else None,
        "articles": [{"id": a.article_id, "url": a.url, "title": a.title, "source": a.source,
                      "published_at": a.published_at.isoformat() if a.published_at else None,
                      "copy_of": a.copy_of or None} for a in story.articles],
        "points": [{"text": p.text, "citation": p.number, "title": p.passage.title, "source": p.passage.source,
                    "url": p.passage.url,
                    "published_at": p.published_at.isoformat() if p.published_at else None} for p in story.points],
    }


def briefing_dict(briefing: Briefing) -> dict[str, object]:
    """A briefing as JSON: ``{"stories": [story_dict …], "since", "until", "topic", "note"}``."""
    return {"stories": [story_dict(s) for s in briefing.stories],
            "since": briefing.since.isoformat() if briefing.since else None,
            "until": briefing.until.isoformat() if briefing.until else None,
            "topic": briefing.topic, "note": briefing.note}
