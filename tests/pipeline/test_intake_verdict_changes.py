"""A "please add our paper" request whose verdict changes between runs: the author hears the new one."""

from __future__ import annotations

from tests.conftest import requires_shared
from tests.pipeline.test_intake_e2e import NEW, comments
from tests.pipeline.weekly_sample import REPO, run
from tracker.github.metadata import parse_pr_metadata

pytestmark = requires_shared


def test_a_request_arxiv_did_not_know_yet_is_answered_again_once_it_goes_into_the_pr(setup, arxiv, github):
    """Unknown to arXiv on the first run (not announced yet), in the PR on the second: the author is told both."""
    served = arxiv.papers
    arxiv.papers = [p for p in served if p.arxiv_id != NEW]
    issue = github.add_issue(REPO, "Add paper", f"Please add arXiv:{NEW}, our new paper.", labels=("add-paper",))
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert "1 unknown; 1 answered" in first.stdout
    arxiv.papers = served
    second = run(setup, "--as-of", "2024-03-18")
    assert second.exit_code in (0, 2), second.output
    (pull,) = github.repo(REPO).open_pulls()
    assert parse_pr_metadata(pull.body).requested == {NEW: issue}
    unknown, added = comments(github, issue)
    assert f"[pull request #{pull.number}]" in added and f"[pull request #{pull.number}]" not in unknown
