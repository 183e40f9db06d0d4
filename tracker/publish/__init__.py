"""The one weekly pull request: its body, and the publisher that brings GitHub to one state (or previews it).
"""

from tracker.publish.context import thresholds_in_force
from tracker.publish.preview import PREVIEW_FILES, preview_names
from tracker.publish.publisher import PublishContext, Publisher, PublishOutcome, TakeOver, TakeOverHook

__all__ = ["PREVIEW_FILES", "PublishContext", "PublishOutcome", "Publisher", "TakeOver", "TakeOverHook", "preview_names",
           "thresholds_in_force"]
