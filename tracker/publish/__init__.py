"""The one weekly pull request: its body, and the publisher that brings GitHub to one state (or previews it);
the dashboard issue (:mod:`.dashboard_body`, :mod:`.dashboard_issue`).
"""

from tracker.publish.context import thresholds_in_force
from tracker.publish.dashboard_body import (
    REPORT_ARTIFACT,
    DashboardPr,
    DashboardRun,
    DashboardView,
    Rejection,
    actions_run_url,
    render_dashboard,
)
from tracker.publish.dashboard_issue import (
    DASHBOARD_FILE,
    DashboardIssue,
    DashboardWrite,
    FoundDashboard,
    write_dashboard_preview,
)
from tracker.publish.preview import PREVIEW_FILES, preview_names
from tracker.publish.publisher import PublishContext, Publisher, PublishOutcome, TakeOver, TakeOverHook

__all__ = ["DASHBOARD_FILE", "DashboardIssue", "DashboardPr", "DashboardRun", "DashboardView",
           "DashboardWrite", "FoundDashboard", "REPORT_ARTIFACT", "Rejection", "actions_run_url", "render_dashboard", "write_dashboard_preview",
           "PREVIEW_FILES", "PublishContext", "PublishOutcome", "Publisher", "TakeOver", "TakeOverHook", "preview_names",
           "thresholds_in_force"]
