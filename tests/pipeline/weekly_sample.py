"""The weekly job's inputs for the pipeline tests: the real list from just before the first weekly update,
the repository and token the local GitHub knows, and how a test runs ``kd-tracker run``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from devservers.github_server import GithubServer
from devservers.paths import SHARED
from tracker.cli.main import cli
from tracker.github.metadata import parse_pr_metadata

REPO = "Tebmer/Awesome-Knowledge-Distillation-of-LLMs"
TOKEN = "ghp_e2eSecretToken_9f8e7d6c5b4a3210"
BOT = "kd-tracker-bot"
BRANCH = "kd-tracker/weekly"
PER_PR = 15
BEFORE = SHARED / "fixtures" / "kd-list" / "README.2024-03-19.before-weekly.md"


def run(config: Path, *args: str):
    result = CliRunner().invoke(cli, ["--config", str(config), "run", *args])
    return result


def branch_readme(github: GithubServer) -> str:
    return github.repo(REPO).file(BRANCH, "README.md")


def pr_proposals(github: GithubServer) -> dict[str, tuple[str, ...]]:
    (pull,) = github.repo(REPO).open_pulls()
    meta = parse_pr_metadata(pull.body)
    return meta.sections
