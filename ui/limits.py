"""How much the app takes on at once: answers in progress across the process (``answer_slots``) and questions in
flight per session (``session_turn``), so one client cannot take every answer slot from the others."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rag import NewsAssistant

CONCURRENT_ANSWERS = 4  # answers in progress at once; the local model takes its requests in turn, quick ones pass
PER_SESSION = 2  # questions one session (a browser tab, an API client) may have in flight; a third is told to wait
BUSY = "⚠️ You already have {n} questions being answered; wait for one of them to finish, then ask again."

_in_flight: dict[str, int] = {}
_in_flight_lock = threading.Lock()


@contextmanager
def session_turn(session: str) -> Iterator[bool]:
    """Whether ``session`` may ask now (fewer than ``PER_SESSION`` of its questions in flight), holding its turn
    until the answer ends. One client cannot take every answer slot (and the queue's 64 places) from the others."""
    with _in_flight_lock:
        allowed = _in_flight.get(session, 0) < PER_SESSION
        if allowed:
            _in_flight[session] = _in_flight.get(session, 0) + 1
    try:
        yield allowed
    finally:
        if allowed:
            with _in_flight_lock:
                _in_flight[session] -= 1
                if not _in_flight[session]:
                    del _in_flight[session]


def answer_slots(assistant: NewsAssistant) -> int:
    """Answers in progress at once: a model server writes ``openai_parallel`` of them in parallel; the local model
    takes its requests in turn, but quick (extractive) ones pass it, so a few run at once whatever the mode."""
    if assistant.settings.openai_model:
        return max(CONCURRENT_ANSWERS, assistant.settings.openai_parallel)
    return CONCURRENT_ANSWERS
