"""What training reads from the store: the list's papers, the labelled ones, the hard negatives and the budget's
sample, never the whole table.

:func:`training_negative_ids` is the budget's sample (``model.negatives`` papers stratified by ISO week, see
:mod:`tracker.week_sample`) and :func:`hard_negative_ids` the negatives kept on top of it. Pruning keeps the
abstracts of both, so it calls these same two functions. :func:`read_training_papers` reads the papers of a
training: the weekly run and ``kd-tracker train``/``evaluate`` on the store call it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from tracker.paper_ids import KnownPapers, normalise_title
from tracker.records import Paper
from tracker.store.labels import Label, LabelStore, rejected_among
from tracker.store.papers import Store
from tracker.week_sample import stratified_sample

log = logging.getLogger(__name__)

_BATCH = 900
"""Ids per ``IN (...)`` query (SQLite's variable limit is 999 on old builds)."""


class ListRow(Protocol):
    """What reading the list's papers needs from a list row (``tracker.listdoc`` rows have it)."""

    arxiv_id: str | None
    title: str


def training_negative_ids(store: Store, budget: int, random_state: int = 0, before: date | None = None) -> list[str]:
    """The budget's sample: ``stratified_sample(store.ids_and_days(before), budget, random_state)``.

    Every stored paper dated before ``before`` (all when None) that still has its abstract is a candidate, list
    papers and hard negatives too (they are drawn like any other and then count as what they are), so the
    sample depends only on the store's ids and days, the budget and the seed. ``budget`` 0 means every candidate.
    """
    return stratified_sample(store.ids_and_days(before), budget, random_state)


def near_miss_ids(store: Store, per_run: int, threshold: float) -> set[str]:
    """Per recorded run, its ``per_run`` best-scored papers below ``threshold`` that it did not propose; papers
    some run proposed are left out (the review decides about them)."""
    if per_run <= 0:
        return set()
    rows = store.query(
        "SELECT arxiv_id FROM (SELECT arxiv_id, ROW_NUMBER() OVER (PARTITION BY run_id ORDER BY score DESC, arxiv_id)"
        " AS n FROM run_scores WHERE proposed = 0 AND score < ?) WHERE n <= ?"
        " AND arxiv_id NOT IN (SELECT arxiv_id FROM run_scores WHERE proposed = 1)",
        (float(threshold), int(per_run)),
    )
    return {str(r[0]) for r in rows}


def hard_negative_ids(store: Store, *, near_misses: int, threshold: float,
                      labels: Iterable[Label] | None = None) -> set[str]:
    """The negatives training always has, whatever the budget (and whose abstracts pruning keeps).

    - standing rejections (:func:`~tracker.store.labels.rejected_among`): papers of a bot PR closed unmerged,
      rows the maintainers removed from the list, papers the reviewer unticked, unless a later hand-add lifted it;
    - near-misses of earlier runs (:func:`near_miss_ids`): per run in ``run_scores``, the ``near_misses``
      (``model.near_misses``) best-scored papers below ``threshold`` (``model.threshold``) it did not propose.

    ``labels`` defaults to the store's own (:meth:`LabelStore.all`). A list paper among them is still a positive:
    training decides that, not this set.
    """
    labels = LabelStore(store).all() if labels is None else labels
    return rejected_among(labels) | near_miss_ids(store, near_misses, threshold)


@dataclass
class TrainingPapers:
    """The papers one training reads from the store, and where each group came from."""

    papers: list[Paper]
    """The list's and the labelled papers found, the hard negatives and the sample, each once."""
    positives: int
    """List papers found in the store (by arXiv id, else normalised title)."""
    labelled: int
    """Papers with a review label found in the store."""
    hard_negatives: set[str] = field(default_factory=set)
    """Ids of the hard negatives found in the store (pass them to ``train``)."""
    sampled: int = 0
    """Papers of the budget's sample."""
    candidates: int = 0
    """Stored papers before the cut that the sample was drawn from (those with their texts)."""
    population: int = 0
    """Stored papers before the cut, pruned ones too: what the sample stands for (``train``'s ``stored``)."""


def list_paper_ids(store: Store, rows: Iterable[ListRow]) -> list[str]:
    """Ids of the stored papers that the list's ``rows`` name: by arXiv id, else by normalised title.

    Rows whose id the store lacks (or that have none) are matched by title against a title-only read of the
    store (no abstracts), only when there are such rows.
    """
    rows = list(rows)
    by_id = _stored_ids(store, [r.arxiv_id for r in rows if r.arxiv_id])
    found = [r.arxiv_id for r in rows if r.arxiv_id in by_id]
    rest = [r for r in rows if r.arxiv_id not in by_id]
    if rest:
        known: KnownPapers[str] = KnownPapers()
        for pid, title in _title_candidates(store, rest):
            known.add(pid, title, pid)
        for row in rest:
            pid = known.find(row.arxiv_id, row.title)
            if pid is not None:
                found.append(pid)
    return list(dict.fromkeys(found))


def _title_candidates(store: Store, rows: list[ListRow]) -> list[tuple[str, str]]:
    """The stored ``(id, title)`` pairs that may match one of ``rows`` by title: those whose title contains the
    three longest ASCII words of a row's normalised title (SQLite sieves them, however big the store); every
    stored title when a row has no such word (its title is then read and normalised in Python, as the match
    needs)."""
    groups = []
    for row in rows:
        words = [w for w in normalise_title(row.title or "").split() if w.isascii() and w.isalnum()]
        if not words:
            return store.ids_and_titles()
        groups.append(sorted(set(words), key=lambda w: (-len(w), w))[:3])
    return store.ids_and_titles_with(groups)


def _stored_ids(store: Store, ids: list[str]) -> set[str]:
    """Which of ``ids`` the store has (reads ids only)."""
    ids = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        found.update(str(r[0]) for r in store.query(
            f"SELECT arxiv_id FROM papers WHERE arxiv_id IN ({', '.join('?' for _ in chunk)})", tuple(chunk)))
    return found


def read_training_papers(
    store: Store,
    rows: Iterable[ListRow],
    *,
    labelled: Iterable[str] = (),
    hard_negatives: Iterable[str] = (),
    budget: int,
    random_state: int = 0,
    before: date | None = None,
) -> TrainingPapers:
    """Read what a training needs: the list's papers, the ``labelled`` ones, ``hard_negatives`` and the budget's
    sample before ``before`` (:func:`training_negative_ids`), with :meth:`Store.get`; at most
    ``budget`` + list + labelled + hard papers (every stored paper when ``budget`` is 0)."""
    positives = list_paper_ids(store, rows)
    labelled = list(dict.fromkeys(labelled))
    hard = list(dict.fromkeys(hard_negatives))
    candidates = store.ids_and_days(before)
    sample = stratified_sample(candidates, budget, random_state)
    found = store.get([*positives, *labelled, *hard, *sample])
    # a pruned paper (no abstract) is a list paper's title still worth learning from, but no negative: a changed
    # setting (near_misses, threshold, an earlier cut) can ask for texts an earlier prune dropped
    wanted = set(positives) | set(labelled)
    pruned = [pid for pid, p in found.items() if not p.abstract and pid not in wanted]
    if pruned:
        log.warning("%d papers training asked for were pruned from the store (no abstract) and are left out: %s",
                    len(pruned), ", ".join(sorted(pruned)[:5]))
        for pid in pruned:
            del found[pid]
    papers = sorted(found.values(), key=lambda p: (p.day, p.arxiv_id))  # the store's order, as papers() gives it
    log.debug("%s: read %d papers to train on (%d list, %d labelled, %d hard, sample of %d of %d before %s)",
              store.path, len(papers), len(positives), len(labelled), len(hard), len(sample), len(candidates), before)
    return TrainingPapers(papers, positives=len(positives), labelled=sum(1 for i in labelled if i in found),
                          hard_negatives={i for i in hard if i in found}, sampled=len(sample),
                          candidates=len(candidates), population=store.count_before(before))
