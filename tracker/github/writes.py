"""One rule for a write to GitHub whose answer may be lost: re-read what GitHub holds instead of resending blindly.

A 5xx or a dropped connection after a write does not say whether GitHub acted
on it. :func:`checked_write` then asks ``landed()`` (a read): the write had
taken effect, done; it had not, it is sent once more. Only writes that set a
state (edit, label, a comment found again by its hidden marker) are made this way,
so sending one twice is harmless. A 4xx is GitHub's refusal and is raised as is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import requests
from github import GithubException

log = logging.getLogger(__name__)


def checked_write(write: Callable[[], object], landed: Callable[[], bool], *, step: str,
                  on_reread: Callable[[str], None] | None = None) -> None:
    """Send ``write`` (``step`` names it in the log); after a 5xx or a lost answer, re-read with ``landed``.

    ``on_reread`` is told the step being done while re-reading, then the write's ``step`` again
    (the publisher names the step of a failed request in its one-line error).
    """
    try:
        write()
        return
    except (GithubException, requests.RequestException) as e:
        status = getattr(e, "status", 0)
        if isinstance(e, GithubException) and status < 500:
            raise
        log.warning("%s: %s; re-reading what GitHub holds", step, status or type(e).__name__)
    if on_reread is not None:
        on_reread(f"re-read after trying to {step}")
    if landed():
        log.info("%s: GitHub had done it; only its answer was lost", step)
        return
    if on_reread is not None:
        on_reread(step)
    log.info("%s: not done on GitHub; sending it once more", step)
    write()
