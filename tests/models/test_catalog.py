"""Joining a GGUF model from its PyPI byte slices: order, checks, and no half-written file on failure."""

from __future__ import annotations

import hashlib

import pytest

from rag.errors import ModelError
from rag.models import catalog


def fake_parts(root, prefix: str, slices: list[bytes]) -> None:
    for number, data in enumerate(slices, start=1):
        package = root / f"{prefix}{number}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "data" / f"part{number:02d}.bin").write_bytes(data)


def test_parts_are_joined_in_order_once_and_checked(tmp_path, monkeypatch):
    slices = [b"first-", b"second-", b"third"]
    fake_parts(tmp_path / "site", "fakemodel_part", slices)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("NEWSRAG_CACHE", str(tmp_path / "cache"))
    joined = b"".join(slices)
    spec = catalog.PackagedModel("fake", "fake.gguf", "fakemodel_part", 3, len(joined),
                                hashlib.sha256(joined).hexdigest(), "MIT")
    monkeypatch.setitem(catalog.PACKAGED_MODELS, "fake", spec)

    path = catalog.gguf_path("fake")
    assert path == tmp_path / "cache" / "models" / "fake.gguf" and path.read_bytes() == joined
    assert catalog.gguf_path("fake") == path  # second call reuses the file
    assert [p.name for p in path.parent.iterdir()] == ["fake.gguf"]  # no partial file left behind

    bad = catalog.PackagedModel("bad", "bad.gguf", "fakemodel_part", 3, len(joined), "0" * 64, "MIT")
    monkeypatch.setitem(catalog.PACKAGED_MODELS, "bad", bad)
    with pytest.raises(ModelError, match="wrong sha256"):
        catalog.gguf_path("bad")
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf"]


def test_missing_part_names_the_package(tmp_path, monkeypatch):
    fake_parts(tmp_path / "site", "halfmodel_part", [b"only one"])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("NEWSRAG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setitem(catalog.PACKAGED_MODELS, "half", catalog.PackagedModel("half", "h.gguf", "halfmodel_part", 2, 9, None, "MIT"))
    with pytest.raises(ModelError, match="needs the package halfmodel-part2"):
        catalog.gguf_path("half")


def test_the_default_model_is_installed_and_assembles():
    path = catalog.gguf_path(catalog.DEFAULT_LLM)
    assert path.stat().st_size == catalog.PACKAGED_MODELS[catalog.DEFAULT_LLM].size
