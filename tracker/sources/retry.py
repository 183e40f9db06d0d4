"""Retry policy shared by the API and RSS sources: which failures are transient, and how long to wait.

Waits grow exponentially from ``backoff_seconds`` with "equal jitter" (a random
wait between half and all of the step), capped at ``max_backoff_seconds``; a
``Retry-After`` header (seconds or an HTTP date) replaces the computed wait,
capped the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

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
