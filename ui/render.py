"""Answers and the index's figures as the page shows them, in HTML: everything from the articles or the model is
escaped, and each [n] in an answer is a link to its card in the sources panel (which ui.sources draws)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from rag import MARKERS, Answer, KeyPoint, NewsAssistant, NewsragError, coverage, point_line

WRITING = '<p class="nr-writing">Summing up the points…</p>'  # shown above the points while the lead is written
CHECKING = '<p class="nr-writing">Finding the answer in the evidence…</p>'  # above a quiz answer's evidence, meanwhile


def answer_html(answer: Answer | None, lead: str = "", points: Sequence[KeyPoint] = (), missing: str = "",
                writing: bool = False, evidence: Sequence[KeyPoint] = ()) -> str:
    """An answer as the chat shows it: what the articles do not give, the lead, then the key points as a list, each
    [n] a link to its source card; a quiz answer's phrase (``lead`` while streaming) above its evidence, or the
    evidence alone while the answer is checked. Everything from the articles or the model is escaped; only this
    markup is ours."""
    if answer is not None:
        if answer.form == "brief" and answer.stories:
            return briefing_answer_html(answer)
        if answer.form == "outlets" and answer.points:
            return outlets_answer_html(answer)
        if not answer.points:
            evidence_html = _evidence_html(answer.evidence, "Closest in the articles" if answer.refused else "Evidence")
            return f'<div class="nr-answer">{_cited(answer.text)}{evidence_html}</div>'
        lead, points, missing = answer.lead, answer.points, answer.not_given
    if evidence:
        said = f'<p class="nr-lead">{_cited(lead)}</p>' if lead else CHECKING
        return f'<div class="nr-answer">{said}{_evidence_html(evidence)}</div>'
    parts = [f'<p class="nr-missing">{_cited(missing)}</p>' if missing else "",
             f'<p class="nr-lead">{_cited(lead)}</p>' if lead else "",
             WRITING if writing and not lead else ""]
    items = "".join(f'<li>{_cited(point_line(p).removeprefix("• "))}</li>' for p in points)
    heading = "What the articles report" if missing else "Key points"
    parts.append(f'<div class="nr-points-head">{heading}</div><ul class="nr-points">{items}</ul>' if points else "")
    return f'<div class="nr-answer">{"".join(parts)}</div>'


def _evidence_html(evidence: Sequence[KeyPoint], heading: str = "Evidence") -> str:
    """A quiz answer's evidence: the sentences most likely to state it, quoted and cited, marked as evidence (under a
    refusal, as the closest the articles come)."""
    if not evidence:
        return ""
    items = "".join(f'<li>{_cited(point_line(p).removeprefix("• "))}</li>' for p in evidence)
    return f'<div class="nr-points-head">{heading}</div><ul class="nr-evidence">{items}</ul>'


def briefing_answer_html(answer: Answer) -> str:
    """A briefing (``form`` "brief") as the chat shows it: its window, then its stories numbered, each with its
    headline, its outlets, articles and dates, and its key points, each [n] a link to its source card."""
    heading = answer.text.split("\n", 1)[0]  # what the window is, and why when it moved to the newest articles
    stories = []
    for story in answer.stories:
        points = "".join(f'<li>{_cited(point_line(p).removeprefix("• "))}</li>' for p in story.points)
        stories.append(f'<li><div class="nr-story-title">{html.escape(story.title, quote=False)}</div>'
                       f'<div class="nr-meta">{html.escape(coverage(story), quote=False)}</div>'
                       + (f'<ul class="nr-points">{points}</ul>' if points else "") + "</li>")
    return (f'<div class="nr-answer nr-brief"><p class="nr-lead">{html.escape(heading, quote=False)}</p>'
            f'<ol class="nr-stories">{"".join(stories)}</ol></div>')


def outlets_answer_html(answer: Answer) -> str:
    """How outlets differ (``form`` "outlets") as the chat shows it: the intro line, then per outlet its name in bold
    and its points as a list ("— only in <outlet>" where no other outlet states it), each [n] a link to its card.
    Read from the answer's text, whose lines are the intro, then "<outlet>:" and "• <point> [n]" lines."""
    lines = [line for line in answer.text.splitlines() if line.strip()]
    parts = [f'<p class="nr-lead">{_cited(lines[0])}</p>'] if lines else []
    items: list[str] = []
    for line in [*lines[1:], ""]:  # "": the last outlet's points are closed too
        if line.startswith("• "):
            items.append(f"<li>{_cited(line.removeprefix('• '))}</li>")
            continue
        if items:
            parts.append(f'<ul class="nr-points">{"".join(items)}</ul>')
            items = []
        if line:  # an outlet's name: text, its [n] (if any) no link
            outlet = html.escape(line.removesuffix(":"), quote=False)
            parts.append(f'<p class="nr-outlet"><strong>{outlet}</strong></p>')
    return f'<div class="nr-answer nr-outlets">{"".join(parts)}</div>'


def _cited(text: str) -> str:
    """``text`` escaped, with each [n] made a link to source card n (ui.sources)."""
    def links(match: re.Match[str]) -> str:
        numbers = [n.strip() for n in match.group(1).split(",")]
        return "".join(f'<a class="nr-cite" href="#nr-source-{n}" data-source="{n}">[{n}]</a>' for n in numbers)

    return MARKERS.sub(links, html.escape(text, quote=False))


def shown_message(message: dict[str, str]) -> dict[str, str]:
    content = message["content"]
    shown = _cited(content) if message.get("role") == "assistant" else html.escape(content, quote=False)
    return {**message, "content": shown}


def stats_html(assistant: NewsAssistant) -> str:
    """The index's figures, one labelled row each: a table with no header row, as there is nothing to head. Source
    names come from articles, so everything is escaped."""
    try:
        stats = assistant.stats()
    except NewsragError as error:
        return f'<div class="nr-empty"><strong>No index yet.</strong> {html.escape(str(error))}</div>'
    more = len(stats.sources) - 12
    sources = ", ".join(stats.sources[:12]) + (f" and {more} more" if more > 0 else "")
    rows = {"Articles": f"{stats.articles:,}", "Passages": f"{stats.chunks:,}",
            "Sources": f"{len(stats.sources)}{': ' + sources if sources else ''}",
            "Dates": f"{stats.oldest} to {stats.newest}" if stats.oldest else "undated",
            "Newest article": str(stats.newest or "undated"), "Embedding model": stats.embedding_model,
            "Index": str(stats.path)}
    body = "".join(f'<tr><th scope="row">{name}</th><td>{html.escape(value)}</td></tr>' for name, value in rows.items())
    return f'<table class="nr-stats">{body}</table>'
