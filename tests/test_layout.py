"""The tree shows the flow, and the imports keep it so: each stage of ``rag/`` imports only the stages before it,
no two modules import each other in a circle, the library imports no front end, and the front ends (the command
line, the browser app, the evaluation harness) use only ``rag``'s public face. Every import counts, lazy ones inside
functions and ``TYPE_CHECKING`` ones too: a circle or a wrong direction is a design fault however it is spelt."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

FRONT_ENDS = {"cli", "ui", "eval"}
BASE = {"errors", "types", "config", "question"}  # the records and rules every stage shares
# What each part of rag/ may import besides itself. The stages run sources -> indexing -> stores, and a question
# runs retrieval -> answering; models serve them all. The top (components, corpus, assistant, the package's
# __init__) ties them together and may import anything.
ALLOWED = {
    "errors": set(),
    "types": {"errors"},
    "question": set(),
    "config": {"errors", "models"},  # the default chat model's name is the model catalog's
    "models": {"errors", "types", "config"},
    "stores": {"errors", "types", "config", "models"},
    "sources": {"errors", "types", "config", "stores"},  # the feed list is one of the stores' small SQLite files
    "stories": BASE | {"stores", "models"},
    "indexing": BASE | {"sources", "stores", "models", "stories"},
    "retrieval": BASE | {"stores", "models", "stories"},
    "answering": BASE | {"retrieval", "models", "stores"},  # a briefing reads its points from the index
}
TOP = {"__init__", "components", "corpus", "assistant"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for top in ("rag", *FRONT_ENDS) for p in (ROOT / top).rglob("*.py")}


def imports(path: Path, modules: dict[str, Path] | None = None) -> set[str]:
    """Every module ``path`` imports (``from a.b import c`` is a.b.c when that is a module, else a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if modules is not None and full in modules else node.module)
    return found


def imported_names(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every ``from module import name``."""
    return {(node.module, alias.name) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module for alias in node.names}


def part(module: str) -> str:
    """The part of rag/ a module belongs to: its subpackage, or a top-level module's own name."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def rag_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: {m for m in imports(path, modules) if m.split(".")[0] == "rag"}
            for name, path in modules.items() if name.split(".")[0] == "rag"}


def test_every_part_of_the_library_is_in_the_table():
    assert {part(m) for m in rag_graph()} == set(ALLOWED) | TOP


def test_each_stage_imports_only_the_stages_before_it():
    wrong = {f"{source} -> {target}" for source, targets in rag_graph().items() if part(source) not in TOP
             for target in targets if part(target) != part(source) and part(target) not in ALLOWED[part(source)]}
    assert wrong == set()


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan): each is a circle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other_in_a_circle():
    modules = project_modules()
    graph = {name: {m for m in imports(path, modules) if m in modules} for name, path in modules.items()}
    assert circles(graph) == []


def test_the_circle_check_finds_a_circle_of_three():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_library_imports_no_front_end():
    offenders = {name: {m.split(".")[0] for m in targets} & FRONT_ENDS
                 for name, targets in ((n, imports(p)) for n, p in project_modules().items() if n.startswith("rag"))}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_front_ends_import_only_the_public_face():
    """cli/, ui/ and the evaluation harness import ``from rag import …`` only. The benchmarks in eval/benchmarks/
    measure single components, so they may import a stage's public names (``rag.retrieval.retriever.fuse``)."""
    deep = {f"{name}: {target}" for name, path in project_modules().items()
            if name.split(".")[0] in FRONT_ENDS and not name.startswith("eval.benchmarks")
            for target in imports(path) if target.startswith("rag.")}
    assert deep == set()


def test_no_module_imports_another_modules_private_name():
    modules = project_modules()
    private = {f"{name}: {module}.{imported}" for name, path in modules.items()
               for module, imported in imported_names(path)
               if module.split(".")[0] in {"rag", *FRONT_ENDS} and imported.startswith("_")}
    assert private == set()


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ui.app import launch\n    import eval.harness\n", encoding="utf-8")
    assert imports(module) == {"ui.app", "eval.harness"}
