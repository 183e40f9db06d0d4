"""The weekly job: fetch, learn, train, score, select, publish, wired together; the run lock and the scheduler.
"""

from tracker.weekly.fetch import SOURCES, HarvestReport, harvest
from tracker.weekly.lock import run_lock
from tracker.weekly.pipeline import Pipeline, RunOptions, RunReport, run_weekly
from tracker.weekly.schedule import next_fire_times, serve

__all__ = ["HarvestReport", "Pipeline", "RunOptions", "RunReport", "SOURCES", "harvest", "next_fire_times", "run_lock", "run_weekly", "serve"]
