"""Ticks in the open bot PR's body, recorded at once as review labels (source ``tick``, ref the PR number).

- an unticked paper: ``dropped``, label 0 for the paper (it is rejected: never proposed again);
- a ticked ``move to`` item: ``moved``, 0 in the section the paper sits in, 1 in the chosen one;
- a paper ticked again after it was dropped: ``kept``, label 1 for the paper (its newest whole-paper signal is no
  longer a rejection).

The ``dropped`` labels of a PR always say what its body shows now (a re-ticked paper's label is deleted); ``moved``
and ``kept`` labels accumulate, each kept with its newest value. Reading the same ticks twice adds nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tracker.github import PrMetadata, Ticks
from tracker.store import Label, LabelStore

log = logging.getLogger(__name__)

SOURCE = "tick"


@dataclass(frozen=True)
class TickLabels:
    """What recording one read of the ticks changed in the store."""

    added: int = 0
    removed: int = 0
    dropped: tuple[str, ...] = ()
    """Papers unticked (rejected)."""
    moved: tuple[str, ...] = ()
    """Papers moved to a section they were not in."""
    kept: tuple[str, ...] = ()
    """Papers ticked again after a drop."""


def tick_labels(ticks: Ticks, metadata: PrMetadata, *, pr_number: int, date: str) -> list[Label]:
    """The labels the ticks give now (pure): drops, moves to a section the paper is not in, re-ticks after a drop."""
    ref = str(pr_number)
    out: list[Label] = []
    for paper in metadata.papers:
        pid = paper.paper_id
        if pid in ticks.dropped:
            out.append(Label(pid, 0, "", "dropped", SOURCE, ref, date, paper.title))
            continue
        chosen = ticks.moves.get(pid)
        current = paper.sections[0] if paper.sections else ""
        if chosen and chosen not in paper.sections:
            if current:
                out.append(Label(pid, 0, current, "moved", SOURCE, ref, date, paper.title))
            out.append(Label(pid, 1, chosen, "moved", SOURCE, ref, date, paper.title))
    for paper in metadata.dropped:
        pid = paper.paper_id
        if pid in ticks.dropped:
            out.append(Label(pid, 0, "", "dropped", SOURCE, ref, date, paper.title))
        elif pid in ticks.ticked:
            out.append(Label(pid, 1, "", "kept", SOURCE, ref, date, paper.title))
    return out


def record_ticks(labels: LabelStore, ticks: Ticks, metadata: PrMetadata, *, pr_number: int, date: str) -> TickLabels:
    """Store the labels of :func:`tick_labels` for PR ``pr_number``; nothing when no ticks were read."""
    if not ticks.read:
        return TickLabels()
    ref = str(pr_number)
    now = tick_labels(ticks, metadata, pr_number=pr_number, date=date)
    stored = [label for label in labels.all() if label.source == SOURCE and label.ref == ref]
    wanted: dict[tuple[str, ...], Label] = {lb.key: lb for lb in stored if lb.kind != "dropped"}
    wanted.update((lb.key, lb) for lb in now)
    changed = [lb for lb in stored if lb.key in wanted and wanted[lb.key].label != lb.label]
    keep = [lb for key, lb in wanted.items() if key not in {c.key for c in changed}]
    added, removed = labels.replace(SOURCE, ref, keep)
    added += labels.add(wanted[c.key] for c in changed)
    result = TickLabels(
        added=added, removed=removed,
        dropped=tuple(lb.arxiv_id for lb in now if lb.kind == "dropped"),
        moved=tuple(lb.arxiv_id for lb in now if lb.kind == "moved" and lb.label == 1),
        kept=tuple(lb.arxiv_id for lb in now if lb.kind == "kept"),
    )
    if added or removed:
        log.info("ticks of PR #%d: %d dropped, %d moved, %d ticked again; %d labels added, %d removed", pr_number,
                 len(result.dropped), len(result.moved), len(result.kept), added, removed)
    return result
