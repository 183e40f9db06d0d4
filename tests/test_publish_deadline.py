"""``github.timeout_seconds`` bounds a whole GitHub request: an answer dripped a few bytes a second is cut at the bound.

The local GitHub drips the answer (status and headers at once, then the body a byte
at a time); PyGithub and requests talk to it as to GitHub.
"""

from __future__ import annotations

import time

import pytest

from devservers.github_server import GithubServer
from tests.publish_sample import EPSILON, REPO, ZETA, context, publisher
from tracker.errors import PublishError

pytestmark = pytest.mark.timeout(30)  # without the bound, a dripped answer holds a request for an hour


def statuses(server: GithubServer, method: str, path: str) -> list[tuple[int, float]]:
    return [(r.status, r.drip) for r in server.requests if r.method == method and r.path == path]


def test_a_dripped_read_is_cut_at_the_timeout_and_read_again(github: GithubServer) -> None:
    github.drip("GET", f"/repos/{REPO}", bytes_per_second=4)  # every read waits 0.25 s: never a read timeout
    start = time.monotonic()

    outcome = publisher(github, timeout_seconds=1.0).publish([EPSILON], context())

    assert outcome.status == "created"
    assert time.monotonic() - start < 4.0
    assert statuses(github, "GET", f"/repos/{REPO}") == [(200, 4.0), (200, 0.0)]


def test_a_read_dripped_every_time_fails_in_one_line_within_the_retries(github: GithubServer) -> None:
    github.drip("GET", f"/repos/{REPO}", bytes_per_second=4, times=10)
    start = time.monotonic()

    with pytest.raises(PublishError) as e:
        publisher(github, timeout_seconds=1.0, retries=1).publish([EPSILON], context())

    assert time.monotonic() - start < 4.0  # two tries of 1 s and a backoff of 0 s
    assert str(e.value) == (f"no answer from GitHub ({github.url}) while trying to read the repository for "
                            f"{REPO} (ReadTimeout); check the network and github.api_url, then re-run: "
                            f"it repairs a half-done run")
    assert len(statuses(github, "GET", f"/repos/{REPO}")) == 2


def test_a_dripped_answer_to_a_write_is_a_lost_answer_read_back_not_resent(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    github.drip("PATCH", f"/repos/{REPO}/pulls/1", bytes_per_second=4)
    mark = len(github.requests)
    start = time.monotonic()

    outcome = publisher(github, timeout_seconds=1.0).publish([EPSILON, ZETA], context())

    assert (outcome.status, outcome.pr_number) == ("updated", 1)
    assert time.monotonic() - start < 4.0
    assert github.repo(REPO).pulls[1].body == outcome.body
    pr_calls = [(r.method, r.drip) for r in github.requests[mark:] if r.path == f"/repos/{REPO}/pulls/1"]
    assert pr_calls == [("PATCH", 4.0), ("GET", 0.0)]
