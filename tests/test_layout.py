"""The library stands alone: nothing in ``rag/`` imports the front ends built on it (the ``newsrag`` command, the
browser app, the evaluation harness), not even lazily inside a function."""

from __future__ import annotations

import ast

from conftest import ROOT

FRONT_ENDS = {"cli", "ui", "eval"}


def imported_packages(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_library_imports_no_front_end():
    offenders = {path.name: imported_packages(path) & FRONT_ENDS for path in (ROOT / "rag").glob("*.py")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ui.app import launch\n    import eval.harness\n", encoding="utf-8")
    assert imported_packages(module) == {"ui", "eval"}
