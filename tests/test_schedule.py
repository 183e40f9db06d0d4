from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.config import ScheduleConfig
from tracker.errors import ConfigError
from tracker.weekly.schedule import JOB_ID, build_trigger, make_scheduler, next_fire_times, serve

UTC = ZoneInfo("UTC")


def test_next_fire_times_monday_by_name_with_fixed_clock():
    schedule = ScheduleConfig(day_of_week="mon", hour=6, minute=17, timezone="UTC")
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
    times = next_fire_times(schedule, now, 3)
    assert [t.isoformat() for t in times] == [
        "2026-11-30T06:17:00+00:00",
        "2026-12-07T06:17:00+00:00",
        "2026-12-14T06:17:00+00:00",
    ]
    assert all(t.weekday() == 0 for t in times)  # Monday, whatever APScheduler's numbering


def test_next_fire_times_two_days_and_time_zone():
    schedule = ScheduleConfig(day_of_week="mon,thu", hour=9, minute=5, timezone="Europe/Berlin")
    now = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # Thursday 08:00 in Berlin
    times = next_fire_times(schedule, now, 3)
    assert [t.isoformat() for t in times] == [
        "2026-11-26T09:05:00+01:00",
        "2026-11-30T09:05:00+01:00",
        "2026-12-03T09:05:00+01:00",
    ]


def test_same_minute_already_past_goes_to_next_week():
    schedule = ScheduleConfig(day_of_week="mon", hour=6, minute=17)
    now = datetime(2026, 11, 30, 6, 18, tzinfo=UTC)
    assert next_fire_times(schedule, now, 1)[0] == datetime(2026, 12, 7, 6, 17, tzinfo=UTC)


@pytest.mark.parametrize("days", ["0", "1", "mon,2", "monday", "funday", ""])
def test_day_numbers_and_unknown_names_are_refused(days):
    with pytest.raises(ConfigError) as e:
        build_trigger(ScheduleConfig(day_of_week=days))
    assert str(e.value).startswith(f"schedule.day_of_week: {days!r} is not a day name list")
    assert "APScheduler 3 counts Monday as 0" in str(e.value)


def test_bad_hour_minute_and_zone():
    with pytest.raises(ConfigError, match=r"^schedule.hour: 24 is not an hour from 0 to 23$"):
        build_trigger(ScheduleConfig(hour=24))
    with pytest.raises(ConfigError, match=r"^schedule.minute: 60 is not a minute"):
        build_trigger(ScheduleConfig(minute=60))
    with pytest.raises(ConfigError, match=r"^schedule.timezone: unknown time zone 'Mars/Base'"):
        build_trigger(ScheduleConfig(timezone="Mars/Base"))


def test_jitter_is_bounded():
    schedule = ScheduleConfig(day_of_week="mon", hour=6, minute=17, jitter_seconds=300)
    trigger = build_trigger(schedule)
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    base = datetime(2026, 11, 30, 6, 17, tzinfo=UTC)
    for _ in range(20):
        fire = trigger.get_next_fire_time(None, now)
        assert base <= fire <= base + timedelta(seconds=300)


def test_scheduler_job_settings():
    schedule = ScheduleConfig(misfire_grace_hours=12)
    scheduler = make_scheduler(schedule, lambda: None)
    job = scheduler.get_job(JOB_ID)
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.misfire_grace_time == 12 * 3600
    assert isinstance(job.trigger, type(build_trigger(schedule)))


def test_serve_runs_job_and_stops_cleanly_on_sigterm(caplog, monkeypatch):
    ran = threading.Event()

    def job():
        ran.set()
        return "ok"

    # make the first run due now, then send SIGTERM once it has run
    import tracker.weekly.schedule as mod

    original = mod.make_scheduler

    def due_now(schedule, job_):
        scheduler = original(schedule, job_)
        scheduler.get_job(JOB_ID).modify(next_run_time=datetime.now(UTC))
        return scheduler

    monkeypatch.setattr(mod, "make_scheduler", due_now)

    def stopper():
        ran.wait(10)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

    threading.Thread(target=stopper, daemon=True).start()
    caplog.set_level(logging.INFO, logger="tracker.weekly.schedule")
    previous = signal.getsignal(signal.SIGTERM)
    serve(ScheduleConfig(jitter_seconds=0), job)
    assert ran.is_set()
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("scheduler started (mon 06:17 UTC, jitter 0s); next run at ") for m in messages)
    assert "received SIGTERM; shutting down after the current run" in messages
    assert messages[-1] == "scheduler stopped"
    assert signal.getsignal(signal.SIGTERM) == previous
