"""The package's shape (architecture.md): no import cycles, and no import that runs back up a layer.

Every `import` and `from ... import` in src/usco is read from the source (lazy ones inside
functions too, since they run when the function does), and checked against LAYERS.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "usco"

#: Lowest first. A module may import from its own layer or a lower one, never a higher one.
#: A module not named here is in the layer of its package (usco.cli.listings: "usco.cli").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("usco.version", "usco.model"),
    ("usco.text", "usco.fields", "usco.reading", "usco.files"),
    ("usco.records",),
    ("usco.dataset", "usco.importers", "usco.user.store"),
    ("usco.query",),
    ("usco.api", "usco.user"),
    ("usco.render", "usco.export"),
    ("usco.cli",),
    ("usco", "usco.__main__"),  # the package's lazy front door and the entry point
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The usco modules *name* imports (resolved to modules, not names inside them)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    for rank, members in enumerate(LAYERS):
        if name in members:
            return rank
    parent = name.rpartition(".")[0]
    assert parent, f"{name} is in no layer: add it to LAYERS"
    return _layer(parent)


def test_the_graph_is_read_from_the_source() -> None:
    assert "usco.dataset.cache" in GRAPH["usco.dataset.load"]  # a module-level import
    assert "usco.dataset.validate" in GRAPH["usco.dataset.load"]  # a lazy one, inside a function


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_runs_back_up(name: str) -> None:
    upward = sorted(target for target in GRAPH[name] if _layer(target) > _layer(name))
    assert not upward, f"{name} imports from a higher layer: {upward}"


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components: every one must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert cycles == []


def test_package_init_files_are_empty_but_the_front_door() -> None:
    """Importing usco.query must not import every query module: lazy imports stay inside functions."""
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name not in ("usco", "usco.importers"):
            assert path.read_text(encoding="utf-8").strip() == "", name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_450_lines(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 450, f"{name} has {lines} lines"
