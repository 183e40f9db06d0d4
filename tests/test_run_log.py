from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.records import Paper, ScoredPaper, SectionScore
from tracker.store.papers import Store
from tracker.store.runs import RunLog


@pytest.fixture
def runs(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        yield RunLog(store)


def test_last_successful_ignores_failed_running_and_dry_runs(runs):
    assert runs.last_successful() is None
    first = runs.start(as_of=date(2024, 3, 18), since=date(2024, 3, 4), until=date(2024, 3, 18), dry_run=False)
    runs.finish(first, status="ok", outcome="created", pr_number=1, pr_url="http://x/pull/1", papers_read=700,
                proposals=5, gaps=[date(2024, 3, 8)], model_version="m1")
    failed = runs.start(as_of=date(2024, 3, 25), since=date(2024, 3, 15), until=date(2024, 3, 25), dry_run=False)
    runs.finish(failed, status="failed", error="arXiv returned HTTP 503")
    dry = runs.start(as_of=date(2024, 3, 26), since=date(2024, 3, 16), until=date(2024, 3, 26), dry_run=True)
    runs.finish(dry, status="ok", outcome="preview")
    runs.start(as_of=date(2024, 3, 27), since=date(2024, 3, 17), until=date(2024, 3, 27), dry_run=False)
    last = runs.last_successful()
    assert (last.id, last.until, last.outcome, last.pr_number, last.gaps) == (first, date(2024, 3, 18), "created", 1,
                                                                               ("2024-03-08",))
    assert runs.last_successful(include_dry_runs=True).id == dry
    assert [r.status for r in runs.runs()] == ["ok", "failed", "ok", "running"]


def test_scores_best_over_runs(runs):
    def sp(i, s):
        return ScoredPaper(Paper(i, "t"), s, (SectionScore("A > B", 0.5),))

    r1 = runs.start(as_of=date(2024, 3, 18), since=date(2024, 3, 4), until=date(2024, 3, 18), dry_run=False)
    runs.record_scores(r1, [sp("2403.1", 0.2), sp("2403.2", 0.9)], proposed=["2403.2"])
    r2 = runs.start(as_of=date(2024, 3, 25), since=date(2024, 3, 15), until=date(2024, 3, 25), dry_run=False)
    runs.record_scores(r2, [sp("2403.1", 0.3)], proposed=[])
    assert runs.best_scores() == {"2403.1": (0.3, False), "2403.2": (0.9, True)}
    assert runs.best_scores(["2403.2"]) == {"2403.2": (0.9, True)}


def test_unknown_status_is_refused(runs):
    run = runs.start(as_of=date(2024, 3, 18), since=date(2024, 3, 4), until=date(2024, 3, 18), dry_run=False)
    with pytest.raises(ValueError):
        runs.finish(run, status="great")


def test_window_follows_the_last_successful_run_dry_or_not(runs):
    from tracker.config import Config
    from tracker.weekly.windows import fetch_window

    config = Config()
    as_of = date(2024, 3, 25)
    assert fetch_window(config, runs.runs(), as_of) == (as_of - timedelta(days=60), as_of)
    dry = runs.start(as_of=date(2024, 3, 18), since=date(2024, 1, 18), until=date(2024, 3, 18), dry_run=True)
    runs.finish(dry, status="ok", outcome="preview")
    # 10 days back, or 3 days before the last run's end when that is earlier
    assert fetch_window(config, runs.runs(), as_of) == (date(2024, 3, 15), as_of)
    late = date(2024, 4, 15)
    assert fetch_window(config, runs.runs(), late) == (date(2024, 3, 15), late)
    assert fetch_window(config, runs.runs(), as_of, asked_since=date(2024, 3, 1)) == (date(2024, 3, 1), as_of)
    # a run as of a day before the last run's end starts afresh
    early = date(2024, 3, 1)
    assert fetch_window(config, runs.runs(), early) == (early - timedelta(days=60), early)


def test_pending_since_goes_back_to_the_first_run_of_the_open_pr(runs):
    from tracker.weekly.windows import pending_since

    one = runs.start(as_of=date(2024, 3, 18), since=date(2024, 3, 8), until=date(2024, 3, 18), dry_run=False)
    runs.finish(one, status="ok", outcome="created", pr_number=1)
    two = runs.start(as_of=date(2024, 3, 25), since=date(2024, 3, 15), until=date(2024, 3, 25), dry_run=False)
    runs.finish(two, status="ok", outcome="updated", pr_number=1)
    assert pending_since(runs.runs(), date(2024, 3, 22)) == date(2024, 3, 8)
    three = runs.start(as_of=date(2024, 4, 1), since=date(2024, 3, 22), until=date(2024, 4, 1), dry_run=False)
    runs.finish(three, status="ok", outcome="closed", pr_number=None)
    assert pending_since(runs.runs(), date(2024, 3, 29)) == date(2024, 3, 29)


def test_first_run_scores_only_the_last_window_of_its_backfill(runs):
    from tracker.config import Config
    from tracker.weekly.windows import score_since

    config = Config()
    as_of = date(2024, 3, 25)
    assert score_since(config, runs.runs(), as_of, as_of - timedelta(days=60)) == date(2024, 3, 15)
    assert score_since(config, runs.runs(), as_of, date(2024, 1, 1), asked_since=date(2024, 1, 1)) == date(2024, 1, 1)
    done = runs.start(as_of=date(2024, 3, 18), since=date(2024, 1, 18), until=date(2024, 3, 18), dry_run=True)
    runs.finish(done, status="ok")
    assert score_since(config, runs.runs(), as_of, date(2024, 3, 15)) == date(2024, 3, 15)
