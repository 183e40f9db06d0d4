"""Where separately built features meet, end to end through the local arXiv and GitHub: rows that stay current on a
list split into files, the dashboard's record of a blocked run, requested papers in a list of items."""

from __future__ import annotations

import pytest

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.test_refresh_e2e import NEW_ROW, OLD_ROW, PAPER, accepted, configure
from tests.pipeline.weekly_sample import BEFORE, BOT, BRANCH, REPO, TOKEN, run
from tracker.github.metadata import parse_pr_metadata

pytestmark = requires_shared

PAPERS = "docs/papers.md"
INTRO = "# Awesome KD of LLMs\n\nThe papers are in [docs/papers.md](docs/papers.md).\n"
"""A README that only introduces the file of papers: no paper table of its own (a split list allows it)."""


@pytest.fixture
def github(github_server: GithubServer) -> GithubServer:
    github_server.add_token(TOKEN, BOT)
    github_server.add_repo(REPO, {"README.md": INTRO, PAPERS: BEFORE.read_text(encoding="utf-8")})
    return github_server


def test_row_update_on_a_split_list_whose_readme_has_no_paper_table(setup, arxiv, github):
    accepted(arxiv)
    configure(setup, days=30)  # nothing of the week passes 0.99: the PR holds only the updates
    setup.write_text(setup.read_text().replace(f"  repo: {REPO}\n", f"  repo: {REPO}\n  path: [README.md, {PAPERS}]\n"))
    result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    (pull,) = github.repo(REPO).open_pulls()
    assert (PAPER, "venue", "ACL 2024") in {(u.arxiv_id, u.field, u.new) for u in parse_pr_metadata(pull.body).updates}
    papers = github.repo(REPO).file(BRANCH, PAPERS)
    assert NEW_ROW in papers.splitlines() and OLD_ROW not in papers.splitlines()
    assert github.repo(REPO).file(BRANCH, "README.md") == INTRO


def test_dashboard_shows_the_exit_code_a_blocked_run_exits_with(tmp_path):
    """A blocked run exits 3 (the Action fails the job); the dashboard's runs table says the same, not 2."""
    from datetime import date

    from tracker.cli.result_file import EXIT_BLOCKED, EXIT_WARNINGS
    from tracker.store import RunLog, Store
    from tracker.weekly.dashboard_step import last_runs

    with Store(tmp_path / "kd.db") as store:
        runs = RunLog(store)
        day = date(2024, 3, 18)
        for status, outcome in (("ok", "blocked"), ("warnings", "blocked"), ("warnings", "updated")):
            run_id = runs.start(as_of=day, since=day, until=day, dry_run=False)
            runs.finish(run_id, status=status, outcome=outcome, pr_number=1)
        shown = last_runs(runs.runs())
    assert [r.exit_code for r in reversed(shown)] == [EXIT_BLOCKED, EXIT_BLOCKED, EXIT_WARNINGS]

