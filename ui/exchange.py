"""One question streamed to its answer: at each step the conversation as shown (HTML), the conversation as text
(what follow-ups are read with), the sources panel and the questions suggested to ask next; and those suggestions
as the buttons under the chat, one click each from being asked."""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from typing import Any

import gradio as gr

from rag import Answer, KeyPoint, KeyPoints, NewsAssistant, NewsragError, Retrieved
from ui.options import Options
from ui.render import answer_html, shown_message
from ui.sources import sources_html

Conversation = list[dict[str, str]]  # messages as chat UIs hold them: {"role", "content"}
SUGGESTED = 3  # buttons under the chat for the questions an answer suggests (rag gives at most three)


def chat(assistant: NewsAssistant, question: str, history: Conversation, options: Options,
         shown: Conversation | None = None) -> Iterator[tuple[Conversation, Conversation, str, list[str]]]:
    """Stream one exchange: the conversation as shown (HTML, growing as the answer is checked), the conversation as
    text (the history follow-ups are read with), the sources panel, and the questions to ask next (none until the
    answer is final: the last answer's are gone as soon as a new question is asked)."""
    shown = list(shown if shown is not None else [shown_message(m) for m in history])
    question = " ".join((question or "").split())
    if not question:
        yield shown, history, sources_html(), []
        return
    asking = assistant.with_settings(mode=options.mode, top_k=options.top_k)
    shown = [*shown, {"role": "user", "content": html.escape(question, quote=False)},
             {"role": "assistant", "content": "…"}]
    asked = [*history, {"role": "user", "content": question}]
    yield list(shown), asked, sources_html(), []
    points: tuple[KeyPoint, ...] = ()
    evidence: tuple[KeyPoint, ...] = ()  # a quiz answer's, shown while the model names the answer
    missing = lead = ""
    try:
        for event in asking.stream(question, history=history, filters=options.filters()):
            if isinstance(event, Retrieved):
                yield list(shown), asked, sources_html(reading=event.passages), []
                continue
            if isinstance(event, KeyPoints):
                if event.form in ("brief", "outlets"):  # shown in sections with the answer, which follows at once
                    continue
                if event.form == "quiz":
                    evidence = event.points
                else:
                    points, missing = event.points, event.not_given
            elif isinstance(event, str):
                lead += event
            elif isinstance(event, Answer):
                shown[-1] = {"role": "assistant", "content": answer_html(event)}
                yield (list(shown), [*asked, {"role": "assistant", "content": event.text}], sources_html(event),
                       list(event.suggestions))
                return
            writing = bool(points) and asking.settings.mode != "extractive" and asking.settings.open_lead
            shown[-1] = {"role": "assistant", "content": answer_html(None, lead, points, missing, writing, evidence)}
            yield list(shown), asked, gr.skip(), []  # the panel keeps what it shows; only the answer grows
    except NewsragError as error:
        shown[-1] = {"role": "assistant", "content": html.escape(f"⚠️ {error}", quote=False)}
        yield shown, asked, sources_html(), []


def suggestion_buttons(suggestions: Sequence[str] | None) -> list[Any]:
    """The row of suggested questions under the chat and its ``SUGGESTED`` buttons, each labelled with its question
    (shown as text: Gradio renders a button's label, never its HTML): the row hidden when there are none."""
    asks = [" ".join(s.split()) for s in suggestions or () if isinstance(s, str) and s.strip()][:SUGGESTED]
    buttons = [gr.update(value=asks[i], visible=True) if i < len(asks) else gr.update(visible=False)
               for i in range(SUGGESTED)]
    return [gr.update(visible=bool(asks)), *buttons]


def ask_suggested(suggestion: str) -> tuple[Any, ...]:
    """A suggested question clicked: it goes in the question box (to be asked there as Ask asks it), the stop button
    shows, and the suggestions go (the answer brings its own)."""
    return suggestion, gr.update(visible=True), []
