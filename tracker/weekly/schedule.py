"""The weekly daemon: APScheduler 3.x running the job on a cron schedule from config.

Days are given by name (``mon``, ``mon,thu``, ``mon-fri``): APScheduler 3 counts
Monday as 0, unlike cron's Sunday 0, so numbers are refused rather than
silently shifted by a day.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import signal
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from zoneinfo import ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from tracker.config import ScheduleConfig, time_zone
from tracker.errors import ConfigError

log = logging.getLogger(__name__)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JOB_ID = "kd-tracker-weekly"
_DAY_SPEC = re.compile(r"^(?:[a-z]{3}(?:-[a-z]{3})?)(?:,[a-z]{3}(?:-[a-z]{3})?)*$")


def build_trigger(schedule: ScheduleConfig, *, jitter: bool = True) -> CronTrigger:
    """The cron trigger of ``schedule``; a bad day, hour, minute or time zone is a ConfigError."""
    days = schedule.day_of_week.strip().lower().replace(" ", "")
    if not _DAY_SPEC.match(days) or any(d not in DAY_NAMES for d in re.split(r"[,-]", days)):
        raise ConfigError(
            f"schedule.day_of_week: {schedule.day_of_week!r} is not a day name list; use names such as "
            "'mon' or 'mon,thu' (numbers are refused: APScheduler 3 counts Monday as 0)"
        )
    if not 0 <= schedule.hour <= 23:
        raise ConfigError(f"schedule.hour: {schedule.hour} is not an hour from 0 to 23")
    if not 0 <= schedule.minute <= 59:
        raise ConfigError(f"schedule.minute: {schedule.minute} is not a minute from 0 to 59")
    try:
        tz = time_zone(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"schedule.timezone: unknown time zone {schedule.timezone!r}; use an IANA name such as 'UTC'") from e
    return CronTrigger(
        day_of_week=days,
        hour=schedule.hour,
        minute=schedule.minute,
        timezone=tz,
        jitter=schedule.jitter_seconds if jitter and schedule.jitter_seconds > 0 else None,
    )


def next_fire_times(schedule: ScheduleConfig, now: datetime, count: int = 3) -> list[datetime]:
    """The next ``count`` run times after ``now`` (without jitter), for logs, ``--help`` and tests."""
    trigger = build_trigger(schedule, jitter=False)
    times: list[datetime] = []
    previous = None
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now if previous is None else previous)
        if fire is None:
            break
        times.append(fire)
        previous = fire
    return times


class WeeklyScheduler(BlockingScheduler):
    """A BlockingScheduler whose loop also wakes every ``poll_seconds`` to honour :meth:`request_stop`.

    A signal handler may interrupt the main thread while it holds one of the
    scheduler's or executor's locks, so calling ``shutdown`` (or setting an
    Event) from the handler can deadlock, and an exception raised there can be
    swallowed by the job-submission code. The handler only sets a flag; the loop
    sees it within a second and ``serve`` shuts down outside signal context.

    ``shutdown(wait=True)`` holds the job-store lock while it joins the worker,
    and the job-finished listener runs on that worker: the listener therefore
    takes no scheduler lock (it only sets :attr:`run_finished`), and the loop,
    on the main thread, looks up and logs the next run time.
    """

    poll_seconds = 1.0
    stop_requested = False
    run_finished = False
    """Set by the listener (worker thread) when a run ended; the loop then logs the next run time."""

    def request_stop(self) -> None:
        self.stop_requested = True

    def _main_loop(self) -> None:
        wait_seconds: float | None = self.poll_seconds
        while self.state != STATE_STOPPED and not self.stop_requested:
            self._event.wait(self.poll_seconds if wait_seconds is None else min(wait_seconds, self.poll_seconds))
            self._event.clear()
            if self.stop_requested:
                break
            wait_seconds = self._process_jobs()
            if self.run_finished:
                self.run_finished = False
                job = self.get_job(JOB_ID)
                if job is not None and job.next_run_time is not None:
                    log.info("next run at %s", job.next_run_time.isoformat())


def make_scheduler(schedule: ScheduleConfig, job: Callable[[], object]) -> WeeklyScheduler:
    """The daemon's scheduler with the weekly job: coalesced, one instance, misfire grace in hours."""
    scheduler = WeeklyScheduler(timezone=time_zone(schedule.timezone))
    scheduler.add_job(
        _signals_to_main_thread(job),
        build_trigger(schedule),
        id=JOB_ID,
        name="kd-tracker weekly run",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(schedule.misfire_grace_hours * 3600),
        replace_existing=True,
    )
    scheduler.add_listener(_log_event(scheduler), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def _signals_to_main_thread(job: Callable[[], object]) -> Callable[[], object]:
    """``job``, run with SIGTERM and SIGINT blocked in its worker thread, so the kernel delivers them to the main
    thread: a signal landing on the worker would leave the main thread blocked in ``shutdown``'s join, its Python
    handler never run (a second signal during a run then would not end the daemon)."""

    @functools.wraps(job)
    def run() -> object:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        return job()

    return run


def _log_event(scheduler: WeeklyScheduler) -> Callable[[JobExecutionEvent], None]:
    def listener(event: JobExecutionEvent) -> None:
        # runs on the worker thread, also while shutdown() holds the job-store lock: take no scheduler lock here
        if event.code == EVENT_JOB_MISSED:
            log.warning("missed the run due at %s (more than the misfire grace late)", event.scheduled_run_time)
        elif event.exception is not None:
            log.error("weekly run failed: %s", event.exception)
        else:
            log.info("weekly run finished: %s", event.retval)
        scheduler.run_finished = True

    return listener


def serve(schedule: ScheduleConfig, job: Callable[[], object]) -> None:
    """Run the daemon until SIGTERM or SIGINT; a run in progress is allowed to finish.

    A second SIGTERM or SIGINT ends the process at once (exit status 128 + the signal's number).
    """
    scheduler = make_scheduler(schedule, job)
    received: list[str] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        received.append(signal.Signals(signum).name)
        if len(received) > 1:
            # the run in progress cannot be interrupted: leave without it (its store record stays "running"
            # until the next run marks it interrupted); os._exit, as the pool's worker thread would hold up exit
            log.warning("received %s again; exiting now, without waiting for the run in progress", received[-1])
            os._exit(128 + signum)
        scheduler.request_stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        upcoming = next_fire_times(schedule, datetime.now(time_zone(schedule.timezone)), 1)
        log.info(
            "scheduler started (%s %02d:%02d %s, jitter %ss); next run at %s",
            schedule.day_of_week,
            schedule.hour,
            schedule.minute,
            schedule.timezone,
            schedule.jitter_seconds,
            upcoming[0].isoformat() if upcoming else "never",
        )
        scheduler.start()
    finally:
        if received:
            log.info("received %s; shutting down after the current run", received[0])
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped")
