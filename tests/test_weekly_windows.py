"""The run's days as pure functions, on plain run records (no store, no network)."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.config import ArxivConfig, Config
from tracker.store import RunRecord
from tracker.weekly.windows import (
    CarriedGaps,
    RunDays,
    carried_gaps,
    fetch_source,
    fetch_window,
    last_fetched,
    pending_since,
    run_days,
    score_since,
)

CONFIG = Config()  # window_days 10, backfill_days 60, gap_lookback_days 28
MONDAY = date(2024, 3, 25)


def record(id: int, since: date, until: date, *, status: str = "ok", outcome: str = "updated", pr: int | None = 1,
           dry_run: bool = False, gaps: tuple[date, ...] = (), score_since: date | None = None) -> RunRecord:
    """A finished run as the run log gives it back."""
    return RunRecord(id=id, as_of=until, since=since, score_since=score_since or since, until=until, status=status,
                     outcome=outcome, pr_number=pr, pr_url="", papers_read=0, proposals=0,
                     gaps=tuple(d.isoformat() for d in gaps), model_version="", dry_run=dry_run, error="")


def test_the_defaults_the_figures_below_assume():
    assert (CONFIG.arxiv.window_days, CONFIG.arxiv.backfill_days, CONFIG.arxiv.gap_lookback_days) == (10, 60, 28)


def test_the_first_run_backfills_and_scores_only_its_last_window():
    assert fetch_window(CONFIG, [], MONDAY) == (MONDAY - timedelta(days=60), MONDAY)
    assert score_since(CONFIG, [], MONDAY, MONDAY - timedelta(days=60)) == MONDAY - timedelta(days=10)
    assert run_days(CONFIG, [], MONDAY) == RunDays(MONDAY - timedelta(days=60), MONDAY, MONDAY - timedelta(days=10))


def test_failed_and_running_runs_do_not_count_as_fetched():
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18), status="failed"),
            record(2, date(2024, 3, 8), date(2024, 3, 18), status="running")]
    assert last_fetched(runs) is None
    assert fetch_window(CONFIG, runs, MONDAY)[0] == MONDAY - timedelta(days=60)


def test_the_window_overlaps_the_last_run_by_window_days_minus_7():
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18))]
    assert fetch_window(CONFIG, runs, MONDAY) == (date(2024, 3, 15), MONDAY)
    wide = Config(arxiv=ArxivConfig(window_days=14))
    assert fetch_window(wide, runs, MONDAY) == (date(2024, 3, 11), MONDAY)
    narrow = Config(arxiv=ArxivConfig(window_days=5))  # no overlap, but never less than window_days
    assert fetch_window(narrow, runs, MONDAY) == (date(2024, 3, 18), MONDAY)
    late = date(2024, 4, 15)  # a missed week: back to the last run's end
    assert fetch_window(CONFIG, runs, late) == (date(2024, 3, 15), late)


def test_a_dry_run_counts_and_the_latest_window_end_wins():
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18), dry_run=True),
            record(2, date(2024, 2, 1), date(2024, 2, 12))]
    assert last_fetched(runs).id == 1
    assert score_since(CONFIG, runs, MONDAY, date(2024, 3, 15)) == date(2024, 3, 15)


def test_a_run_as_of_a_day_before_the_last_runs_end_starts_afresh():
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18))]
    early = date(2024, 3, 1)
    assert fetch_window(CONFIG, runs, early) == (early - timedelta(days=60), early)


def test_an_asked_since_is_read_as_told_and_carries_no_gaps():
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18), gaps=(date(2024, 3, 12),))]
    asked = date(2024, 3, 20)
    assert run_days(CONFIG, runs, MONDAY, asked_since=asked) == RunDays(asked, MONDAY, asked)
    assert score_since(CONFIG, [], MONDAY, asked, asked_since=asked) == asked


def test_gap_days_pull_the_window_back_and_are_given_up_past_the_look_back():
    gap = date(2024, 3, 12)
    runs = [record(1, date(2024, 3, 8), date(2024, 3, 18), gaps=(gap,))]
    days = run_days(CONFIG, runs, MONDAY)
    assert (days.since, days.carried, days.given_up) == (gap, CarriedGaps(reread=(gap,)), ())
    short = Config(arxiv=ArxivConfig(gap_lookback_days=7))
    days = run_days(short, runs, MONDAY)
    assert (days.since, days.given_up) == (date(2024, 3, 15), (gap,))
    assert carried_gaps(short, runs, MONDAY) == CarriedGaps(given_up=(gap,))
    inside = run_days(Config(arxiv=ArxivConfig(gap_lookback_days=7, window_days=14)), runs, MONDAY)
    assert (inside.since, inside.given_up) == (date(2024, 3, 11), ())  # the window still reads it


def test_a_gap_fetched_by_a_later_run_is_resolved_but_its_own_day_is_not_checked():
    gap = date(2024, 3, 19)
    runs = [record(1, date(2024, 3, 15), date(2024, 3, 22), gaps=(gap,)),
            record(2, date(2024, 3, 19), date(2024, 3, 19))]  # as of the gap day: its listing is not out yet
    assert carried_gaps(CONFIG, runs, MONDAY).reread == (gap,)
    runs.append(record(3, date(2024, 3, 19), date(2024, 3, 22)))
    assert carried_gaps(CONFIG, runs, MONDAY) == CarriedGaps()


def test_the_pending_window_follows_the_open_pr_back_to_its_first_scored_day():
    runs = [record(1, date(2024, 2, 1), date(2024, 3, 4), outcome="closed", pr=None),
            record(2, date(2024, 3, 1), date(2024, 3, 11), outcome="created", pr=2, score_since=date(2024, 3, 4)),
            record(3, date(2024, 3, 8), date(2024, 3, 18), outcome="blocked", pr=2),
            record(4, date(2024, 3, 15), date(2024, 3, 25), outcome="preview", pr=None, dry_run=True)]
    assert pending_since(runs, date(2024, 3, 22)) == date(2024, 3, 4)
    runs.append(record(5, date(2024, 3, 22), date(2024, 4, 1), outcome="closed", pr=None))
    assert pending_since(runs, date(2024, 3, 29)) == date(2024, 3, 29)


def test_a_past_day_reads_the_api_alone():
    assert fetch_source(MONDAY, MONDAY) == "both"
    assert fetch_source(MONDAY, None) == "both"
    assert fetch_source(MONDAY, MONDAY + timedelta(days=1)) == "api"
