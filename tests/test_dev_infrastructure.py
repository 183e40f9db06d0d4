"""Development infrastructure stays where both its users can reach it: ``devservers/`` serves the tests and the
benches, so neither it nor ``bench/`` imports ``tests``, and ``devservers/`` does not import ``bench``.
The installed packages (``tracker``, ``classifiers``) import none of the three.

Imports are read with ``ast``, inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "devservers": {"tests", "bench"},
    "bench": {"tests"},
    "tracker": {"tests", "bench", "devservers"},
    "classifiers": {"tests", "bench", "devservers"},
}
"""Top-level directory -> the top-level packages its modules must not import."""


def top_level_imports(path: Path) -> list[tuple[int, str]]:
    """(line, first dotted part) of every absolute import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def wrong_imports(top: str, path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line}: imports {name}"
            for line, name in top_level_imports(path) if name in FORBIDDEN[top]]


FILES = [(top, path) for top in FORBIDDEN for path in sorted((ROOT / top).rglob("*.py"))]


@pytest.mark.parametrize("top,path", FILES, ids=[str(p.relative_to(ROOT)) for _, p in FILES])
def test_infrastructure_imports_run_one_way(top: str, path: Path) -> None:
    assert wrong_imports(top, path) == []


def test_the_rule_catches_an_import_of_the_tests(tmp_path: Path) -> None:
    """The old ``bench/publish.py`` import, a deferred one and a module import are all refused."""
    fake = tmp_path / "bench" / "bad.py"
    fake.parent.mkdir()
    fake.write_text("from tests.publish_sample import README\nimport tests.conftest\n"
                    "def f():\n    from bench import quality\n    import devservers.paths\n"
                    "from . import sibling\n")
    found = [name for _, name in top_level_imports(fake)]
    assert found == ["tests", "tests", "bench", "devservers"]
    assert [name for name in found if name in FORBIDDEN["devservers"]] == ["tests", "tests", "bench"]
