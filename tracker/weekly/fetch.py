"""One fetch: the API window and/or today's RSS feed → the store, the fetch log and a report.

Each source is all-or-nothing: its papers are stored only when it returned
completely; a failure is kept in the report (the other source still runs) and
:meth:`HarvestReport.check` raises it. Gap days: expected listing days of the
window (today excluded: its listing is not out yet) that the store lacks, and an
RSS feed that is empty, or lacks a watched category, on a weekday.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import requests

from tracker.config import Config
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources import ArxivSource, PageEvent, RssSource
from tracker.store import Store, coverage, is_listing_day

log = logging.getLogger(__name__)

SOURCES = ("both", "api", "rss")
"""Values of ``source`` / ``--source``."""


@dataclass
class SourceReport:
    """What one source did in a harvest."""

    source: str
    """``api`` or ``rss``."""
    scope: str
    """What was read: ``2024-03-11..2024-03-17`` or ``feed of 2025-08-20``."""
    papers: int = 0
    """Papers received (one per id)."""
    new: int = 0
    """Papers the store did not have."""
    updated: int = 0
    """Stored papers that changed."""
    requests: int = 0
    """HTTP requests made (every try counts)."""
    error: str = ""
    """The one-line error when the source failed (then nothing of it was stored)."""


@dataclass
class HarvestReport:
    """The outcome of :func:`harvest`."""

    since: date
    """First day of the window."""
    until: date
    """Last day of the window."""
    sources: list[SourceReport] = field(default_factory=list)
    """One report per source run, in order."""
    gaps: dict[date, list[str]] = field(default_factory=dict)
    """Gap days and why (``no cs.CL papers``, ``rss: empty feed``)."""
    stored: int = 0
    """Papers in the store afterwards."""

    @property
    def gap_days(self) -> list[date]:
        """The gap days, in order."""
        return sorted(self.gaps)

    @property
    def requests(self) -> int:
        """HTTP requests over all sources."""
        return sum(s.requests for s in self.sources)

    @property
    def errors(self) -> list[str]:
        """Errors of the sources that failed."""
        return [s.error for s in self.sources if s.error]

    def check(self) -> None:
        """Raise :class:`SourceError` with the first failure (and how many more) when a source failed."""
        errors = self.errors
        if errors:
            more = f" (and {len(errors) - 1} more source failure)" if len(errors) > 1 else ""
            raise SourceError(errors[0] + more)


def watched_category(paper: Paper, categories: Sequence[str]) -> str:
    """The category a paper is counted under: its primary when watched, else its first watched one."""
    if paper.primary_category in categories:
        return paper.primary_category
    return next((c for c in paper.categories if c in categories), paper.primary_category)


def harvest(
    config: Config,
    store: Store,
    *,
    since: date,
    until: date,
    source: str = "both",
    progress: Callable[[PageEvent], None] | None = None,
    api: ArxivSource | None = None,
    rss: RssSource | None = None,
    today: date | None = None,
) -> HarvestReport:
    """Fetch ``[since, until]`` from the API and/or today's feed from RSS into ``store``.

    ``api``/``rss`` default to sources built from ``config.arxiv``; ``today``
    (UTC) stamps first-seen dates and bounds the gap check.
    """
    if source not in SOURCES:
        raise SourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    today = today or datetime.now(timezone.utc).date()
    categories = config.arxiv.categories
    report = HarvestReport(since, until)
    if source in ("both", "api"):
        api = api or ArxivSource.from_config(config.arxiv)
        part = SourceReport("api", f"{since}..{until}")
        report.sources.append(part)
        before = api.client.requests
        try:
            window = api.fetch_window(since, until, progress)
        except SourceError as e:
            part.error = str(e)
            part.requests = api.client.requests - before
            log.error("%s", e)
        else:
            counts = store.upsert_papers(window.papers, seen=today)
            part.papers, part.new, part.updated, part.requests = len(window.papers), counts.new, counts.updated, window.requests
            seen = Counter((p.published, watched_category(p, categories)) for p in window.papers)
            store.log_fetches("api", {(day, c): seen[day, c] for day in window.per_day for c in categories})
            checked_until = min(until, today - timedelta(days=1))
            if since <= checked_until:
                for row in coverage(store, since, checked_until, categories).rows:
                    if row.gap:
                        report.gaps.setdefault(row.day, []).extend(row.missing)
    if source in ("both", "rss"):
        own_session = rss is None
        rss = rss or RssSource(requests.Session(), config.arxiv)
        part = SourceReport("rss", "feed")
        report.sources.append(part)
        try:
            feed = rss.fetch(categories)
        except SourceError as e:
            part.error = str(e)
            log.error("%s", e)
        else:
            day = feed.feed_date or today
            part.scope = f"feed of {day}"
            counts = store.upsert_papers(feed.papers, seen=today)
            part.papers, part.new, part.updated, part.requests = len(feed.papers), counts.new, counts.updated, feed.requests
            seen = Counter(watched_category(p, categories) for p in feed.papers)
            store.log_fetches("rss", {(day, c): seen[c] for c in categories})
            if is_listing_day(day):
                if not feed.papers:
                    missing = ["rss: empty feed"]
                else:
                    missing = [f"rss: no {c} papers" for c in categories if not seen[c]]
                if missing:
                    report.gaps.setdefault(day, []).extend(missing)
        finally:
            if own_session:
                rss.session.close()
    report.stored = store.count()
    return report
