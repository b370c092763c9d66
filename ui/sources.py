"""The sources panel: one card per cited source, with the sentence that supports the answer highlighted, the
sources of one story together under its headline and coverage ("3 outlets (…) · 9 articles · dates").

Everything shown comes from article text, which is untrusted: it is escaped, never rendered as HTML or Markdown,
and a link is made only from an http(s) URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rag import MARKERS, Answer, Citation, Passage, Story, coverage, origin_label, sentences

_WORD = re.compile(r"\w+")


def sources_html(answer: Answer | None = None, reading: Sequence[Passage] = ()) -> str:
    """Cards for ``answer``'s cited sources, its other retrieved passages folded away; while an answer is still
    being written, the passages it is ``reading``."""
    if answer is None:
        if not reading:
            return '<div class="nr-empty">Sources appear here, numbered as the answer cites them.</div>'
        cards = "".join(_card(n, p, ()) for n, p in enumerate(reading, start=1))
        return f'<div class="nr-status">Reading {len(reading)} passage{"s" * (len(reading) != 1)}…</div>{cards}'
    if not answer.citations:
        note = "No source was cited." if answer.passages else "No passage was relevant enough to answer from."
        if answer.form == "brief":
            note = "No story to cite: the articles hold none in this window."
        return f'<div class="nr-empty">{note}</div>' + _folded(answer.passages, set())
    return _by_story(answer) + _folded(answer.passages, {c.number for c in answer.citations})


def _by_story(answer: Answer) -> str:
    """The cited sources' cards, those of one story together under its headline and coverage, each story where its
    first source is. A source of no story, or of a story of its one article (no other report to group it with),
    stands alone in its place."""
    story_of: dict[str, Story] = {}
    for held in answer.stories:
        if len(held.articles) > 1:
            for article in held.articles:
                story_of.setdefault(article.article_id, held)
    shown, done = [], set()
    for citation in answer.citations:
        story = story_of.get(citation.passage.article_id)
        if story is None:
            shown.append(_card(citation.number, citation.passage, citation.cited_by))
            continue
        if story.id in done:
            continue
        done.add(story.id)
        cards = "".join(_card(c.number, c.passage, c.cited_by) for c in answer.citations
                        if story_of.get(c.passage.article_id) is story)
        shown.append(f'<div class="nr-group"><div class="nr-group-head"><div class="nr-group-title">'
                     f'{_e(story.title)}</div><div class="nr-meta">{_e(coverage(story))}</div></div>{cards}</div>')
    return "".join(shown)


def supporting_spans(citation: Citation) -> list[tuple[int, int]]:
    """Where in the cited passage the answer's evidence is: for each answer sentence citing it, the passage sentence
    sharing the most words with it (at least half of the passage sentence's words, so a passing mention is not
    highlighted). A multi-sentence answer can lean on several sentences of one passage; each is marked."""
    spans = sentences(citation.passage.text)
    found: set[tuple[int, int]] = set()
    for cited in citation.cited_by:
        cited_words = {w.lower() for w in _WORD.findall(MARKERS.sub(" ", cited))}
        best, best_share = None, 0.5
        for start, end in spans:
            words = [w.lower() for w in _WORD.findall(citation.passage.text[start:end])]
            share = sum(w in cited_words for w in words) / len(words) if words else 0.0
            if share > best_share:
                best, best_share = (start, end), share
        if best:
            found.add(best)
    return sorted(found)


def _card(number: int, passage: Passage, cited_by: Sequence[str]) -> str:
    text = passage.text
    body, at = "", 0
    for start, end in supporting_spans(Citation(number, passage, tuple(cited_by))) if cited_by else ():
        body += f"{_e(text[at:start])}<mark>{_e(text[start:end])}</mark>"
        at = end
    body += _e(text[at:])
    title = _e(passage.title or "Untitled")
    if re.match(r"https?://", passage.url or ""):
        title = f'<a href="{_e(passage.url)}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
    day = passage.published_at.isoformat() if passage.published_at else ""
    file = "" if passage.url or passage.source else origin_label(passage.origin)  # the outlet says more than a path
    meta = " · ".join(_e(x) for x in (passage.source, day, file) if x)
    also = ""  # the outlets that ran a copy of the article (the copies themselves are not shown)
    if passage.also_published_by:
        also = f'<div class="nr-meta nr-also">also published by {_e(", ".join(passage.also_published_by))}</div>'
    return (f'<div class="nr-card" id="nr-source-{number}"><div class="nr-head"><span class="nr-num">[{number}]</span> '
            f'{title}</div><div class="nr-meta">{meta}</div>{also}'
            f'<blockquote class="nr-passage">{body}</blockquote></div>')


def _folded(passages: Sequence[Passage], cited: set[int]) -> str:
    others = [(n, p) for n, p in enumerate(passages, start=1) if n not in cited]
    if not others:
        return ""
    cards = "".join(_card(n, p, ()) for n, p in others)
    label = f"{len(others)} more retrieved passage{'s' * (len(others) != 1)}, not cited"
    return f'<details class="nr-more"><summary>{label}</summary>{cards}</details>'


def _e(text: str) -> str:
    return html.escape(text, quote=True)
