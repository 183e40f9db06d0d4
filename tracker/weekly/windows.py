"""The run's days as pure functions: what a weekly run reads, what it scores, which gap days it carries.

No I/O: each function takes the day the run acts as, config values and the
run log's records (oldest first, as :meth:`tracker.store.RunLog.runs` gives
them), so the pipeline reads the log once and the rules are tested on plain
records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.config import Config
from tracker.store import RunRecord

SUCCESSFUL = ("ok", "warnings")
"""Statuses of a run that finished (``warnings``: with gap days)."""
PENDING_OUTCOMES = ("created", "updated", "unchanged", "blocked")
"""Publish outcomes after which the bot's PR is still open with papers waiting in it. ``blocked``: a human
pushed to the branch, the PR stays as it was (and keeps its number), and a take-over rebuilds it later."""


def successful(runs: Sequence[RunRecord]) -> list[RunRecord]:
    """The runs that finished ``ok`` or with ``warnings`` (dry runs too), oldest first."""
    return [r for r in runs if r.status in SUCCESSFUL]


def last_fetched(runs: Sequence[RunRecord]) -> RunRecord | None:
    """The successful run whose window ends last (a dry run fetched its window into the store too)."""
    return max(successful(runs), key=lambda r: (r.until, r.id), default=None)


def pending_since(runs: Sequence[RunRecord], since: date, window_days: int | None = None) -> date:
    """First day whose papers may still be waiting in the bot's open PR.

    The PR is rebuilt, not stacked: a paper proposed last week and not yet
    merged must be proposed again, so the papers scored go back to the first
    day *scored* by the first run that published into the PR still in use (its
    scoring start, not its fetch start: a first run's backfill was only read,
    for the model's negatives, never scored). Papers merged since are in the
    list, papers of a closed PR are rejected: both are skipped. A blocked week
    keeps the chain: its PR still holds the earlier weeks' papers. A run
    recorded before the scoring start was kept scored from its window start,
    except the store's first run, which (with ``window_days``) scored only
    its last ``window_days``.
    """
    history = [r for r in successful(runs) if not r.dry_run]
    if not history or history[-1].pr_number is None or history[-1].outcome not in PENDING_OUTCOMES:
        return since
    number = history[-1].pr_number
    first = since
    for record in reversed(history):
        if record.pr_number != number:
            break
        start = record.score_since
        if start is None:  # recorded before schema 4
            first_run = record is history[0] and window_days is not None
            start = max(record.since, record.as_of - timedelta(days=window_days)) if first_run else record.since
        first = min(first, start)
    return first


def score_since(config: Config, runs: Sequence[RunRecord], as_of: date, since: date, *,
                asked_since: date | None = None) -> date:
    """First day to score: the fetch window's (``since``), except on a first run, whose backfill (all but the
    last ``arxiv.window_days``) only gives the model its negatives. ``asked_since``: the run's ``--since``."""
    if asked_since is not None or last_fetched(runs) is not None:
        return since
    return max(since, as_of - timedelta(days=config.arxiv.window_days))


@dataclass(frozen=True)
class CarriedGaps:
    """Gap days that earlier runs reported and no later run has fetched since."""

    reread: tuple[date, ...] = ()
    """Within ``arxiv.gap_lookback_days`` of the run: its window reaches back to cover them."""
    given_up: tuple[date, ...] = ()
    """Still missing in the last run, but older than the look-back now: reported once, no longer re-read."""


def carried_gaps(config: Config, runs: Sequence[RunRecord], as_of: date) -> CarriedGaps:
    """Earlier runs' unresolved gap days, as of ``as_of``.

    A gap day is unresolved until a later successful run (dry runs fetch into
    the store too) checked it and did not report it again: a run checks the
    days ``since .. as_of - 1`` of its window (its own day's listing is not
    out yet), and reports again every gap it still sees there.
    """
    history = [r for r in successful(runs) if r.until <= as_of]
    unresolved: set[date] = set()
    for record in history:
        checked_until = min(record.until, record.as_of - timedelta(days=1))
        unresolved = {d for d in unresolved if not record.since <= d <= checked_until}
        unresolved.update(date.fromisoformat(d) for d in record.gaps)
    bound = as_of - timedelta(days=config.arxiv.gap_lookback_days)
    last_gaps = set(history[-1].gaps) if history else set()
    return CarriedGaps(
        reread=tuple(sorted(d for d in unresolved if bound <= d < as_of)),
        given_up=tuple(sorted(d for d in unresolved if d < bound and d.isoformat() in last_gaps)),
    )


def fetch_window(config: Config, runs: Sequence[RunRecord], as_of: date, *,
                 asked_since: date | None = None) -> tuple[date, date]:
    """The days to read: since the last successful run, with ``arxiv.window_days - 7`` days of overlap, and
    back to earlier runs' gap days still missing (within ``arxiv.gap_lookback_days``); the first run (or one
    as of a day before the last run's end) backfills ``arxiv.backfill_days``. ``asked_since``: the run's
    ``--since``, read as told."""
    until = as_of
    if asked_since is not None:
        return asked_since, until
    last = last_fetched(runs)
    if last is None or last.until > until:
        return until - timedelta(days=config.arxiv.backfill_days), until
    overlap = max(config.arxiv.window_days - 7, 0)
    since = min(until - timedelta(days=config.arxiv.window_days), last.until - timedelta(days=overlap))
    reread = carried_gaps(config, runs, until).reread
    return min((since, *reread)), until


@dataclass(frozen=True)
class RunDays:
    """The days of one run, fixed before it starts."""

    since: date
    """First day read."""
    until: date
    """Last day read (the run's ``as_of``)."""
    score_since: date
    """First day scored (after ``since`` on a first run, whose backfill is only read)."""
    carried: CarriedGaps = CarriedGaps()
    """Earlier runs' gap days (none with ``--since``, which reads what it is told)."""
    given_up: tuple[date, ...] = ()
    """Gap days this run gives up: past the look-back and outside its window."""


def run_days(config: Config, runs: Sequence[RunRecord], as_of: date, *, asked_since: date | None = None) -> RunDays:
    """The window, the scoring start and the carried gap days of a run as of ``as_of``."""
    since, until = fetch_window(config, runs, as_of, asked_since=asked_since)
    scored = score_since(config, runs, as_of, since, asked_since=asked_since)
    if asked_since is not None:
        return RunDays(since, until, scored)
    carried = carried_gaps(config, runs, as_of)
    # with a look-back shorter than the window, the window still reads them
    return RunDays(since, until, scored, carried, tuple(d for d in carried.given_up if d < since))


def fetch_source(as_of: date, today: date | None) -> str:
    """``both`` sources for a run as of today (or later), else ``api``: RSS holds only the latest listing."""
    return "both" if as_of >= (today or as_of) else "api"
