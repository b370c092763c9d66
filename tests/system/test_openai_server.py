"""``mode = "openai"`` against a real OpenAI-compatible server: llama.cpp's HTTP server (``xllamacpp.Server``, through
``rag.models.server``) with the packaged model and 4 parallel slots on 127.0.0.1, reached through newsrag's own paths
(``newsrag ask --mode openai``, the API, the UI). And every way a server can fail, each one line naming its URL:
down, silent past the timeout, 401, 404, 500, malformed JSON."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import SEEDS, free_port

from cli.main import main
from rag import Answer, NewsAssistant, Retrieved
from rag.config import Settings
from rag.errors import ModelError
from rag.models.server import start_model_server

pytestmark = pytest.mark.slow  # the real chat model

HISTORY = [{"role": "user", "content": "What happened to Bashar al-Assad?"},
           {"role": "assistant", "content": "He fled the country [1] after opposition groups took Damascus [1]."}]


@pytest.fixture(scope="module")
def model_server():
    return start_model_server(Settings(), port=free_port(), slots=4)


@pytest.fixture(scope="module")
def remote(model_server, tmp_path_factory: pytest.TempPathFactory) -> NewsAssistant:
    assistant = NewsAssistant(index_dir=tmp_path_factory.mktemp("remote") / "index", mode="openai",
                              openai_base_url=model_server.base_url, openai_model="qwen2.5-coder-1.5b")
    assistant.ingest([SEEDS], progress=False)
    return assistant


def test_a_quiz_answer_streams_cites_and_passes_the_grounding_check_through_the_server(remote):
    events = list(remote.stream("Where did Assad flee to?"))
    answer = events[-1]
    assert isinstance(events[0], Retrieved) and isinstance(answer, Answer)
    assert not answer.refused and "Russia" in answer.short_answer and answer.citations
    quote = answer.text.split("“", 1)[1].split("”", 1)[0]  # the checked evidence, quoted from the cited passage
    assert "Russia" in quote and " ".join(quote.split()) in " ".join(answer.citations[0].passage.text.split())


def test_an_open_answer_gets_key_points_and_a_lead_written_by_the_server(remote):
    events = list(remote.stream("Summarize the situation in Syria."))
    answer = events[-1]
    assert [type(e).__name__ for e in events[:2]] == ["Retrieved", "KeyPoints"]
    assert answer.form == "open" and len(answer.points) >= 3 and answer.lead  # the lead came from the server
    assert any(isinstance(e, str) for e in events[2:-1])  # streamed sentence by sentence, once checked


def test_a_follow_up_is_condensed_by_the_server(remote):
    standalone = remote.standalone_question("Where did he flee to?", HISTORY)
    assert "assad" in standalone.lower()
    assert "Russia" in remote.ask("Where did he flee to?", history=HISTORY).short_answer


def test_newsrag_ask_in_openai_mode(remote, model_server, capsys, monkeypatch):
    monkeypatch.setenv("NEWSRAG_OPENAI_BASE_URL", model_server.base_url)
    monkeypatch.setenv("NEWSRAG_OPENAI_MODEL", "m")
    code = main(["ask", "--index", str(remote.settings.index_dir), "--mode", "openai", "Where did the clashes erupt?"])
    out = capsys.readouterr().out
    assert code == 0 and "Aleppo" in out and "[1]" in out and "Sources:" in out


def test_several_questions_are_answered_at_once_by_the_servers_slots(remote):
    questions = ["Where did Assad flee to?", "Where did the clashes erupt?", "Who captured Damascus?"]
    answers: list[Answer] = []
    started = time.monotonic()
    threads = [threading.Thread(target=lambda q=q: answers.append(remote.ask(q))) for q in questions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(answers) == 3 and all(a.citations for a in answers)
    assert time.monotonic() - started < 300


class _Broken(BaseHTTPRequestHandler):
    """A server that fails the way its path says: /401, /500, /garbage (200 with malformed JSON), /stall."""

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/stall"):
            time.sleep(6)  # past the test's 2 s timeout, and bounded
            return
        status, body = {"/401": (401, b'{"error": {"message": "Invalid API Key", "type": "invalid_request_error"}}'),
                        "/500": (500, b'{"error": {"message": "the slot crashed"}}'),
                        "/garbage": (200, b"data: {not json at all\n\n")}[self.path.split("/v1")[0]]
        self.send_response(status)
        self.send_header("Content-Type", "text/event-stream" if status == 200 else "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def broken():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _failures(broken: str, model_server) -> dict[str, tuple[str, str]]:
    down = f"http://127.0.0.1:{free_port()}/v1"
    return {  # base URL -> what its one line must say
        "down": (down, f"the model server at {down} cannot be reached"),
        "stall": (f"{broken}/stall/v1", "did not answer within 2.0 s (openai_timeout)"),
        "401": (f"{broken}/401/v1", "refused the API key (HTTP 401)"),
        "404": (model_server.base_url.removesuffix("/v1") + "/nowhere/v1", "(HTTP 404)"),
        "500": (f"{broken}/500/v1", "failed (HTTP 500)"),
        "malformed": (f"{broken}/garbage/v1", "not an OpenAI-compatible one"),
    }


@pytest.mark.parametrize("case", ["down", "stall", "401", "404", "500", "malformed"])
def test_a_bad_server_is_one_line_naming_its_url(case, broken, model_server, remote, capsys, monkeypatch):
    url, expected = _failures(broken, model_server)[case]
    monkeypatch.setenv("NEWSRAG_OPENAI_BASE_URL", url)
    monkeypatch.setenv("NEWSRAG_OPENAI_MODEL", "m")
    monkeypatch.setenv("NEWSRAG_OPENAI_TIMEOUT", "2")
    code = main(["ask", "--index", str(remote.settings.index_dir), "--mode", "openai", "Where did Assad flee to?"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert err[0].startswith(f"newsrag: error: the model server at {url} ") and expected in err[0], err[0]


def test_the_ui_shows_a_bad_servers_error_in_the_chat_and_keeps_working(remote, broken):
    from gradio_client import Client

    from ui.app import launch

    failing = NewsAssistant(settings=Settings(index_dir=remote.settings.index_dir, mode="openai",
                                              openai_base_url=f"{broken}/500/v1", openai_model="m"))
    port = free_port()
    app = launch(failing, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        conversation, _, _ = client.predict("Where did Assad flee to?", "openai", 5, "", "", [], "", api_name="/ask")
        shown = conversation[-1]["content"][0]["text"]
        assert shown.startswith("⚠️ the model server at") and "HTTP 500" in shown and "\n" not in shown
        conversation, _, _ = client.predict("Where did Assad flee to?", "extractive", 5, "", "", [], "",
                                            api_name="/ask")
        assert "Russia" in conversation[-1]["content"][0]["text"]  # the app still answers
    finally:
        app.close()


def test_the_model_server_refuses_a_port_in_use(model_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(ModelError, match="could not start the model server"):
            start_model_server(Settings(), port=taken.getsockname()[1], slots=1)


def test_the_servers_answer_is_plain_openai_json(model_server):
    import urllib.request

    request = urllib.request.Request(f"{model_server.base_url}/chat/completions", data=json.dumps(
        {"model": "m", "messages": [{"role": "user", "content": "Say yes."}], "max_tokens": 4}).encode(),
        headers={"Content-Type": "application/json"})
    reply = json.loads(urllib.request.urlopen(request, timeout=60).read())
    assert reply["choices"][0]["message"]["content"]


def test_one_deployment_ui_with_a_chroma_server_and_a_model_server(model_server, chroma_server, tmp_path):
    """The documented recipe (docs/deployment.md): ``newsrag ui`` holding no index and no model of its own, the chunks
    on a Chroma server and the answers from a model server, all started here on loopback. Articles go in through the
    UI's upload, and a question comes back with a cited answer written by the model server."""
    import shutil

    from gradio_client import Client, handle_file

    from ui.app import launch

    assistant = NewsAssistant(settings=Settings(
        index_dir=tmp_path / "index", mode="openai", chroma_host="127.0.0.1", chroma_port=chroma_server,
        chroma_collection="deployment", openai_base_url=model_server.base_url, openai_model="qwen",
        openai_parallel=model_server.slots))
    upload = tmp_path / "aleppo.txt"
    shutil.copyfile(SEEDS / "000_3424cc2725251ae5.txt", upload)
    port = free_port()
    app = launch(assistant, port=port, block=False)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        log, *_ = client.predict([handle_file(str(upload))], api_name="/add_files")
        assert "✓ aleppo.txt: 1 new" in log
        conversation, panel, _ = client.predict("Where did Assad flee to?", "openai", 5, "", "", [], "",
                                                api_name="/ask")
        reply = conversation[-1]["content"][0]["text"]
        assert "Russia" in reply and "[1]" in reply and 'id="nr-source-1"' in panel
    finally:
        app.close()
    assert not (tmp_path / "index" / "chroma.sqlite3").exists()  # the chunks are on the Chroma server
    assert assistant.stats().articles == 1 and assistant.stats().path.startswith("http://127.0.0.1:")
