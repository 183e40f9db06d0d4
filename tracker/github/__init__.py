"""GitHub: the client (PyGithub with whole-request deadlines and honest errors) and the PR metadata contract.

Both the publisher (which writes the PR) and the review step (which reads the bot's PRs) use this package.
"""

from tracker.github.client import build_github, github_message, to_publish_error
from tracker.github.metadata import PaperMetadata, PrMetadata, format_pr_metadata, parse_pr_metadata
from tracker.github.ticks import Ticks, read_ticks
from tracker.github.update_ticks import UpdateTicks, read_update_ticks

__all__ = ["PaperMetadata", "PrMetadata", "Ticks", "build_github", "format_pr_metadata", "github_message", "parse_pr_metadata", "read_ticks",
           "read_update_ticks", "UpdateTicks",
           "to_publish_error"]
