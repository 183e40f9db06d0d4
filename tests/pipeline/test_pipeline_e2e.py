"""The weekly job end to end: `kd-tracker run --as-of` against the local arXiv and GitHub servers.

The list is the real README from just before the maintainers' first weekly
update; the arXiv server serves the real corpus records of the weeks around it.
"""

from __future__ import annotations

import json

import pytest

from devservers.arxiv_server import Fault
from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BEFORE, BRANCH, PER_PR, REPO, TOKEN, branch_readme, pr_proposals, run
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.document import ListDocument
from tracker.store.papers import Store
from tracker.store.runs import RunLog

pytestmark = requires_shared


def assert_rows_inserted(github: GithubServer, proposals: dict[str, tuple[str, ...]]) -> None:
    """Every proposed paper sits in each of its sections of the branch's README, and nowhere else is new."""
    base = ListDocument.parse(BEFORE.read_text(encoding="utf-8"))
    new = ListDocument.parse(branch_readme(github))
    where: dict[str, set[str]] = {}
    for row in new.rows():
        if row.arxiv_id:
            where.setdefault(row.arxiv_id, set()).add(row.section)
    for arxiv_id, sections in proposals.items():
        assert set(sections) <= where[arxiv_id], arxiv_id
    added = len(new.rows()) - len(base.rows())
    assert added == sum(len(s) for s in proposals.values())
    base_lines = BEFORE.read_text(encoding="utf-8").splitlines()
    new_lines = branch_readme(github).splitlines()
    assert [line for line in new_lines if line in set(base_lines)] == base_lines


def test_weekly_runs_create_then_update_one_pr(setup, github, arxiv):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert TOKEN not in first.output
    assert "PR:         created PR #1:" in first.output
    assert "  learned:    0 PRs read; rows kept 0, moved 0, removed 0, rejected 0; 0 misses" in first.stdout
    proposals = pr_proposals(github)
    assert proposals, "the first week proposes papers"
    assert_rows_inserted(github, proposals)
    base = ListDocument.parse(BEFORE.read_text(encoding="utf-8"))
    listed = {r.arxiv_id for r in base.rows()}
    assert not listed & set(proposals), "never a paper already in the list"
    # the window: 42 days back on the first run, API only for a past date
    api = arxiv.api_requests()
    assert "submittedDate:[202402050000 TO 202403182359]" in api[0].params["search_query"]
    assert not [r for r in arxiv.requests if r.path.startswith("/rss")]

    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert "PR:         updated PR #1:" in second.output or "PR:         unchanged PR #1:" in second.output
    repo = github.repo(REPO)
    assert [p.number for p in repo.open_pulls()] == [1]
    assert len(repo.commits_ahead(BRANCH)) == 1
    later = pr_proposals(github)
    (pull,) = repo.open_pulls()
    scores = parse_pr_metadata(pull.body).scores
    dropped = set(proposals) - set(later)
    # last week's unmerged proposals stay in the rebuilt PR, unless better papers filled it
    assert not dropped or len(later) == PER_PR
    assert len(set(later) - set(proposals)) > 0, "the new week adds papers"
    assert min(scores.values()) >= 0.3
    assert_rows_inserted(github, later)
    # the second window overlaps the first by window_days - 7 days
    assert "submittedDate:[202403150000 TO 202403252359]" in arxiv.api_requests()[-1].params["search_query"]
    with Store(setup.parent / "kd.db") as store:
        runs = RunLog(store).runs()
    assert [(r.status in ("ok", "warnings"), r.outcome, r.pr_number) for r in runs] == [
        (True, "created", 1), (True, second.output.split("PR:         ")[1].split(" ")[0], 1)]


def test_run_killed_in_the_middle_then_rerun_gives_one_pr(setup, github):
    github.fail("POST", f"/repos/{REPO}/pulls", 503, times=2)
    failed = run(setup, "--as-of", "2024-03-18")
    assert failed.exit_code == 1
    error = failed.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: GitHub answered 503 while trying to open a PR")
    assert failed.stdout == ""
    assert TOKEN not in failed.output
    repo = github.repo(REPO)
    assert repo.open_pulls() == []

    again = run(setup, "--as-of", "2024-03-18")
    assert again.exit_code in (0, 2), again.output
    assert [p.number for p in repo.open_pulls()] == [1]
    assert len(repo.commits_ahead(BRANCH)) == 1
    with Store(setup.parent / "kd.db") as store:
        assert [r.status for r in RunLog(store).runs()][0] == "failed"


def test_arxiv_503_storm_fails_clearly_and_publishes_nothing(setup, github, arxiv):
    arxiv.add_faults(*[Fault(status=503) for _ in range(20)])
    result = run(setup, "--as-of", "2024-03-18", "--result-file", str(setup.parent / "result.json"))
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("Error: ") and "503" in line and "2024-02-05..2024-03-18" in line
    failed = json.loads((setup.parent / "result.json").read_text())
    assert (failed["command"], failed["exit_code"], failed["status"], "Error: " + failed["error"]) == (
        "run", 1, "failed", line)
    assert result.stdout == ""
    assert [r for r in github.requests if r.is_write] == []
    assert github.repo(REPO).branch_sha(BRANCH) is None


def test_dry_run_writes_preview_and_calls_no_write_endpoint(setup, github, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    out = tmp_path / "preview"
    result = run(setup, "--as-of", "2024-03-18", "--dry-run", str(out))
    assert result.exit_code in (0, 2), result.output
    assert sorted(p.name for p in out.iterdir()) == ["PR_BODY.md", "README.diff", "README.md"]
    body = (out / "PR_BODY.md").read_text()
    meta = parse_pr_metadata(body)
    assert meta.arxiv_ids
    assert "2024-02-05..2024-03-18" in body
    assert [r for r in github.requests if r.is_write] == []
    new = ListDocument.parse((out / "README.md").read_text())
    assert {r.arxiv_id for r in new.rows()} >= set(meta.arxiv_ids)
    summary = json.dumps(result.output)
    assert "dry run: would create" in summary


def test_no_token_means_dry_run_into_the_default_folder(setup, github, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.chdir(tmp_path)
    result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    assert "GITHUB_TOKEN is not set: dry run, writing the proposed PR to kd-tracker-preview/" in result.stderr
    assert (tmp_path / "kd-tracker-preview" / "PR_BODY.md").is_file()
    assert [r for r in github.requests if r.is_write] == []


def test_second_run_while_one_holds_the_lock_fails_at_once(setup):
    from tracker.weekly.lock import run_lock

    with run_lock(setup.parent / "kd.db"):
        result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: another kd-tracker run holds {setup.parent / 'kd.db'}.lock; wait for it to finish")


def test_review_of_a_merged_pr_feeds_the_next_run(setup, github):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    proposed = list(pr_proposals(github))
    removed = set(proposed[:2])
    # the maintainer deletes two of the bot's rows on its branch, then merges the PR
    text = branch_readme(github)
    dropped = {row.line - 1 for row in ListDocument.parse(text).rows() if row.arxiv_id in removed}
    kept_lines = [line for i, line in enumerate(text.splitlines(keepends=True)) if i not in dropped]
    github.push_commit(REPO, BRANCH, {"README.md": "".join(kept_lines)}, message="Drop two rows")
    github.merge_pull(REPO, 1)

    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert f"learned:    1 PRs read; rows kept {len(proposed) - 2}, moved 0, removed 2" in second.stdout
    assert "(retrained)" in second.stdout, "new review labels retrain the model"
    assert "blocked" not in second.stdout, "a branch left over from a merged PR is rebuilt, not blocked"
    assert [p.number for p in github.repo(REPO).open_pulls()] == [2], "the next week opens a new PR"
    later = set(pr_proposals(github))
    assert later, "the new PR proposes papers"
    assert not removed & later, "rejected papers are never proposed again"
    assert not set(proposed) & later, "merged papers are in the list now"
    with Store(setup.parent / "kd.db") as store:
        from tracker.store.labels import LabelStore

        assert LabelStore(store).rejected_ids() >= removed


def test_a_lost_store_is_rebuilt_from_github_without_reproposing_rejected_papers(setup, github):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    rejected = set(pr_proposals(github))
    (pull,) = github.repo(REPO).open_pulls()
    github.repo(REPO).pulls[pull.number].state = "closed"  # the maintainers close the PR unmerged
    # the Actions cache is lost: no store, no run log, no labels
    for leftover in setup.parent.glob("kd.db*"):
        leftover.unlink()

    again = run(setup, "--as-of", "2024-03-18")
    assert again.exit_code in (0, 2), again.output
    assert f"rejected {len(rejected)};" in again.stdout
    later = set(pr_proposals(github)) if github.repo(REPO).open_pulls() else set()
    assert not rejected & later


def test_without_a_token_learn_reads_few_list_commits(setup, github, tmp_path, monkeypatch):
    """GitHub allows 60 anonymous requests an hour: a dry run must not read the list's whole history."""
    text = BEFORE.read_text(encoding="utf-8")
    for n in range(8):
        text += f"\n<!-- edit {n} -->\n"
        github.push_commit(REPO, "main", {"README.md": text}, message=f"Edit {n}")
    monkeypatch.delenv("GITHUB_TOKEN")
    result = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "preview"))
    assert result.exit_code in (0, 2), result.output
    contents_at_commits = {r.query.get("ref") for r in github.requests
                           if r.method == "GET" and r.path.endswith("/contents/README.md") and r.query.get("ref")}
    # the list at 5 commits, the parent of the oldest, and the head: not at all 10
    assert len(contents_at_commits) == 7, contents_at_commits


@pytest.mark.parametrize("since", [None, "2024-03-20"], ids=["store-lost", "store-lost-and-window-after-them"])
def test_papers_waiting_in_the_open_pr_are_carried_whatever_the_store_says(setup, github, arxiv, since):
    """The labels write answers 502 after it took effect, then the store is lost: the PR is the truth."""
    github.fail("PUT", f"/repos/{REPO}/issues/1/labels", 502, after=True)
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output  # the labels are on GitHub: the run did what it meant to
    (pull,) = github.repo(REPO).open_pulls()
    assert pull.labels == ["kd-tracker"]
    earlier = set(pr_proposals(github))
    assert earlier
    for leftover in setup.parent.glob("kd.db*"):  # an evicted Actions cache: no store, no run log
        leftover.unlink()
    lookups = len(arxiv.api_requests())

    second = run(setup, "--as-of", "2024-03-25", *(["--since", since] if since else []))

    assert second.exit_code in (0, 2), second.output
    (pull,) = github.repo(REPO).open_pulls()
    assert pull.number == 1
    meta = parse_pr_metadata(pull.body)
    inserted, overflow = set(meta.arxiv_ids), {p.arxiv_id for p in meta.overflow}
    assert earlier <= inserted | overflow, "every paper waiting in the PR is still in it"
    assert len(inserted) == min(PER_PR, len(inserted | overflow))
    assert_rows_inserted(github, meta.sections)
    for paper in meta.overflow:  # past proposals_per_pr: named in the body as not included
        assert f"(https://arxiv.org/abs/{paper.arxiv_id})" in pull.body.split("**Not included:**")[1]
    if since:  # the store lacks them and the window does not reach them: looked up by id on the arXiv API
        ids = {i for r in arxiv.api_requests()[lookups:] for i in r.params.get("id_list", "").split(",") if i}
        assert earlier <= ids
