"""The controls beside the chat: the answer modes offered, the dates typed, the sources to choose from, and
``Options``, what they ask of one question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import gradio as gr

from rag import Filters, NewsAssistant, NewsragError
from ui.stories import day

MODE_LABELS = {"local": "Local model", "extractive": "Quoted sentences (no model)", "openai": "Configured API"}


@dataclass(frozen=True)
class Options:
    """What the controls beside the chat ask for."""

    mode: str
    top_k: int
    date_from: date | None
    date_to: date | None
    sources: tuple[str, ...]
    around: date | None = None  # prefer articles published near this day

    def filters(self) -> Filters | None:
        if not (self.sources or self.date_from or self.date_to or self.around):
            return None
        return Filters(sources=self.sources, date_from=self.date_from, date_to=self.date_to, around=self.around)


def answer_modes(assistant: NewsAssistant) -> list[str]:
    modes = ["local", "extractive"]
    if assistant.settings.openai_model:
        modes.append("openai")
    if assistant.settings.mode not in modes:
        modes.insert(0, assistant.settings.mode)
    return modes


def parse_day(value: str, label: str) -> date | None:
    """A filter's date, or None when the box is empty; a bad one is shown as Gradio's error message."""
    try:
        return day(value, label)
    except ValueError as problem:
        raise gr.Error(str(problem)) from None


def source_choices(assistant: NewsAssistant) -> list[str]:
    try:
        return list(assistant.stats().sources)
    except NewsragError:
        return []
