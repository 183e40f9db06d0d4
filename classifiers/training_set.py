"""The training set, built from the list itself.

Positives are the list's rows matched to papers by arXiv id or normalised
title; a paper in several sections counts for each. Negatives are the other
papers dated before ``train_until`` when one is given: all of them, or with a
budget of ``negatives``, a sample of that many stratified by ISO week and
seeded by ``random_state`` (:func:`tracker.week_sample.stratified_sample` over
every given paper dated before the cut, the rule the store's
:func:`tracker.store.training_negative_ids` follows, so a corpus file and the
store give the same sample); positives and hard negatives drawn into it count
as what they are. ``hard_negatives`` (earlier runs' near-misses, papers the
maintainers rejected or removed: :func:`tracker.store.hard_negative_ids`) are
negatives whatever their date and the budget, unless the list or a label makes
them positives. ``presampled`` says the given papers are already the budget's
sample (the store's reading, :func:`tracker.store.read_training_papers`): they
are all taken. Maintainers' review labels
(:class:`ExtraLabel`) add positives, negatives and section corrections: a 1 is a positive
that counts like a list paper (weight 1, in its section when it names one); a whole-paper 0 is a hard negative
(weight 1, kept whatever its date and whatever the sample of negatives) that beats the labels' 1s for the same
paper, but not the list (a paper in the list now is a positive); a 0 in a section only takes that section away.

Positive-unlabeled learning: the "negatives" are really unlabeled, and some of
them are papers the list would take. Unlabeled papers that look like
distillation of LLMs (see :data:`LIKELY_POSITIVE`) get ``unlabeled_weight``
instead of 1, so they pull the model down less; explicit rejections keep weight 1.

:func:`training_key` names what a model is trained for (the list and the labels), so a saved model is
retrained only when they change.

The list's section headings (:mod:`classifiers.headings`) join the relevance
fit as positive documents of weight ``heading_weight`` (:meth:`TrainingSet.fit_data`);
they are not papers, so counts, sections and evaluations leave them out.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from classifiers.features import DISTIL, LLM_CONTEXT, paper_text
from classifiers.headings import heading_documents
from tracker.paper_ids import KnownPapers, paper_key
from tracker.records import ExtraLabel, Paper
from tracker.week_sample import stratified_sample

log = logging.getLogger(__name__)

LIKELY_POSITIVE = (DISTIL, LLM_CONTEXT)
"""An unlabeled paper matching all of these patterns is down-weighted as a negative."""


class RowLike(Protocol):
    """What training needs from a list row (:class:`tracker.listdoc.document.Row` has it)."""

    arxiv_id: str | None
    title: str
    section: str


@dataclass
class ListPaper:
    """One distinct paper of the list, with every section it sits in."""

    arxiv_id: str | None
    title: str
    sections: list[str] = field(default_factory=list)


@dataclass
class TrainingSet:
    """Papers with their labels, weights and sections, ready for ``fit``."""

    papers: list[Paper]
    """Positives first, then negatives."""
    y: np.ndarray
    """1 for positives, 0 for negatives (int8)."""
    sample_weight: np.ndarray
    """Weight of each paper in the relevance fit (float64)."""
    sections: list[tuple[str, ...]]
    """Sections of each paper (empty for negatives)."""
    unmatched: list[ListPaper]
    """Papers of the list that none of the given papers matched (left out)."""
    headings: list[Paper] = field(default_factory=list)
    """The list's section headings as documents (see :mod:`classifiers.headings`)."""
    heading_weight: float = 0.0
    """Weight of each heading document in the relevance fit."""
    sampled: int = 0
    """Negatives from the budget's sample (the unlabeled ones)."""
    candidates: int = 0
    """Papers dated before the cut that the sample was drawn from (all of them when the budget covers them)."""
    hard: int = 0
    """Hard negatives: rejected papers and ``hard_negatives``, on top of the budget."""

    @property
    def positives(self) -> int:
        return int(self.y.sum())

    @property
    def negatives(self) -> int:
        return int(len(self.y) - self.y.sum())

    def fit_data(self) -> tuple[list[Paper], np.ndarray, np.ndarray]:
        """Papers, labels and weights for the relevance fit: the papers, then the heading documents as positives."""
        if not self.headings or self.heading_weight <= 0:
            return self.papers, self.y, self.sample_weight
        n = len(self.headings)
        return (
            self.papers + self.headings,
            np.r_[self.y, np.ones(n, dtype=np.int8)],
            np.r_[self.sample_weight, np.full(n, self.heading_weight)],
        )


def list_papers(rows: Iterable[RowLike]) -> list[ListPaper]:
    """Group the list's rows into distinct papers (same arXiv id, else same normalised title)."""
    by_key: dict[str, ListPaper] = {}
    for row in rows:
        paper = by_key.setdefault(paper_key(row.arxiv_id, row.title), ListPaper(row.arxiv_id, row.title))
        if row.section and row.section not in paper.sections:
            paper.sections.append(row.section)
    return list(by_key.values())


def missing_ids(rows: Iterable[RowLike], papers: Iterable[Paper]) -> list[str]:
    """arXiv ids of list papers that ``papers`` lacks (to look up on the arXiv API), in list order."""
    have = {p.arxiv_id for p in papers}
    return [lp.arxiv_id for lp in list_papers(rows) if lp.arxiv_id and lp.arxiv_id not in have]


def _likely_positive(paper: Paper) -> bool:
    text = paper_text(paper)
    return all(re.search(p, text, re.IGNORECASE) for p in LIKELY_POSITIVE)


def build_training_set(
    rows: Iterable[RowLike],
    papers: Iterable[Paper],
    *,
    train_until: datetime.date | None = None,
    extra_labels: Iterable[Any] = (),
    negatives: int = 0,
    unlabeled_weight: float = 1.0,
    heading_weight: float = 0.0,
    random_state: int = 0,
    hard_negatives: Iterable[str] = (),
    presampled: bool = False,
    population: int | None = None,
) -> TrainingSet:
    """Match the list to ``papers`` and label everything; see the module docstring."""
    if heading_weight < 0:
        raise ValueError(f"heading_weight must be at least 0, got {heading_weight}")
    wanted = list_papers(rows)
    extras = [ExtraLabel.coerce(e) for e in extra_labels]
    pool: dict[str, Paper] = {}
    known: KnownPapers[str] = KnownPapers()
    for paper in papers:
        pool.setdefault(paper.arxiv_id, paper)
        known.add(paper.arxiv_id, paper.title, paper.arxiv_id)

    sections: dict[str, list[str]] = {}
    unmatched: list[ListPaper] = []
    for lp in wanted:
        pid = known.find(lp.arxiv_id, lp.title)
        if pid is None:
            unmatched.append(lp)
            continue
        target = sections.setdefault(pid, [])
        target.extend(s for s in lp.sections if s not in target)

    # a whole-paper 0 is a current rejection (the caller left out those a later hand-add lifted, see
    # tracker.store.training_labels_of): it beats the review's 1s for the paper, whatever their order, but not the
    # list itself (a paper in the list now was put back)
    rejected = {e.arxiv_id for e in extras if e.label == 0 and not e.section and e.arxiv_id in pool} - set(sections)
    for extra in extras:
        if extra.arxiv_id not in pool:
            log.debug("review label for %s: paper not among the training papers, skipped", extra.arxiv_id)
            continue
        if extra.arxiv_id in rejected:
            continue
        if extra.label == 1:
            target = sections.setdefault(extra.arxiv_id, [])
            if extra.section and extra.section not in target:
                target.append(extra.section)
        elif extra.section and extra.arxiv_id in sections and extra.section in sections[extra.arxiv_id]:
            sections[extra.arxiv_id].remove(extra.section)

    cut = train_until.isoformat() if train_until else None
    dated = [(pid, p.day) for pid, p in pool.items() if cut is None or (p.day and p.day < cut)]
    budget = 0 if presampled else negatives
    sampled = stratified_sample(dated, budget, random_state) if budget > 0 and len(dated) > budget else [pid for pid, _ in dated]
    hard = {pid for pid in hard_negatives if pid in pool} | rejected
    chosen_ids = set(sampled) - set(sections) - hard
    # in store order (the pool's), so a budget that takes everything gives the training set it always gave
    negative_ids = [pid for pid in pool if pid in chosen_ids or (pid in hard and pid not in sections)]

    positive_ids = list(sections)
    chosen = [pool[pid] for pid in positive_ids] + [pool[pid] for pid in negative_ids]
    y = np.r_[np.ones(len(positive_ids), dtype=np.int8), np.zeros(len(negative_ids), dtype=np.int8)]
    # the sample stands for the papers it was drawn from: every weight is scaled by their ratio, so the fit's data
    # term (and so how much the regularisation weighs) is the one training on all of them would have
    drawn_from = len(dated) if population is None else max(population, len(dated))
    weight = np.full(len(chosen), max(drawn_from / max(len(sampled), 1), 1.0), dtype=np.float64)
    if unlabeled_weight != 1.0:
        for i, pid in enumerate(negative_ids, start=len(positive_ids)):
            if pid not in rejected and _likely_positive(pool[pid]):
                weight[i] *= unlabeled_weight
    labels = [tuple(sections[pid]) for pid in positive_ids] + [()] * len(negative_ids)
    if unmatched:  # most of the list missing is a warning: the model then learns from a few papers
        log.log(logging.WARNING if 2 * len(unmatched) > len(wanted) else logging.INFO,
                "%d of the list's %d papers are not among the given papers: %s", len(unmatched), len(wanted),
                "; ".join((lp.arxiv_id or lp.title[:40]) for lp in unmatched[:5]))
    # the list's sections, and those review labels put papers in
    named = [s for lp in wanted for s in lp.sections] + [s for found in sections.values() for s in found]
    headings = heading_documents(named) if heading_weight > 0 else []
    log.debug("training set: %d positives, %d negatives (%d of %d dated papers sampled, budget %d; %d hard)",
              len(positive_ids), len(negative_ids), len(chosen_ids), len(dated), budget,
              len(negative_ids) - len(chosen_ids))
    return TrainingSet(chosen, y, weight, labels, unmatched, headings, heading_weight,
                       sampled=len(chosen_ids), candidates=len(dated), hard=len(negative_ids) - len(chosen_ids))


def training_key(list_text: str, rows: Iterable[RowLike], labels: Iterable[Any]) -> str:
    """What a model is trained for: the list's text, its rows as read (paper and section) and the review labels
    (in any order; :class:`ExtraLabel`\\ s or what :meth:`ExtraLabel.coerce` accepts).

    The rows as read change when kd-tracker reads the same text differently (a heading it now names otherwise),
    which makes a saved model's sections stale. The weekly run and ``kd-tracker train`` record it in
    ``model.json`` as ``training_key``.
    """
    digest = hashlib.sha256(list_text.encode("utf-8"))
    for row in rows:
        digest.update(f"\n{row.arxiv_id or row.title}\t{row.section}".encode())
    for label in sorted(repr(ExtraLabel.coerce(label)) for label in labels):
        digest.update(label.encode("utf-8"))
    return digest.hexdigest()


def sections_of(training: TrainingSet) -> Sequence[tuple[str, ...]]:
    """Section label sets of the positives, in order."""
    return [s for s, label in zip(training.sections, training.y, strict=True) if label == 1]
