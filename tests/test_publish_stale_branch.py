"""A branch left over from a merged or closed PR is stale: rebuilt, not `blocked` forever.

Only the branch of an open PR is protected. After a maintainer pushed a fix onto
the bot's branch and squash-merged the PR, their commit is never an ancestor of
the default branch; the next week must still open a new PR.
"""

from __future__ import annotations

from devservers.github_server import GithubServer
from tests.publish_sample import (
    BRANCH,
    EPSILON,
    REPO,
    ZETA,
    context,
    publisher,
)
from tracker.publish.publisher import BOT_TRAILER

EMAIL = "kd-tracker@users.noreply.github.com"
BRANCH_REF = f"/repos/{REPO}/git/refs/heads/{BRANCH}"


def _fix_and_squash_merge(server: GithubServer) -> str:
    text = server.repo(REPO).file(BRANCH, "README.md")
    fixed = text.replace("Epsilon: Distilling Rationales", "Epsilon: Distilling Rationales (fixed)")
    server.push_commit(REPO, BRANCH, {"README.md": fixed}, message="Fix a title")
    server.merge_pull(REPO, 1)
    return fixed


def _close_unmerged(server: GithubServer) -> None:
    repo = server.repo(REPO)
    pull = repo.pulls[1]
    pull.state, pull.head_sha, pull.closed_at = "closed", repo.branch_sha(BRANCH), server.now_iso()


def assert_one_bot_commit_on_main(server: GithubServer) -> None:
    repo = server.repo(REPO)
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1 and ahead[0].parents == (repo.branch_sha("main"),)
    assert (ahead[0].author.email, ahead[0].committer.email) == (EMAIL, EMAIL)
    assert ahead[0].message.splitlines()[-1].startswith(BOT_TRAILER)


def test_a_human_fix_then_a_squash_merge_does_not_block_the_next_week(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    _fix_and_squash_merge(github)

    outcome = publisher(github).publish([ZETA], context())

    repo = github.repo(REPO)
    assert (outcome.status, outcome.pr_number) == ("created", 2)
    assert outcome.note == f"rebuilt branch {BRANCH}, left over from closed PR #1"
    assert [p.number for p in repo.open_pulls()] == [2]
    assert_one_bot_commit_on_main(github)
    text = repo.file(BRANCH, "README.md")
    assert "Epsilon: Distilling Rationales (fixed)" in text and "Zeta Teachers" in text  # the human's fix is kept


def test_a_stale_branch_is_rebuilt_even_if_its_list_is_already_the_new_one(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    github.push_commit(REPO, BRANCH, {"README.md": first.readme_text + "\n"}, message="Add a blank line")
    github.push_commit(REPO, BRANCH, {"README.md": first.readme_text}, message="Remove it again")
    _close_unmerged(github)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 2)
    assert_one_bot_commit_on_main(github)


def test_a_branch_of_a_pr_closed_unmerged_is_rebuilt(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.push_commit(REPO, BRANCH, {"README.md": "# a maintainer's try\n"}, message="Try something")
    _close_unmerged(github)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.pr_number) == ("created", 2)
    assert_one_bot_commit_on_main(github)
    assert "a maintainer's try" not in github.repo(REPO).file(BRANCH, "README.md")


def test_a_stale_branch_with_nothing_to_add_is_deleted(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    _fix_and_squash_merge(github)

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "unchanged"
    assert github.repo(REPO).branch_sha(BRANCH) is None


def test_a_lost_answer_while_moving_a_stale_branch_is_retried(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    _fix_and_squash_merge(github)
    github.fail("PATCH", BRANCH_REF, 502)

    outcome = publisher(github).publish([ZETA], context())

    assert outcome.status == "created"
    assert_one_bot_commit_on_main(github)


def test_a_push_after_the_merge_is_someone_s_work_and_blocks(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    _fix_and_squash_merge(github)
    github.push_commit(REPO, BRANCH, {"README.md": "# a follow-up\n"}, message="Follow-up")
    head = github.repo(REPO).branch_sha(BRANCH)

    outcome = publisher(github).publish([ZETA], context())

    assert (outcome.status, outcome.pr_number) == ("blocked", None)
    assert outcome.note.endswith("delete the branch to let kd-tracker rebuild it")
    assert github.repo(REPO).branch_sha(BRANCH) == head and github.repo(REPO).open_pulls() == []


def test_a_branch_that_never_had_a_pr_is_not_overwritten(github: GithubServer) -> None:
    github.push_commit(REPO, BRANCH, {"README.md": "# someone's branch\n"}, message="Mine")
    head = github.repo(REPO).branch_sha(BRANCH)

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "blocked"
    assert github.repo(REPO).branch_sha(BRANCH) == head


def test_the_preview_of_a_stale_branch_would_create_a_pr(github: GithubServer, tmp_path) -> None:
    publisher(github).publish([EPSILON], context())
    _fix_and_squash_merge(github)
    mark = len(github.writes)

    outcome = publisher(github, token=None).preview([ZETA], context(), tmp_path)

    assert (outcome.status, outcome.dry_run) == ("created", True)
    assert len(github.writes) == mark
