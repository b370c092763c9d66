"""Shared fixtures: the real embedding model (loaded once) and real Chroma indexes in temp folders."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def free_port() -> int:
    """A loopback port nothing listens on, for servers the tests start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's NEWSRAG_* environment or a newsrag.toml in the working folder. Tests answer in
    extractive mode unless they ask for another: the chat model is the subject of tests/test_llm.py only."""
    for name in list(os.environ):
        if name.startswith("NEWSRAG_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NEWSRAG_MODE", "extractive")


@pytest.fixture
def make_assistant(tmp_path: Path):
    from rag import NewsAssistant

    def make(**overrides) -> NewsAssistant:
        overrides.setdefault("index_dir", tmp_path / "index")
        return NewsAssistant(**overrides)

    return make


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    """An assistant over an index of the bundled seed corpus (built once for the session; do not write to it)."""
    from rag import NewsAssistant

    assistant = NewsAssistant(index_dir=tmp_path_factory.mktemp("seeded") / "index", mode="extractive")
    report = assistant.ingest([SEEDS], progress=False)
    assert report.articles_added == 1 and not report.problems
    return assistant
