"""The arXiv RSS/Atom source: today's announcements of the watched categories (rss.arxiv.org).

One GET of ``{rss_url}/rss/{cat+cat}`` (RSS 2.0) or ``{rss_url}/atom/{cat+cat}``
(Atom) with ``requests`` and a timeout for the whole request, body included
(:func:`~tracker.sources.deadline.request_within`), parsed by ``feedparser`` from bytes.
``new`` and ``cross`` announcements are kept (``arxiv.rss_announce_types``);
``replace`` and ``replace-cross`` are skipped. A malformed or truncated feed
(``bozo``: cut anywhere, inside an item too) is a :class:`~tracker.errors.SourceError` naming the URL and the
parser's message, and none of its entries are returned; so is an answer that
is no RSS/Atom feed at all (a maintenance page in HTML, an empty body), which
feedparser would read as an empty feed. A real feed with no entries (a
holiday) is an empty day. The old RSS 1.0 format
(announce type in the title suffix) is read too.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
import requests

from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources.arxiv_client import USER_AGENT
from tracker.sources.deadline import request_within
from tracker.sources.retry import RETRY_STATUSES, Backoff, RetryableFailure, RetryPolicy, transport_failures

log = logging.getLogger(__name__)

_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?")
_ANNOUNCE = re.compile(r"Announce Type:\s*(?P<type>[\w-]+)")
_RSS1_SUFFIX = re.compile(r"\s*\(arXiv:[^)]*?(?P<flag>CROSS LISTED|UPDATED)?\)\s*$")
_RSS1_TYPES = {None: "new", "CROSS LISTED": "cross", "UPDATED": "replace"}
_FIRST_TAG = re.compile(rb"<\s*([A-Za-z][\w:.-]*)")


@dataclass
class FeedResult:
    """What :meth:`RssSource.fetch` got from one feed."""

    url: str
    """The feed's URL."""
    feed_date: date | None
    """The listing day the feed announces (channel pubDate / Atom dates); None for an undated empty feed."""
    papers: list[Paper] = field(default_factory=list)
    """Kept papers (``new`` and ``cross`` by default), in feed order."""
    announce_types: dict[str, str] = field(default_factory=dict)
    """Announce type of each kept paper, by versionless id."""
    skipped: dict[str, int] = field(default_factory=dict)
    """Entries left out, by announce type (``replace``: 12)."""
    requests: int = 0
    """HTTP requests made (every try counts)."""


def _local_day(text: str | None) -> date | None:
    """The calendar day of an RSS/Atom timestamp, in the timestamp's own zone (arXiv writes -04:00 / -05:00)."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        return None


def _what(content: bytes) -> str:
    """What a non-feed answer was, for the error: ``an empty answer``, ``an <html> document``, ``not XML``."""
    if not content.strip():
        return "an empty answer"
    match = _FIRST_TAG.search(content[:4096])
    return f"an <{match.group(1).decode('ascii')}> document" if match else "not XML"


def feed_day(parsed: Any) -> date | None:
    """The listing day of a parsed feed: channel pubDate, else the first entry's date, else the feed's updated."""
    candidates = [parsed.feed.get("published")]
    candidates += [e.get("published") for e in parsed.entries[:1]]
    candidates.append(parsed.feed.get("updated"))
    for text in candidates:
        day = _local_day(text)
        if day is not None:
            return day
    return None


def _announce_type(entry: Any) -> tuple[str, str]:
    """``(type, title)``: the entry's announce type and its title without an RSS 1.0 suffix."""
    title = " ".join(str(entry.get("title") or "").split())
    kind = str(entry.get("arxiv_announce_type") or "").strip()
    if not kind:
        match = _ANNOUNCE.search(str(entry.get("summary") or ""))
        if match:
            kind = match.group("type")
    if not kind:
        suffix = _RSS1_SUFFIX.search(title)
        if suffix:
            kind = _RSS1_TYPES[suffix.group("flag")]
            title = title[: suffix.start()]
    return kind or "new", title


def paper_from_entry(entry: Any, day: date | None, title: str) -> Paper | None:
    """A :class:`Paper` from one feed entry (None when it carries no arXiv id)."""
    match = None
    for text in (entry.get("id"), entry.get("link"), entry.get("summary")):
        match = _ID.search(str(text or ""))
        if match:
            break
    if match is None:
        return None
    summary = str(entry.get("summary") or "")
    abstract = summary.split("Abstract:", 1)[1] if "Abstract:" in summary else summary
    abstract = re.sub(r"</?p>", "", abstract).strip()
    version = int(match.group("version") or 1)
    authors: list[str] = []
    for author in entry.get("authors") or ():
        name = re.sub(r"<[^>]+>", "", str(author.get("name") or ""))
        authors.extend(a.strip() for a in name.split(",") if a.strip())
    categories = tuple(dict.fromkeys(t.get("term") for t in entry.get("tags") or () if t.get("term")))
    listed = day.isoformat() if day else ""
    return Paper(
        arxiv_id=match.group("id"),
        title=title,
        abstract=abstract,
        authors=tuple(authors),
        categories=categories,
        primary_category=categories[0] if categories else "",
        published=listed,
        version=version,
        doi=str(entry.get("arxiv_doi") or ""),
        announced=listed if version == 1 else "",
        source="rss",
    )


class RssSource:
    """arXiv's announcement feeds, fetched with a shared :class:`requests.Session`."""

    def __init__(
        self, session: requests.Session, config: ArxivConfig, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.session = session
        self.config = config
        self.sleep = sleep
        self.backoff = Backoff(config.backoff_seconds, config.max_backoff_seconds)

    def url(self, categories: Sequence[str], kind: str = "rss") -> str:
        """The feed URL of ``categories``: ``{rss_url}/{kind}/cs.CL+cs.AI``."""
        return f"{self.config.rss_url.rstrip('/')}/{kind}/{'+'.join(categories)}"

    def fetch(self, categories: Sequence[str], kind: str = "rss") -> FeedResult:
        """Today's announcements of ``categories`` (``kind`` is ``rss`` or ``atom``)."""
        url = self.url(categories, kind)
        content, requests_made = self._get(url)
        result = self.parse(content, url)
        result.requests = requests_made
        return result

    def _get(self, url: str) -> tuple[bytes, int]:
        """The body of the feed at ``url`` and the requests it took; a malformed body is not retried here."""
        policy = RetryPolicy(max(1, self.config.max_retries), self.backoff, self.sleep)
        return policy.run(
            lambda attempt: (self._try_get(url), attempt + 1),
            what=f"RSS {url}",
            logger=log,
            exhausted=lambda tries, status: SourceError(
                f"RSS feed {url} failed after {tries} tries (last status: {status}); retry later"
            ),
        )

    def _try_get(self, url: str) -> bytes:
        """One GET of the feed: its body on a 200, :class:`RetryableFailure` on a status or failure worth another try."""
        with transport_failures(self.config.timeout_seconds):
            response = request_within(
                self.session.request, "GET", url, timeout=self.config.timeout_seconds, headers={"User-Agent": USER_AGENT}
            )
        if response.status_code == 200:
            return response.content
        status = f"HTTP {response.status_code}"
        if response.status_code not in RETRY_STATUSES:
            raise SourceError(f"RSS feed {url} returned {status}; check arxiv.rss_url and arxiv.categories")
        raise RetryableFailure(status, response.headers.get("Retry-After"))

    def parse(self, content: bytes, url: str) -> FeedResult:
        """Parse feed bytes; a ``bozo`` feed is a :class:`SourceError` and yields nothing."""
        parsed = feedparser.parse(content)
        if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.CharacterEncodingOverride):
            message = " ".join(str(parsed.bozo_exception).split())
            raise SourceError(f"RSS feed {url} is malformed ({message}); nothing stored; retry later")
        if not parsed.get("version"):
            raise SourceError(f"RSS feed {url} is not an RSS or Atom feed ({_what(content)}); nothing stored; retry later")
        day = feed_day(parsed)
        keep = set(self.config.rss_announce_types)
        result = FeedResult(url, day)
        seen: set[str] = set()
        for entry in parsed.entries:
            kind, title = _announce_type(entry)
            if kind not in keep:
                result.skipped[kind] = result.skipped.get(kind, 0) + 1
                continue
            paper = paper_from_entry(entry, day, title)
            if paper is None:
                log.warning("RSS %s: entry without an arXiv id skipped: %s", url, title[:80])
                result.skipped["no id"] = result.skipped.get("no id", 0) + 1
                continue
            if paper.arxiv_id in seen:
                continue
            seen.add(paper.arxiv_id)
            result.papers.append(paper)
            result.announce_types[paper.arxiv_id] = kind
        log.info(
            "RSS %s (%s): %d papers kept, skipped %s",
            url, day or "undated", len(result.papers), dict(sorted(result.skipped.items())) or "none",
        )  # fmt: skip
        return result
