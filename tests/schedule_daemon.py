"""``serve()`` in a process of its own, for tests/test_schedule_signals.py: one run due at once, driven over pipes.

The run prints ``run-started`` on stdout and waits for the line ``finish`` on
stdin before it returns (``run-finished``); without it the run never ends. The pool executor's shutdown, which APScheduler
calls holding its job-store lock, prints ``shutdown-waiting`` first: the test
then knows the daemon is joining the run. The log goes to stderr.
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import datetime, timezone
from typing import Any

from apscheduler.executors.pool import BasePoolExecutor

import tracker.weekly.schedule as schedule
from tracker.config import ScheduleConfig


def say(word: str) -> None:
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def main() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
    schedule.WeeklyScheduler.poll_seconds = 0.05
    make_scheduler = schedule.make_scheduler
    executor_shutdown = BasePoolExecutor.shutdown

    def due_now(config: ScheduleConfig, job: Any) -> schedule.WeeklyScheduler:
        scheduler = make_scheduler(config, job)
        scheduler.get_job(schedule.JOB_ID).modify(next_run_time=datetime.now(timezone.utc))
        return scheduler

    def shutdown(self: BasePoolExecutor, wait: bool = True) -> None:
        say("shutdown-waiting")
        executor_shutdown(self, wait)

    schedule.make_scheduler = due_now
    BasePoolExecutor.shutdown = shutdown  # type: ignore[method-assign]

    def run() -> str:
        say("run-started")
        if sys.stdin.readline() != "finish\n":  # stdin closed: this run never finishes
            threading.Event().wait()
        say("run-finished")
        return "ok"

    schedule.serve(ScheduleConfig(jitter_seconds=0), run)
    say("daemon-exited")


if __name__ == "__main__":
    main()
