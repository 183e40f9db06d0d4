"""The pieces every tick reader of a bot-written body shares (pure): marked parts, abs links, nonsense.

A body the bot wrote holds parts between two marker lines (``<!-- kd-tracker:NAME -->`` …
``<!-- kd-tracker:NAME-end -->``), and ties an item line to its paper only by its
``https://arxiv.org/abs/ID`` links. A reader that finds the body edited into nonsense raises
:class:`Nonsense` and reads no ticks at all.
"""

from __future__ import annotations

import re

from tracker.paper_ids import normalise_arxiv_id

_ABS = re.compile(r"https://arxiv\.org/abs/(?P<id>[^\s)\]>\"']+)")


class Nonsense(Exception):
    """The body is no longer the contract: read no ticks at all."""


def ids_on(line: str) -> set[str]:
    """The versionless arXiv ids of the ``https://arxiv.org/abs/ID`` links on ``line``."""
    return {i for i in (normalise_arxiv_id(m.group("id")) for m in _ABS.finditer(line)) if i}


def marked_part(lines: list[str], start: str, end: str) -> tuple[int, int] | None:
    """Line range strictly inside the markers; None when both are absent; nonsense when only one, or twice."""
    starts = [i for i, line in enumerate(lines) if line.strip() == start]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if not starts and not ends:
        return None
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise Nonsense(f"the markers {start} … {end} are missing, doubled or out of order")
    return starts[0] + 1, ends[0]
