"""Publisher against the local GitHub: one PR, one commit, always current; blocked, closed, escaped."""

from __future__ import annotations

import base64
import json

import pytest
from github import Auth, Github

from devservers.github_server import GithubServer
from devservers.github_state import Identity
from tests.publish_sample import (
    ALPHA_AGAIN,
    BOT,
    BRANCH,
    EPSILON,
    FEEDBACK,
    LABELING,
    README,
    REPO,
    TOKEN,
    ZETA,
    context,
    publisher,
)
from tracker.github.metadata import parse_pr_metadata
from tracker.publish.publisher import BOT_TRAILER
from tracker.records import Proposal

EMAIL = "kd-tracker@users.noreply.github.com"
EPSILON_ROW = ("| [**Epsilon: Distilling Rationales**](https://arxiv.org/abs/2403.00005) | arXiv | 2024-03 | "
               "[Github](https://github.com/x/epsilon) |")


def writes(server: GithubServer, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path.removeprefix('/repos/' + REPO)}" for r in server.requests[since:] if r.is_write]


def assert_one_bot_commit(server: GithubServer) -> None:
    repo = server.repo(REPO)
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1
    assert ahead[0].parents == (repo.branch_sha("main"),)
    assert (ahead[0].author.email, ahead[0].committer.email) == (EMAIL, EMAIL)
    assert ahead[0].message.splitlines()[-1].startswith(BOT_TRAILER)


def test_first_run_creates_one_pr(github: GithubServer) -> None:
    outcome = publisher(github).publish([EPSILON], context())

    repo = github.repo(REPO)
    assert [p.number for p in repo.open_pulls()] == [1]
    pull = repo.pulls[1]
    assert (outcome.status, outcome.pr_number, outcome.pr_url, outcome.inserted_count) == (
        "created", 1, f"{github.url}/{REPO}/pull/1", 1)
    assert (pull.head, pull.base, pull.user, pull.labels) == (BRANCH, "main", BOT, ["kd-tracker"])
    assert pull.title == "Weekly update: 1 new papers (2024-03-11..2024-03-18)"
    assert pull.body == outcome.body
    assert_one_bot_commit(github)
    assert repo.file(BRANCH, "README.md") == outcome.readme_text
    assert repo.file(BRANCH, "LICENSE") == "MIT\n"
    assert repo.file("main", "README.md") == README
    new_lines = [line[1:] for line in outcome.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert [line for line in new_lines if line.strip()] == [
        "- Update Log", "  - **2024-3-19**: Add 1 papers.", EPSILON_ROW, EPSILON_ROW]
    assert writes(github) == ["POST /git/trees", "POST /git/commits", "POST /git/refs", "POST /pulls",
                              "POST /labels", "POST /labels", "PUT /issues/1/labels"]  # its two labels, then the PR's
    assert parse_pr_metadata(pull.body).sections == {"2403.00005": (LABELING, FEEDBACK)}


def test_second_run_with_more_proposals_updates_the_same_pr(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    first_commit = github.repo(REPO).branch_sha(BRANCH)
    mark = len(github.requests)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    repo = github.repo(REPO)
    assert (outcome.status, outcome.pr_number, outcome.inserted_count) == ("updated", 1, 2)
    assert [p.number for p in repo.open_pulls()] == [1] and len(repo.pulls) == 1
    assert_one_bot_commit(github)
    assert repo.branch_sha(BRANCH) != first_commit
    assert "Zeta Teachers" in repo.file(BRANCH, "README.md")
    assert repo.pulls[1].body == outcome.body
    assert repo.pulls[1].title == "Weekly update: 2 new papers (2024-03-11..2024-03-18)"
    assert parse_pr_metadata(repo.pulls[1].body).arxiv_ids == ("2403.00005", "2403.00006")
    assert writes(github, mark) == ["POST /git/trees", "POST /git/commits", "PATCH /git/refs/heads/kd-tracker/weekly",
                                    "PATCH /pulls/1"]


def test_a_run_with_nothing_new_changes_nothing(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    head = github.repo(REPO).branch_sha(BRANCH)
    mark = len(github.requests)

    again = publisher(github).publish([EPSILON], context())

    assert (again.status, again.pr_number, again.body, again.readme_text) == (
        "unchanged", 1, first.body, first.readme_text)
    assert writes(github, mark) == []
    assert github.repo(REPO).branch_sha(BRANCH) == head


def test_a_new_base_rebuilds_the_single_commit_on_it(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    edited = README.replace("We released the list.", "We released the list (v2).")
    new_main = github.push_commit(REPO, "main", {"README.md": edited}, message="News wording")

    outcome = publisher(github).publish([EPSILON], context())

    repo = github.repo(REPO)
    assert outcome.status == "updated"
    assert repo.git.commits[repo.branch_sha(BRANCH)].parents == (new_main,)
    assert_one_bot_commit(github)
    assert "We released the list (v2)." in repo.file(BRANCH, "README.md")


def test_nothing_to_add_makes_no_branch_and_no_pr(github: GithubServer) -> None:
    outcome = publisher(github).publish([ALPHA_AGAIN], context())

    assert (outcome.status, outcome.pr_number, outcome.inserted_count, outcome.diff) == ("unchanged", None, 0, "")
    assert outcome.summary() == "unchanged: no PR (0 papers); nothing to add"
    assert writes(github) == []
    assert github.repo(REPO).branch_sha(BRANCH) is None


def test_open_pr_whose_change_became_empty_is_closed_with_a_comment(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    main = github.push_commit(REPO, "main", {"README.md": first.readme_text}, message="Add Epsilon by hand")
    mark = len(github.requests)

    outcome = publisher(github).publish([EPSILON], context())

    repo = github.repo(REPO)
    assert (outcome.status, outcome.pr_number, outcome.inserted_count) == ("closed", 1, 0)
    assert repo.pulls[1].state == "closed" and repo.open_pulls() == []
    assert repo.branch_sha(BRANCH) is None
    [comment] = repo.pulls[1].comments
    assert comment.user == BOT
    assert comment.body.startswith(f"Every paper this pull request proposed is now in the list on `main` at {main[:7]}, "
                                   "so kd-tracker has nothing left to add and closes it.\n\n<!-- kd-tracker:closed ")
    assert writes(github, mark) == ["POST /issues/1/comments", "PATCH /pulls/1",
                                    "DELETE /git/refs/heads/kd-tracker/weekly"]


def test_after_a_squash_merge_the_next_week_gets_a_fresh_pr(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.merge_pull(REPO, 1)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    repo = github.repo(REPO)
    assert (outcome.status, outcome.pr_number, outcome.inserted_count) == ("created", 2, 1)
    assert [p.number for p in repo.open_pulls()] == [2]
    assert_one_bot_commit(github)
    assert parse_pr_metadata(repo.pulls[2].body).arxiv_ids == ("2403.00006",)


def _web_edit(server: GithubServer, text: str) -> None:
    """Alice edits README.md on the branch with the contents API (as the web editor does)."""
    server.add_token("alice-token", "alice")
    repo = server.repo(REPO)
    blob_sha = repo.git.flatten(repo.git.commits[repo.branch_sha(BRANCH)].tree)["README.md"][1]
    gh = Github(base_url=server.url, auth=Auth.Token("alice-token"), seconds_between_requests=None,
                seconds_between_writes=None)
    gh.get_repo(REPO).update_file("README.md", "Fix a title", text, blob_sha, branch=BRANCH)


def _amend(server: GithubServer, text: str) -> None:
    """Alice amends the bot's commit: same author and message, her as committer."""
    repo = server.repo(REPO)
    bot_commit = repo.git.commits[repo.branch_sha(BRANCH)]
    sha = repo.commit_files(bot_commit.parents[0], {"README.md": text}, bot_commit.message, bot_commit.author,
                            Identity("Alice Maintainer", "alice@example.com", server.now_iso()))
    repo.refs[f"refs/heads/{BRANCH}"] = sha


def _push(server: GithubServer, text: str) -> None:
    server.push_commit(REPO, BRANCH, {"README.md": text}, message="Fix a title")


@pytest.mark.parametrize("human_change", [_push, _web_edit, _amend], ids=["push", "web-edit", "amend"])
def test_a_human_commit_on_the_branch_blocks_the_overwrite(github: GithubServer, human_change) -> None:
    first = publisher(github).publish([EPSILON], context())
    human_change(github, first.readme_text.replace("Epsilon: Distilling Rationales", "Epsilon: Distilling Rationale"))
    repo = github.repo(REPO)
    human_head = repo.branch_sha(BRANCH)
    mark = len(github.requests)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.pr_number, outcome.inserted_count) == ("blocked", 1, 2)
    assert outcome.note == ("branch kd-tracker/weekly has 1 commit(s) not made by kd-tracker; add the label "
                            "'kd-tracker:take-over' to PR #1 to let kd-tracker rebuild it")
    assert repo.branch_sha(BRANCH) == human_head
    assert (repo.pulls[1].title, repo.pulls[1].body) == ("Weekly update: 1 new papers (2024-03-11..2024-03-18)",
                                                         first.body)
    assert writes(github, mark) == ["POST /issues/1/comments"]
    [comment] = repo.pulls[1].comments
    assert comment.body.startswith("kd-tracker did not update this pull request: branch `kd-tracker/weekly` has "
                                   f"commits it did not make, and it never overwrites them.\n\n- {human_head[:7]} by ")
    assert "[Zeta Teachers](https://arxiv.org/abs/2403.00006) | KD Algorithms &gt; Knowledge Elicitation &gt; " \
           "Labeling |" in comment.body
    assert "add the label `kd-tracker:take-over` to this pull request" in comment.body

    mark = len(github.requests)
    again = publisher(github).publish([EPSILON, ZETA], context())
    assert again.status == "blocked"
    assert writes(github, mark) == []  # the same comment is not repeated
    assert len(repo.pulls[1].comments) == 1


def test_the_takeover_label_lets_the_bot_rebuild_the_branch(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    _push(github, first.readme_text + "\nA maintainer's line\n")
    publisher(github).publish([EPSILON, ZETA], context())
    repo = github.repo(REPO)
    repo.labels.setdefault("kd-tracker:take-over", 77)
    repo.pulls[1].labels.append("kd-tracker:take-over")

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert_one_bot_commit(github)
    assert "A maintainer's line" not in repo.file(BRANCH, "README.md")
    assert repo.pulls[1].labels == ["kd-tracker"]
    assert repo.pulls[1].body == outcome.body


def test_hostile_title_lands_escaped_in_readme_and_body(github: GithubServer) -> None:
    title = "Evil | Title](javascript:alert(1)) <img src=x onerror=alert(1)> `code` *bold*"
    hostile = Proposal(title=title, url="https://arxiv.org/abs/2403.00007", sections=(LABELING,),
                       arxiv_id="2403.00007", date="2024-03", score=0.8, terms=("<b>x</b> y",), venue="ACL|<i>")

    publisher(github).publish([hostile], context())

    escaped = ("Evil \\| Title\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt; "
               "\\`code\\` \\*bold\\*")
    readme = github.repo(REPO).file(BRANCH, "README.md")
    body = github.repo(REPO).pulls[1].body
    assert f"| [**{escaped}**](https://arxiv.org/abs/2403.00007) |" in readme
    assert f"- [x] [{escaped}](https://arxiv.org/abs/2403.00007) · arXiv:2403.00007 · ACL\\|&lt;i&gt; · " in body
    assert "why: “&lt;b&gt;x&lt;/b&gt; y”" in body
    for text in (readme, body.split("<!-- kd-tracker-metadata")[0]):
        assert "<img" not in text and "](javascript:" not in text and "<b>" not in text
    assert parse_pr_metadata(body).papers[0].title == title


def test_token_never_leaves_the_authorization_header(github: GithubServer, caplog) -> None:
    caplog.set_level("DEBUG")
    publisher(github).publish([EPSILON], context())
    publisher(github).publish([EPSILON, ZETA], context())
    _push(github, "# a maintainer's list\n")
    assert publisher(github).publish([EPSILON, ZETA, ALPHA_AGAIN], context()).status == "blocked"

    assert TOKEN not in caplog.text
    for request in github.requests:
        assert request.headers["Authorization"] == f"token {TOKEN}"
        assert TOKEN not in json.dumps(request.body) and TOKEN not in request.path
    repo = github.repo(REPO)
    stored = [c.message for c in repo.git.commits.values()] + [p.body + p.title for p in repo.pulls.values()]
    stored += [c.body for p in repo.pulls.values() for c in p.comments]
    assert len(stored) > len(repo.git.commits) + 1  # the blocked comment is among them
    stored += [base64.b64encode(b).decode() + b.decode() for b in repo.git.blobs.values()]
    assert all(TOKEN not in text for text in stored)


def test_preview_reads_only_and_writes_three_files(github: GithubServer, tmp_path) -> None:
    anonymous = publisher(github, token=None)

    outcome = anonymous.preview([EPSILON], context(), tmp_path / "out")

    assert (outcome.status, outcome.dry_run, outcome.pr_number) == ("created", True, None)
    assert outcome.summary() == "dry run: would create a PR (1 paper)"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["PR_BODY.md", "README.diff", "README.md"]
    assert (tmp_path / "out" / "README.md").read_text() == outcome.readme_text
    assert (tmp_path / "out" / "README.diff").read_text() == outcome.diff
    assert (tmp_path / "out" / "PR_BODY.md").read_text() == outcome.body
    assert outcome.diff.startswith("--- a/README.md\n+++ b/README.md\n@@ ")
    assert github.writes == []
    assert all("Authorization" not in r.headers for r in github.requests)


def test_preview_predicts_what_publish_would_do(github: GithubServer, tmp_path) -> None:
    publisher(github).publish([EPSILON], context())
    preview = publisher(github, token=None)
    mark = len(github.requests)

    same = preview.preview([EPSILON], context(), tmp_path / "a")
    more = preview.preview([EPSILON, ZETA], context(), tmp_path / "b")
    none = preview.preview([ALPHA_AGAIN], context(), tmp_path / "c")

    url = f"{github.url}/{REPO}/pull/1"
    assert same.summary() == f"dry run: would leave unchanged PR #1: {url} (1 paper)"
    assert more.summary() == f"dry run: would update PR #1: {url} (2 papers)"
    assert none.summary() == f"dry run: would close PR #1: {url} (0 papers); nothing left to add"
    assert writes(github, mark) == []


def test_preview_of_given_text_asks_github_nothing(github: GithubServer, tmp_path) -> None:
    outcome = publisher(github).preview([ZETA], context(), tmp_path, readme_text=README)

    assert (outcome.status, outcome.inserted_count) == ("created", 1)
    assert github.requests == []


def test_dry_run_summaries_without_an_open_pr_read_as_sentences() -> None:
    from tracker.publish.context import PublishOutcome

    def outcome(status: str) -> PublishOutcome:
        return PublishOutcome(status, None, None, 0, "", "", "", dry_run=True)

    assert outcome("unchanged").summary() == "dry run: no PR to leave unchanged (0 papers)"
    assert outcome("closed").summary() == "dry run: no PR to close (0 papers)"
    assert outcome("blocked").summary() == "dry run: blocked, no PR (0 papers)"
