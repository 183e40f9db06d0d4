"""The weekly job: fetch, learn, train, score, select, publish, wired together; the run lock and the scheduler.

The run's days (window, scoring start, carried gap days) are pure functions in :mod:`.windows`;
:mod:`.pipeline` only wires the stages, and :mod:`.report` is what a run tells.
"""

from tracker.weekly.dashboard_step import (
    DashboardRead,
    build_view,
    place_requested,
    read_dashboard,
    record_requests,
    requested_only,
    with_requests,
    write_dashboard,
)
from tracker.weekly.fetch import SOURCES, HarvestReport, harvest
from tracker.weekly.lock import run_lock
from tracker.weekly.lookup import ListLookUp, look_up_list_papers
from tracker.weekly.pipeline import Pipeline, RunOptions, RunReport, run_weekly, takeover_recorder
from tracker.weekly.prune_step import plan_store_prune, prune_store, prune_summary
from tracker.weekly.refresh import RefreshOutcome, refresh_rows
from tracker.weekly.report import outcome_markdown
from tracker.weekly.review_step import Applied, OpenReview, applied, read_open_review, rebuild, record
from tracker.weekly.schedule import next_fire_times, serve
from tracker.weekly.selection import Cut, proposed_by_week, threshold_and_cap

__all__ = ["DashboardRead", "build_view", "place_requested", "read_dashboard", "record_requests", "requested_only", "with_requests",
           "write_dashboard",
           "Applied", "Cut", "HarvestReport", "ListLookUp", "OpenReview", "Pipeline", "RefreshOutcome", "RunOptions", "RunReport",
           "SOURCES", "applied", "harvest", "look_up_list_papers", "next_fire_times", "outcome_markdown", "plan_store_prune",
           "proposed_by_week", "prune_store", "prune_summary",
           "read_open_review", "rebuild", "record", "refresh_rows", "run_lock", "run_weekly", "serve", "takeover_recorder",
           "threshold_and_cap"]
