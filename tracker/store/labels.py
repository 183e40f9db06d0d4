"""The maintainers' review labels, kept in the paper store (schema migration 3).

A :class:`Label` is one signal about one paper: label 1 (belongs, in
``section`` when given) or 0 (does not belong; with ``section``: not in that
section), with where it came from (a bot PR, a commit of the list, a
list-history file) and when. :class:`LabelStore` adds them idempotently: a
label's natural key is ``(arxiv_id, section, kind, source, ref)``, so reading
the same PR or commit twice adds nothing.

Two questions the weekly run asks of it:

- :meth:`LabelStore.rejected_ids`: papers never to propose again. A paper is
  rejected when its newest whole-paper signal says 0 (a row removed, a PR
  closed unmerged); a later hand-added label (the paper back in the list)
  lifts it.
- :meth:`LabelStore.training_labels`: the labels as
  :class:`classifiers.training_set.ExtraLabel`\\ s for :func:`classifiers.training.train`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from tracker.records import ExtraLabel
from tracker.store.papers import Store

KINDS = {
    "kept": "a proposed row still in its section",
    "moved": "a row moved to another section (label 1 there, label 0 in the section it left)",
    "removed": "a row or paper removed from the list",
    "rejected": "a paper of a bot PR closed without merging",
    "miss": "a paper a maintainer added by hand that the bot scored below the threshold",
    "added": "a paper added by hand after it was rejected (lifts the rejection)",
    "dropped": "a paper of the open bot PR the reviewer unticked (label 0 for the paper)",
    "proposed_again": "a rejected paper a maintainer ticked `propose again` on the dashboard (lifts the rejection)",
}
"""Label kinds and what each means."""
SOURCES = ("pr", "commit", "history", "list", "tick", "takeover", "file", "dashboard")
"""Where a label was read: a bot PR, a commit of the list file, a list-history file, the list at head, a tick in
the open bot PR's body, the maintainers' edits on a branch the bot took over (before it rebuilt the branch), a
labels file replayed by ``kd-tracker train --labels`` (:mod:`.label_file`; such labels are not stored), a tick on the
dashboard issue (ref: the issue number and the day)."""
POSITIVE_WHOLE = ("kept", "added", "miss", "proposed_again")
"""Kinds that say the paper belongs in the list (they lift an earlier rejection)."""


@dataclass(frozen=True, order=True)
class Label:
    """One review signal about one paper."""

    arxiv_id: str
    """The paper (versionless arXiv id)."""
    label: int
    """1: belongs (in ``section``); 0: does not belong (in ``section``, or at all when it is empty)."""
    section: str
    """Section path the signal is about, ``""`` for the paper as a whole."""
    kind: str
    """One of :data:`KINDS`."""
    source: str
    """One of :data:`SOURCES`."""
    ref: str
    """The PR number, commit sha or history file name the signal came from."""
    date: str
    """When the maintainers acted (``YYYY-MM-DD``): merge/close date, commit date."""
    title: str = ""
    """The paper's title, for reports."""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """The natural key: a second label with the same key is the same signal."""
        return (self.arxiv_id, self.section, self.kind, self.source, self.ref)

    def to_extra(self) -> ExtraLabel:
        return ExtraLabel(self.arxiv_id, self.label, self.section or None)

    def __str__(self) -> str:
        where = f" in {self.section}" if self.section else ""
        return f"{self.arxiv_id} {self.kind} ({self.label}){where} [{self.source} {self.ref} {self.date}]"


@dataclass(frozen=True)
class StoredReview:
    """What one bot PR came to, as the ``reviews`` table keeps it."""

    pr_number: int
    state: str
    """``merged`` or ``closed`` (closed without merging)."""
    closed_at: str
    """Merge or close date, ``YYYY-MM-DD``."""
    as_of: str
    """The run's date the PR was built for (from its metadata)."""
    model_version: str
    proposed: int
    """Rows proposed."""
    kept: int
    moved: int
    removed: int
    rejected: int
    """Rows rejected with the whole PR (closed unmerged)."""
    scores: tuple[float, ...] = ()
    """Relevance scores of the proposed papers."""


_LABEL_COLUMNS = "arxiv_id, label, section, kind, source, ref, date, title"
_REVIEW_COLUMNS = "pr_number, state, closed_at, as_of, model_version, proposed, kept, moved, removed, rejected, scores"


class LabelStore:
    """Review labels, PR reviews and the learning step's cursor, in the store's SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # labels ------------------------------------------------------------------------------------------------
    def add(self, labels: Iterable[Label]) -> int:
        """Insert the labels not stored yet (by natural key); returns how many were new."""
        rows = [(*_values(label), _now()) for label in labels]
        with self.store.transaction("write labels to") as conn:
            before = conn.total_changes
            conn.executemany(
                f"INSERT OR IGNORE INTO labels ({_LABEL_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )
            return conn.total_changes - before

    def replace(self, source: str, ref: str, labels: Iterable[Label]) -> tuple[int, int]:
        """Make ``labels`` the whole set read from one source (a PR read again); returns ``(added, dropped)``.

        Labels already stored keep their row (and first ``created_at``); stored
        labels of that source no longer in ``labels`` are deleted.
        """
        wanted = {label.key: label for label in labels}
        with self.store.transaction("write labels to") as conn:
            stored = {tuple(r[1:]): r[0] for r in conn.execute(
                "SELECT id, arxiv_id, section, kind, source, ref FROM labels WHERE source = ? AND ref = ?", (source, ref))}
            stale = [row_id for key, row_id in stored.items() if key not in wanted]
            conn.executemany("DELETE FROM labels WHERE id = ?", [(i,) for i in stale])
            new = [(*_values(label), _now()) for key, label in wanted.items() if key not in stored]
            conn.executemany(
                f"INSERT INTO labels ({_LABEL_COLUMNS}, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", new
            )
        return len(new), len(stale)

    def all(self) -> list[Label]:
        """Every label, oldest signal first (by date, then insertion)."""
        rows = self.store.query(f"SELECT {_LABEL_COLUMNS} FROM labels ORDER BY date, id")
        return [Label(r[0], int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]

    def rejected_ids(self) -> set[str]:
        """Papers never to propose again: their newest whole-paper signal is a rejection or removal."""
        return rejected_among(self.all())

    def training_labels(self) -> list[ExtraLabel]:
        """The labels as :class:`~classifiers.training_set.ExtraLabel`\\ s, one per (paper, label, section).

        A rejection lifted by a later hand-added label is left out.
        """
        return training_labels_of(self.all())

    # reviews -----------------------------------------------------------------------------------------------
    def save_review(self, review: StoredReview) -> bool:
        """Insert or update one PR's review; returns whether the stored row changed."""
        values = (review.pr_number, review.state, review.closed_at, review.as_of, review.model_version,
                  review.proposed, review.kept, review.moved, review.removed, review.rejected,
                  json.dumps([round(s, 6) for s in review.scores]))
        with self.store.transaction("write reviews to") as conn:
            old = conn.execute(f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE pr_number = ?", (review.pr_number,)).fetchone()
            if old == values:
                return False
            conn.execute(f"INSERT OR REPLACE INTO reviews ({_REVIEW_COLUMNS}) VALUES ({', '.join('?' * 11)})", values)
        return True

    def reviews(self) -> list[StoredReview]:
        """Every reviewed bot PR, by number."""
        rows = self.store.query(f"SELECT {_REVIEW_COLUMNS} FROM reviews ORDER BY pr_number")
        return [StoredReview(*r[:10], scores=tuple(json.loads(r[10]))) for r in rows]

    # cursor ------------------------------------------------------------------------------------------------
    def state(self, key: str) -> str | None:
        """A value the learning step keeps between runs (e.g. the last list commit read)."""
        rows = self.store.query("SELECT value FROM learn_state WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_state(self, key: str, value: str) -> None:
        with self.store.transaction("write to") as conn:
            conn.execute("INSERT OR REPLACE INTO learn_state (key, value) VALUES (?, ?)", (key, value))


def rejected_among(labels: Iterable[Label]) -> set[str]:
    """Papers whose newest whole-paper signal among ``labels`` (oldest first) is a rejection or removal."""
    latest: dict[str, Label] = {}
    for label in labels:
        if label.kind in POSITIVE_WHOLE or (label.label == 0 and not label.section):
            latest[label.arxiv_id] = label
    return {pid for pid, label in latest.items() if label.label == 0}


def training_labels_of(labels: Iterable[Label]) -> list[ExtraLabel]:
    """``labels`` (oldest first) as :class:`~tracker.records.ExtraLabel`\\ s, one per (paper, label, section).

    The one rule for the store's labels and a replayed labels file alike: a whole-paper 0 whose paper is not
    rejected any more (a later hand-add lifted it, see :func:`rejected_among`) is left out.
    """
    labels = list(labels)
    rejected = rejected_among(labels)
    out: dict[tuple[str, int, str], ExtraLabel] = {}
    for label in labels:
        if label.label == 0 and not label.section and label.arxiv_id not in rejected:
            continue
        out.setdefault((label.arxiv_id, label.label, label.section), label.to_extra())
    return list(out.values())


def _values(label: Label) -> tuple[str, int, str, str, str, str, str, str]:
    if label.kind not in KINDS:
        raise ValueError(f"unknown label kind {label.kind!r}")
    if label.source not in SOURCES:
        raise ValueError(f"unknown label source {label.source!r}")
    return (label.arxiv_id, int(label.label), label.section, label.kind, label.source, label.ref, label.date, label.title)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
