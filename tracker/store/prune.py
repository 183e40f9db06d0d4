"""Pruning: the texts of papers that can no longer be proposed nor trained on are dropped from the store.

A pruned paper keeps its row: id, title, day, categories, dates, version, venue
and code/data links stay (duplicate checks by id and title, coverage, the fetch
log, the report and the learning step need them), and only the bulky text goes:
the abstract, the authors and the arXiv comment (venue and links were read from
it when the paper was stored). A pruned paper has ``abstract = ''``; fetched
again (a new version, an overlapping window) it gets its texts back, because
:func:`tracker.store.papers.merge` fills blanks from the new record.

:func:`plan_prune` decides which papers go. A paper keeps its texts when it is
dated on or after ``before`` (the caller's cut: the first day a later run can
score, with a margin), when it has no day, when the caller names it (the list's
papers, by id or by title), when it is :func:`protected` (labelled, proposed,
or a near-miss of a run), or when it is in the training sample of negatives:
``stratified_sample(store.ids_and_days(before), negatives, random_state)``, the
call training makes. The sample over a longer history (a later training cut)
only drops papers of this one (see :mod:`tracker.store.sample`), so a paper
pruned now is never needed by a later training with the same ``negatives`` and
``random_state``; ``negatives`` 0 (train on everything) prunes nothing.

:func:`drop_texts` carries a plan out in one transaction and runs ``VACUUM`` when the
texts dropped since the last ``VACUUM`` add up to much (:data:`VACUUM_SHARE` of the
file, or :data:`VACUUM_BYTES`). Counting since the last ``VACUUM``, not per prune,
matters: a weekly prune drops about a week of texts, and SQLite does not reuse
the room a shortened row leaves inside its page for the new rows, so a file
vacuumed only after a big single prune would keep growing as if never pruned.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from tracker.paper_ids import normalise_title
from tracker.store.labels import LabelStore
from tracker.store.papers import Store
from tracker.store.training import near_miss_ids, training_negative_ids

log = logging.getLogger(__name__)

VACUUM_SHARE = 0.05
"""``VACUUM`` after a prune that freed at least this share of the file ..."""
VACUUM_BYTES = 50 * 1024 * 1024
"""... or at least this many bytes (whatever the file's size)."""
_BATCH = 900
_UNVACUUMED = "prune_unvacuumed_bytes"
_TEXT_BYTES = "length(CAST(abstract AS BLOB)) + length(CAST(authors AS BLOB)) + length(CAST(comment AS BLOB))"
"""Bytes of the texts a prune drops (SQLite stores TEXT as UTF-8)."""


@dataclass(frozen=True)
class PrunePlan:
    """What a prune would do."""

    before: date
    """Papers dated before this day may lose their texts."""
    ids: tuple[str, ...]
    """The papers to prune, by id."""
    text_bytes: int
    """Bytes of abstracts, authors and comments they hold."""
    candidates: int
    """Papers dated before :attr:`before` that still had their texts."""
    sampled: int
    """Of the candidates, those kept as the training sample of negatives."""
    file_bytes: int
    """Size of the store's file (0 for ``:memory:``)."""
    pending_bytes: int = 0
    """Bytes of texts earlier prunes dropped since the last ``VACUUM``."""

    @property
    def vacuum(self) -> bool:
        """Whether the prune frees enough to be worth a ``VACUUM`` (see :data:`VACUUM_SHARE`, :data:`VACUUM_BYTES`)."""
        if not self.ids or not self.file_bytes:
            return False
        freed = self.text_bytes + self.pending_bytes
        return freed >= VACUUM_BYTES or freed >= VACUUM_SHARE * self.file_bytes


@dataclass(frozen=True)
class PruneResult:
    """What a prune did."""

    plan: PrunePlan
    pruned: int
    """Papers whose texts were dropped."""
    vacuumed: bool
    file_bytes: int
    """Size of the file afterwards."""

    @property
    def freed(self) -> int:
        """Bytes the file shrank by when vacuumed, else the bytes of text dropped (free pages SQLite reuses)."""
        return max(self.plan.file_bytes - self.file_bytes, 0) if self.vacuumed else self.plan.text_bytes


def protected(store: Store, *, near_misses: int, threshold: float) -> set[str]:
    """Papers whose texts stay whatever their age: labelled (any review label), proposed by a run, at or above
    ``threshold`` in a run without being proposed (overflow), and each run's ``near_misses`` best papers below it
    (the hard negatives training keeps on top of its sample)."""
    rows = store.query("SELECT arxiv_id FROM labels "
                       "UNION SELECT arxiv_id FROM run_scores WHERE proposed = 1 OR score >= ?", (threshold,))
    return {str(r[0]) for r in rows} | near_miss_ids(store, near_misses, threshold)


def protected_titles(store: Store) -> set[str]:
    """Normalised titles of labelled papers (a label may name a paper by title alone)."""
    return {t for (title,) in store.query("SELECT DISTINCT title FROM labels WHERE title != ''")
            if (t := normalise_title(title))}


def plan_prune(store: Store, *, before: date, negatives: int, random_state: int, keep_ids: Collection[str] = (),
               keep_titles: Collection[str] = (), near_misses: int = 10, threshold: float = 1.0) -> PrunePlan:
    """The papers to prune: see the module docstring. ``keep_ids``/``keep_titles`` (normalised, as
    :func:`~tracker.paper_ids.normalise_title` gives them): papers the caller needs (the list's)."""
    cut = before.isoformat()
    rows = store.query(
        f"SELECT arxiv_id, title, {_TEXT_BYTES} FROM papers WHERE day != '' AND day < ? AND abstract != '' "
        "ORDER BY day, arxiv_id", (cut,))
    size = file_size(store)
    if negatives <= 0 or not rows:  # training reads every paper: every text is needed
        return PrunePlan(before, (), 0, len(rows), len(rows), size, unvacuumed_bytes(store))
    sample = set(training_negative_ids(store, negatives, random_state, before))  # training's own draw
    # protected() holds every hard negative training keeps (standing rejections are labels, near-misses its own)
    kept = set(keep_ids) | protected(store, near_misses=near_misses, threshold=threshold)
    titles = set(keep_titles) | protected_titles(store)
    chosen: list[str] = []
    text_bytes = 0
    for arxiv_id, title, n in rows:
        if arxiv_id in sample or arxiv_id in kept or (titles and normalise_title(title) in titles):
            continue
        chosen.append(arxiv_id)
        text_bytes += int(n or 0)
    sampled = sum(1 for r in rows if r[0] in sample)
    return PrunePlan(before, tuple(chosen), text_bytes, len(rows), sampled, size, unvacuumed_bytes(store))


def drop_texts(store: Store, plan: PrunePlan) -> PruneResult:
    """Drop the texts of the plan's papers (one transaction), then ``VACUUM`` if the plan says it frees much."""
    ids = list(plan.ids)
    pruned = 0
    with store.transaction("prune") as conn:
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            cursor = conn.execute(
                "UPDATE papers SET abstract = '', authors = '[]', comment = '' "
                f"WHERE abstract != '' AND arxiv_id IN ({', '.join('?' for _ in batch)})", batch)
            pruned += cursor.rowcount
        if pruned and not plan.vacuum:
            conn.execute("INSERT OR REPLACE INTO learn_state (key, value) VALUES (?, ?)",
                         (_UNVACUUMED, str(plan.pending_bytes + plan.text_bytes)))
    vacuumed = False
    if plan.vacuum and pruned:
        store.vacuum()
        vacuumed = True
        with store.transaction("prune") as conn:
            conn.execute("DELETE FROM learn_state WHERE key = ?", (_UNVACUUMED,))
    result = PruneResult(plan, pruned, vacuumed, file_size(store))
    log.info("%s: pruned %d papers dated before %s (%d bytes of text)%s", store.path, pruned, plan.before,
             plan.text_bytes, f"; vacuumed, {plan.file_bytes} -> {result.file_bytes} bytes" if vacuumed else "")
    return result


def unvacuumed_bytes(store: Store) -> int:
    """Bytes of texts dropped by prunes since the store's last ``VACUUM`` (kept in ``learn_state``)."""
    value = LabelStore(store).state(_UNVACUUMED)
    try:
        return max(int(value), 0) if value else 0
    except ValueError:
        return 0


def file_size(store: Store) -> int:
    """Bytes of the store's file (0 for ``:memory:``)."""
    try:
        return os.path.getsize(store.path) if store.path != ":memory:" else 0
    except OSError:
        return 0
