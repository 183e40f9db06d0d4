"""What the maintainers did with the bot's PRs and the list, turned into review labels; the bot's record.
"""

from tracker.review.learning import MAX_COMMITS, learn
from tracker.review.record import build_record, render_markdown, write_plots

__all__ = ["MAX_COMMITS", "build_record", "learn", "render_markdown", "write_plots"]
