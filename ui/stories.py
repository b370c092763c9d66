"""The Stories tab: the biggest stories of a window (today, this week or chosen dates), about a topic if one is
typed, as cards: the headline, its outlets, its dates, its articles, its key points each cited [n] with a link to
its article, and an "Ask about this story" button that asks the chat about it.

Headlines, outlets and points come from articles, which are untrusted: everything is escaped, and a link is made
only from an http(s) URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date

from rag import Briefing, NewsAssistant, NewsragError, Story, StoryArticle, briefing_text, one_line

TODAY, WEEK, CHOSEN = "Today", "This week", "Chosen dates"
WINDOWS = (TODAY, WEEK, CHOSEN)
DAYS = {TODAY: 1, WEEK: 7}
QUESTION_CHARS = 200  # of a headline put in a question: a question, not a document
START = '<div class="nr-empty">Choose a window (and a topic, if you like), then Brief me.</div>'

# The cards' "Ask about this story" buttons report which story was chosen (Gradio's ``trigger`` in a gr.HTML);
# one listener on the component, so it holds however often the cards are redrawn.
ASK_SCRIPT = """
element.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button.nr-ask");
  if (!button || !element.contains(button)) return;
  event.preventDefault();
  trigger("click", {story: Number(button.dataset.story)});
});
"""


def brief_stories(assistant: NewsAssistant, window: str, since: str = "", until: str = "",
                  topic: str = "") -> tuple[str, list[str]]:
    """What Brief me shows: the stories as cards (or a one-line message saying what is wrong), and the question
    each card's "Ask about this story" asks."""
    try:
        first, last, days = window_of(window, since, until)
    except ValueError as problem:
        return message_html(str(problem), error=True), []
    try:
        briefing = assistant.brief(since=first, until=last, days=days, topic=(topic or "").strip())
    except NewsragError as error:
        return message_html(f"✗ {error}", error=True), []
    return briefing_html(briefing), [story_question(s) for s in briefing.stories]


def window_of(window: str, since: str, until: str) -> tuple[date | None, date | None, int]:
    """``NewsAssistant.brief``'s window (since, until, days) for the choice made: today's or this week's stories
    (the newest articles' when there are none), or the dates typed; an empty end of chosen dates is the other's
    day. ``ValueError``: a one-line message saying what to type."""
    if window in DAYS:
        return None, None, DAYS[window]
    if window != CHOSEN:
        raise ValueError(f"Choose one of: {', '.join(WINDOWS)}.")
    first, last = day(since, "From"), day(until, "To")
    if first is None and last is None:
        raise ValueError("Type a date in From, To or both (YYYY-MM-DD), or choose Today or This week.")
    first, last = first or last, last or first
    if first and last and first > last:
        raise ValueError(f"From ({first.isoformat()}) is after To ({last.isoformat()}): swap them.")
    return first, last, 1


def day(value: str | None, label: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise ValueError(f"{label}: {shown!r} is not a date; use YYYY-MM-DD, e.g. 2024-12-08.") from None


def story_question(story: Story) -> str:
    """The question "Ask about this story" asks the chat: what happened, named by the story's headline."""
    headline = " ".join(story.title.split()).rstrip(" ?!.,:;")
    if len(headline) > QUESTION_CHARS:
        headline = headline[:QUESTION_CHARS].rsplit(" ", 1)[0]
    return f"What happened with {headline}?" if headline else "What happened in this story?"


def chosen_question(questions: Sequence[str] | None, story: object) -> str | None:
    """The question of card ``story`` (its place, as the card's button reports it), None if there is no such card
    (the cards were redrawn, or the report is not a number)."""
    questions = list(questions or [])
    if isinstance(story, bool) or not isinstance(story, int | float | str):
        return None
    try:
        number = int(story)
    except (ValueError, OverflowError):  # "x", NaN, infinity
        return None
    return questions[number] if 0 <= number < len(questions) else None


def briefing_html(briefing: Briefing) -> str:
    """A briefing as the Stories tab shows it: what the window is (and why, when it moved to the newest articles),
    then a card per story, biggest first; or a clear message when it holds none."""
    note = f'<div class="nr-note">{_e(briefing.note)}</div>' if briefing.note else ""
    if not briefing.stories:
        empty = briefing_text(briefing).removeprefix(briefing.note).strip()
        hint = (" Try another topic or a wider window." if briefing.topic else " Try a wider window.") * bool(
            briefing.topic or briefing.since)
        return f'{note}<div class="nr-empty">{_e(empty + hint)}</div>'
    heading = briefing_text(briefing).split("\n", 1)[0].removeprefix(briefing.note).strip()
    cards = "".join(story_card(story, place) for place, story in enumerate(briefing.stories))
    return f'{note}<div class="nr-status">{_e(heading)}</div>{cards}'


def story_card(story: Story, place: int) -> str:
    """One story: its rank and headline, its outlets, articles and dates, its key points each with its [n] and a
    link to its article, the articles folded away, and the button that asks the chat about it."""
    outlets = story.outlets
    count = len(story.articles)
    named = f": {', '.join(outlets)}" if outlets else ""
    meta = [f"{len(outlets)} outlet{'s' * (len(outlets) != 1)}{named}", f"{count} article{'s' * (count != 1)}",
            _seen(story)]
    points = "".join(f'<li>{_e(" ".join(p.text.split()))} {_source_link(p.number, p.passage.url, p.passage.title)}'
                     f'<span class="nr-meta"> {_e(_where(p.passage.source, p.published_at))}</span></li>'
                     for p in story.points)
    points = f'<ul class="nr-points">{points}</ul>' if points else '<div class="nr-empty">No point to quote.</div>'
    articles = "".join(f"<li>{_article(a)}</li>" for a in story.articles)
    return (f'<div class="nr-card nr-story" id="nr-story-{place + 1}">'
            f'<div class="nr-head"><span class="nr-num">{place + 1}.</span> {_e(story.title)}</div>'
            f'<div class="nr-meta">{" · ".join(_e(m) for m in meta)}</div>{points}'
            f'<details class="nr-more"><summary>{count} article{"s" * (count != 1)}</summary>'
            f'<ul class="nr-articles">{articles}</ul></details>'
            f'<button class="nr-ask" type="button" data-story="{place}">Ask about this story</button></div>')


def message_html(text: str, error: bool = False) -> str:
    return f'<div class="{"nr-error" if error else "nr-empty"}">{_e(one_line(text))}</div>'


def _seen(story: Story) -> str:
    if not story.first_seen or not story.last_seen:
        return "undated"
    return f"first seen {story.first_seen.isoformat()} · last seen {story.last_seen.isoformat()}"


def _where(source: str, published: date | None) -> str:
    parts = [x for x in (source, published.isoformat() if published else "") if x]
    return f"— {', '.join(parts)}" if parts else ""


def _source_link(number: int, url: str, title: str) -> str:
    """[n], a link to its article when the article has an http(s) address."""
    if not _is_web(url):
        return f'<span class="nr-num">[{number}]</span>'
    return (f'<a class="nr-source-link" href="{_e(url)}" target="_blank" rel="noopener noreferrer nofollow" '
            f'title="{_e(title or url)}">[{number}]</a>')


def _article(article: StoryArticle) -> str:
    title = _e(article.title or "Untitled")
    if _is_web(article.url):
        title = f'<a href="{_e(article.url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
    where = _where(article.source, article.published_at)
    copy = " (repeats another report)" if article.copy_of else ""
    return f'{title}<span class="nr-meta"> {_e(where + copy)}</span>'


def _is_web(url: str) -> bool:
    return bool(re.match(r"https?://", url or "", re.IGNORECASE))


def _e(text: str) -> str:
    return html.escape(text, quote=True)
