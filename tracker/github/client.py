"""The PyGithub client kd-tracker uses, and GitHub's refusals as one-line :class:`PublishError`\\ s.

PyGithub's default retry resends any failed request, POST included, up to ten
times without backoff: a ``502`` on ``POST /pulls`` that GitHub had already
acted on would open a second pull request. :func:`build_github` configures
retries deliberately instead (:class:`ReadRetry`):

- reads (GET, HEAD, OPTIONS) are retried on 500/502/503/504, read errors and
  timeouts, ``github.retries`` times with exponential backoff;
- a write is never resent once it may have reached GitHub; the publisher
  re-reads the state instead (e.g. looks the PR up by its head branch);
- a connection that could not be opened is retried for any method (nothing was sent);
- ``github.timeout_seconds`` bounds each attempt as a whole (connect, headers, every byte of the body;
  :mod:`tracker.github.connection`): an attempt cut at the bound is a read error, retried for reads, a lost
  answer for writes;
- a 403 rate-limit answer is waited out for any method (GitHub did nothing),
  until ``X-RateLimit-Reset`` when that is at most
  ``github.rate_limit_max_wait_seconds`` away; otherwise it is an error naming the reset time.

The token is read once by the caller (the CLI, from the variable named by
``github.token_env``), registered with :func:`~tracker.logs.redact_secret` here,
and only ever passed to ``Auth.Token``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import (
    BadCredentialsException,
    RateLimitExceededExceedsMaxWait,
    RateLimitExceededException,
    UnknownObjectException,
)

from tracker import __version__
from tracker.config import Config
from tracker.errors import PublishError
from tracker.github.connection import install as install_deadline
from tracker.logs import redact_secret

log = logging.getLogger(__name__)

# PyGithub adds a bare StreamHandler of its own to the "github" logger when imported: its records would be
# printed twice, the copy unformatted and past the redaction filter (-vv prints response bodies). The CLI's
# root handler (tracker.logs) shows them.
for _handler in [h for h in logging.getLogger("github").handlers if type(h) is logging.StreamHandler]:
    logging.getLogger("github").removeHandler(_handler)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods retried after a 5xx or a read error: they change nothing on GitHub."""
RETRY_STATUSES = (500, 502, 503, 504)
"""Server errors after which a read is retried."""
BACKOFF_FACTOR = 0.5
"""urllib3 backoff: 0 s before the first retry, then 1 s, 2 s, 4 s ... (capped at 30 s)."""


class ReadRetry(GithubRetry):
    """Retry reads with backoff; wait out rate limits for any method; never resend a write after a 5xx.

    :class:`github.GithubRetry` inspects a 403 body to tell a rate limit
    (wait until ``X-RateLimit-Reset``, at most ``max_rate_limit_wait`` seconds)
    from any other 403 (raised at once). urllib3 only consults it for
    ``allowed_methods``; a rate-limited write was refused before it did
    anything, so 403 is offered to it for every method.
    """

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 403:
            return True
        return super().is_retry(method, status_code, has_retry_after)


def make_retry(config: Config) -> ReadRetry:
    """The retry policy of :func:`build_github`, from ``github.retries`` and ``github.rate_limit_max_wait_seconds``."""
    bound = config.github.rate_limit_max_wait_seconds
    return ReadRetry(
        total=config.github.retries,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=30.0,
        status_forcelist=list(RETRY_STATUSES),
        allowed_methods=READ_METHODS,
        raise_on_status=False,
        max_rate_limit_wait=bound,
        secondary_rate_wait=min(60.0, bound),
    )


def build_github(config: Config, token: str | None) -> Github:
    """A PyGithub client for ``github.api_url``; anonymous (public reads only) when ``token`` is None."""
    redact_secret(token)
    install_deadline()  # github.timeout_seconds bounds each whole request, not each read
    gh = config.github
    return Github(
        base_url=gh.api_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=max(1, math.ceil(gh.timeout_seconds)),
        user_agent=f"kd-tracker/{__version__}",
        retry=make_retry(config),
        seconds_between_requests=None,
        seconds_between_writes=gh.write_delay_seconds or None,
    )


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    for key, value in dict(headers).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def reset_time(error: GithubException) -> dt.datetime | None:
    """When GitHub's rate limit resets, from the error's ``X-RateLimit-Reset`` header."""
    value = _header(error.headers, "X-RateLimit-Reset")
    if not value or not value.split(".")[0].isdigit():
        return None
    return dt.datetime.fromtimestamp(int(float(value)), dt.timezone.utc)


def github_message(error: GithubException) -> str:
    """GitHub's own message (plus the ``errors[].message`` of a 422), on one line."""
    data = error.data if isinstance(error.data, dict) else {}
    parts = [str(data.get("message") or error.message or "").strip()]
    for item in data.get("errors") or ():
        if isinstance(item, dict) and item.get("message"):
            parts.append(str(item["message"]))
        elif isinstance(item, dict) and item.get("field"):
            parts.append(f"{item.get('field')} {item.get('code', 'invalid')}")
    return " ".join(": ".join(p for p in parts if p).split())


def to_publish_error(error: Exception, *, action: str, repo: str, config: Config) -> PublishError:
    """A one-line :class:`PublishError` for a PyGithub or network error, naming the repo and the next step."""
    env = config.github.token_env
    if isinstance(error, requests.exceptions.InvalidHeader):  # never sent: no network problem; don't show the header
        return PublishError(f"could not {action} for {repo}: a request header is malformed, most likely the token "
                            f"in {env}; set {env} to the token alone")
    if isinstance(error, requests.RequestException):
        kind = type(error).__name__
        return PublishError(f"no answer from GitHub ({config.github.api_url}) while trying to {action} for {repo} "
                            f"({kind}); check the network and github.api_url, then re-run: "
                            f"it repairs a half-done run")
    if not isinstance(error, GithubException):
        return PublishError(f"could not {action} for {repo}: {error}")
    status, message = error.status, github_message(error)
    # an exhausted retry has read the body already: a 403 with no requests remaining is a rate limit too
    exhausted = status in (403, 429) and _header(error.headers, "X-RateLimit-Remaining") == "0"
    if isinstance(error, RateLimitExceededException) or exhausted:
        reset = reset_time(error)
        when = reset.strftime("%Y-%m-%d %H:%M:%S UTC") if reset else "an unknown time"
        if isinstance(error, RateLimitExceededExceedsMaxWait):
            return PublishError(f"GitHub rate limit exceeded while trying to {action} for {repo}; it resets at {when}, "
                                f"later than github.rate_limit_max_wait_seconds "
                                f"({config.github.rate_limit_max_wait_seconds:g}s) allows waiting; re-run after the reset")
        return PublishError(f"GitHub rate limit still exceeded after {config.github.retries} waits while trying to "
                            f"{action} for {repo}; it resets at {when}; re-run after the reset")
    if isinstance(error, BadCredentialsException) or status == 401:
        if message.lower().startswith("requires authentication"):
            return PublishError(f"GitHub needs a token to {action} for {repo} (401 {message}); "
                                f"set {env}, or use --dry-run OUTDIR for a read-only preview")
        return PublishError(f"GitHub rejected the token in {env} for {repo} (401 {message}); "
                            f"set {env} to a valid token with contents and pull-request write access")
    if status == 403:
        return PublishError(f"GitHub refused to {action} for {repo} (403 {message}); "
                            f"give the token in {env} contents and pull-request write access")
    if isinstance(error, UnknownObjectException) or status == 404:
        return PublishError(f"GitHub found nothing while trying to {action} for {repo} (404 {message}); "
                            f"check list.repo and that the token in {env} can see the repository")
    return PublishError(f"GitHub answered {status} while trying to {action} for {repo} ({message}); "
                        f"re-run: it repairs a half-done run")
