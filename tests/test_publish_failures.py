"""Publisher when GitHub fails: 401, 403, rate limits, 5xx, lost answers, races, crashes mid-run."""

from __future__ import annotations

import datetime as dt
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devservers.github_server import GithubServer
from devservers.github_state import Identity, Pull
from tests.publish_sample import (
    BRANCH,
    EPSILON,
    README,
    REPO,
    TOKEN,
    ZETA,
    config_for,
    context,
    publisher,
)
from tracker.errors import PublishError
from tracker.github.client import build_github
from tracker.publish.publisher import BOT_TRAILER, Publisher

ROOT = Path(__file__).resolve().parent.parent
PULLS = f"/repos/{REPO}/pulls"
REFS = f"/repos/{REPO}/git/refs"
BRANCH_REF = f"/repos/{REPO}/git/refs/heads/{BRANCH}"


def calls(server: GithubServer, since: int = 0) -> list[str]:
    """The requests, without the look-up and creation of the repository's labels (tests/test_publish_labels.py)."""
    return [f"{r.method} {r.path.removeprefix('/repos/' + REPO)} {r.status}" for r in server.requests[since:]
            if not r.path.startswith(f"/repos/{REPO}/labels")]


def assert_exactly_one_pr_with_one_commit(server: GithubServer) -> None:
    repo = server.repo(REPO)
    assert [(p.number, p.head, p.labels) for p in repo.pulls.values()] == [(1, BRANCH, ["kd-tracker"])]
    assert repo.pulls[1].state == "open"
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1 and ahead[0].parents == (repo.branch_sha("main"),)


def test_bad_token_is_a_one_line_401_naming_repo_and_variable(github: GithubServer, caplog) -> None:
    caplog.set_level("DEBUG")
    wrong = "ghp_wrongTokenAbcdef0123456789"
    with pytest.raises(PublishError) as e:
        publisher(github, token=wrong).publish([EPSILON], context())
    assert str(e.value) == ("GitHub rejected the token in GITHUB_TOKEN for Tebmer/Awesome-KD (401 Bad credentials); "
                            "set GITHUB_TOKEN to a valid token with contents and pull-request write access")
    assert calls(github) == ["GET  401"]
    assert wrong not in caplog.text


def test_missing_token_on_write_says_to_set_it(github: GithubServer) -> None:
    with pytest.raises(PublishError) as e:
        publisher(github, token=None).publish([EPSILON], context())
    assert str(e.value) == ("GitHub needs a token to commit to kd-tracker/weekly for Tebmer/Awesome-KD "
                            "(401 Requires authentication); set GITHUB_TOKEN, or use --dry-run OUTDIR for a "
                            "read-only preview")
    assert github.repo(REPO).branch_sha(BRANCH) is None


def test_read_only_token_is_a_403_naming_the_permissions(github: GithubServer) -> None:
    github.add_token("ghp_readOnly000", "reader", write=False)
    with pytest.raises(PublishError) as e:
        publisher(github, token="ghp_readOnly000").publish([EPSILON], context())
    assert str(e.value) == ("GitHub refused to commit to kd-tracker/weekly for Tebmer/Awesome-KD (403 Resource not "
                            "accessible by personal access token); give the token in GITHUB_TOKEN contents and "
                            "pull-request write access")


def test_rate_limit_is_waited_out_until_the_reset(github: GithubServer) -> None:
    github.rate_limit(0.5)
    start = time.monotonic()

    outcome = publisher(github, rate_limit_max_wait_seconds=5.0).publish([EPSILON], context())

    assert outcome.status == "created"
    assert time.monotonic() - start >= 0.5
    first, second = github.requests[0], github.requests[1]
    assert (first.path, first.status, second.path, second.status) == (f"/repos/{REPO}", 403, f"/repos/{REPO}", 200)
    assert_exactly_one_pr_with_one_commit(github)


def test_rate_limit_beyond_the_bound_names_the_reset_time(github: GithubServer) -> None:
    github.rate_limit(120.0)
    reset = dt.datetime.fromtimestamp(math.ceil(github.limited_until), dt.timezone.utc)
    start = time.monotonic()

    with pytest.raises(PublishError) as e:
        publisher(github, rate_limit_max_wait_seconds=2.0).publish([EPSILON], context())

    assert time.monotonic() - start < 2.0
    assert str(e.value) == (f"GitHub rate limit exceeded while trying to read the repository for Tebmer/Awesome-KD; "
                            f"it resets at {reset:%Y-%m-%d %H:%M:%S} UTC, later than "
                            f"github.rate_limit_max_wait_seconds (2s) allows waiting; re-run after the reset")
    assert calls(github) == ["GET  403"]


def test_rate_limited_write_is_waited_out_and_sent_once_more(github: GithubServer) -> None:
    github.on_request("POST", f"/repos/{REPO}/git/trees", lambda server, _: server.rate_limit(0.5))

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "created"
    commits = [c for c in calls(github) if c.startswith("POST /git/commits")]
    assert commits == ["POST /git/commits 403", "POST /git/commits 201"]
    assert_exactly_one_pr_with_one_commit(github)


def test_502_on_post_pulls_after_the_pr_was_created_leaves_exactly_one_pr(github: GithubServer) -> None:
    github.fail("POST", PULLS, 502, after=True)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert calls(github)[-3:] == ["POST /pulls 502", "GET /pulls 200", "PUT /issues/1/labels 200"]
    assert github.repo(REPO).pulls[1].body == outcome.body


def test_502_on_post_pulls_before_creating_it_creates_it_once_more(github: GithubServer) -> None:
    github.fail("POST", PULLS, 502)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert calls(github)[-4:] == ["POST /pulls 502", "GET /pulls 200", "POST /pulls 201", "PUT /issues/1/labels 200"]


def test_pr_already_exists_422_is_resolved_by_reading_it(github: GithubServer) -> None:
    """Another run opened the PR between our look-up and our create: GitHub answers 422, we update that PR."""

    def open_pr_meanwhile(server: GithubServer, _request) -> None:
        repo = server.repo(REPO)
        repo.pulls[1] = Pull(1, "Older title", "older body", BRANCH, "main", "kd-tracker-bot",
                             server.now_iso(), server.now_iso())
        repo.next_number = 2

    github.on_request("POST", REFS, open_pr_meanwhile)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert github.repo(REPO).pulls[1].body == outcome.body
    assert calls(github)[-4:] == ["POST /pulls 422", "GET /pulls 200", "PATCH /pulls/1 200", "PUT /issues/1/labels 200"]


def test_lost_answer_after_the_ref_is_created_is_repaired_in_the_same_run(github: GithubServer) -> None:
    github.drop("POST", REFS, after=True)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert [c for c in calls(github) if "/git/ref" in c][-2:] == [
        "POST /git/refs 0", "GET /git/ref/heads/kd-tracker/weekly 200"]


def test_crash_after_the_ref_is_created_is_repaired_by_the_next_run(github: GithubServer, tmp_path) -> None:
    """The process is killed the moment GitHub has created the ref; the next run finishes the job."""
    (tmp_path / "config.yaml").write_text(
        f"list:\n  repo: {REPO}\ngithub:\n  api_url: {github.url}\n  write_delay_seconds: 0\n")
    (tmp_path / "p.jsonl").write_text(EPSILON.to_json() + "\n")
    env = {**os.environ, "GITHUB_TOKEN": TOKEN, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "tracker", "publish", "p.jsonl", "--as-of", "2024-03-19"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    github.on_request("POST", REFS, lambda server, request: process.kill())
    out, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, err.decode()
    repo = github.repo(REPO)
    made = repo.branch_sha(BRANCH)
    assert made is not None and repo.pulls == {}  # the half-made state: a branch without a PR
    mark = len(github.requests)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert repo.branch_sha(BRANCH) == made  # the commit on it already holds the right list
    assert [c for c in calls(github, mark) if not c.startswith("GET")] == ["POST /pulls 201", "PUT /issues/1/labels 200"]


def test_pr_create_failing_twice_leaves_a_state_the_next_run_repairs(github: GithubServer) -> None:
    github.fail("POST", PULLS, 503, times=2)
    with pytest.raises(PublishError) as e:
        publisher(github).publish([EPSILON], context())
    assert str(e.value) == ("GitHub answered 503 while trying to open a PR from kd-tracker/weekly for "
                            "Tebmer/Awesome-KD (Service Unavailable); re-run: it repairs a half-done run")
    assert github.repo(REPO).pulls == {}

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)


def test_crash_before_labelling_is_repaired_by_the_next_run(github: GithubServer) -> None:
    github.drop("PUT", f"/repos/{REPO}/issues/1/labels", after=False, times=2)  # read back, sent again: lost again
    with pytest.raises(PublishError):
        publisher(github).publish([EPSILON], context())
    assert github.repo(REPO).pulls[1].labels == []

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert_exactly_one_pr_with_one_commit(github)


def test_a_read_that_fails_with_502_is_retried(github: GithubServer) -> None:
    github.fail("GET", f"/repos/{REPO}/contents/README.md", 502)

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "created"
    assert calls(github)[3:5] == ["GET /contents/README.md 502", "GET /contents/README.md 200"]


def test_a_write_that_fails_with_500_is_not_resent(github: GithubServer) -> None:
    github.fail("POST", f"/repos/{REPO}/git/trees", 500)
    with pytest.raises(PublishError) as e:
        publisher(github).publish([EPSILON], context())
    assert str(e.value) == ("GitHub answered 500 while trying to commit to kd-tracker/weekly for Tebmer/Awesome-KD "
                            "(Internal Server Error); re-run: it repairs a half-done run")
    assert [c for c in calls(github) if c.startswith("POST")] == ["POST /git/trees 500"]


def test_stale_ref_409_is_resolved_by_rereading_and_retrying_once(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.fail("PATCH", BRANCH_REF, 409, body={"message": "Reference cannot be updated",
                                                "documentation_url": "https://docs.github.com/rest"})

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert outcome.status == "updated"
    assert_exactly_one_pr_with_one_commit(github)
    assert "Zeta Teachers" in github.repo(REPO).file(BRANCH, "README.md")
    patches = [c for c in calls(github) if c.startswith("PATCH /git/refs")]
    assert patches == ["PATCH /git/refs/heads/kd-tracker/weekly 409", "PATCH /git/refs/heads/kd-tracker/weekly 200"]


def test_branch_created_meanwhile_by_another_run_is_taken_over(github: GithubServer) -> None:
    """422 "Reference already exists": a concurrent bot run made the branch; re-read it and move it."""

    def concurrent_run(server: GithubServer, _request) -> None:
        repo = server.repo(REPO)
        bot = Identity("kd-tracker", "kd-tracker@users.noreply.github.com", server.now_iso())
        sha = repo.commit_files(repo.branch_sha("main"), {"README.md": README + "\n"},
                                f"Add 1 paper to the list\n\n{BOT_TRAILER} other", bot)
        repo.refs[f"refs/heads/{BRANCH}"] = sha

    github.on_request("POST", f"/repos/{REPO}/git/commits", concurrent_run)

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "created"
    assert_exactly_one_pr_with_one_commit(github)
    assert github.repo(REPO).file(BRANCH, "README.md") == outcome.readme_text
    assert [c for c in calls(github) if "/git/ref" in c] == [
        "GET /git/ref/heads/main 200", "GET /git/ref/heads/kd-tracker/weekly 404", "POST /git/refs 422",
        "GET /git/ref/heads/kd-tracker/weekly 200", "PATCH /git/refs/heads/kd-tracker/weekly 200"]


def test_unreachable_github_is_one_line(tmp_path) -> None:
    server = GithubServer().start()
    url = server.url
    server.stop()
    config = config_for(server, retries=0)
    with pytest.raises(PublishError) as e:
        Publisher(build_github(config, TOKEN), REPO, config).publish([EPSILON], context())
    assert str(e.value) == (f"no answer from GitHub ({url}) while trying to read the repository for "
                            "Tebmer/Awesome-KD (ConnectionError); check the network and github.api_url, then "
                            "re-run: it repairs a half-done run")


def test_rate_limit_with_no_retries_left_names_the_reset_time(github: GithubServer) -> None:
    github.rate_limit(60.0)
    reset = dt.datetime.fromtimestamp(math.ceil(github.limited_until), dt.timezone.utc)
    with pytest.raises(PublishError) as e:
        publisher(github, retries=0).publish([EPSILON], context())
    assert str(e.value) == ("GitHub rate limit still exceeded after 0 waits while trying to read the repository for "
                            f"Tebmer/Awesome-KD; it resets at {reset:%Y-%m-%d %H:%M:%S} UTC; re-run after the reset")


@pytest.mark.parametrize("lose", ["502", "drop"])
def test_lost_answer_on_the_pr_edit_that_landed_is_read_back_not_failed(github: GithubServer, lose: str) -> None:
    publisher(github).publish([EPSILON], context())
    edit = f"/repos/{REPO}/pulls/1"
    github.fail("PATCH", edit, 502, after=True) if lose == "502" else github.drop("PATCH", edit, after=True)
    mark = len(github.requests)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert github.repo(REPO).pulls[1].body == outcome.body
    assert_exactly_one_pr_with_one_commit(github)
    patches = [c for c in calls(github, mark) if c.startswith("PATCH /pulls") or c.startswith("GET /pulls/1 ")]
    assert patches == [f"PATCH /pulls/1 {502 if lose == '502' else 0}", "GET /pulls/1 200"]  # read back, not resent


@pytest.mark.parametrize("lose", ["502", "drop"])
def test_lost_answer_on_the_labels_write_that_landed_is_read_back_not_failed(github: GithubServer, lose: str) -> None:
    labels = f"/repos/{REPO}/issues/1/labels"
    github.fail("PUT", labels, 502, after=True) if lose == "502" else github.drop("PUT", labels, after=True)

    outcome = publisher(github).publish([EPSILON], context())

    assert (outcome.status, outcome.pr_number) == ("created", 1)
    assert_exactly_one_pr_with_one_commit(github)
    assert [c for c in calls(github) if "/issues/1/labels" in c] == [
        f"PUT /issues/1/labels {502 if lose == '502' else 0}", "GET /issues/1/labels 200"]


def test_pr_edit_that_did_not_land_is_read_back_then_sent_once_more(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.fail("PATCH", f"/repos/{REPO}/pulls/1", 502)

    outcome = publisher(github).publish([EPSILON, ZETA], context())

    assert outcome.status == "updated"
    assert github.repo(REPO).pulls[1].body == outcome.body
    assert [c for c in calls(github) if c.startswith("PATCH /pulls")] == ["PATCH /pulls/1 502", "PATCH /pulls/1 200"]


def test_lost_answer_on_closing_the_pr_is_read_back(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.merge_pull(REPO, 1)
    github.repo(REPO).pulls[1].state = "open"  # as if the merge had not closed it: nothing left to add
    github.fail("PATCH", f"/repos/{REPO}/pulls/1", 502, after=True)
    github.drop("DELETE", BRANCH_REF, after=True)

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "closed"
    assert github.repo(REPO).pulls[1].state == "closed" and github.repo(REPO).branch_sha(BRANCH) is None
    assert len([c for c in calls(github) if c.startswith("POST /issues/1/comments")]) == 1


def test_github_branch_equal_to_the_default_branch_is_refused_before_any_write(github_server: GithubServer) -> None:
    github_server.add_token(TOKEN, "kd-tracker-bot")
    github_server.add_repo(REPO, {"README.md": README}, default_branch="trunk")
    before = dict(github_server.repo(REPO).refs)
    bot = publisher(github_server, branch="trunk")
    message = ("github.branch is 'trunk', the default branch of Tebmer/Awesome-KD: kd-tracker force-moves that "
               "branch to its own commit every run; set github.branch to a branch of its own, e.g. 'kd-tracker/weekly'")

    for call in (bot.read_list, lambda: bot.publish([EPSILON], context())):
        with pytest.raises(PublishError) as e:
            call()
        assert str(e.value) == message

    assert github_server.writes == [] and github_server.repo(REPO).refs == before
