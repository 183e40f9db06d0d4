"""No module of tracker/ or classifiers/ imports itself back, however far round.

The graph is read with ``ast``: every import counts, inside functions and
``if TYPE_CHECKING:`` too, so a helper can't call back into a facade that
imports it. An edge goes to the module named (``from tracker.listdoc import
ListDocument`` is an edge to the package's ``__init__``); the implicit import
of a submodule's parent package is left out, as it runs first and
can't close a circle.
"""

from __future__ import annotations

from tests.test_layers import imports, modules


def import_graph() -> dict[str, set[str]]:
    """Module -> the tracker and classifiers modules it imports."""
    found = dict(modules())
    return {module: {target for _, target in imports(module, path) if target in found and target != module}
            for module, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle (``[a, b, ..., a]``) per strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_circle(graph, group) for group in groups]


def _circle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    """A path from the group's first module back to itself, inside the group (breadth first: a shortest one)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        module = queue.pop(0)
        for target in sorted(graph[module] & members):
            if target == start:
                return paths[module] + [start]
            if target not in paths:
                paths[target] = paths[module] + [target]
                queue.append(target)
    raise AssertionError(f"{group} is not a circle")


def test_no_import_cycles() -> None:
    assert [" -> ".join(circle) for circle in cycles(import_graph())] == []


def test_a_circle_is_found_however_far_round() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
