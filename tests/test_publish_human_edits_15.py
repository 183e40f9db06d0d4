"""Issue 15, "human edits without friction": labels the bot creates, "Update branch", take-over labels.

Everything runs through PyGithub against the local GitHub: the bot creates its
labels (with a description) before it puts them on the PR; GitHub's "Update
branch" merge is rebuilt over, not treated as a maintainer's edit; a row a
maintainer deleted or moved on the branch becomes a review label when the
take-over label lets the bot rebuild it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github

from devservers.github_server import GithubServer
from devservers.github_state import Identity
from tests.publish_sample import BRANCH, EPSILON, FEEDBACK, LABELING, REPO, TOKEN, ZETA, context, publisher
from tracker.publish.merges import merge3
from tracker.store import Label, LabelStore, Store
from tracker.weekly import takeover_recorder

ALICE_TOKEN = "ghp_aliceMaintainerToken0123456789abcdef"
DELTA_ROW = "| [**Delta Old**](https://arxiv.org/abs/2311.00004) | arXiv | 2023-11 |\n"
ZETA_ROW = "| [**Zeta Teachers**](https://arxiv.org/abs/2403.00006) | arXiv | 2024-03 |\n"
GAMMA_ROW = "| [**Gamma Feedback**](https://arxiv.org/abs/2312.00003) | arXiv | 2023-12 |\n"
LABELS = f"/repos/{REPO}/labels"


def label_calls(server: GithubServer, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path.removeprefix('/repos/' + REPO)} {r.status}" for r in server.requests[since:]
            if r.path.startswith(LABELS) or r.path.endswith("/issues/1/labels")]


def client(server: GithubServer, token: str = TOKEN) -> Github:
    return Github(base_url=server.url, auth=Auth.Token(token), seconds_between_requests=None,
                  seconds_between_writes=None, retry=None)


def assert_one_bot_commit_on_main(server: GithubServer) -> None:
    repo = server.repo(REPO)
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1 and ahead[0].parents == (repo.branch_sha("main"),)
    assert ahead[0].author.email == ahead[0].committer.email == "kd-tracker@users.noreply.github.com"


# labels ------------------------------------------------------------------------------------------------------
def test_missing_labels_are_created_with_a_description_before_the_pr_gets_them(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())

    assert label_calls(github) == [
        "GET /labels/kd-tracker 404", "POST /labels 201",
        "GET /labels/kd-tracker:take-over 404", "POST /labels 201", "PUT /issues/1/labels 200"]
    repo = client(github).get_repo(REPO)
    assert repo.get_label("kd-tracker").description == "kd-tracker: weekly paper proposals"
    assert repo.get_label("kd-tracker:take-over").description == \
        "kd-tracker: let the bot rebuild a branch a human edited"
    assert [label.name for label in repo.get_pull(1).get_labels()] == ["kd-tracker"]


def test_labels_the_repository_has_are_not_created_again(github: GithubServer) -> None:
    github.repo(REPO).add_label("kd-tracker", "123456", "ours")
    publisher(github).publish([EPSILON], context())
    publisher(github).publish([EPSILON, ZETA], context())  # the PR carries its label: no look-up at all

    assert [c for c in label_calls(github) if c.startswith("POST")] == ["POST /labels 201"]
    assert github.repo(REPO).label_details["kd-tracker"] == ("123456", "ours")


def test_a_label_created_meanwhile_422_already_exists_counts_as_done(github: GithubServer) -> None:
    github.on_request("GET", f"{LABELS}/kd-tracker$", lambda server, _: server.repo(REPO).add_label("kd-tracker"))

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "created"
    assert label_calls(github)[:2] == ["GET /labels/kd-tracker 404", "POST /labels 422"]
    assert github.repo(REPO).pulls[1].labels == ["kd-tracker"]


def test_a_lost_answer_on_creating_a_label_is_read_back_not_resent(github: GithubServer) -> None:
    github.drop("POST", f"{LABELS}$", after=True)

    publisher(github).publish([EPSILON], context())

    assert label_calls(github)[:3] == ["GET /labels/kd-tracker 404", "POST /labels 0", "GET /labels/kd-tracker 200"]
    assert github.repo(REPO).label_details["kd-tracker"][1] == "kd-tracker: weekly paper proposals"


# "Update branch" -----------------------------------------------------------------------------------------------
def _main_gains_a_row(server: GithubServer) -> None:
    repo = server.repo(REPO)
    text = repo.file("main", "README.md")
    assert text is not None
    server.push_commit(REPO, "main", {"README.md": text.replace(GAMMA_ROW, GAMMA_ROW + DELTA_ROW)},
                       message="Add Delta")


def _update_branch(server: GithubServer) -> str:
    """Alice clicks "Update branch" on the PR (PyGithub, her token); returns the merge commit."""
    server.add_token(ALICE_TOKEN, "alice")
    assert client(server, ALICE_TOKEN).get_repo(REPO).get_pull(1).update_branch()
    return server.repo(REPO).branch_sha(BRANCH) or ""


def test_update_branch_makes_a_merge_commit_of_the_base(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    _main_gains_a_row(github)
    bot_head, main_head = github.repo(REPO).branch_sha(BRANCH), github.repo(REPO).branch_sha("main")

    merge = github.repo(REPO).git.commits[_update_branch(github)]

    assert merge.parents == (bot_head, main_head)
    assert (merge.author.name, merge.committer.email) == ("alice", "noreply@github.com")
    assert github.repo(REPO).file(BRANCH, "README.md") == first.readme_text.replace(GAMMA_ROW, GAMMA_ROW + DELTA_ROW)
    assert not client(github, ALICE_TOKEN).get_repo(REPO).get_pull(1).update_branch()  # 422: nothing new on main
    assert github.requests[-1].status == 422


@pytest.mark.parametrize("proposals", [[EPSILON], [EPSILON, ZETA]], ids=["same-papers", "one-more"])
def test_an_update_branch_merge_is_rebuilt_over_not_blocked(github: GithubServer, proposals) -> None:
    publisher(github).publish([EPSILON], context())
    _main_gains_a_row(github)
    _update_branch(github)

    outcome = publisher(github).publish(proposals, context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert_one_bot_commit_on_main(github)
    repo = github.repo(REPO)
    assert DELTA_ROW in repo.file(BRANCH, "README.md") and repo.pulls[1].comments == []


def test_two_update_branch_merges_in_a_row_are_rebuilt_over(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    for _ in range(2):
        _main_gains_a_row(github)
        _update_branch(github)
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 3

    assert publisher(github).publish([EPSILON], context()).status == "updated"
    assert_one_bot_commit_on_main(github)


def test_a_merge_that_adds_an_edit_of_its_own_still_blocks(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    _main_gains_a_row(github)
    repo = github.repo(REPO)
    clicked = repo.git.commits[_update_branch(github)]
    files = repo.git.flatten(clicked.tree)
    text = (repo.file(clicked.sha, "README.md") or "").replace("Epsilon: Distilling", "Epsilon:")
    files["README.md"] = ("100644", repo.git.put_blob(text.encode()))
    alice = Identity("Alice Maintainer", "alice@example.com", github.now_iso())
    sha = repo.git.put_commit(repo.git.build_tree(files), list(clicked.parents), "Merge main", alice, alice)
    repo.refs[f"refs/heads/{BRANCH}"] = sha

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "blocked" and "Merge main" in repo.pulls[1].comments[0].body
    assert repo.branch_sha(BRANCH) == sha


# take-over: the maintainers' edits become labels -----------------------------------------------------------
def _take_over(server: GithubServer) -> None:
    repo = server.repo(REPO)
    repo.add_label("kd-tracker:take-over")
    repo.pulls[1].labels.append("kd-tracker:take-over")


def test_a_deleted_row_blocks_then_the_take_over_keeps_it_as_a_rejection(github: GithubServer, tmp_path: Path) -> None:
    first = publisher(github).publish([EPSILON, ZETA], context())
    github.push_commit(REPO, BRANCH, {"README.md": first.readme_text.replace(ZETA_ROW, "")}, message="Drop Zeta")
    with Store(tmp_path / "store.db") as store:
        labels = LabelStore(store)
        hook = takeover_recorder(labels, publisher(github).config, context().as_of)
        blocked = publisher(github).publish([EPSILON, ZETA], context(), on_takeover=hook)
        assert blocked.status == "blocked" and labels.all() == []

        _take_over(github)
        outcome = publisher(github).publish([EPSILON, ZETA], context(), on_takeover=hook)

        assert labels.all() == [Label("2403.00006", 0, "", "removed", "takeover", "1", "2024-03-19", "Zeta Teachers")]
        assert labels.rejected_ids() == {"2403.00006"}
    assert (outcome.status, outcome.inserted_count) == ("updated", 1)
    assert_one_bot_commit_on_main(github)
    repo = github.repo(REPO)
    assert "Zeta Teachers" not in (repo.file(BRANCH, "README.md") or "")
    assert repo.pulls[1].labels == ["kd-tracker"]


def test_a_moved_row_becomes_moved_labels(github: GithubServer, tmp_path: Path) -> None:
    first = publisher(github).publish([EPSILON, ZETA], context())
    moved = first.readme_text.replace(ZETA_ROW, "").replace(GAMMA_ROW, ZETA_ROW + GAMMA_ROW)
    github.push_commit(REPO, BRANCH, {"README.md": moved}, message="Zeta belongs to Feedback")
    _take_over(github)
    with Store(tmp_path / "store.db") as store:
        labels = LabelStore(store)
        publisher(github).publish([EPSILON, ZETA], context(),
                                  on_takeover=takeover_recorder(labels, publisher(github).config, context().as_of))
        assert sorted(labels.all()) == [
            Label("2403.00006", 0, LABELING, "moved", "takeover", "1", "2024-03-19", "Zeta Teachers"),
            Label("2403.00006", 1, FEEDBACK, "moved", "takeover", "1", "2024-03-19", "Zeta Teachers")]
        assert labels.rejected_ids() == set()
    assert_one_bot_commit_on_main(github)


def test_a_take_over_with_no_hook_rebuilds_as_before(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON, ZETA], context())
    github.push_commit(REPO, BRANCH, {"README.md": first.readme_text.replace(ZETA_ROW, "")}, message="Drop Zeta")
    _take_over(github)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.inserted_count) == ("updated", 2)
    assert_one_bot_commit_on_main(github)


def test_merge3_takes_both_sides_and_refuses_a_clash() -> None:
    base = "a\nb\nc\nd\n"
    assert merge3(base, "a\nnew\nb\nc\nd\n", "a\nb\nc\nd\nend\n") == "a\nnew\nb\nc\nd\nend\n"
    assert merge3(base, "a\nx\nc\nd\n", "a\nx\nc\nd\n") == "a\nx\nc\nd\n"
    assert merge3(base, "a\nx\nc\nd\n", "a\ny\nc\nd\n") is None
    assert merge3(base, "new\na\nb\nc\nd\n", "other\na\nb\nc\nd\n") is None
