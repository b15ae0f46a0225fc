"""Layering rules, read from the source with `ast` (nothing is imported).

Every `import` counts, including the ones inside functions: a lazy import still ties two modules
together. The rules:

- no import circles among narrascope's modules;
- runtime code never imports the development layers (`training`, `evaluation`) nor the CLI;
- `relations/` (the rule-based extractor) depends only on the document model and text helpers,
  never on the pipeline, the analyzers or anything above them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# packages whose modules may import the development layers
DEVELOPMENT = ("narrascope.training", "narrascope.evaluation", "narrascope.cli")
# what `relations/` may import besides itself: the document, text helpers, and the model-package
# loader with the encoder identity it checks (both below the pipeline, importing neither)
RELATIONS_MAY_USE = (
    "narrascope.relations",
    "narrascope.document",
    "narrascope.text",
    "narrascope.models",
    "narrascope.encoders",
)


def modules(root: Path = SRC) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out = {}
    for path in sorted((root / "narrascope").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _owner(name: str, known: dict[str, Path]) -> str | None:
    """The module that `name` is or lives in (`pkg.mod.func` -> `pkg.mod`)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names this module imports, relative imports made absolute; `from X import y` gives
    `X.y`, which `_owner` maps to the module `X.y` or, for a function or class, to `X`."""
    package = module if is_package else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Module -> the narrascope modules it imports."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for name in _imported(tree, module, path.name == "__init__.py"):
            if name == "narrascope" or name.startswith("narrascope."):
                owner = _owner(name, known)
                if owner and owner != module:
                    targets.add(owner)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _inside(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def forbidden_arrows(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    bad = []
    for module, targets in graph.items():
        for target in targets:
            if _inside(target, DEVELOPMENT) and not _inside(module, DEVELOPMENT):
                bad.append((module, target))
            if _inside(module, ("narrascope.relations",)) and not _inside(
                target, RELATIONS_MAY_USE
            ):
                bad.append((module, target))
    return sorted(bad)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_sees_the_package(graph):
    assert len(graph) > 100
    assert "narrascope.pipeline" in graph["narrascope.cli.analyze"]
    assert "narrascope.document" in graph["narrascope.relations.extract"]


def test_no_import_circles(graph):
    assert cycles(graph) == []


def test_no_forbidden_arrows(graph):
    assert forbidden_arrows(graph) == []


def test_the_checks_catch_what_they_guard_against():
    graph = {
        "narrascope.a": {"narrascope.b"},
        "narrascope.b": {"narrascope.c"},
        "narrascope.c": {"narrascope.a"},
        "narrascope.analyzers.x": {"narrascope.training.y"},
        "narrascope.relations.z": {"narrascope.pipeline", "narrascope.document"},
        "narrascope.training.y": {"narrascope.analyzers.x"},
    }
    assert sorted(cycles(graph)) == [
        ["narrascope.a", "narrascope.b", "narrascope.c"],
        ["narrascope.analyzers.x", "narrascope.training.y"],
    ]
    assert forbidden_arrows(graph) == [
        ("narrascope.analyzers.x", "narrascope.training.y"),
        ("narrascope.relations.z", "narrascope.pipeline"),
    ]


def test_relative_imports_resolve(tmp_path):
    package = tmp_path / "narrascope"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "top.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "leaf.py").write_text("from .. import top\nfrom . import other\n")
    (package / "sub" / "other.py").write_text("def f():\n    import narrascope.sub.leaf\n")
    graph = import_graph(tmp_path)
    assert graph["narrascope.sub.leaf"] == {"narrascope.top", "narrascope.sub.other"}
    assert cycles(graph) == [["narrascope.sub.leaf", "narrascope.sub.other"]]
