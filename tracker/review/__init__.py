"""What the maintainers did with the bot's PRs and the list, turned into review labels; the bot's record.
"""

from tracker.review.learning import MAX_COMMITS, learn
from tracker.review.record import build_record, render_markdown, write_plots
from tracker.review.takeover import record_takeover, takeover_labels
from tracker.review.ticks import TickLabels, record_ticks, tick_labels

__all__ = ["MAX_COMMITS", "TickLabels", "build_record", "learn", "record_takeover", "record_ticks", "render_markdown",
           "takeover_labels", "tick_labels",
           "write_plots"]
