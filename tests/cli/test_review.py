"""``kd-tracker review`` against the local GitHub: a maintainer's ticks (body PATCHed by hand to the contract) applied."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from devservers.github_server import GithubServer
from tests.publish_sample import (
    BRANCH,
    EPSILON,
    FEEDBACK,
    LABELING,
    REPO,
    ZETA,
    cli_workdir,
    context,
    publisher,
)
from tests.ticks_sample import PAPERS_END, Item, contract_body
from tracker.cli.main import cli
from tracker.github import parse_pr_metadata
from tracker.publish.body import render_footer
from tracker.store import LabelStore, Store

ETA = replace(ZETA, title="Eta Students", url="https://arxiv.org/abs/2403.00007", arxiv_id="2403.00007", score=0.7)
THETA = replace(ZETA, title="Theta Rationales", url="https://arxiv.org/abs/2403.00008", arxiv_id="2403.00008",
                score=0.6)
PROPOSALS = (EPSILON, ZETA, ETA, THETA)


@pytest.fixture
def workdir(github: GithubServer, tmp_path, monkeypatch):
    return cli_workdir(tmp_path, github, monkeypatch,
                       f"  write_delay_seconds: 0\n  rate_limit_max_wait_seconds: 2\nstore:\n  path: {tmp_path / 'store.db'}\n")


def opened(github: GithubServer, unticked: tuple[str, ...], move: str | None, *, break_markers: bool = False) -> str:
    """Publish the four papers, then write the PR body a reviewer leaves (contract form) over it, as a maintainer."""
    bot = publisher(github)
    bot.publish(list(PROPOSALS), context(near_misses=()))
    pr = bot.github.get_repo(REPO).get_pull(1)
    meta = parse_pr_metadata(pr.body)
    papers = tuple(replace(p, alternatives=(FEEDBACK,) if p.arxiv_id == move else ())
                   for p in meta.papers)
    meta = replace(meta, papers=papers)
    items = [Item(p, p.arxiv_id not in unticked, ((FEEDBACK, True),) if p.arxiv_id == move else ()) for p in papers]
    body = contract_body(items, meta, footer=render_footer(pr.title))
    if break_markers:
        body = body.replace(PAPERS_END, "")
    pr.edit(body=body)
    return body


def review(*args: str):
    return CliRunner().invoke(cli, ["review", *args], catch_exceptions=False)


def rows_of(readme: str, arxiv_id: str) -> list[str]:
    return [line for line in readme.splitlines() if arxiv_id in line]


def section_of(readme: str, arxiv_id: str) -> list[str]:
    found, heading = [], ""
    for line in readme.splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif arxiv_id in line:
            found.append(heading)
    return found


def test_review_drops_unticked_papers_and_moves_the_ticked_one(github: GithubServer, workdir) -> None:
    opened(github, unticked=(ZETA.arxiv_id, THETA.arxiv_id), move=ETA.arxiv_id)

    result = review()

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 2 dropped, 1 moved, 0 added; updated PR #1")
    repo = github.repo(REPO)
    readme = repo.file(BRANCH, "README.md")
    assert rows_of(readme, ZETA.arxiv_id) == [] and rows_of(readme, THETA.arxiv_id) == []
    assert section_of(readme, ETA.arxiv_id) == ["Feedback"]  # in the chosen section and nowhere else
    assert section_of(readme, EPSILON.arxiv_id) == ["Labeling", "Feedback"]  # untouched
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1 and ahead[0].parents == (repo.branch_sha("main"),)
    with Store(workdir / "store.db") as store:
        labels = {(lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source, lb.ref) for lb in LabelStore(store).all()}
        assert labels == {(ZETA.arxiv_id, 0, "", "dropped", "tick", "1"), (THETA.arxiv_id, 0, "", "dropped", "tick", "1"),
                          (ETA.arxiv_id, 0, LABELING, "moved", "tick", "1"), (ETA.arxiv_id, 1, FEEDBACK, "moved", "tick", "1")}
        assert LabelStore(store).rejected_ids() == {ZETA.arxiv_id, THETA.arxiv_id}
    meta = parse_pr_metadata(repo.pulls[1].body)
    assert [p.arxiv_id for p in meta.papers] == [EPSILON.arxiv_id, ETA.arxiv_id]


def test_a_nonsense_body_drops_nothing(github: GithubServer, workdir) -> None:
    opened(github, unticked=(ZETA.arxiv_id,), move=None, break_markers=True)
    before = github.repo(REPO).file(BRANCH, "README.md")

    result = review()

    assert (result.exit_code, result.stdout) == (0, "nothing to apply: PR #1 shows no ticks kd-tracker can read\n")
    assert github.repo(REPO).file(BRANCH, "README.md") == before
    assert not (workdir / "store.db").exists() or LabelStore(Store(workdir / "store.db")).all() == []


def test_ticks_as_built_are_nothing_to_apply_and_no_pr_is_exit_0(github: GithubServer, workdir) -> None:
    assert review().stdout == f"nothing to apply: no open kd-tracker PR with metadata in {REPO}\n"
    opened(github, unticked=(), move=None)
    writes = len(github.writes)
    result = review()
    assert (result.exit_code, result.stdout) == (0, "nothing to apply: the ticks of PR #1 are applied already\n")
    assert len(github.writes) == writes


def test_dry_run_records_nothing_and_writes_the_preview(github: GithubServer, workdir) -> None:
    opened(github, unticked=(ZETA.arxiv_id,), move=None)
    writes = len(github.writes)
    result = review("--dry-run", "preview")
    assert result.exit_code == 0, result.output
    assert "1 dropped" in result.stdout and len(github.writes) == writes
    assert rows_of((workdir / "preview" / "README.md").read_text(), ZETA.arxiv_id) == []
    assert LabelStore(Store(workdir / "store.db")).all() == []


def test_blocked_branch_exits_3_and_no_token_exits_1(github: GithubServer, workdir, monkeypatch) -> None:
    opened(github, unticked=(ZETA.arxiv_id,), move=None)
    github.push_commit(REPO, BRANCH, {"NOTE.md": "hand edit\n"})
    blocked = review("--result-file", "result.json")
    assert blocked.exit_code == 3
    url = f"{github.url}/{REPO}/pull/1"
    result = json.loads((workdir / "result.json").read_text())
    assert {k: result[k] for k in ("format", "command", "exit_code", "status", "pr_number", "pr_url", "pr_status",
                                   "takeover_label", "gaps", "error")} == {
        "format": 1, "command": "review", "exit_code": 3, "status": "blocked", "pr_number": 1, "pr_url": url,
        "pr_status": "blocked", "takeover_label": "kd-tracker:take-over", "gaps": [], "error": ""}
    assert result["markdown"].startswith(
        "### kd-tracker review\n\nTicks applied: 1 dropped, 0 moved, 0 added.\n\n"
        f"**Pull request:** [PR #1]({url}): blocked (3 papers); branch kd-tracker/weekly has 1 commit\\(s\\) not ")
    assert result["markdown"].endswith("add the label 'kd-tracker:take-over' to PR `#`1 to let kd-tracker rebuild it\n")
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("KD_TRACKER_RESULT_FILE", str(workdir / "failed.json"))
    result = review()
    assert result.exit_code == 1 and result.stderr.startswith("Error: GITHUB_TOKEN is not set")
    failed = json.loads((workdir / "failed.json").read_text())
    assert (failed["exit_code"], failed["status"], failed["pr_number"]) == (1, "failed", None)
    assert "Error: " + failed["error"] + "\n" == result.stderr
    assert failed["markdown"].startswith("### kd-tracker review: failed\n\nGITHUB\\_TOKEN is not set")


