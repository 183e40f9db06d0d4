"""Where kd-tracker lives and what it installs: one ``OWNER/REPO@vX.Y.Z`` everywhere, and the tested versions.

``[project.urls]`` names the repository; ``action.yml``'s usage comment, the
list template and README use it at the exact tag of the package version (and
may name the moving major tag ``@vX``). ``tracker/constraints.txt`` pins every
dependency, and theirs, at versions pyproject allows (RELEASING.md).
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import re
from pathlib import Path

import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import tracker

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CONSTRAINTS = ROOT / "tracker" / "constraints.txt"


def home() -> str:
    """``OWNER/REPO`` of the project's repository, from ``[project.urls]``."""
    urls = PYPROJECT["urls"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", urls["Repository"])
    assert match, urls["Repository"]
    assert urls["Homepage"] == urls["Repository"]
    assert urls["Issues"] == urls["Repository"] + "/issues"
    assert urls["Changelog"] == urls["Repository"] + "/releases"
    return match.group(1)


def release() -> str:
    """``OWNER/REPO@vX.Y.Z``: the exact tag of this version."""
    assert PYPROJECT["version"] == tracker.__version__
    return f"{home()}@v{PYPROJECT['version']}"


def references(text: str) -> list[str]:
    """Every ``OWNER/REPO@ref`` of the project in ``text``."""
    return re.findall(rf"{re.escape(home())}@[\w.-]+", text)


def allowed() -> set[str]:
    """The exact tag, and the moving major tag."""
    return {release(), f"{home()}@v{Version(PYPROJECT['version']).major}"}


def test_the_project_says_where_it_lives():
    assert release() == "kd-tracker/kd-tracker@v0.1.0"


def test_action_yml_names_the_release_in_its_usage_comment():
    text = (ROOT / "action.yml").read_text()
    comment = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert f"#   - uses: {release()}\n" in comment + "\n"
    assert f"{home()}@v0" in comment  # the moving major tag, as the alternative
    assert set(references(text)) <= allowed()


def test_the_template_uses_the_exact_release():
    text = (ROOT / "examples" / "workflows" / "kd-tracker.yml").read_text()
    steps = yaml.safe_load(text)["jobs"]["weekly"]["steps"]
    assert [s["uses"] for s in steps if s.get("uses", "").startswith(home())] == [release()]
    assert set(references(text)) <= allowed()


def test_readme_names_the_same_release():
    text = (ROOT / "README.md").read_text()
    assert f"uses: {release()}" in text
    assert set(references(text)) <= allowed()
    assert "RELEASING.md" in text


def test_releasing_md_tells_the_tag_procedure():
    text = (ROOT / "RELEASING.md").read_text()
    assert home() in text
    version = PYPROJECT["version"]
    assert f"git tag -a v{version}" in text
    assert f"git tag -f -a v{Version(version).major}" in text
    assert "tracker/constraints.txt" in text and "pip freeze" in text


def pins() -> dict[str, str]:
    """The constraints file as ``{canonical name: version}``; every line is a comment or ``name==version``."""
    found: dict[str, str] = {}
    for number, line in enumerate(CONSTRAINTS.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([\w.+!-]+)", line.strip())
        assert match, f"constraints.txt:{number}: {line!r} is not name==version"
        name = canonicalize_name(match.group(1))
        assert name not in found, f"constraints.txt:{number}: {name} pinned twice"
        found[name] = match.group(2)
    return found


def test_the_constraints_pin_every_dependency_within_pyprojects_bounds():
    pinned = pins()
    for spec in PYPROJECT["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is in pyproject.toml but not pinned in tracker/constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} in tracker/constraints.txt is outside pyproject's {requirement.specifier}")
    assert "kd-tracker" not in pinned


def test_the_constraints_cover_the_dependencies_of_the_dependencies():
    """Each pinned package's own requirements (on this platform, extras followed) are pinned too, within bounds."""
    pinned = pins()
    todo = [(canonicalize_name(Requirement(s).name), ()) for s in PYPROJECT["dependencies"]]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for spec in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(spec)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in ("", *extras)):
                continue
            dep = canonicalize_name(requirement.name)
            assert dep in pinned, f"{dep} (needed by {name}) is not pinned in tracker/constraints.txt"
            assert requirement.specifier.contains(pinned[dep], prereleases=True), (name, spec, pinned[dep])
            todo.append((dep, tuple(sorted(requirement.extras))))


def test_the_pinned_versions_are_the_ones_tested_here():
    """The tests run with the pinned versions (CI installs with `-c tracker/constraints.txt`)."""
    wrong = {name: (version, importlib.metadata.version(name)) for name, version in pins().items()
             if importlib.metadata.version(name) != version}
    assert wrong == {}, "regenerate tracker/constraints.txt (RELEASING.md) or install with -c it"


def test_the_constraints_file_ships_in_the_package():
    """Package data of ``tracker``: the action installs from its own folder, and a wheel carries the file too."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["tracker"]
    assert any(fnmatch.fnmatch(CONSTRAINTS.relative_to(ROOT / "tracker").as_posix(), p) for p in patterns), patterns
