"""What the maintainers did with the bot's PRs and the list, turned into review labels; the bot's record.
"""

from tracker.review.learning import MAX_COMMITS, learn
from tracker.review.record import build_record, render_markdown, write_plots
from tracker.review.takeover import record_takeover, takeover_labels

__all__ = ["MAX_COMMITS", "build_record", "learn", "record_takeover", "render_markdown", "takeover_labels",
           "write_plots"]
