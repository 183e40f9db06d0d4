"""An :class:`arxiv.Client` with what the package lacks: request timeouts, backoff, Retry-After, counts.

arxiv 4.x retries a failed page at once, with no timeout and no backoff, and
hides the response. :class:`ArxivClient` keeps the package's URL building,
paging (``Client.results``), politeness delay and Atom parsing, and replaces
only the retry loop (``Client._parse_feed``) with the sources' one,
:class:`~tracker.sources.retry.RetryPolicy`:

- every request has a timeout for the whole of it, body included (the session
  injects it, :func:`~tracker.sources.deadline.request_within`);
- 429, 5xx, timeouts, connection errors and empty later pages are retried with
  exponential backoff and jitter, honouring ``Retry-After``, a bounded number of tries;
- an empty *first* page is suspect and retried too (the API returns those
  sporadically), unless :attr:`ArxivClient.retry_empty_first_page` is off;
- an answer that is not an Atom feed (a proxy's HTML error page, an empty
  body) or not a whole, well-formed one (a page cut inside an entry) is retried
  like an empty page, and is an error if every try gets one: the package would
  read it as an empty result, or recover a shorter page and a half entry;
- other statuses and arXiv's error feeds fail at once;
- each parsed page is reported to :attr:`ArxivClient.on_page`, so callers can
  check ``opensearch:totalResults`` and show progress.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import arxiv
import requests

from tracker import __version__
from tracker.sources.deadline import request_within
from tracker.sources.retry import RETRY_STATUSES, Backoff, RetryableFailure, RetryPolicy, transport_failures

log = logging.getLogger(__name__)

USER_AGENT = f"kd-tracker/{__version__} arxiv.py/{arxiv.__version__}"
"""Sent on every request, so arXiv can tell who is calling."""
_ERROR_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.DOTALL)
_ATOM_FEED = "{http://www.w3.org/2005/Atom}feed"
_HEAD_BYTES = 4096
"""How much of an answer is read to find its root element."""


class ArxivRequestError(arxiv.ArxivError):
    """A page could not be fetched: a non-retryable answer, or every try failed."""

    status: str
    """The last status seen: ``HTTP 503``, ``timeout after 60 s``, ``connection error``, ``empty page``."""
    tries: int
    """How many tries were made."""
    detail: str
    """arXiv's own error text (from an error feed), when it gave one."""

    def __init__(self, url: str, tries: int, status: str, detail: str = "", retryable: bool = True):
        self.status = status
        self.tries = tries
        self.detail = detail
        self.retryable = retryable
        super().__init__(url, tries - 1, f"{self.reason} after {tries} tries")

    @property
    def reason(self) -> str:
        """The status, with arXiv's error text when there is one (``HTTP 400: incorrect id format``)."""
        return f"{self.status}{': ' + self.detail if self.detail else ''}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.url, self.tries, self.status, self.detail, self.retryable))


class TimeoutSession(requests.Session):
    """A :class:`requests.Session` that bounds every whole request by ``timeout``, counts them and keeps the last response."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.requests = 0
        """Requests sent (every try counts)."""
        self.last_response: requests.Response | None = None
        """The last response received (None after a request that got none)."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        headers = dict(kwargs.pop("headers", None) or {})
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        headers["User-Agent"] = USER_AGENT
        kwargs["headers"] = headers
        self.requests += 1
        self.last_response = None
        timeout = kwargs.pop("timeout")
        response = request_within(super().request, method, url, *args, timeout=timeout, **kwargs)
        self.last_response = response
        return response


class ArxivClient(arxiv.Client):
    """arXiv API client: the package's paging and parsing, with timeouts, backoff and Retry-After.

    ``num_retries`` is the number of *tries* per page (at least 1).
    """

    def __init__(
        self,
        page_size: int = 2000,
        delay_seconds: float = 3.0,
        num_retries: int = 5,
        *,
        timeout: float = 60.0,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(page_size=page_size, delay_seconds=delay_seconds, num_retries=max(1, num_retries))
        self._session = TimeoutSession(timeout)
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.retry_empty_first_page = True
        """Retry a first page with no entries (on for date windows, off for id lookups)."""
        self.on_page: Callable[[str, Any], None] | None = None
        """Called with ``(url, parsed_feed)`` after each page is parsed."""

    @property
    def requests(self) -> int:
        """HTTP requests sent so far, every try included."""
        return self._session.requests

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> Any:
        policy = RetryPolicy(self.num_retries, self.backoff, self.sleep)
        return policy.run(
            lambda attempt: self._try_page(url, first_page, attempt, policy.is_last(attempt)),
            what="arXiv API",
            logger=log,
            exhausted=lambda tries, status: ArxivRequestError(url, tries, status),
        )

    def _try_page(self, url: str, first_page: bool, attempt: int, last: bool) -> Any:
        """One try at a page: the parsed feed, :class:`ArxivRequestError` for an answer not worth another try,
        :class:`RetryableFailure` for one that is (the politeness delay then counts from now)."""
        try:
            feed = self._read_page(url, first_page, attempt)
            suspect = first_page and not feed.results and self.retry_empty_first_page
            if suspect and not last:
                raise RetryableFailure("empty first page")
        except RetryableFailure:
            self._last_request_dt = datetime.now()
            raise
        if suspect:
            log.warning("first page still empty after %d tries, taken as empty: %s", attempt + 1, url)
        if self.on_page is not None:
            self.on_page(url, feed)
        return feed

    def _read_page(self, url: str, first_page: bool, attempt: int) -> Any:
        """The page at ``url`` parsed by the package, if it is a whole Atom feed and no error feed."""
        try:
            with transport_failures(self.timeout):
                feed = self._Client__try_parse_feed(url, first_page=first_page, try_index=attempt)  # type: ignore[attr-defined]
        except arxiv.HTTPError as e:
            status = f"HTTP {e.status}"
            response = self._session.last_response
            if e.status not in RETRY_STATUSES:
                raise ArxivRequestError(url, attempt + 1, status, _error_text(response), retryable=False) from e
            raise RetryableFailure(status, response.headers.get("Retry-After") if response is not None else None) from e
        except arxiv.UnexpectedEmptyPageError as e:
            raise RetryableFailure("empty page") from e
        response = self._session.last_response
        detail = _error_text(response)
        if detail:
            raise ArxivRequestError(url, attempt + 1, "error feed", detail, retryable=False)
        problem = feed_problem(response.content if response is not None else b"")
        if problem:
            raise RetryableFailure(problem)
        return feed


def feed_problem(content: bytes) -> str:
    """Why an answer is no usable page: ``not an Atom feed (an <html> document)``, ``incomplete or malformed
    Atom feed (no element found: line 812, column 4)``; ``""`` for a whole, well-formed Atom feed.

    The package's parser recovers what it can from a broken document, so a page
    cut inside an entry would give a shorter page and a record missing its last fields.
    """
    root = _root_tag(content)
    if root != _ATOM_FEED:
        return f"not an Atom feed ({_describe(root)})"
    try:
        expat.ParserCreate().Parse(content, True)  # no handlers: checks the document, builds nothing
    except expat.ExpatError as e:
        return f"incomplete or malformed Atom feed ({e})"
    return ""


def _root_tag(content: bytes) -> str | None:
    """The qualified tag of the document's root element (``{ns}feed``); None when there is none (empty, not XML)."""
    parser = ElementTree.XMLPullParser(events=("start",))
    try:
        parser.feed(content[:_HEAD_BYTES])
        for _event, element in parser.read_events():
            return str(element.tag)
    except ElementTree.ParseError:
        return None
    return None


def _describe(tag: str | None) -> str:
    """What a non-feed answer was, for the error: ``an <html> document``, ``not XML``."""
    if tag is None:
        return "not XML"
    return f"an <{tag.rsplit('}', 1)[-1]}> document"


def _error_text(response: requests.Response | None) -> str:
    """arXiv's message when a response is an error feed (an entry whose id is under /api/errors), else ``""``."""
    if response is None or b"arxiv.org/api/errors#" not in response.content:
        return ""
    match = _ERROR_SUMMARY.search(response.text)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""
