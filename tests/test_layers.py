"""The layers import one way: base <- sources, store, listdoc, github <- classifiers <- review, publish <- weekly <- cli.

Each module's imports are read with ``ast`` (imports inside functions count too);
a module may import its own package and any lower layer, never a sibling or a
higher one. Outside a layer package, only its public face (``__init__``) may be
imported. ``tests/``, ``bench/`` and ``devservers/`` are not layers (``tests/test_dev_infrastructure.py``
keeps ``bench/`` and ``devservers/`` from importing ``tests``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BASE = ("tracker", "tracker.records", "tracker.errors", "tracker.config", "tracker.config_rules",
        "tracker.arxiv_categories", "tracker.paper_ids", "tracker.markdown_safe", "tracker.links", "tracker.logs",
        "tracker.textfile", "tracker.week_sample")
LAYERS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (BASE,),
    (("tracker.sources",), ("tracker.store",), ("tracker.listdoc",), ("tracker.github",)),
    (("classifiers",),),
    (("tracker.review",), ("tracker.publish",)),
    (("tracker.weekly",),),
    (("tracker.cli",),),
    (("tracker.__main__",),),
)
"""Lowest first; each layer holds units (a package, or the base's modules together), each unit its module prefixes."""


def unit_of(module: str) -> tuple[int, str]:
    """(layer index, unit) of a module: the unit is its package (or, in the base, the module itself)."""
    best: tuple[int, str] | None = None
    length = 0
    for level, units in enumerate(LAYERS):
        for unit in units:
            for prefix in unit:
                if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                    best, length = (level, unit[0]), len(prefix)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to tests/test_layers.py's LAYERS")
    return best


def modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("tracker", "classifiers"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of tracker or classifiers in ``path``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from tracker import store_schema`-style imports name a module
            out += [(node.lineno, f"{target}.{a.name}" if _is_module(f"{target}.{a.name}") else target)
                    for a in node.names]
    return [(line, t) for line, t in out if t.split(".")[0] in ("tracker", "classifiers")]


def _is_module(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def violations(module: str, path: Path) -> list[str]:
    level, unit = unit_of(module)
    found = []
    for line, target in imports(module, path):
        t_level, t_unit = unit_of(target)
        where = f"{path.name if not path.is_relative_to(ROOT) else path.relative_to(ROOT)}:{line}: {module} imports {target}"
        if t_unit == unit:
            continue
        if t_level > level:
            found.append(f"{where} (a higher layer)")
        elif t_level == level:
            found.append(f"{where} (a sibling of its layer)")
        elif t_level > 0 and target != t_unit and target.split(".")[0] == "tracker":
            found.append(f"{where} (inside {t_unit}: import its public face, {t_unit})")
    return found


@pytest.mark.parametrize("module,path", modules(), ids=[m for m, _ in modules()])
def test_imports_run_one_way(module: str, path: Path) -> None:
    assert violations(module, path) == []


def test_the_rule_catches_each_kind_of_wrong_import(tmp_path: Path) -> None:
    """A publish module importing the weekly layer, its sibling review, or the inside of listdoc is refused."""
    fake = tmp_path / "bad.py"
    fake.write_text("from tracker.weekly import run_weekly\nfrom tracker.review import learn\n"
                    "from tracker.listdoc.insert import insert\nfrom tracker.records import Paper\n"
                    "from tracker.listdoc import ListDocument\nfrom classifiers.training import train\n")
    found = violations("tracker.publish.bad", fake)
    assert [f.rpartition("(")[2] for f in found] == [
        "a higher layer)", "a sibling of its layer)", "inside tracker.listdoc: import its public face, tracker.listdoc)"]
