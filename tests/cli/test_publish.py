"""``kd-tracker publish`` under CliRunner against the local GitHub: output lines, exit codes, no token leaks."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.publish_sample import (
    EPSILON,
    NEAR,
    REPO,
    TOKEN,
    ZETA,
    cli_workdir,
)
from tracker.cli.main import cli
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.proposals import write_proposals


@pytest.fixture
def workdir(github: GithubServer, tmp_path, monkeypatch):
    """A folder with config.yaml pointing at the local GitHub and PROPOSALS.jsonl; the token in the env."""
    write_proposals([EPSILON], tmp_path / "PROPOSALS.jsonl")
    write_proposals([NEAR], tmp_path / "near.jsonl")
    return cli_workdir(tmp_path, github, monkeypatch,
                       "  write_delay_seconds: 0\n  rate_limit_max_wait_seconds: 2\nmodel:\n  threshold: 0.6\n")


def run(*args: str):
    return CliRunner().invoke(cli, ["publish", *args], catch_exceptions=False)


def test_publish_creates_then_reports_unchanged(github: GithubServer, workdir) -> None:
    url = f"{github.url}/{REPO}/pull/1"
    first = run("PROPOSALS.jsonl", "--as-of", "2024-03-19", "--window", "2024-03-11..2024-03-18",
                "--near-misses", "near.jsonl", "--model-version", "lr-7")
    assert (first.exit_code, first.stdout) == (0, f"created PR #1: {url} (1 paper)\n")
    body = github.repo(REPO).pulls[1].body
    meta = parse_pr_metadata(body)
    assert (meta.model_version, meta.since, meta.until, meta.as_of) == ("lr-7", "2024-03-11", "2024-03-18",
                                                                        "2024-03-19")
    assert meta.thresholds == {"relevance": 0.6, "second section": 0.35, "papers per PR": 15}
    assert [p.title for p in meta.near_misses] == ["Eta, almost"]
    assert "**Thresholds:** relevance 0.6 · second section 0.35 · papers per PR 15." in body
    assert "- **2024-3-19**: Add 1 papers." in github.repo(REPO).file("kd-tracker/weekly", "README.md")

    again = run("PROPOSALS.jsonl", "--as-of", "2024-03-19", "--window", "2024-03-11..2024-03-18",
                "--near-misses", "near.jsonl", "--model-version", "lr-7")
    assert (again.exit_code, again.stdout) == (0, f"unchanged PR #1: {url} (1 paper)\n")


def test_publish_blocked_exits_3(github: GithubServer, workdir) -> None:
    run("PROPOSALS.jsonl", "--as-of", "2024-03-19")
    github.push_commit(REPO, "kd-tracker/weekly", {"NOTE.md": "hand edit\n"})
    write_proposals([EPSILON, ZETA], workdir / "PROPOSALS.jsonl")

    result = run("PROPOSALS.jsonl", "--as-of", "2024-03-19")

    assert result.exit_code == 3
    assert result.stdout == (f"blocked PR #1: {github.url}/{REPO}/pull/1 (2 papers); branch kd-tracker/weekly has "
                             "1 commit(s) not made by kd-tracker; add the label 'kd-tracker:take-over' to PR #1 to "
                             "let kd-tracker rebuild it\n")


def test_publish_without_token_is_an_error(github: GithubServer, workdir, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    result = run("PROPOSALS.jsonl")
    assert result.exit_code == 1
    assert result.stderr == ("Error: GITHUB_TOKEN is not set: publishing to Tebmer/Awesome-KD needs a GitHub token "
                             "with contents and pull-request write access; --dry-run OUTDIR previews without one\n")
    assert github.requests == []


def test_bad_token_is_one_line_and_never_printed(github: GithubServer, workdir, monkeypatch) -> None:
    bad = "ghp_thisTokenIsWrong999999"
    monkeypatch.setenv("GITHUB_TOKEN", bad)
    result = CliRunner().invoke(cli, ["-vv", "publish", "PROPOSALS.jsonl"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: GitHub rejected the token in GITHUB_TOKEN for Tebmer/Awesome-KD (401 Bad credentials); set "
        "GITHUB_TOKEN to a valid token with contents and pull-request write access")
    assert bad not in result.stdout + result.stderr


def test_dry_run_needs_no_token_and_writes_nothing(github: GithubServer, workdir, monkeypatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    result = run("PROPOSALS.jsonl", "--dry-run", "out", "--as-of", "2024-03-19")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("dry run: would create a PR (1 paper); wrote out/README.md, out/README.diff, "
                             "out/PR_BODY.md\n")
    assert github.writes == [] and all("Authorization" not in r.headers for r in github.requests)
    assert "+| [**Epsilon: Distilling Rationales**](https://arxiv.org/abs/2403.00005)" in \
        (workdir / "out" / "README.diff").read_text()
    assert (workdir / "out" / "PR_BODY.md").read_text().startswith("**kd-tracker proposes 1 paper** from arXiv ")


def test_dry_run_output_never_holds_the_token(github: GithubServer, workdir, caplog) -> None:
    caplog.set_level("DEBUG")
    result = CliRunner().invoke(cli, ["-vv", "publish", "PROPOSALS.jsonl", "--dry-run", "out"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert all(r.headers.get("Authorization") == f"token {TOKEN}" for r in github.requests)
    captured = result.stdout + result.stderr + caplog.text
    captured += "".join(p.read_text() for p in (workdir / "out").iterdir())
    assert TOKEN not in captured


def test_bad_proposals_line_names_file_and_line(github: GithubServer, workdir) -> None:
    (workdir / "bad.jsonl").write_text(EPSILON.to_json() + "\n\n" + '{"title": "x", "url": "https://a.b/c"}\n')
    result = run("bad.jsonl")
    assert (result.exit_code, result.stderr) == (
        1, "Error: bad.jsonl:3: missing 'sections'; a proposal needs title, url, sections\n")


def test_bad_window_is_a_usage_error(workdir) -> None:
    result = run("PROPOSALS.jsonl", "--window", "2024-03-18..2024-03-11")
    assert result.exit_code == 1
    assert "Invalid value for --window: '2024-03-18..2024-03-11' is not SINCE..UNTIL" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_help_documents_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["publish", "--help"])
    assert result.exit_code == 0
    assert "Exit codes: 0 created, updated, unchanged or closed; 1 error; 3 blocked." in result.output


@requires_shared
def test_dry_run_on_the_real_list(github: GithubServer, shared, workdir) -> None:
    """The README as it was before the maintainers' first weekly update, with two of the papers they added."""
    before = (shared / "fixtures/kd-list/README.2024-03-19.before-weekly.md").read_text()
    github.add_repo("Tebmer/Awesome-Knowledge-Distillation-of-LLMs", {"README.md": before})
    lines = [
        '{"title": "Evolving Knowledge Distillation with Large Language Models and Active Learning", '
        '"url": "https://arxiv.org/abs/2403.06414", "sections": ["KD Algorithms > Knowledge Elicitation > Labeling"], '
        '"date": "2024-03", "score": 0.88, "terms": ["active learning"]}',
        '{"title": "Distilling Step-by-Step! Outperforming Larger Language Models", '
        '"url": "https://arxiv.org/abs/2305.02301", "sections": ["KD Algorithms > Knowledge Elicitation > Labeling"], '
        '"date": "2023-05"}',
    ]
    (workdir / "real.jsonl").write_text("\n".join(lines) + "\n")

    result = run("real.jsonl", "--repo", "Tebmer/Awesome-Knowledge-Distillation-of-LLMs", "--dry-run", "out",
                 "--as-of", "2024-03-19")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("dry run: would create a PR (1 paper); ")
    readme = (workdir / "out" / "README.md").read_text()
    assert readme.count("https://arxiv.org/abs/2403.06414") == 1
    assert "  - **2024-3-19**: Add 1 papers." in readme
    body = (workdir / "out" / "PR_BODY.md").read_text()
    assert "1 already in the list, skipped" in body
    assert parse_pr_metadata(body).arxiv_ids == ("2403.06414",)


def test_publish_refuses_github_branch_equal_to_the_default_branch(github: GithubServer, workdir) -> None:
    from tests.publish_sample import README

    github.add_repo("Tebmer/Trunk-KD", {"README.md": README}, default_branch="trunk")
    (workdir / "config.yaml").write_text(
        f"list:\n  repo: Tebmer/Trunk-KD\ngithub:\n  api_url: {github.url}\n  write_delay_seconds: 0\n"
        f"  branch: trunk\n")
    result = CliRunner().invoke(cli, ["publish", "PROPOSALS.jsonl", "--as-of", "2024-03-19"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: github.branch is 'trunk', the default branch of Tebmer/Trunk-KD: kd-tracker force-moves that branch "
        "to its own commit every run; set github.branch to a branch of its own, e.g. 'kd-tracker/weekly'"]
    assert github.writes == []
