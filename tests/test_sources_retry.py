"""The sources' one retry loop (:class:`tracker.sources.retry.RetryPolicy`), without a server."""

from __future__ import annotations

import logging
import random

import pytest
import requests

from tracker.sources.retry import Backoff, RetryableFailure, RetryPolicy, transport_failures

log = logging.getLogger("tests.retry")


def policy(tries: int, sleeps: list[float]) -> RetryPolicy:
    return RetryPolicy(tries, Backoff(base=2.0, cap=10.0, rng=random.Random(0)), sleeps.append)


def failing(*outcomes: object):
    """A try that raises (or returns) each of ``outcomes`` in turn, recording the try indices it was given."""
    seen: list[int] = []

    def attempt(index: int) -> object:
        seen.append(index)
        outcome = outcomes[index]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return attempt, seen


def exhausted(tries: int, status: str) -> Exception:
    return RuntimeError(f"failed after {tries} tries (last status: {status})")


def test_the_first_success_is_returned_after_logged_waits(caplog) -> None:
    caplog.set_level(logging.INFO, logger="tests.retry")
    attempt, seen = failing(RetryableFailure("HTTP 503"), RetryableFailure("connection error"), "page")
    sleeps: list[float] = []
    assert policy(3, sleeps).run(attempt, what="source X", logger=log, exhausted=exhausted) == "page"
    assert seen == [0, 1, 2]
    assert 1.0 <= sleeps[0] <= 2.0 and 2.0 <= sleeps[1] <= 4.0 and len(sleeps) == 2
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("tests.retry", f"source X: HTTP 503, retrying in {sleeps[0]:.1f} s (try 2 of 3)"),
        ("tests.retry", f"source X: connection error, retrying in {sleeps[1]:.1f} s (try 3 of 3)"),
    ]


def test_every_try_failing_raises_the_callers_error_with_the_last_status_and_no_wait_after_the_last() -> None:
    attempt, seen = failing(RetryableFailure("HTTP 503"), RetryableFailure("timeout after 1 s"))
    sleeps: list[float] = []
    with pytest.raises(RuntimeError) as e:
        policy(2, sleeps).run(attempt, what="x", logger=log, exhausted=exhausted)
    assert str(e.value) == "failed after 2 tries (last status: timeout after 1 s)"
    assert seen == [0, 1] and len(sleeps) == 1


def test_retry_after_replaces_the_computed_wait_capped() -> None:
    attempt, _ = failing(RetryableFailure("HTTP 429", "7"), RetryableFailure("HTTP 429", "3600"), "ok")
    sleeps: list[float] = []
    policy(3, sleeps).run(attempt, what="x", logger=log, exhausted=exhausted)
    assert sleeps == [7.0, 10.0]


def test_any_other_error_ends_the_loop_at_once() -> None:
    attempt, seen = failing(RetryableFailure("HTTP 503"), ValueError("HTTP 400"), "never")
    sleeps: list[float] = []
    with pytest.raises(ValueError, match="HTTP 400"):
        policy(3, sleeps).run(attempt, what="x", logger=log, exhausted=exhausted)
    assert seen == [0, 1] and len(sleeps) == 1


def test_is_last() -> None:
    assert [policy(3, []).is_last(i) for i in range(3)] == [False, False, True]
    assert policy(1, []).is_last(0)


@pytest.mark.parametrize(
    "error,status",
    [
        (requests.ReadTimeout("slow"), "timeout after 2.5 s"),
        (requests.ConnectTimeout("slow to connect"), "timeout after 2.5 s"),  # a ConnectionError too: a timeout first
        (requests.ConnectionError("reset"), "connection error"),
    ],
)
def test_transport_failures_are_retryable(error: Exception, status: str) -> None:
    with pytest.raises(RetryableFailure) as e, transport_failures(2.5):
        raise error
    assert (e.value.status, e.value.retry_after, e.value.__cause__) == (status, None, error)


def test_other_errors_pass_through_transport_failures() -> None:
    with pytest.raises(requests.HTTPError), transport_failures(2.5):
        raise requests.HTTPError("404")
