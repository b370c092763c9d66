"""Shared fixtures: the real embedding model (loaded once) and real Chroma indexes in temp folders."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
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
    extractive mode unless they ask for another: the chat model is the subject of tests/models/test_llm.py only."""
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


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real ``chroma run`` on loopback, for the module; yields its port."""
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("wb")
    server = subprocess.Popen([chroma, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"chroma run did not start: {(data / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
    yield port
    server.terminate()
    server.wait(timeout=30)
    log.close()
