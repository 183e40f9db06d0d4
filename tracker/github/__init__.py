"""GitHub: the client (PyGithub with whole-request deadlines and honest errors), the PR metadata contract and the
dashboard issue's contract (:mod:`.dashboard`).

Both the publisher (which writes the PR) and the review step (which reads the bot's PRs) use this package.
"""

from tracker.github.client import build_github, github_message, to_publish_error
from tracker.github.dashboard import (
    DASH_OVERFLOW_END,
    DASH_OVERFLOW_START,
    DASH_PROPOSE,
    DASH_PROPOSE_AGAIN,
    DASH_REJECTED_END,
    DASH_REJECTED_START,
    DASH_RUN_END,
    DASH_RUN_NOW,
    DASH_RUN_START,
    DASHBOARD_MARK,
    DashboardMetadata,
    DashboardTicks,
    format_dashboard_metadata,
    is_dashboard_body,
    parse_dashboard_metadata,
    read_dashboard_ticks,
)
from tracker.github.metadata import PaperMetadata, PrMetadata, format_pr_metadata, parse_pr_metadata
from tracker.github.ticks import Ticks, read_ticks

__all__ = ["DASH_OVERFLOW_END", "DASH_OVERFLOW_START", "DASH_PROPOSE", "DASH_PROPOSE_AGAIN", "DASH_REJECTED_END",
           "DASH_REJECTED_START", "DASH_RUN_END", "DASH_RUN_NOW", "DASH_RUN_START", "DASHBOARD_MARK", "DashboardMetadata", "DashboardTicks", "format_dashboard_metadata", "is_dashboard_body",
           "parse_dashboard_metadata", "read_dashboard_ticks",
           "PaperMetadata", "PrMetadata", "Ticks", "build_github", "format_pr_metadata", "github_message", "parse_pr_metadata", "read_ticks",
           "to_publish_error"]
