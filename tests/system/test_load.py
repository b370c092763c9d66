"""Load: 20 questions at once through the Python API and through the running Gradio app (``gradio_client``), on
loopback, with a real index and real embeddings. Answers are quoted sentences: the subject is concurrency, not
the chat model (``python -m eval.benchmarks.load`` measures the local model under the same load)."""

from __future__ import annotations

import pytest
from conftest import free_port

from eval.benchmarks.load import SEED_GOLD, api_asker, app_asker, questions_from, run_load
from rag.types import Answer

QUESTIONS = questions_from(SEED_GOLD, 20)
MEMORY_GROWTH_MB = 512  # a leak or a model loaded per request would pass this within a few requests


@pytest.fixture(scope="module")
def one_at_a_time(seeded) -> list[Answer]:
    """Each question's answer asked alone: under load every person must get exactly this."""
    return [seeded.ask(q) for q in QUESTIONS]


def check(report, expected: list[str]) -> None:
    print(report.line())
    assert report.errors == ()
    assert list(report.answers) == expected  # cited as when asked alone; the one unanswerable question refused
    assert report.cited == len(QUESTIONS) - 1
    assert report.rss_mb_peak - report.rss_mb_before < MEMORY_GROWTH_MB


def test_twenty_questions_at_once_through_the_api(seeded, one_at_a_time):
    check(run_load(api_asker(seeded), QUESTIONS, concurrency=20, channel="api"), [a.text for a in one_at_a_time])


@pytest.fixture(scope="module")
def app_url(seeded):
    from ui.app import launch

    app = launch(seeded, port=free_port(), block=False)
    yield app.local_url
    app.close()


def test_twenty_questions_at_once_through_the_app(app_url, one_at_a_time):
    from ui.render import answer_html

    shown = [answer_html(a) for a in one_at_a_time]  # the chat shows each answer as HTML, [n] linked to its card
    for _ in range(2):  # a second wave: the server still answers every one, and memory has not kept growing
        check(run_load(app_asker(app_url, "extractive"), QUESTIONS, concurrency=20, channel="app"), shown)
