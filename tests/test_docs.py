"""Every command is documented in README.md and has help text with an example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tracker.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = prefix + (name,)
        if isinstance(command, click.Group):
            found.extend(all_commands(command, path))
        else:
            found.append(path)
    return found


COMMANDS = all_commands()


def test_there_are_commands():
    assert ("config", "check") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_documented_in_readme(path):
    assert f"kd-tracker {' '.join(path)}" in README


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_command_has_help_with_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"kd-tracker {' '.join(path)}" in result.output.split("Example:")[1]


def test_readme_setup_commands():
    # both install the dependency versions the tests ran with (the constraints the Action installs)
    assert "pip install -e . -c tracker/constraints.txt && kd-tracker" in README
    assert "pip install -e '.[test]' -c tracker/constraints.txt && ruff check . && python -m pytest -q" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'grep -m1 "python -m pytest" README.md' in ci


def test_python_dash_m_tracker_help():
    result = subprocess.run([sys.executable, "-m", "tracker", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: kd-tracker [OPTIONS] COMMAND [ARGS]...")


def test_architecture_names_only_modules_that_exist():
    """ARCHITECTURE.md's codemap names each module under its package's heading; each must exist there."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    missing = []
    for block in text.split("\n### ")[1:]:
        heading, _, body = block.split("\n## ")[0].partition("\n")
        packages = [p.strip("/") for p in re.findall(r"`([a-z_/]+/)`", heading)] or ["tracker"]
        for name in set(re.findall(r"`([a-z_]+\.py)`", body)):
            if not any((ROOT / package / name).is_file() for package in packages):
                missing.append(f"{heading}: {name}")
    assert missing == []
    assert "ARCHITECTURE.md" in README
