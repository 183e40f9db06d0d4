"""The rows maintainers removed or moved on a branch the bot takes over, kept as review labels.

A maintainer who edits the bot's branch (drops a row, moves one to another
section) and then adds the take-over label lets the bot rebuild the branch from
scratch; their edits would be lost, and a dropped paper proposed again next
week. Before the rebuild, :func:`record_takeover` compares the list as the bot
last wrote it on the branch with the list at the branch's head
(:func:`~tracker.review.signals.list_changes`) and stores what changed with
source ``takeover`` and the PR number as ref: a paper gone from the list is a
rejection (0, ``removed``), a row moved is 0 in the section it left and 1 in
the one it went to (``moved``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from tracker.review.signals import index_of, list_changes
from tracker.store import Label, LabelStore

log = logging.getLogger(__name__)

SOURCE = "takeover"


def takeover_labels(own_list: str | Mapping[str, str], edited_list: str | Mapping[str, str], *, pr_number: int, date: str,
                    name: str = "README.md") -> list[Label]:
    """Labels for the rows removed or moved between the bot's list on the branch and the edited one (each its
    text, or its files' texts by path for a list split into files)."""
    return list_changes(index_of(own_list, name), index_of(edited_list, name), ref=str(pr_number), date=date,
                        source=SOURCE)


def record_takeover(labels: LabelStore, own_list: str | Mapping[str, str], edited_list: str | Mapping[str, str], *, pr_number: int, date: str,
                    name: str = "README.md") -> set[str]:
    """Store :func:`takeover_labels`; returns the papers the maintainers removed from the list (now rejected)."""
    found = takeover_labels(own_list, edited_list, pr_number=pr_number, date=date, name=name)
    added = labels.add(found)
    removed = {label.arxiv_id for label in found if label.label == 0 and not label.section}
    moved = {label.arxiv_id for label in found if label.kind == "moved"}
    log.info("take-over of PR #%d: %d papers removed, %d moved by maintainers on the branch (%d new labels)",
             pr_number, len(removed), len(moved), added)
    return removed
