"""``kd-tracker learn`` under CliRunner: the table against the local GitHub, idempotence, the offline replay, errors."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.learn_sample import merged_pr_reviewed
from tests.publish_sample import cli_workdir
from tracker.cli.main import cli

TABLE = """\
PRs read        1 (1 merged, 0 closed; 0 open, not reviewed yet)
rows proposed   5
rows kept       2
rows moved      1
rows removed    2
rows rejected   0 (PRs closed without merging)
list commits    {commits}
history labels  0
misses          0 (added by hand, scored below 0.6)
precision       0.40 (kept / proposed)
recall          1.00 (2 found by the bot, 0 missed)
labels          +{added} -0, 6 stored; 2 papers rejected for good

week      PRs proposed kept moved removed rejected precision
2024-W12    1        5    2     1       2        0      0.40
"""


@pytest.fixture
def workdir(github: GithubServer, tmp_path, monkeypatch):
    """A folder with config.yaml pointing at the local GitHub and a store under it; no token."""
    return cli_workdir(tmp_path, github, monkeypatch,
                       f"  retries: 0\nmodel:\n  threshold: 0.6\nstore:\n  path: {tmp_path / 'kd.db'}\n", token=None)


def run(*args: str):
    return CliRunner().invoke(cli, ["learn", *args], catch_exceptions=False)


def test_learn_prints_the_table_and_adds_nothing_twice(github: GithubServer, workdir) -> None:
    merged_pr_reviewed(github)
    mark = len(github.requests)
    first = run()
    assert (first.exit_code, first.stdout) == (0, TABLE.format(commits=2, added=6))
    rows = sqlite3.connect(workdir / "kd.db").execute("SELECT * FROM labels ORDER BY id").fetchall()
    second = run()
    assert (second.exit_code, second.stdout) == (0, TABLE.format(commits=0, added=0))
    assert sqlite3.connect(workdir / "kd.db").execute("SELECT * FROM labels ORDER BY id").fetchall() == rows
    learned = github.requests[mark:]
    assert learned and all("Authorization" not in r.headers for r in learned)  # a public repo: no token needed
    assert not any(r.is_write for r in learned)


@requires_shared
def test_learn_from_the_list_history_alone_is_offline(shared, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text("github:\n  api_url: http://127.0.0.1:9\n  retries: 0\n")
    result = run("--history", str(shared / "data" / "list_history.jsonl"))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "PRs read        0 (0 merged, 0 closed; 0 open, not reviewed yet)",
        "rows proposed   0",
        "rows kept       0",
        "rows moved      0",
        "rows removed    0",
        "rows rejected   0 (PRs closed without merging)",
        "list commits    0",
        "history labels  10",
        "misses          0 (added by hand, scored below 0.012)",
        "precision       - (kept / proposed)",
        "recall          - (0 found by the bot, 0 missed)",
        "labels          +10 -0, 10 stored; 1 papers rejected for good",
    ]
    again = run("--history", str(shared / "data" / "list_history.jsonl"))
    assert "labels          +0 -0, 10 stored; 1 papers rejected for good" in again.stdout.splitlines()


def test_learn_errors(github: GithubServer, workdir) -> None:
    bad = run("--repo", "nobody")
    assert (bad.exit_code, bad.stderr) == (1, "Error: repository 'nobody' is not owner/name; fix list.repo or --repo\n")
    missing = run("--repo", "someone/absent")
    assert missing.exit_code == 1
    assert missing.stderr == ("Error: GitHub found nothing while trying to read the repository for someone/absent "
                              "(404 Not Found); check list.repo and that the token in GITHUB_TOKEN can see the "
                              "repository\n")
    no_file = run("--history", "nope.jsonl")
    assert no_file.exit_code == 1
    assert no_file.stderr == ("Error: Invalid value for '--history': File 'nope.jsonl' does not exist. "
                              "(see `kd-tracker learn --help`)\n")
