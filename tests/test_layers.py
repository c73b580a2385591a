"""The import graph points one way: each layer imports only itself and the layers below it, with no circle.

Every `import` and `from … import` counts, also inside functions (a lazy import that dodged a circle would
still be a circle) and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# Source folder of each package (pyproject.toml's package-dir).
FOLDERS = {"taito_dx": REPO / "taito_dx", "taito_dx.ingest": REPO / "ingest", "taito_dx.assistant": REPO / "assistant",
           "taito_dx.evals": REPO / "evals"}
# Bottom first. A module belongs to the layer of the longest prefix naming it; layers of one rank are
# side by side and import neither each other.
LAYERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (0, "foundation", ("taito_dx", "taito_dx.errors", "taito_dx.models", "taito_dx.sentences", "taito_dx.plan_names",
                       "taito_dx.registry")),
    (1, "backends", ("taito_dx.embedders", "taito_dx.embeddings", "taito_dx.chat_models")),
    (2, "settings", ("taito_dx.settings",)),
    (3, "index", ("taito_dx.index",)),
    (4, "ingest", ("taito_dx.ingest",)),
    (5, "assistant", ("taito_dx.assistant",)),
    (6, "ui", ("taito_dx.assistant.ui",)),
    (6, "evals", ("taito_dx.evals",)),
    (7, "entry points", ("taito_dx.cli", "taito_dx.evals.memoised_serve")),  # the load benchmark's baseline server
)


def modules() -> dict[str, Path]:
    """Every module of the distribution by dotted name."""
    found: dict[str, Path] = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            relative = path.relative_to(folder).with_suffix("")
            parts = [part for part in relative.parts if part != "__init__"]
            found[".".join([package, *parts])] = path
    return found


def layer_of(module: str) -> tuple[int, str]:
    best: tuple[int, int, str] | None = None
    for rank, name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank, name)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[1], best[2]


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports (the module itself for `from package import name` of a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


GRAPH = {name: imports_of(path, set(modules())) - {name} for name, path in modules().items()}


def test_every_module_is_in_a_layer() -> None:
    assert len(GRAPH) > 40
    for module in GRAPH:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    rank, layer = layer_of(module)
    upward = [target for target in GRAPH[module]
              if (layer_of(target)[0] > rank) or (layer_of(target)[0] == rank and layer_of(target)[1] != layer)]
    assert upward == [], f"{module} ({layer}) imports a layer above or beside it"


def test_no_import_circle() -> None:
    state: dict[str, int] = {}  # 1: being visited, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                raise AssertionError("import circle: " + " → ".join(path[path.index(target):] + [target]))
            if target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a foundation module importing the assistant is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from taito_dx.assistant.assistant import Assistant\n", encoding="utf-8")
    targets = imports_of(bad, set(GRAPH))
    assert targets == {"taito_dx.assistant.assistant"}
    assert layer_of("taito_dx.assistant.assistant")[0] > layer_of("taito_dx.models")[0]
