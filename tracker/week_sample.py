"""The training budget's negatives: a reproducible sample of papers, stratified by week.

Training reads a fixed number of negatives (``model.negatives``), whatever the
store's size, and pruning (:mod:`tracker.store.prune`) keeps the abstracts of
exactly these papers. Both call :func:`stratified_sample` (through
:func:`tracker.store.training_negative_ids` on the store), so they agree; a
corpus file's negatives (:func:`classifiers.training_set.build_training_set`)
are drawn by the same rule. It lives in the base layer so that the model, which
may not import the store, uses it too; :mod:`tracker.store.sample` re-exports it.

The sample gives every ISO week of the history an equal share of the budget
(water-filling: a week with fewer papers than its share gives all of them and
the rest goes to the others). Within a week, papers are ordered by a hash of
``random_state`` and their id (:func:`sample_order`), and a week's share is the
first papers in that order. Adding weeks to the history only lowers the shares,
so the next sample of a week is a prefix of this one: a paper left out of a
sample is never needed by a later one with the same budget and ``random_state``,
and its abstract can go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from tracker.records import iso_week

__all__ = ["iso_week", "sample_order", "stratified_sample", "week_shares"]


def sample_order(arxiv_id: str, random_state: int) -> bytes:
    """The sort key of a paper within its week: stable across runs, machines and Python versions."""
    return hashlib.blake2b(f"{random_state}:{arxiv_id}".encode(), digest_size=8).digest()


def week_shares(sizes: dict[str, int], budget: int) -> dict[str, int]:
    """How many papers each week gives to a sample of ``budget`` (water-filling over ``sizes``; all if it fits).

    Shares differ by at most one between weeks that are not exhausted; the extra ones go to the earliest weeks
    in week order, so the split is deterministic.
    """
    if budget <= 0 or sum(sizes.values()) <= budget:
        return dict(sizes)
    shares: dict[str, int] = {}
    left = budget
    weeks = sorted(sizes, key=lambda w: (sizes[w], w))
    for i, week in enumerate(weeks):
        level = left // (len(weeks) - i)
        if sizes[week] > level:  # this week and every larger one get the level (plus the remainder)
            rest = sorted(weeks[i:])
            extra = left - level * len(rest)
            for j, w in enumerate(rest):
                shares[w] = level + (1 if j < extra else 0)
            return shares
        shares[week] = sizes[week]
        left -= sizes[week]
    return shares


def stratified_sample(candidates: Iterable[tuple[str, str]], budget: int, random_state: int = 0) -> list[str]:
    """The ids of a sample of at most ``budget`` of ``candidates`` (``(arxiv_id, day)`` pairs), stratified by ISO week.

    ``budget`` 0 (or less) means every candidate. The result is in week order, then sample order; it depends only
    on the candidates, ``budget`` and ``random_state`` (not on the candidates' order).
    """
    by_week: dict[str, dict[str, None]] = {}
    for arxiv_id, day in candidates:
        by_week.setdefault(iso_week(day or ""), {})[arxiv_id] = None
    shares = week_shares({week: len(ids) for week, ids in by_week.items()}, budget)
    chosen: list[str] = []
    for week in sorted(by_week):
        ids = sorted(by_week[week], key=lambda pid: (sample_order(pid, random_state), pid))
        chosen.extend(ids[: shares.get(week, 0)])
    return chosen
