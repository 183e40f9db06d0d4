"""Coverage: per-day counts and gap days, on the corpus around its known missing listings."""

from __future__ import annotations

from datetime import date

import pytest

from devservers.arxiv_server import corpus_slice
from tests.conftest import requires_shared
from tracker.records import Paper
from tracker.store.days import CoverageRow, coverage, is_listing_day
from tracker.store.papers import Store

NOV17, NOV30 = date(2025, 11, 17), date(2025, 11, 30)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "kd.db") as s:
        yield s


def test_listing_days_are_weekdays():
    assert [is_listing_day(date(2025, 11, d)) for d in range(24, 31)] == [True] * 5 + [False] * 2


@requires_shared
def test_the_corpus_missing_listings_are_gaps(store):
    store.upsert_papers(corpus_slice(NOV17, NOV30), seen=date(2025, 12, 1))
    report = coverage(store, NOV17, NOV30, ["cs.CL", "cs.AI"])
    # corpus_days.csv: listing_day_ok is False on 2025-11-18, 2025-11-25 and 2025-11-28
    assert report.gap_days == [date(2025, 11, 18), date(2025, 11, 25), date(2025, 11, 28)]
    rows = {row.day: row for row in report.rows}
    assert rows[date(2025, 11, 25)] == CoverageRow(
        day=date(2025, 11, 25),
        expected=True,
        papers=74,
        by_category={"cs.CL": 0, "cs.AI": 54},
        missing=("no cs.CL papers",),
    )
    assert rows[date(2025, 11, 28)].missing == ("no papers",)
    assert rows[date(2025, 11, 24)].by_category == {"cs.CL": 47, "cs.AI": 15}
    assert rows[date(2025, 11, 24)].gap is False
    # a weekend without papers is no gap
    assert rows[date(2025, 11, 29)].missing == ("no papers",) and not rows[date(2025, 11, 29)].gap


@requires_shared
def test_without_categories_only_empty_weekdays_are_gaps(store):
    store.upsert_papers(corpus_slice(NOV17, NOV30), seen=date(2025, 12, 1))
    assert coverage(store, NOV17, NOV30).gap_days == [date(2025, 11, 28)]


def test_fetch_log_counts_are_shown_per_source(store):
    store.upsert_papers([Paper("2511.00001", "t", primary_category="cs.CL", published="2025-11-24")], seen=date(2025, 11, 25))
    store.log_fetch(date(2025, 11, 24), "cs.CL", "api", 1)
    store.log_fetch(date(2025, 11, 24), "cs.AI", "api", 0)
    store.log_fetch(date(2025, 11, 24), "cs.CL", "rss", 3)
    [monday, tuesday] = coverage(store, date(2025, 11, 24), date(2025, 11, 25), ["cs.CL"]).rows
    assert (monday.papers, monday.api, monday.rss, monday.gap) == (1, 1, 3, False)
    assert (tuesday.papers, tuesday.api, tuesday.rss, tuesday.missing, tuesday.gap) == (0, None, None, ("no papers",), True)
