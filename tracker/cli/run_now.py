"""``kd-tracker run --if-run-now``: the workflow's answer to an edit of the dashboard issue.

The workflow runs on every ``issues: edited`` of an issue with the dashboard's
label; only a ticked ``- [ ] run now`` box asks for a run. The run then rebuilds
the dashboard, and the box with it, unticked.
"""

from __future__ import annotations

import os

from tracker.config import Config, token_from_env
from tracker.github import build_github, read_dashboard_ticks
from tracker.publish import DashboardIssue


def run_now_asked(config: Config, repo_name: str) -> tuple[bool, str]:
    """Whether the dashboard of ``repo_name`` has its ``run now`` box ticked, and the line that says so."""
    if not config.dashboard.enabled:
        return False, "not running: the dashboard is off (dashboard.enabled: false)"
    issue = DashboardIssue(build_github(config, token_from_env(config, os.environ)), repo_name, config)
    found = issue.read()
    if found is None:
        return False, f"not running: {repo_name} has no dashboard issue yet"
    if not read_dashboard_ticks(found.body).run_now:
        return False, f"not running: the run now box of dashboard issue #{found.number} is not ticked"
    return True, f"dashboard issue #{found.number} asks to run now"
