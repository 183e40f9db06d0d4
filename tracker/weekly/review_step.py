"""The reviewer's ticks applied to what gets published: shared by ``kd-tracker review`` and the weekly run.

:func:`read_open_review` reads the open bot PR (its metadata and its ticks); :func:`applied` says what the ticks
ask for (papers dropped, sections chosen, overflow papers added); :func:`record` stores them as review labels.
The weekly run then selects with them (:func:`tracker.weekly.selection.select`: dropped papers are rejected, the
PR's papers take the cap first, added ones join above it) and :func:`apply_moves` puts each moved paper in the
section chosen. ``kd-tracker review`` does neither fetch nor retrain: :func:`rebuild` makes the proposals from the
PR's metadata (and the store's record of each paper, when it has one).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tracker.github import (
    PaperMetadata,
    PrMetadata,
    Ticks,
    UpdateTicks,
    parse_pr_metadata,
    read_ticks,
    read_update_ticks,
)
from tracker.markdown_safe import is_web_link
from tracker.publish import PublishContext, Publisher
from tracker.records import Paper, Proposal, SectionScore
from tracker.review import TickLabels, record_ticks
from tracker.store import LabelStore, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenReview:
    """The bot's open PR as the reviewer left it."""

    pr_number: int
    metadata: PrMetadata
    ticks: Ticks
    update_ticks: UpdateTicks = field(default_factory=UpdateTicks.empty)
    """The ticks of the "Updates to listed papers" group (:mod:`tracker.weekly.refresh`)."""


@dataclass(frozen=True)
class Applied:
    """What the ticks ask for, on top of what the PR already did."""

    dropped: frozenset[str] = frozenset()
    """Papers not to publish (unticked now, or dropped before when no ticks were read)."""
    kept: frozenset[str] = frozenset()
    """Papers of the PR (inserted, or dropped and ticked again) that stay in it."""
    moves: Mapping[str, str] = field(default_factory=dict)
    """arXiv id -> chosen section, for every paper that stays."""
    added: tuple[str, ...] = ()
    """Overflow papers ticked ``add``."""
    changes: int = 0
    """Drops, re-ticks, moves and adds that differ from the PR as it was built: 0 means nothing to apply."""


def read_open_review(publisher: Publisher) -> OpenReview | None:
    """The open bot PR with its metadata and ticks; None when there is none (or its metadata is unreadable)."""
    found = publisher.open_pr_body()
    if found is None:
        return None
    number, body = found
    metadata = parse_pr_metadata(body)
    if metadata is None:
        log.warning("the open PR #%d has no kd-tracker metadata: no ticks read", number)
        return None
    return OpenReview(number, metadata, read_ticks(body, metadata), read_update_ticks(body, metadata))


def applied(review: OpenReview | None) -> Applied:
    """What the ticks of ``review`` ask for (no ticks read: the PR's own earlier drops and moves stand)."""
    if review is None:
        return Applied()
    meta, ticks = review.metadata, review.ticks
    inserted = [pid for p in meta.papers if (pid := p.paper_id)]
    before = {pid for p in meta.dropped if (pid := p.paper_id)}
    if not ticks.read:
        moves = {k: v for k, v in meta.moves.items() if k in inserted}
        return Applied(dropped=frozenset(before), kept=frozenset(inserted), moves=moves)
    dropped = {pid for pid in (*inserted, *before) if ticks.state(pid) is False or (pid in before
                                                                                       and ticks.state(pid) is None)}
    kept = frozenset(pid for pid in (*inserted, *before) if pid not in dropped)
    sections = {pid: p.sections for p in (*meta.papers, *meta.dropped) if (pid := p.paper_id)}
    moves = {k: v for k, v in meta.moves.items() if k in kept}
    new_moves = {k: v for k, v in ticks.moves.items() if k in kept and v not in sections.get(k, ())}
    moves.update(new_moves)
    changes = len(dropped - before) + len(before - dropped) + len(new_moves) + len(ticks.added)
    return Applied(dropped=frozenset(dropped), kept=kept, moves=moves, added=ticks.added, changes=changes)


def record(labels: LabelStore, review: OpenReview | None, today: dt.date) -> TickLabels:
    """Store the ticks of ``review`` as review labels (at once: the next run's selection and training see them)."""
    if review is None:
        return TickLabels()
    return record_ticks(labels, review.ticks, review.metadata, pr_number=review.pr_number, date=today.isoformat())


def apply_moves(proposals: Iterable[Proposal], moves: Mapping[str, str]) -> tuple[Proposal, ...]:
    """Each moved paper in the section chosen (only there); the sections it left are offered as alternatives."""
    out = []
    for p in proposals:
        chosen = moves.get(p.arxiv_id)
        if chosen is None or p.sections == (chosen,):
            out.append(p)
            continue
        score = p.score or 0.0
        left = [SectionScore(s, score) for s in p.sections if s != chosen]
        others = [a for a in p.alternatives if a.section != chosen and a.section not in p.sections]
        out.append(replace(p, sections=(chosen,), alternatives=tuple(left + others)))
    return tuple(out)


def proposal_of(paper: PaperMetadata, stored: Paper | None) -> Proposal:
    """A proposal for a paper the PR recorded: the store's record of it when there is one, else the PR's."""
    pid = paper.paper_id
    score = paper.score
    alternatives = tuple(SectionScore(s, score or 0.0) for s in paper.alternatives)
    if stored is not None:
        return Proposal(title=stored.title, url=stored.url, sections=paper.sections, arxiv_id=pid,
                        venue=stored.venue or "arXiv", date=(stored.published or stored.announced)[:7],
                        code=tuple(filter(is_web_link, stored.code)), data=tuple(filter(is_web_link, stored.data)),
                        score=score, alternatives=alternatives)
    yymm = pid.split(".")[0] if "." in pid else ""
    date = f"20{yymm[:2]}-{yymm[2:]}" if len(yymm) == 4 and yymm.isdigit() else ""
    return Proposal(title=paper.title, url=paper.url or f"https://arxiv.org/abs/{pid}", sections=paper.sections,
                    arxiv_id=pid, date=date, score=score, alternatives=alternatives)


def dropped_proposals(meta: PrMetadata, dropped: Iterable[str], store: Store | None) -> tuple[Proposal, ...]:
    """The dropped papers as proposals, for the body to show them unticked."""
    wanted = set(dropped)
    papers = [p for p in (*meta.papers, *meta.dropped) if p.paper_id in wanted]
    found = store.get(p.paper_id for p in papers) if store is not None and papers else {}
    return tuple(proposal_of(p, found.get(p.paper_id)) for p in papers)


def rebuild(review: OpenReview, applied_ticks: Applied, store: Store | None) -> tuple[tuple[Proposal, ...],
                                                                                     PublishContext]:
    """The proposals and context of ``review``'s PR with the ticks applied (no fetch, no scoring): for ``review``."""
    meta = review.metadata
    every = [p for p in (*meta.papers, *meta.dropped, *meta.overflow, *meta.near_misses) if p.paper_id]
    found = store.get(p.paper_id for p in every) if store is not None and every else {}

    def proposals(papers: Sequence[PaperMetadata]) -> list[Proposal]:
        return [proposal_of(p, found.get(p.paper_id)) for p in papers]

    staying = proposals([p for p in (*meta.papers, *meta.dropped) if p.paper_id in applied_ticks.kept])
    added = proposals([p for p in meta.overflow if p.paper_id in applied_ticks.added])
    chosen = sorted(apply_moves(staying + added, applied_ticks.moves), key=lambda p: (-(p.score or 0.0), p.arxiv_id))
    context = PublishContext(
        as_of=_day(meta.as_of) or dt.date.today(),
        since=_day(meta.since),
        until=_day(meta.until),
        thresholds=meta.thresholds,
        model_version=meta.model_version or "unknown",
        near_misses=proposals(meta.near_misses),
        overflow=proposals([p for p in meta.overflow if p.paper_id not in applied_ticks.added]),
        dropped=tuple(proposals([p for p in (*meta.papers, *meta.dropped) if p.paper_id in applied_ticks.dropped])),
        moves={k: v for k, v in applied_ticks.moves.items() if k in {p.arxiv_id for p in chosen}},
        previous=meta,
        requested={k: v for k, v in meta.requested.items() if k in {p.arxiv_id for p in chosen}},
    )
    return tuple(chosen), context


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
