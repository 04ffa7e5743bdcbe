"""The package's import graph has no cycle, counting imports inside functions too.

A cycle "broken" by moving an import into a function is still a cycle: the layers depend on each
other.  Only ``if TYPE_CHECKING:`` imports are left out (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import bitget_async

PACKAGE = Path(bitget_async.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str) -> set[str]:
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                if target.startswith("bitget_async"):
                    found.add(target)
                    for alias in child.names:  # "from . import models" imports a module
                        found.add(f"{target}.{alias.name}")
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("bitget_async"))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = set()
        for target in _imports(path, name):
            # A name imported from a module is that module; keep only real modules.
            while target not in files and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in files and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                cycle = dfs(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = dfs(node)
            if cycle:
                return cycle
    return None


# Packages import their own submodules to re-export them; that is containment, not a layer.
def _without_package_reexports(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {
        name: {t for t in targets if not t.startswith(name + ".")} for name, targets in graph.items()
    }


def test_the_import_graph_has_no_cycle() -> None:
    graph = _without_package_reexports(import_graph())
    assert find_cycle(graph) is None


def test_the_checker_finds_a_cycle_hidden_in_a_function() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_request_path_points_down_only() -> None:
    graph = import_graph()
    # hop 1 -> hop 2 -> hops 3 and 4: nothing below imports from above.
    below_transport = ["bitget_async._backends", "bitget_async._backends._httpx", "bitget_async._backends._auto",
                       "bitget_async._backends._aiohttp", "bitget_async._codec",
                       "bitget_async._gate", "bitget_async._request", "bitget_async._stats", "bitget_async._ratelimit"]
    above = {"bitget_async._client", "bitget_async._endpoints", "bitget_async._orders", "bitget_async._build",
             "bitget_async._transport", "bitget_async._routes"}
    for module in below_transport:
        assert not graph[module] & above, (module, graph[module] & above)
    assert "bitget_async._transport" not in graph["bitget_async._orders"]
    assert "bitget_async._orders" not in graph["bitget_async._transport"]
