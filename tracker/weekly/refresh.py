"""Rows that stay current: the list's papers looked up on arXiv again, their new venue and code link proposed.

At most once every ``refresh.days`` days (the store remembers the day; a lost
store only means one early look-up), the arXiv ids of the list's rows are
looked up on the arXiv API by ``id_list``, in batches, through the run's one
client and its delay and retries (:meth:`tracker.sources.ArxivSource.fetch_ids`).
Nothing else is asked. For each row (:mod:`tracker.weekly.refresh_detect`):

- its venue cell says ``arXiv``/``preprint``/``-``/nothing and the journal_ref
  or comment names a known venue with its year: a ``venue`` update;
- its code cell is empty and the comment or abstract links a repository as
  code: a ``code`` update.

Updates go into the weekly PR ("Updates to listed papers", one tick each). An
update waiting in the open PR stays there in the weeks between look-ups. An
unticked one is declined for good, for that field of that paper: recorded in
the store and carried in the PR metadata, so that neither a lost store nor a
new PR brings it back. An unreachable arXiv costs only this week's look-up
(a warning; the next run tries again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from tracker.config import Config
from tracker.errors import SourceError
from tracker.listdoc import ListDocument, is_preprint_venue
from tracker.records import Paper, RowUpdate
from tracker.sources import ArxivSource
from tracker.store import RefreshState, Store
from tracker.weekly.refresh_detect import accepted_venue, code_repository
from tracker.weekly.review_step import OpenReview

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class RefreshOutcome:
    """What the refresh gives the PR, and what it did."""

    updates: tuple[RowUpdate, ...] = ()
    """Updates to apply: those still ticked in the open PR, then the ones found now."""
    declined: tuple[RowUpdate, ...] = ()
    """Every update declined so far (the store's and the PR metadata's): carried in the metadata."""
    newly_declined: tuple[RowUpdate, ...] = ()
    """Updates unticked in the open PR since it was last built."""
    looked_up: int = 0
    """arXiv ids looked up this run (0: not due, or arXiv failed)."""
    found: tuple[RowUpdate, ...] = field(default_factory=tuple)
    """Updates found by this run's look-up (new or not)."""


def refresh_due(last: date | None, as_of: date, days: int) -> bool:
    """Whether the list's papers are looked up again: never with ``days`` 0, else ``days`` after the last time."""
    if days <= 0:
        return False
    return last is None or (as_of - last).days >= days


def detect_updates(rows: Iterable, papers: Mapping[str, Paper], declined: Iterable[tuple[str, str]] = ()
                   ) -> list[RowUpdate]:
    """The updates arXiv's records ``papers`` give the list ``rows``, in row order, none of ``declined``."""
    skip = set(declined)
    out: dict[tuple[str, str], RowUpdate] = {}
    for row in rows:
        if row.kind != "row":
            continue  # a list item has no venue or code cell to edit (tracker.listdoc.row_edit edits table rows)
        paper = papers.get(row.arxiv_id or "")
        if paper is None:
            continue
        title = " ".join(row.title.replace("**", "").split())
        if (row.arxiv_id, "venue") not in skip and is_preprint_venue(row.venue):
            venue = accepted_venue(paper.comment, paper.journal_ref)
            if venue is not None:
                out.setdefault((row.arxiv_id, "venue"), RowUpdate(row.arxiv_id, "venue", row.venue, str(venue), title,
                                                                   venue=venue.name, year=venue.year))
        if (row.arxiv_id, "code") not in skip and not row.code:
            repo = code_repository(paper.abstract, paper.comment)
            if repo is not None:
                out.setdefault((row.arxiv_id, "code"), RowUpdate(row.arxiv_id, "code", "", repo, title))
    return list(out.values())


def review_updates(review: OpenReview | None) -> tuple[tuple[RowUpdate, ...], tuple[RowUpdate, ...]]:
    """``(kept, newly declined)`` updates of the open PR as its ticks leave them (unread ticks: all kept)."""
    if review is None:
        return (), ()
    meta, ticks = review.metadata, review.update_ticks
    if not ticks.read:
        return meta.updates, ()
    kept = tuple(u for u in meta.updates if u.key in ticks.kept)
    return kept, tuple(u for u in meta.updates if u.key in ticks.declined)


def refresh_rows(config: Config, store: Store, document: ListDocument | None, review: OpenReview | None, *,
                 as_of: date, api: ArxivSource | None = None, record: bool = True,
                 fresh: Mapping[str, Paper] | None = None) -> RefreshOutcome:
    """The updates for the PR; see the module docstring.

    Without a ``document`` (``kd-tracker review``) only the open PR's ticks are
    applied, nothing is looked up; ``record`` False (a dry run) writes nothing to the store.
    ``fresh``: list papers this run already read from arXiv by id (arXiv id -> paper), not asked again.
    """
    state = RefreshState(store)
    kept, newly = review_updates(review)
    before = review.metadata.declined_updates if review is not None else ()
    declined = {u.key: u for u in before}
    declined.update(state.declined())
    declined.update((u.key, u) for u in newly)
    if record and (newly or before):
        if newly:
            log.info("%d updates to listed papers unticked: not proposed again", len(newly))
        state.decline(newly, day=as_of.isoformat(), ref=str(review.pr_number) if review else "")
        state.decline(before)  # after a lost store, the PR metadata restores them
    pending = {u.key: u for u in kept if u.key not in declined}
    asked, found = 0, []
    if document is not None and refresh_due(state.last_refresh(), as_of, config.refresh.days):
        rows = document.rows()
        ids = list(dict.fromkeys(row.arxiv_id for row in rows if row.arxiv_id))
        known = dict(fresh or {})
        unread = [i for i in ids if i not in known]
        try:
            papers = (api or ArxivSource.from_config(config.arxiv)).fetch_ids(unread) if unread else []
        except SourceError as e:
            log.warning("could not look the list's papers up on arXiv (%s); the next run tries again", e)
        else:
            asked = len(ids)
            known.update((p.arxiv_id, p) for p in papers)
            found = detect_updates(rows, known, declined)
            pending.update((u.key, u) for u in found)
            if record:
                state.set_last_refresh(as_of)
            log.info("looked up %d list papers on arXiv: %d updates (%d venues, %d code links)", len(ids), len(found),
                     sum(u.field == "venue" for u in found), sum(u.field == "code" for u in found))
    return RefreshOutcome(tuple(pending.values()), tuple(declined.values()), newly, asked, tuple(found))
