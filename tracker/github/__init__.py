"""GitHub: the client (PyGithub with whole-request deadlines and honest errors) and the PR metadata contract;
the dashboard issue's contract (:mod:`.dashboard`); the repository's issues and the bot's one answer on each
(:mod:`.issues`), and what a "please add our paper" issue asks for (:mod:`.issue_form`); one rule for a write
whose answer may be lost (:mod:`.writes`).

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
from tracker.github.issue_form import FORM_FIELDS, PaperRequest, asks_for_paper, parse_request
from tracker.github.issues import IssueDesk, OpenIssue, answer_marker
from tracker.github.metadata import PaperMetadata, PrMetadata, format_pr_metadata, parse_pr_metadata
from tracker.github.ticks import Ticks, read_ticks
from tracker.github.update_ticks import UpdateTicks, read_update_ticks
from tracker.github.writes import checked_write

__all__ = ["DASH_OVERFLOW_END", "DASH_OVERFLOW_START", "DASH_PROPOSE", "DASH_PROPOSE_AGAIN", "DASH_REJECTED_END",
           "DASH_REJECTED_START", "DASH_RUN_END", "DASH_RUN_NOW", "DASH_RUN_START", "DASHBOARD_MARK", "DashboardMetadata", "DashboardTicks", "format_dashboard_metadata", "is_dashboard_body",
           "parse_dashboard_metadata", "read_dashboard_ticks",
           "PaperMetadata", "PrMetadata", "Ticks", "build_github", "format_pr_metadata", "github_message", "parse_pr_metadata", "read_ticks",
           "read_update_ticks", "UpdateTicks",
           "to_publish_error"]
__all__ += ["FORM_FIELDS", "IssueDesk", "OpenIssue", "PaperRequest", "answer_marker", "asks_for_paper", "checked_write",
            "parse_request"]
