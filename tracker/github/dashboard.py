"""The dashboard issue's contract: its markers, the facts hidden in its body, and the ticks read back (pure).

The body a run writes (:mod:`tracker.publish.dashboard_body`) starts with
:data:`DASHBOARD_MARK` (what, with the label and the title, finds the issue
again) and holds three tick parts, each between its own markers::

    <!-- kd-tracker:dashboard-overflow -->
    - [ ] propose [Title](https://arxiv.org/abs/ID) · 0.42 · Section
    <!-- kd-tracker:dashboard-overflow-end -->
    <!-- kd-tracker:dashboard-rejected -->
    - [ ] propose again [Title](https://arxiv.org/abs/ID) · dropped · PR #3 · 2024-03-18
    <!-- kd-tracker:dashboard-rejected-end -->
    <!-- kd-tracker:dashboard-run -->
    - [ ] run now
    <!-- kd-tracker:dashboard-run-end -->

then a hidden JSON block naming every paper the two lists offer
(:class:`DashboardMetadata`). A tick is tied to its paper only by the
``https://arxiv.org/abs/ID`` URL of its item line, and only to a paper the
block names in that part; a body edited into nonsense (a marker deleted or
doubled, a paper's line twice or in the other part) reads as no ticks at all.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from tracker.github.body_parts import Nonsense, ids_on, marked_part
from tracker.github.metadata import PaperMetadata, _hidden_block, _paper_dict, _read_paper

log = logging.getLogger(__name__)

DASHBOARD_MARK = "<!-- kd-tracker:dashboard -->"
"""The first line of every dashboard body the bot writes."""
DASH_OVERFLOW_START = "<!-- kd-tracker:dashboard-overflow -->"
DASH_OVERFLOW_END = "<!-- kd-tracker:dashboard-overflow-end -->"
DASH_REJECTED_START = "<!-- kd-tracker:dashboard-rejected -->"
DASH_REJECTED_END = "<!-- kd-tracker:dashboard-rejected-end -->"
DASH_RUN_START = "<!-- kd-tracker:dashboard-run -->"
DASH_RUN_END = "<!-- kd-tracker:dashboard-run-end -->"
DASH_PROPOSE = "propose"
"""The text after the box of an overflow item: ``- [ ] propose [Title](…)``."""
DASH_PROPOSE_AGAIN = "propose again"
"""The text after the box of a rejected paper's item: ``- [ ] propose again [Title](…)``."""
DASH_RUN_NOW = "run now"
"""The text of the one box of the run part: ``- [ ] run now``."""
METADATA_START = "<!-- kd-tracker-dashboard"
METADATA_END = "-->"
_METADATA = re.compile(re.escape(METADATA_START) + r"\s*\n(?P<json>.*?)\n" + re.escape(METADATA_END), re.S)
_ITEM = re.compile(r"^[ \t]*[-*+] \[(?P<mark>[ xX])\][ \t]+(?P<text>.*?)\s*$")


@dataclass(frozen=True)
class DashboardMetadata:
    """What a dashboard body offers: the papers of its two tick lists."""

    overflow: tuple[PaperMetadata, ...] = ()
    """Papers above the threshold in no pull request (``propose``)."""
    rejected: tuple[PaperMetadata, ...] = ()
    """Papers rejected for good (``propose again``)."""
    as_of: str = ""
    """The day of the run that wrote the body (``YYYY-MM-DD``)."""


@dataclass(frozen=True)
class DashboardTicks:
    """What a maintainer ticked on the dashboard."""

    proposed: tuple[str, ...] = ()
    """Overflow papers ticked ``propose``, in body order."""
    proposed_again: tuple[str, ...] = ()
    """Rejected papers ticked ``propose again``, in body order."""
    run_now: bool = False
    """The ``run now`` box is ticked."""
    read: bool = True
    """False: the body was not read (no dashboard, or nonsense); every field is empty."""

    @classmethod
    def empty(cls) -> DashboardTicks:
        return cls(read=False)

    @property
    def wanted(self) -> tuple[str, ...]:
        """Every paper a tick asks to put in the PR: ``propose again`` ones first."""
        return tuple(dict.fromkeys((*self.proposed_again, *self.proposed)))


def format_dashboard_metadata(metadata: DashboardMetadata) -> str:
    """The hidden block for ``metadata``: JSON in an HTML comment that nothing inside can close."""
    data = {"schema": 1, "as_of": metadata.as_of,
            "overflow": [_paper_dict(p) for p in metadata.overflow],
            "rejected": [_paper_dict(p) for p in metadata.rejected]}
    return _hidden_block(METADATA_START, data)


def parse_dashboard_metadata(body: str | None) -> DashboardMetadata | None:
    """The block hidden in a dashboard body; None when there is none or it cannot be read."""
    match = _METADATA.search(body or "")
    if match is None:
        return None
    try:
        data = json.loads(match.group("json"))
        return DashboardMetadata(overflow=tuple(_read_paper(p) for p in data.get("overflow") or ()),
                                 rejected=tuple(_read_paper(p) for p in data.get("rejected") or ()),
                                 as_of=str(data.get("as_of") or ""))
    except (ValueError, TypeError, AttributeError, KeyError) as e:
        log.warning("the dashboard issue has a metadata block that cannot be read (%s); ignoring it", e)
        return None


def is_dashboard_body(body: str | None) -> bool:
    """True when ``body`` is one the bot wrote for a dashboard (its first line is :data:`DASHBOARD_MARK`)."""
    return (body or "").lstrip().startswith(DASHBOARD_MARK)


def read_dashboard_ticks(body: str | None) -> DashboardTicks:
    """The ticks of a dashboard ``body``; :meth:`DashboardTicks.empty` for a body that is not the contract."""
    metadata = parse_dashboard_metadata(body)
    if metadata is None or not body:
        return DashboardTicks.empty()
    try:
        return _read(body, metadata)
    except Nonsense as e:
        log.warning("the dashboard issue does not follow kd-tracker's layout any more (%s): no ticks read", e)
        return DashboardTicks.empty()


def _read(body: str, metadata: DashboardMetadata) -> DashboardTicks:
    lines = body.splitlines()
    overflow = {pid for p in metadata.overflow if (pid := p.paper_id)}
    rejected = {pid for p in metadata.rejected if (pid := p.paper_id)}
    parts = {name: marked_part(lines, start, end) for name, start, end in (
        ("overflow", DASH_OVERFLOW_START, DASH_OVERFLOW_END), ("rejected", DASH_REJECTED_START, DASH_REJECTED_END),
        ("run", DASH_RUN_START, DASH_RUN_END))}
    _check_outside(lines, parts, overflow | rejected)
    proposed = _ticked(lines, parts["overflow"], DASH_PROPOSE, overflow, rejected)
    again = _ticked(lines, parts["rejected"], DASH_PROPOSE_AGAIN, rejected, overflow)
    run_now = False
    if parts["run"] is not None:
        for line in lines[parts["run"][0]:parts["run"][1]]:
            match = _ITEM.match(line)
            if match and match.group("text").lower() == DASH_RUN_NOW and match.group("mark") != " ":
                run_now = True
    return DashboardTicks(proposed=proposed, proposed_again=again, run_now=run_now)


def _check_outside(lines: list[str], parts: dict[str, tuple[int, int] | None], known: set[str]) -> None:
    inside = {n for part in parts.values() if part for n in range(*part)}
    for number, line in enumerate(lines):
        if number not in inside and _ITEM.match(line) and ids_on(line) & known:
            raise Nonsense(f"line {number + 1} is an item of a listed paper outside its part")


def _ticked(lines: list[str], part: tuple[int, int] | None, verb: str, offered: set[str],
            elsewhere: set[str]) -> tuple[str, ...]:
    """The papers of ``offered`` whose ``verb`` item in ``part`` is ticked."""
    if part is None:
        if offered:
            raise Nonsense(f"no {verb!r} part, but the dashboard offers {len(offered)} papers there")
        return ()
    ticked: list[str] = []
    seen: set[str] = set()
    for line in lines[part[0]:part[1]]:
        match = _ITEM.match(line)
        if match is None:
            continue
        ids = ids_on(line)
        if len(ids) != 1:
            raise Nonsense(f"an item line of the {verb!r} part with {len(ids)} arXiv abs links: {line[:80]!r}")
        (pid,) = ids
        if pid in seen or pid in elsewhere:
            raise Nonsense(f"the item line of {pid} appears twice, or in the wrong part")
        seen.add(pid)
        if pid not in offered:
            log.info("a %r tick of arXiv:%s, which the dashboard does not offer: ignored", verb, pid)
        elif match.group("mark") != " " and match.group("text").lower().startswith(verb + " "):
            ticked.append(pid)
    return tuple(ticked)
