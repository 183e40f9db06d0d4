"""The dashboard issue in a run and in ``kd-tracker review``: its ticks read first, its body rewritten last.

Before selection, :func:`read_dashboard` reads the issue's ticks:

- ``propose`` (a paper past the cap in no PR) and ``propose again`` (a paper
  rejected for good) put the paper in the PR: :func:`with_requests` names it as
  overflow of the open PR and as ticked ``add``, so the review step's own rules
  (:func:`~tracker.weekly.review_step.applied`, ``rebuild``, the run's
  selection with ``added``) insert it whatever its score and the cap;
- ``propose again`` also clears the rejection: :func:`record_requests` stores a
  ``proposed_again`` label (label 1, source ``dashboard``), which lifts the
  rejection and which the model trains on as a positive;
- ``run now`` is the workflow's business (``kd-tracker dashboard``); the
  rewritten body always shows the box unticked.

After publishing, :func:`build_view` gathers what the dashboard shows (from the
store, the run and the PR) and :func:`write_dashboard` sets the issue's body (a
dry run writes ``DASHBOARD.md`` beside the PR preview instead).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tracker.config import Config
from tracker.errors import TrackerError
from tracker.github import (
    DashboardMetadata,
    DashboardTicks,
    PaperMetadata,
    PrMetadata,
    parse_dashboard_metadata,
    read_dashboard_ticks,
)
from tracker.publish import (
    DashboardIssue,
    DashboardPr,
    DashboardRun,
    DashboardView,
    PublishOutcome,
    Rejection,
    actions_run_url,
    render_dashboard,
    write_dashboard_preview,
)
from tracker.records import Proposal, WeekRecord
from tracker.review import build_record
from tracker.store import Label, LabelStore, RunLog, RunRecord, Store, rejected_among
from tracker.weekly.review_step import Applied, OpenReview, applied
from tracker.weekly.windows import carried_gaps

log = logging.getLogger(__name__)

SOURCE = "dashboard"
KIND = "proposed_again"
RUNS_SHOWN = 8
"""The dashboard lists this many of the last runs."""
WEEKS_SHOWN = 8
"""... and this many of the last reviewed weeks of the record."""


@dataclass(frozen=True)
class DashboardRead:
    """The dashboard issue as a maintainer left it."""

    number: int
    metadata: DashboardMetadata
    ticks: DashboardTicks

    @property
    def requested(self) -> tuple[PaperMetadata, ...]:
        """The papers a tick asks to put in the PR (``propose again`` ones first), as the dashboard named them."""
        named = {p.paper_id: p for p in (*self.metadata.rejected, *self.metadata.overflow) if p.paper_id}
        return tuple(named[pid] for pid in self.ticks.wanted if pid in named)

    @property
    def revived(self) -> frozenset[str]:
        """Papers ticked ``propose again``: their rejection is cleared."""
        return frozenset(self.ticks.proposed_again)


def read_dashboard(issue: DashboardIssue | None) -> DashboardRead | None:
    """The dashboard's ticks; None when the dashboard is off, absent, or its body is not one the bot wrote.

    A dashboard GitHub cannot give is a warning, never a failed run: its ticks wait for the next run.
    """
    if issue is None:
        return None
    try:
        found = issue.read()
    except TrackerError as e:
        log.warning("the dashboard issue could not be read (%s); its ticks wait for the next run", e)
        return None
    if found is None:
        return None
    metadata = parse_dashboard_metadata(found.body)
    if metadata is None:
        log.warning("the dashboard issue #%d has no kd-tracker metadata: no ticks read", found.number)
        return None
    ticks = read_dashboard_ticks(found.body)
    if ticks.wanted:
        log.info("dashboard #%d: %d papers ticked propose, %d propose again", found.number,
                 len(ticks.proposed), len(ticks.proposed_again))
    return DashboardRead(found.number, metadata, ticks)


def record_requests(labels: LabelStore, dashboard: DashboardRead | None, today: dt.date) -> int:
    """Store a ``proposed_again`` label (1, whole paper) for each paper ticked ``propose again``; how many were new."""
    if dashboard is None or not dashboard.revived:
        return 0
    ref = f"{dashboard.number}@{today.isoformat()}"
    titles = {p.paper_id: p.title for p in dashboard.metadata.rejected}
    added = labels.add(Label(pid, 1, "", KIND, SOURCE, ref, today.isoformat(), titles.get(pid, ""))
                       for pid in dashboard.ticks.proposed_again)
    if added:
        log.info("dashboard #%d: %d rejections cleared by propose again", dashboard.number, added)
    return added


def with_requests(review: OpenReview | None, ticks: Applied,
                  dashboard: DashboardRead | None) -> tuple[OpenReview | None, Applied]:
    """The open PR's review with the dashboard's requested papers named as its overflow and ticked ``add``.

    A paper the PR already inserts stays as it is; one the reviewer dropped in the PR stays dropped (the PR's own
    tick decides it). Without an open PR nothing changes here: see :func:`requested_only`.
    """
    if review is None or dashboard is None or not dashboard.requested:
        return review, ticks
    meta = review.metadata
    inserted = {p.paper_id for p in meta.papers} | set(ticks.dropped)
    overflow = {p.paper_id for p in meta.overflow}
    extra = tuple(p for p in dashboard.requested if p.paper_id not in inserted | overflow)
    merged = replace(review, metadata=replace(meta, overflow=meta.overflow + extra))
    now = applied(merged)
    new = tuple(p.paper_id for p in dashboard.requested
                if p.paper_id not in inserted and p.paper_id not in now.added)
    return merged, replace(now, added=now.added + new, changes=now.changes + len(new))


def place_requested(review: OpenReview, ticks: Applied, store: Store, config: Config,
                    list_files: Mapping[str, str]) -> tuple[OpenReview, Applied]:
    """Sections and scores for the added papers the dashboard named without them (``propose again`` ones), for
    ``kd-tracker review``, which neither fetches nor trains: the saved model scores the store's record of each.

    A paper the store lacks is left for the next run (which looks it up on arXiv): it is not added now.
    """
    meta = review.metadata
    bare = [p for p in meta.overflow if p.paper_id in ticks.added and not p.sections]
    if not bare:
        return review, ticks
    from classifiers.training import load_model
    from tracker.listdoc import ListSet
    from tracker.weekly.selection import to_proposal

    found = {pid: p for pid, p in store.get(p.paper_id for p in bare).items() if p.abstract}  # pruned: as if missing
    placed: dict[str, PaperMetadata] = {}
    if found:
        model = load_model(Path(config.model.path))
        tables = [section.path for section in ListSet.parse(list_files).sections()]
        for item in model.score(list(found.values())):
            proposal = to_proposal(item, tables, config.model)
            if proposal.sections:
                placed[proposal.arxiv_id] = PaperMetadata(arxiv_id=proposal.arxiv_id, title=proposal.title,
                                                          url=proposal.url, sections=proposal.sections,
                                                          score=proposal.score)
    left = [p.paper_id for p in bare if p.paper_id not in placed]
    if left:
        log.warning("not in the store, so not placed in a section yet (the next run looks them up): %s",
                    ", ".join(left))
    overflow = tuple(placed.get(p.paper_id, p) for p in meta.overflow)
    added = tuple(pid for pid in ticks.added if pid not in left)
    return (replace(review, metadata=replace(meta, overflow=overflow)),
            replace(ticks, added=added, changes=ticks.changes - (len(ticks.added) - len(added))))


def requested_only(dashboard: DashboardRead | None) -> PrMetadata | None:
    """With no open PR: the dashboard's requested papers as the metadata of what waits (all of them ``added``)."""
    if dashboard is None or not dashboard.requested:
        return None
    return PrMetadata(papers=(), model_version="", as_of="", overflow=dashboard.requested)


# -- the body ---------------------------------------------------------------------------------------------------

def exit_code_of(record: RunRecord) -> int | None:
    """What ``kd-tracker run`` exited with for ``record``: 0 done, 1 failed, 2 with warnings, 3 blocked."""
    if record.status == "failed":
        return 1
    if record.outcome == "blocked":
        return 3
    if record.status == "warnings":
        return 2
    return 0 if record.status == "ok" else None


def last_runs(runs: Sequence[RunRecord], count: int = RUNS_SHOWN) -> tuple[DashboardRun, ...]:
    """The last ``count`` runs that were not dry runs, newest first."""
    real = [r for r in runs if not r.dry_run][-count:]
    return tuple(DashboardRun(as_of=r.as_of.isoformat(), window=f"{r.since}..{r.until}", papers_read=r.papers_read,
                              proposals=r.proposals, outcome=r.outcome or r.status, exit_code=exit_code_of(r))
                 for r in reversed(real))


def rejections(labels: Iterable[Label], *, exclude: Iterable[str] = ()) -> tuple[Rejection, ...]:
    """Papers rejected for good (by their newest whole-paper signal), newest first; ``exclude``: not these."""
    everything = list(labels)
    rejected = rejected_among(everything) - set(exclude)
    newest: dict[str, Label] = {}
    for label in everything:  # oldest first: the last one kept is the newest rejection
        if label.arxiv_id in rejected and label.label == 0 and not label.section:
            newest[label.arxiv_id] = label
    ordered = sorted(newest.values(), key=lambda lb: (lb.date, lb.arxiv_id), reverse=True)
    return tuple(Rejection(lb.arxiv_id, lb.title, lb.kind, lb.source, lb.ref, lb.date) for lb in ordered)


def record_weeks(store: Store, threshold: float, count: int = WEEKS_SHOWN) -> tuple[WeekRecord, ...]:
    """The last ``count`` weeks with reviewed PRs of the bot's record (``kd-tracker report``), oldest first."""
    return tuple(w for w in build_record(store, threshold).weeks if w.prs)[-count:]


def paper_metadata(proposals: Iterable[Proposal]) -> tuple[PaperMetadata, ...]:
    return tuple(PaperMetadata(arxiv_id=p.arxiv_id, title=p.title, url=p.url, sections=tuple(p.sections[:1]),
                               score=p.score) for p in proposals if p.arxiv_id)


def build_view(config: Config, store: Store, repo: str, as_of: dt.date, *, outcome: PublishOutcome | None,
               inserted: int, overflow: Sequence[Proposal], ticks: Applied, in_pr: Iterable[str] = (),
               given_up: Iterable[dt.date] = ()) -> DashboardView:
    """What the dashboard shows after a run or a review.

    ``outcome``: what publishing did (its PR, when one is open); ``inserted``: papers with a row in the PR;
    ``overflow``: papers above the threshold left out by the cap; ``ticks``: the ticks applied (their drops, moves
    and adds count as reviewed); ``in_pr``: papers the PR holds, inserted or dropped (not listed as rejected here:
    the PR's own tick decides them); ``given_up``: gap days this run gave up.
    """
    history = RunLog(store).runs()
    carried = carried_gaps(config, history, as_of)
    pr = None
    if outcome is not None and outcome.pr_number is not None and outcome.status != "closed":
        reviewed = set(ticks.dropped) | set(ticks.moves) | set(ticks.added)
        pr = DashboardPr(outcome.pr_number, outcome.pr_url or "", inserted, len(overflow), len(reviewed))
    return DashboardView(
        repo=repo, as_of=as_of.isoformat(), pr=pr, runs=last_runs(history),
        gaps_missing=tuple(d.isoformat() for d in carried.reread),
        gaps_given_up=tuple(sorted({d.isoformat() for d in (*carried.given_up, *given_up)})),
        overflow=paper_metadata(overflow),
        rejected=rejections(LabelStore(store).all(), exclude=set(in_pr) | set(ticks.dropped)),
        weeks=record_weeks(store, config.model.threshold), threshold=config.model.threshold,
        run_url=actions_run_url(os.environ))


def write_dashboard(issue: DashboardIssue | None, view: DashboardView, dry_run_dir: Path | None) -> str:
    """Set the dashboard's body (or write ``DASHBOARD.md`` to ``dry_run_dir``); what was done, in one line.

    A failure is a warning (the line says so), never a failed run: the PR is what matters.
    """
    body = render_dashboard(view)
    try:
        if dry_run_dir is not None:
            return f"wrote {write_dashboard_preview(body, dry_run_dir)}"
        if issue is None:
            return "off"
        return issue.write(body).summary()
    except TrackerError as e:
        log.warning("the dashboard issue was not updated: %s", e)
        return f"not updated ({e})"
