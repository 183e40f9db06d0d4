"""The record of weekly runs in the store: when each ran, on what window, with what outcome and scores.

``kd-tracker run`` opens a run before it fetches and closes it at the end, so
the next run knows the last successful window, and the learning step knows
what the bot scored (and did not propose) each week. A run killed before it
finished (SIGKILL, power loss) stays ``running``; the next run, which holds the
run lock (:mod:`tracker.weekly.lock`) and so knows no other run is alive, marks
it ``interrupted``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from tracker.records import ScoredPaper
from tracker.store.papers import Store

log = logging.getLogger(__name__)

STATUSES = ("running", "ok", "warnings", "failed", "interrupted")
FINISHED = ("ok", "warnings", "failed")
"""What :meth:`RunLog.finish` may record."""
INTERRUPTED_ERROR = "interrupted: the process ended before the run recorded an outcome; a later run reads its window again"


@dataclass(frozen=True)
class RunRecord:
    """One row of the ``runs`` table."""

    id: int
    as_of: date
    """The day the run acted as (``--as-of``, else today)."""
    since: date
    """First day of the window read."""
    score_since: date | None
    """First day of the papers scored (after ``since`` on a first run, whose backfill is only read);
    ``None`` for a run recorded before kd-tracker kept it (store schema 4)."""
    until: date
    """Last day of the window read."""
    status: str
    """``running``, ``ok``, ``warnings`` (gaps), ``failed``, or ``interrupted`` (killed before it finished)."""
    outcome: str
    """Publish outcome: created, updated, unchanged, closed, blocked, preview, or empty."""
    pr_number: int | None
    pr_url: str
    papers_read: int
    proposals: int
    gaps: tuple[str, ...]
    model_version: str
    dry_run: bool
    error: str


_COLUMNS = (
    "id, as_of, since, until, status, outcome, pr_number, pr_url, papers_read, proposals, gaps, "
    "model_version, dry_run, error, score_since"
)


def _record(row: tuple) -> RunRecord:
    return RunRecord(
        id=row[0],
        as_of=date.fromisoformat(row[1]),
        since=date.fromisoformat(row[2]),
        score_since=date.fromisoformat(row[14]) if row[14] else None,
        until=date.fromisoformat(row[3]),
        status=row[4],
        outcome=row[5],
        pr_number=row[6],
        pr_url=row[7],
        papers_read=row[8],
        proposals=row[9],
        gaps=tuple(json.loads(row[10])),
        model_version=row[11],
        dry_run=bool(row[12]),
        error=row[13],
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RunLog:
    """Runs and their scores, kept in the paper store's SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(
        self, *, as_of: date, since: date, until: date, dry_run: bool, score_since: date | None = None
    ) -> int:
        """Open a run; returns its id. ``score_since``: first day scored (default ``since``).

        The caller holds the run lock: runs still ``running`` are dead, and are marked ``interrupted`` first.
        """
        with self.store.transaction("record a run in") as conn:
            stale = [row[0] for row in conn.execute("SELECT id FROM runs WHERE status = 'running' ORDER BY id")]
            if stale:
                conn.execute("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE status = 'running'",
                             (_now(), INTERRUPTED_ERROR))
                log.warning("earlier run%s %s never finished (the process was killed): marked interrupted",
                            "s" if len(stale) > 1 else "", ", ".join(str(i) for i in stale))
            cursor = conn.execute(
                "INSERT INTO runs (as_of, since, until, started_at, dry_run, score_since) VALUES (?, ?, ?, ?, ?, ?)",
                (as_of.isoformat(), since.isoformat(), until.isoformat(), _now(), int(dry_run),
                 (score_since or since).isoformat()),
            )
            return int(cursor.lastrowid)

    def finish(
        self,
        run_id: int,
        *,
        status: str,
        outcome: str = "",
        pr_number: int | None = None,
        pr_url: str = "",
        papers_read: int = 0,
        proposals: int = 0,
        gaps: Iterable[date] = (),
        model_version: str = "",
        error: str = "",
    ) -> None:
        """Close a run with its outcome."""
        if status not in FINISHED:
            raise ValueError(f"unknown run status {status!r}")
        with self.store.transaction("record a run in") as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, outcome = ?, pr_number = ?, pr_url = ?, "
                "papers_read = ?, proposals = ?, gaps = ?, model_version = ?, error = ? WHERE id = ?",
                (
                    _now(), status, outcome, pr_number, pr_url, papers_read, proposals,
                    json.dumps([d.isoformat() for d in gaps]), model_version, error, run_id,
                ),
            )

    def record_scores(self, run_id: int, scored: Iterable[ScoredPaper], proposed: Iterable[str]) -> None:
        """Keep every score of the run (the learning step counts hand-added papers the bot scored low)."""
        chosen = set(proposed)
        rows = [
            (run_id, s.paper.arxiv_id, float(s.score), s.sections[0].section if s.sections else "",
             int(s.paper.arxiv_id in chosen))
            for s in scored
        ]
        with self.store.transaction("record scores in") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO run_scores (run_id, arxiv_id, score, section, proposed) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    def last_successful(self, *, include_dry_runs: bool = False) -> RunRecord | None:
        """The newest run that finished ``ok`` or with ``warnings`` (published runs only, by default)."""
        sql = f"SELECT {_COLUMNS} FROM runs WHERE status IN ('ok', 'warnings')"
        if not include_dry_runs:
            sql += " AND dry_run = 0"
        rows = self.store.query(sql + " ORDER BY until DESC, id DESC LIMIT 1")
        return _record(rows[0]) if rows else None

    def runs(self) -> list[RunRecord]:
        """Every run, oldest first."""
        rows = self.store.query(f"SELECT {_COLUMNS} FROM runs ORDER BY id")
        return [_record(r) for r in rows]

    def best_scores(self, arxiv_ids: Iterable[str] | None = None) -> dict[str, tuple[float, bool]]:
        """Per paper, its highest score over all runs and whether any run proposed it."""
        sql = "SELECT arxiv_id, MAX(score), MAX(proposed) FROM run_scores GROUP BY arxiv_id"
        rows = self.store.query(sql)
        wanted = None if arxiv_ids is None else set(arxiv_ids)
        return {r[0]: (float(r[1]), bool(r[2])) for r in rows if wanted is None or r[0] in wanted}
