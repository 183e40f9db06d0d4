"""Coverage: which days the store has papers for, what each source saw, and the gap days.

arXiv announces new papers Monday to Friday, so every weekday is an expected
listing day (holidays are not modelled: a holiday shows up as a gap, which is
worth a look anyway). A day is a *gap* when it is expected and the store has
no paper for it, or no paper whose primary category is one of the checked
categories (a category's listing missing, as on 2025-11-25 in the shared corpus).
Days are :attr:`Paper.day`: the listing day when known, else the v1 submission day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.store.papers import Store

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def is_listing_day(day: date) -> bool:
    """Whether arXiv announces new papers on ``day`` (Monday to Friday)."""
    return day.weekday() < 5


@dataclass(frozen=True)
class CoverageRow:
    """One day of a :class:`CoverageReport`."""

    day: date
    """The day."""
    expected: bool
    """An expected listing day (a weekday)."""
    papers: int
    """Stored papers whose day this is."""
    by_category: dict[str, int] = field(default_factory=dict)
    """Stored papers by primary category, for each checked category (zeros included)."""
    api: int | None = None
    """Papers the API saw for this day, per the fetch log (None: the API was not asked)."""
    rss: int | None = None
    """Papers the RSS feed announced for this day, per the fetch log (None: no feed of this day was read)."""
    missing: tuple[str, ...] = ()
    """Why it is a gap: ``no papers``, or ``no cs.CL papers`` per checked category."""

    @property
    def gap(self) -> bool:
        """An expected listing day with something missing."""
        return self.expected and bool(self.missing)


@dataclass(frozen=True)
class CoverageReport:
    """Per-day coverage of ``[since, until]``."""

    since: date
    """First day."""
    until: date
    """Last day (inclusive)."""
    categories: tuple[str, ...]
    """Categories checked for a missing listing."""
    rows: tuple[CoverageRow, ...]
    """One row per day, in order."""

    @property
    def gap_days(self) -> list[date]:
        """Expected listing days with something missing."""
        return [row.day for row in self.rows if row.gap]


def coverage(store: Store, since: date, until: date, categories: Sequence[str] = ()) -> CoverageReport:
    """The coverage of ``[since, until]`` in ``store``; ``categories`` are checked one by one for a missing listing."""
    counts = store.day_counts(since, until)
    seen: dict[tuple[str, str], int] = {}
    for row in store.fetch_log(since, until):
        seen[(row.day, row.source)] = seen.get((row.day, row.source), 0) + row.count
    rows = []
    day = since
    while day <= until:
        key = day.isoformat()
        per_category = counts.get(key, {})
        total = sum(per_category.values())
        by_category = {c: per_category.get(c, 0) for c in categories}
        missing: tuple[str, ...]
        if total == 0:
            missing = ("no papers",)
        else:
            missing = tuple(f"no {c} papers" for c, n in by_category.items() if n == 0)
        rows.append(
            CoverageRow(
                day=day,
                expected=is_listing_day(day),
                papers=total,
                by_category=by_category,
                api=seen.get((key, "api")),
                rss=seen.get((key, "rss")),
                missing=missing,
            )
        )
        day += timedelta(days=1)
    return CoverageReport(since, until, tuple(categories), tuple(rows))
