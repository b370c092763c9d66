"""Who can reach what: the UI binds loopback unless told otherwise and warns when it is open without a login;
a login is enforced; uploads are size-limited and land only in the uploads folder, never over an earlier file."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest
from conftest import SEEDS, free_port


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):
    from rag import NewsAssistant

    assistant = NewsAssistant(index_dir=tmp_path_factory.mktemp("access") / "index", mode="extractive")
    assistant.ingest([SEEDS], progress=False)
    return assistant


def outward_address() -> str | None:
    """This machine's address on its network (no packet is sent), or None without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def reachable(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


def test_the_ui_listens_on_loopback_only_by_default(assistant, capsys):
    from ui.app import launch

    port = free_port()
    app = launch(assistant, port=port, block=False)
    try:
        assert app.server_name == "127.0.0.1" and reachable("127.0.0.1", port)
        address = outward_address()
        if address:
            assert not reachable(address, port)
    finally:
        app.close()
    assert "warning" not in capsys.readouterr().out


def test_open_without_a_login_warns_and_a_login_is_enforced(assistant, capsys):
    from ui.app import launch

    port = free_port()
    app = launch(assistant, host="0.0.0.0", port=port, block=False)
    app.close()
    assert "warning: serving on 0.0.0.0 without a login" in capsys.readouterr().out

    port = free_port()
    app = launch(assistant, host="0.0.0.0", port=port, auth=("ann", "s3cret"), block=False)
    try:
        assert "warning" not in capsys.readouterr().out
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=10)
        assert refused.value.code == 401
        from gradio_client import Client

        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own types for a refused login
            Client(f"http://127.0.0.1:{port}/", verbose=False)
        client = Client(f"http://127.0.0.1:{port}/", auth=("ann", "s3cret"), verbose=False)
        conversation, _, _ = client.predict("Where did Assad flee to?", "extractive", 5, "", "", [], "", api_name="/ask")
        assert "[1]" in conversation[-1]["content"][0]["text"]
    finally:
        app.close()


def test_uploads_are_size_limited_and_never_overwrite_an_earlier_upload(assistant, tmp_path):
    from gradio_client import Client, handle_file

    from ui.app import launch
    from ui.uploads import uploads_dir

    app = launch(assistant, port=free_port(), block=False)
    try:
        client = Client(app.local_url, verbose=False)
        big = tmp_path / "big.txt"
        with open(big, "wb") as handle:
            handle.truncate(51 * 2**20)  # over the 50 MB upload limit
        with pytest.raises(Exception, match="(?i)size|large|limit"):
            client.predict([handle_file(big)], api_name="/add_files")

        folder = tmp_path / "v1"
        folder.mkdir()
        first = folder / "notes.md"
        first.write_text("Ferry strike\n\nFerry crews walked out on Friday over pay.", encoding="utf-8")
        log, _, _, _ = client.predict([handle_file(first)], api_name="/add_files")
        assert "✓ notes.md: 1 new" in log
        second = tmp_path / "notes.md"
        second.write_text("Library reopens\n\nThe central library reopened after a renovation.", encoding="utf-8")
        log, _, _, _ = client.predict([handle_file(second)], api_name="/add_files")
        assert "✓ notes (2).md: 1 new" in log
        log, _, _, _ = client.predict([handle_file(second)], api_name="/add_files")  # the same file again
        assert "✓ notes (2).md: 0 new, 0 updated, 1 unchanged" in log
    finally:
        app.close()
    kept = sorted(p.name for p in uploads_dir(assistant).iterdir())
    assert kept == ["notes (2).md", "notes.md"]  # the big file never landed; both notes are kept
    assert "Ferry crews" in (uploads_dir(assistant) / "notes.md").read_text(encoding="utf-8")
