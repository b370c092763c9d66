from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Settings
from rag.errors import ConfigError


def test_defaults(monkeypatch):
    monkeypatch.delenv("NEWSRAG_MODE")  # set to extractive for the test session by conftest
    settings = Settings.load()
    assert settings.index_dir == Path("index") and settings.top_k == 5 and settings.mode == "local"


def test_precedence_file_then_env_then_arguments(tmp_path, monkeypatch):
    config = tmp_path / "newsrag.toml"
    config.write_text('top_k = 7\nindex_dir = "from-file"\nchunk_tokens = 180\n')
    monkeypatch.setenv("NEWSRAG_CONFIG", str(config))
    assert Settings.load().top_k == 7
    monkeypatch.setenv("NEWSRAG_TOP_K", "9")
    monkeypatch.setenv("NEWSRAG_INDEX_DIR", "from-env")
    settings = Settings.load(top_k=3, index_dir=None)
    assert (settings.top_k, settings.index_dir, settings.chunk_tokens) == (3, Path("from-env"), 180)


def test_config_file_in_working_folder_is_read(tmp_path, monkeypatch):
    (tmp_path / "newsrag.toml").write_text("min_relevance = 0.5\n")
    monkeypatch.chdir(tmp_path)
    assert Settings.load().min_relevance == 0.5


@pytest.mark.parametrize("env, value, message", [
    ("NEWSRAG_TOP_K", "many", "NEWSRAG_TOP_K: top_k must be int"),
    ("NEWSRAG_TOP_K", "0", "top_k must be between 1 and 100"),
    ("NEWSRAG_CHUNK_TOKENS", "400", "chunk_tokens must be between 32 and 250"),
    ("NEWSRAG_MODE", "telepathy", "unknown answer mode 'telepathy'"),
    ("NEWSRAG_EMBED_PRECISION", "half", "embed_precision must be one of auto, float32, bfloat16"),
    ("NEWSRAG_CHROMA_PORT", "70000", "chroma_port must be between 1 and 65535"),
    ("NEWSRAG_CHROMA_HEADERS", "Authorization: x", "chroma_headers must be a JSON object"),
    ("NEWSRAG_CHROMA_HEADERS", '{"X-Team": 7}', "chroma_headers must be a JSON object of header names to string"),
])
def test_bad_values_name_the_setting(monkeypatch, env, value, message):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=message):
        Settings.load()


def test_chroma_server_settings(monkeypatch):
    monkeypatch.setenv("NEWSRAG_CHROMA_HEADERS", '{"Authorization": "Bearer t0ken"}')
    settings = Settings.load(chroma_host="chroma.internal", chroma_port="8443", chroma_ssl="true")
    assert (settings.chroma_host, settings.chroma_port, settings.chroma_ssl) == ("chroma.internal", 8443, True)
    assert settings.chroma_header_map() == {"Authorization": "Bearer t0ken"}
    for host in ("10.0.0.7", "::1", "[::1]", "chroma-1.internal"):
        assert Settings.load(chroma_host=host).chroma_host == host
    for host in ("http://chroma.internal", "chroma.internal:8000/x", "evil.example/redirect?to=x", "a b"):
        with pytest.raises(ConfigError, match="chroma_host must be a host name or IP address alone"):
            Settings.load(chroma_host=host)


def test_bad_config_files(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        Settings.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("top_k = = 3")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings.load(unknown)
