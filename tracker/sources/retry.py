"""Retry policy shared by the API and RSS sources: which failures are transient, how long to wait, and the one loop.

:class:`RetryPolicy` runs a try up to ``tries`` times. A try that fails in a way
worth another raises :class:`RetryableFailure` (its status, and the server's
``Retry-After`` if any; :func:`transport_failures` turns timeouts and broken
connections into one); anything else it raises ends the loop at once. Between
tries the policy logs the status and the wait, through the caller's logger, and sleeps.

Waits grow exponentially from ``backoff_seconds`` with "equal jitter" (a random
wait between half and all of the step), capped at ``max_backoff_seconds``; a
``Retry-After`` header (seconds or an HTTP date) replaces the computed wait,
capped the same way.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

import requests

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses worth retrying: rate limited, or the server is (briefly) unwell."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass
class Backoff:
    """How long to wait before retry number ``attempt + 1``."""

    base: float = 5.0
    """First wait, in seconds (doubled on each retry)."""
    cap: float = 120.0
    """Longest single wait, Retry-After included."""
    rng: random.Random = field(default_factory=random.Random)
    """Source of the jitter (seed it for reproducible waits)."""

    def wait(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to sleep after failed try number ``attempt`` (0-based)."""
        asked = parse_retry_after(retry_after)
        if asked is not None:
            return min(asked, self.cap)
        step = min(self.cap, self.base * (2**attempt))
        return self.rng.uniform(step / 2, step)


class RetryableFailure(Exception):
    """A try failed in a way worth another: a retryable status, a timeout, a lost connection, a suspect answer."""

    def __init__(self, status: str, retry_after: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        """What went wrong, for the log and the final error: ``HTTP 503``, ``timeout after 60 s``, ``empty page``."""
        self.retry_after = retry_after
        """The server's ``Retry-After`` header, when it sent one."""


@contextmanager
def transport_failures(timeout: float) -> Iterator[None]:
    """Turn a timeout (``timeout after 60 s``) or a lost connection (``connection error``) into a
    :class:`RetryableFailure`; a timeout that is also a connection error counts as a timeout."""
    try:
        yield
    except requests.Timeout as e:
        raise RetryableFailure(f"timeout after {timeout:g} s") from e
    except requests.ConnectionError as e:
        raise RetryableFailure("connection error") from e


@dataclass
class RetryPolicy:
    """Up to ``tries`` tries of one request, with :class:`Backoff` waits between them."""

    tries: int
    """Tries in all (at least 1)."""
    backoff: Backoff = field(default_factory=Backoff)
    """How long to wait after each failed try."""
    sleep: Callable[[float], None] = time.sleep
    """How to wait (tests collect the waits instead)."""

    def is_last(self, attempt: int) -> bool:
        """Whether try number ``attempt`` (0-based) is the last one."""
        return attempt + 1 >= self.tries

    def run(
        self,
        attempt: Callable[[int], T],
        *,
        what: str,
        logger: logging.Logger,
        exhausted: Callable[[int, str], Exception],
    ) -> T:
        """The result of the first try of ``attempt(index)`` that does not raise :class:`RetryableFailure`.

        Before each retry logs ``{what}: {status}, retrying in 5.2 s (try 2 of 3)`` to ``logger`` and sleeps;
        when every try failed, raises ``exhausted(tries, last status)``.
        """
        status = ""
        for index in range(self.tries):
            try:
                return attempt(index)
            except RetryableFailure as failure:
                status, retry_after = failure.status, failure.retry_after
            if not self.is_last(index):
                wait = self.backoff.wait(index, retry_after)
                logger.info("%s: %s, retrying in %.1f s (try %d of %d)", what, status, wait, index + 2, self.tries)
                self.sleep(wait)
        raise exhausted(self.tries, status)
