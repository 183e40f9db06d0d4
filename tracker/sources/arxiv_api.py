"""The arXiv API source: every paper of the watched categories submitted in a date window.

One query per window, ``(cat:A OR cat:B) AND submittedDate:[YYYYMMDD0000 TO
YYYYMMDD2359]``, sorted by submission date, in pages of ``page_size``. The
distinct papers received (versionless ids: arXiv's paging can serve an entry
twice and skip another) must add up to the first page's ``opensearch:totalResults``;
on a mismatch the window is read again from its first page, and a second mismatch
fails it. A window over the API's result cap is split into days. Anything short is a
:class:`~tracker.errors.SourceError` naming the window: never a silent partial result.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import arxiv

from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources.arxiv_client import ArxivClient, ArxivRequestError
from tracker.sources.retry import Backoff

log = logging.getLogger(__name__)

_SHORT_ID = re.compile(r"^(?P<id>.+?)(?:v(?P<version>\d+))?$")
READS = 2
"""Paging passes over a window before its distinct papers must match ``opensearch:totalResults``."""


@dataclass(frozen=True)
class PageEvent:
    """One API page received, for progress display."""

    window: str
    """The window, ``YYYY-MM-DD..YYYY-MM-DD``."""
    page: int
    """1-based page number within the window."""
    pages: int
    """Pages the window needs at this page size."""
    records: int
    """Records on this page."""
    total: int
    """The window's ``opensearch:totalResults``."""

    def __str__(self) -> str:
        return f"page {self.page}/{self.pages} of {self.window}: {self.records} records"


@dataclass
class WindowResult:
    """What :meth:`ArxivSource.fetch_window` got."""

    since: date
    """First day of the window."""
    until: date
    """Last day of the window (inclusive)."""
    papers: list[Paper] = field(default_factory=list)
    """Papers, one per versionless id, in submission order."""
    per_day: dict[str, int] = field(default_factory=dict)
    """Papers per submission day, every day of the window (zeros included)."""
    requests: int = 0
    """HTTP requests this window took (every try counts)."""
    total: int = 0
    """Sum of ``opensearch:totalResults`` over the queries run."""


def paper_from_result(result: arxiv.Result) -> Paper:
    """Convert an :class:`arxiv.Result` (the API's entry) into a :class:`Paper` (versionless id, dates as days)."""
    short = _SHORT_ID.match(result.get_short_id())
    assert short is not None  # the pattern matches any non-empty string
    primary = result.primary_category or (result.categories[0] if result.categories else "")
    categories = tuple(dict.fromkeys([primary, *result.categories] if primary else result.categories))
    return Paper(
        arxiv_id=short.group("id"),
        title=" ".join(result.title.split()),
        abstract=result.summary,
        authors=tuple(a.name for a in result.authors),
        categories=categories,
        primary_category=primary,
        published=result.published.date().isoformat(),
        updated=result.updated.date().isoformat(),
        version=int(short.group("version") or 1),
        comment=result.comment or "",
        journal_ref=result.journal_ref or "",
        doi=result.doi or "",
        source="api",
    )


class _OverCap(Exception):
    """A window of several days has more results than the API serves for one query: split it."""

    def __init__(self, total: int) -> None:
        super().__init__(total)
        self.total = total


def _versionless(result: arxiv.Result) -> str:
    """The paper an API entry is a version of (``2403.01234`` for ``http://arxiv.org/abs/2403.01234v2``)."""
    short = _SHORT_ID.match(result.get_short_id())
    assert short is not None  # the pattern matches any non-empty string
    return short.group("id")


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=i) for i in range((until - since).days + 1)]


class ArxivSource:
    """Papers from the arXiv API for date windows and id lists, through one shared :class:`ArxivClient`."""

    def __init__(self, client: ArxivClient, categories: Sequence[str], *, result_cap: int = 30000) -> None:
        self.client = client
        """The client (shared: its politeness delay only works when reused)."""
        self.categories = tuple(categories)
        """Watched categories, OR-ed in the query."""
        self.result_cap = result_cap
        """Most results the API serves for one query; a bigger window is split by day."""

    @classmethod
    def from_config(cls, config: ArxivConfig, *, sleep: Callable[[float], None] | None = None) -> ArxivSource:
        """A source on a new :class:`ArxivClient` built from ``config`` (endpoint, page size, delay, retries, timeout)."""
        kwargs: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        client = ArxivClient(
            page_size=config.page_size,
            delay_seconds=config.delay_seconds,
            num_retries=config.max_retries,
            timeout=config.timeout_seconds,
            backoff=Backoff(config.backoff_seconds, config.max_backoff_seconds),
            **kwargs,
        )
        client.query_url_format = config.api_url + "?{}"
        return cls(client, config.categories, result_cap=config.result_cap)

    def query(self, since: date, until: date) -> str:
        """The API query of a window: watched categories and the submission dates, both ends inclusive."""
        cats = " OR ".join(f"cat:{c}" for c in self.categories)
        cats = f"({cats})" if len(self.categories) > 1 else cats
        return f"{cats} AND submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]"

    def fetch_window(
        self, since: date, until: date, progress: Callable[[PageEvent], None] | None = None
    ) -> WindowResult:
        """Every paper submitted in ``[since, until]``, complete or a :class:`SourceError`."""
        if until < since:
            raise SourceError(f"empty window {since}..{until}: --since must not be after --until")
        before = self.client.requests
        results, total = self._fetch_range(since, until, progress)
        papers: dict[str, Paper] = {}
        for result in results:
            paper = paper_from_result(result)
            kept = papers.get(paper.arxiv_id)
            if kept is None or paper.version > kept.version:
                papers[paper.arxiv_id] = paper
        per_day = {d.isoformat(): 0 for d in _days(since, until)}
        for paper in papers.values():
            if paper.published in per_day:
                per_day[paper.published] += 1
        log.info("fetched %d papers for %s..%s in %d requests", len(papers), since, until, self.client.requests - before)
        return WindowResult(since, until, list(papers.values()), per_day, self.client.requests - before, total)

    def _fetch_range(
        self, since: date, until: date, progress: Callable[[PageEvent], None] | None
    ) -> tuple[list[arxiv.Result], int]:
        """Every result of ``[since, until]``: as many distinct papers as ``opensearch:totalResults``, else re-read."""
        window = f"{since}..{until}"
        for read in range(1, READS + 1):
            try:
                results, total = self._read_range(since, until, progress)
            except _OverCap as e:
                log.info("window %s has %d results, over the API cap of %d: splitting it by day", window, e.total,
                         self.result_cap)  # fmt: skip
                return self._fetch_days(since, until, progress)
            if total > self.result_cap:
                raise SourceError(
                    f"arXiv API has {total} results for the single day {since}, over its cap of {self.result_cap}; "
                    f"nothing stored; watch fewer arxiv.categories"
                )
            distinct = len({_versionless(r) for r in results})
            if distinct == total:
                return results, total
            if read < READS:
                wait = self.client.backoff.wait(read - 1)
                log.warning(
                    "arXiv API served %d distinct papers of %d (opensearch:totalResults) in %d records for window %s: "
                    "paging repeated or skipped entries; reading the window again in %.1f s",
                    distinct, total, len(results), window, wait,
                )  # fmt: skip
                self.client.sleep(wait)
        raise SourceError(
            f"arXiv API served {distinct} distinct papers of {total} (opensearch:totalResults) in {len(results)} records "
            f"for window {window} on each of {READS} reads (paging repeated or skipped entries); nothing stored; retry later"
        )

    def _read_range(
        self, since: date, until: date, progress: Callable[[PageEvent], None] | None
    ) -> tuple[list[arxiv.Result], int]:
        """One paging pass over ``[since, until]``: its results and ``totalResults``; :class:`_OverCap` for a
        window of several days with more results than the API serves."""
        window = f"{since}..{until}"
        search = arxiv.Search(
            query=self.query(since, until),
            max_results=None,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Ascending,
        )
        state = {"page": 0, "total": 0}

        def on_page(url: str, feed: Any) -> None:
            state["page"] += 1
            if state["page"] == 1:
                state["total"] = feed.header.total_results
            event = PageEvent(
                window, state["page"], max(1, math.ceil(state["total"] / self.client.page_size)), len(feed.results), state["total"]
            )
            if progress is not None:
                log.debug("%s", event)
                progress(event)
            else:
                log.info("%s", event)

        results: list[arxiv.Result] = []
        self.client.retry_empty_first_page = True
        self.client.on_page = on_page
        try:
            for result in self.client.results(search):
                if state["total"] > self.result_cap and since < until:
                    raise _OverCap(state["total"])
                results.append(result)
        except ArxivRequestError as e:
            if e.status == "empty page":
                raise SourceError(
                    f"arXiv API returned {len(results)} of {state['total']} records (opensearch:totalResults) for window "
                    f"{window}: the page at start={len(results)} stayed empty after {e.tries} tries; nothing stored; retry later"
                ) from e
            if not e.retryable:
                raise SourceError(
                    f"arXiv API refused window {window} ({e.reason}); "
                    f"nothing stored; check arxiv.api_url and arxiv.categories"
                ) from e
            raise SourceError(
                f"arXiv API failed for window {window} after {e.tries} tries (last status: {e.status}); "
                f"nothing stored; retry later"
            ) from e
        finally:
            self.client.on_page = None
        return results, state["total"]

    def _fetch_days(
        self, since: date, until: date, progress: Callable[[PageEvent], None] | None
    ) -> tuple[list[arxiv.Result], int]:
        results: list[arxiv.Result] = []
        total = 0
        for day in _days(since, until):
            day_results, day_total = self._fetch_range(day, day, progress)
            results.extend(day_results)
            total += day_total
        return results, total

    def fetch_ids(self, ids: Sequence[str], batch: int = 100) -> list[Paper]:
        """Look up papers by arXiv id (``id_list``), ``batch`` ids a request; unknown ids are left out."""
        papers: list[Paper] = []
        self.client.retry_empty_first_page = False
        try:
            for start in range(0, len(ids), batch):
                chunk = [str(i) for i in ids[start : start + batch]]
                shown = ",".join(chunk[:3]) + (f",… ({len(chunk)} ids)" if len(chunk) > 3 else "")
                search = arxiv.Search(id_list=chunk, max_results=len(chunk))
                try:
                    papers.extend(paper_from_result(r) for r in self.client.results(search))
                except ArxivRequestError as e:
                    if not e.retryable:
                        raise SourceError(
                            f"arXiv API refused id_list={shown} ({e.reason}); check the ids"
                        ) from e
                    raise SourceError(
                        f"arXiv API failed for id_list={shown} after {e.tries} tries (last status: {e.status}); retry later"
                    ) from e
        finally:
            self.client.retry_empty_first_page = True
        found = {p.arxiv_id for p in papers}
        missing = [i for i in ids if i not in found]
        if missing:
            log.info("arXiv API has no paper for %d of %d ids: %s", len(missing), len(ids), ", ".join(missing[:10]))
        return papers
