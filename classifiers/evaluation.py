"""Evaluation protocols: temporal replay and cross-validation, with a keyword baseline and a threshold recommendation.

Ranks are "within week": a paper's rank among all papers of its ISO week
(``Paper.day``: announced, else published), ties counted at their mid-rank.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

from classifiers.features import keyword_counts
from classifiers.headings import heading_features
from classifiers.models import (
    RELEVANCE_DEFAULTS,
    RELEVANCE_MODEL_PARAMS,
    make_classifier,
    make_features,
    make_section_model,
)
from classifiers.reports import KS, CVReport, ReplayReport, ReplayWeek, ThresholdAdvice
from classifiers.sections import roll_up
from classifiers.training import train
from classifiers.training_set import RowLike, TrainingSet, build_training_set, list_papers, sections_of
from tracker.config import ModelConfig
from tracker.errors import ModelError
from tracker.paper_ids import KnownPapers
from tracker.records import Paper
from tracker.records import iso_week as week_of

log = logging.getLogger(__name__)


def within_week_ranks(scores: np.ndarray, weeks: Sequence[str], targets: Iterable[int]) -> np.ndarray:
    """Rank (1 = best, ties at mid-rank) of each target index among the papers of its week."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(weeks):
        members[w].append(i)
    index = {w: np.asarray(ix) for w, ix in members.items()}
    out = []
    for i in targets:
        s = scores[index[weeks[i]]]
        out.append(float((s > scores[i]).sum() + 1 + ((s == scores[i]).sum() - 1) / 2))
    return np.asarray(out)


def recall_at(ranks: np.ndarray, ks: Sequence[int] = KS) -> dict[int, float]:
    return {k: float(np.mean(ranks <= k)) if len(ranks) else 0.0 for k in ks}


TYPICAL_WEEK_SHARE = 0.5
"""A typical week should fill this share of ``proposals_per_pr``: the recommended threshold is the one whose median
stream week proposes at most ``TYPICAL_WEEK_SHARE * proposals_per_pr`` papers. The cap is the most a reviewer takes
in one PR; a threshold that fills it in a typical week cuts every richer week (the grade-2 papers of a week vary
fourfold) and fills quiet weeks with weak papers. Half of it leaves room for a rich week and proposes little in a
quiet one."""

STREAM_WEEK_SHARE = 0.25
"""A week counts in the proposal load if it holds at least this share of the typical week (see :func:`stream_weeks`)."""


def stream_weeks(weeks: Sequence[str], limit: int, share: float = STREAM_WEEK_SHARE) -> set[str]:
    """The weeks that look like weeks of the real stream: those the proposals per week are counted in.

    A week counts if it holds at least ``limit`` papers (a smaller week proposes all of its papers at any
    threshold, so it bounds nothing) and at least ``share`` of the typical week: the week the median paper sits
    in (a paper-weighted median, so a few hundred list papers looked up by id, alone in their old weeks, do not
    drag it down to 1). On a store this keeps the window's weeks (hundreds of papers each) and drops the list
    papers' own weeks (1-2 papers each) and the window's cut edges.
    """
    sizes = Counter(w for w in weeks if w)
    if not sizes:
        return set()
    typical = float(np.median([sizes[w] for w in weeks if w]))
    floor = max(limit, share * typical)
    return {w for w, n in sizes.items() if n >= floor}


def proposal_curve(scores: np.ndarray, weeks: Sequence[str], positive: np.ndarray, candidates: np.ndarray,
                   counted: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """Recall of ``positive`` (all of them) and median papers per week of ``counted`` at or above each candidate."""
    week_ids = sorted(counted)
    column = {w: j for j, w in enumerate(week_ids)}
    inside = np.asarray([w in column for w in weeks], dtype=bool)
    cols = np.asarray([column[w] for w in weeks if w in column], dtype=np.int64)
    recalls = np.asarray([float(np.mean(scores[positive] >= t)) if positive.any() else 0.0 for t in candidates])
    if not week_ids:
        return recalls, np.full(len(candidates), np.nan)
    medians = np.asarray([float(np.median(np.bincount(cols[scores[inside] >= t], minlength=len(week_ids))))
                          for t in candidates])
    return recalls, medians


def recommend_threshold(scores: np.ndarray, weeks: Sequence[str], positive: np.ndarray, limit: int,
                        configured: float | None = None, *, typical: float | None = None) -> ThresholdAdvice:
    """The threshold with the best recall of ``positive`` whose median stream week has at most ``typical`` papers
    (default: ``limit``, the proposals per PR) at or above it.

    Recall counts every positive; the proposals per week count only the weeks of :func:`stream_weeks`. Among
    thresholds with the same recall, the highest one (fewest proposals) wins. With no stream week among the
    papers (only looked-up papers, alone in their weeks) there is nothing to count proposals in: the advice
    keeps ``configured`` (1.0 if not given), with ``stream_weeks`` 0 and no median, and a warning is logged.
    """
    counted = stream_weeks(weeks, limit)
    typical = float(limit if typical is None else typical)
    candidates = np.unique(np.r_[scores[positive], np.linspace(0.0, 1.0, 101)])
    recalls_a, medians_a = proposal_curve(scores, weeks, positive, candidates, counted)
    if not counted:
        kept = 1.0 if configured is None else float(configured)
        log.warning("no week of the real stream among the papers (every week holds fewer than %d papers): "
                    "cannot count proposals per week; keep the threshold %.3g", limit, kept)
        recall = float(np.mean(scores[positive] >= kept)) if positive.any() else 0.0
        return ThresholdAdvice(kept, recall, float("nan"), limit, candidates, recalls_a, medians_a, stream_weeks=0,
                               typical=typical)
    ok = np.flatnonzero(medians_a <= typical)
    if len(ok):
        # best recall within the limit; among equal recalls the highest threshold (the lightest review)
        best_recall = recalls_a[ok].max()
        best = int(ok[recalls_a[ok] == best_recall][-1])
    else:
        best = len(candidates) - 1
    return ThresholdAdvice(float(candidates[best]), float(recalls_a[best]), float(medians_a[best]), limit, candidates,
                           recalls_a, medians_a, stream_weeks=len(counted), typical=typical)


def cross_validate(
    rows: Sequence[RowLike],
    papers: Sequence[Paper],
    *,
    config: ModelConfig,
    folds: int = 5,
    params: dict[str, Any] | None = None,
    presampled: bool = False,
) -> CVReport:
    """Out-of-fold relevance scores for every paper, section accuracy on the list's papers, baselines beside.

    The folds train as ``train`` does: the list's papers against the budget's sample of negatives
    (``config.negatives``, stratified by week; ``presampled``: the given papers already are that sample).
    The features (TF-IDF vocabulary and IDF) are fitted once on the training papers
    without labels; the classifier, its calibration and the section model are
    refitted in every fold, so no label crosses folds. The list's heading
    documents join every fold's fit (they are not papers, so never scored).
    Every given paper is scored and ranked within its week, those outside the sample too (each by one
    fold's classifier, which never saw it): the budget thins what the folds learn from, not the weeks
    the list's papers are ranked in.
    """
    options = {**RELEVANCE_DEFAULTS, **(params or {})}
    training = build_training_set(rows, papers, unlabeled_weight=float(options["unlabeled_weight"]),
                                  heading_weight=float(options["heading_weight"]),
                                  negatives=config.negatives, random_state=config.random_state, presampled=presampled)
    if training.positives < folds * 2:
        raise ModelError(f"only {training.positives} list papers among the given papers; cross-validation needs {folds * 2}")
    trained_ids = {p.arxiv_id for p in training.papers}
    unsampled = [p for p in dict((p.arxiv_id, p) for p in papers).values() if p.arxiv_id not in trained_ids]
    y = np.r_[training.y, np.zeros(len(unsampled), dtype=training.y.dtype)]
    docs = training.papers + unsampled
    n = len(training.y)
    features = make_features(**{k: v for k, v in options.items() if k in RELEVANCE_MODEL_PARAMS and k != "C"})
    fit_docs, fit_y, fit_weight = training.fit_data()
    X_all = features.fit_transform(fit_docs).tocsr()
    X, extra = X_all[:n], np.arange(n, len(fit_docs))
    X_out = features.transform(unsampled).tocsr() if unsampled else None
    out_fold = np.arange(len(unsampled)) % folds
    oof = np.zeros(len(y))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.random_state)
    dummy = np.zeros(len(y))
    for fold, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(n), training.y)):
        clf = make_classifier(C=options["C"], random_state=config.random_state)
        fit_idx = np.r_[train_idx, extra]
        clf.fit(X_all[fit_idx], fit_y[fit_idx], sample_weight=fit_weight[fit_idx])
        column = list(clf.classes_).index(1)
        oof[test_idx] = clf.predict_proba(X[test_idx])[:, column]
        base = DummyClassifier(strategy="prior", random_state=config.random_state).fit(X[train_idx], y[train_idx])
        dummy[test_idx] = base.predict_proba(X[test_idx])[:, 1]
        if X_out is not None and (mine := np.flatnonzero(out_fold == fold)).size:
            oof[n + mine] = clf.predict_proba(X_out[mine])[:, column]
            dummy[n + mine] = base.predict_proba(X_out[mine])[:, 1]
    positives = np.flatnonzero(y == 1)
    weeks = [week_of(p.day) for p in docs]
    targets = [i for i in positives if weeks[i]]
    ranks = within_week_ranks(oof, weeks, targets)
    keyword = keyword_counts(docs)
    keyword_ranks = within_week_ranks(keyword, weeks, targets)
    vectorizer = features.named_transformers["words"]
    words, labels, headings = section_inputs(training, vectorizer)
    sec = section_accuracy(words, labels, config, folds, vectorizer[-1].idf_, headings=headings)
    advice = recommend_threshold(oof, weeks, y == 1, config.proposals_per_pr, configured=config.threshold,
                                 typical=TYPICAL_WEEK_SHARE * config.proposals_per_pr)
    keyword_grid = np.unique(np.r_[keyword, keyword.max() + 1])
    keyword_curve = (keyword_grid, *proposal_curve(keyword, weeks, y == 1, keyword_grid,
                                                   stream_weeks(weeks, config.proposals_per_pr)))
    return CVReport(
        folds=folds, positives=training.positives, negatives=training.negatives,
        average_precision=float(average_precision_score(y, oof)), roc_auc=float(roc_auc_score(y, oof)),
        recall=recall_at(ranks), keyword_average_precision=float(average_precision_score(y, keyword)),
        keyword_roc_auc=float(roc_auc_score(y, keyword)), keyword_recall=recall_at(keyword_ranks),
        dummy_average_precision=float(average_precision_score(y, dummy)), **sec,
        advice=advice, scores=oof, labels=y, weeks=weeks, configured_threshold=config.threshold,
        keyword_scores=keyword, keyword_curve=keyword_curve,
    )


def section_inputs(training: TrainingSet, vectorizer: Any) -> tuple[Any, list[tuple[str, ...]], dict[str, Any]]:
    """What :func:`section_accuracy` takes: the list papers' rows of ``vectorizer`` (the relevance model's
    ``features__words``), their sections, and each section's heading document in the same columns."""
    positives = [p for p, label in zip(training.papers, training.y, strict=True) if label == 1]
    labels = list(sections_of(training))
    return vectorizer.transform(positives), labels, heading_features((s for row in labels for s in row), vectorizer)


def section_accuracy(
    words: Any,
    labels: list[tuple[str, ...]],
    config: ModelConfig,
    folds: int = 5,
    base_idf: np.ndarray | None = None,
    params: dict[str, Any] | None = None,
    headings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Top-1/top-3 section accuracy out of fold (a hit when any of the paper's sections is ranked there).

    ``words`` are the list papers' word TF-IDF rows (weighted by ``base_idf``), ``labels`` their sections,
    ``headings`` the sections' heading documents in the same columns;
    ``params`` override :data:`~classifiers.models.SECTION_DEFAULTS`. Majority-section baselines beside.
    """
    mapping, rolled = roll_up(labels, config.min_section_papers)
    keep = np.asarray([i for i, s in enumerate(rolled) if s])
    hits = {"section_top1": 0, "section_top3": 0, "majority_top1": 0, "majority_top3": 0}
    splitter = KFold(n_splits=min(folds, len(keep)), shuffle=True, random_state=config.random_state)
    for train_idx, test_idx in splitter.split(keep):
        tr, te = keep[train_idx], keep[test_idx]
        model = make_section_model(**(params or {})).fit(words[tr], [rolled[i] for i in tr], base_idf=base_idf,
                                                         headings=headings)
        majority = [s for s, _ in sorted(Counter(s for i in tr for s in rolled[i]).items(), key=lambda kv: (-kv[1], kv[0]))]
        for i, ranked in zip(te, model.rank(words[te], 3), strict=True):
            truth = set(rolled[i])
            names = [s for s, _ in ranked]
            hits["section_top1"] += bool(truth & set(names[:1]))
            hits["section_top3"] += bool(truth & set(names[:3]))
            hits["majority_top1"] += bool(truth & set(majority[:1]))
            hits["majority_top3"] += bool(truth & set(majority[:3]))
    n = max(len(keep), 1)
    result: dict[str, Any] = {k: v / n for k, v in hits.items()}
    result["section_papers"] = len(keep)
    result["sections"] = len(set(mapping.values()))
    return result


def _history(path: str | Path) -> list[tuple[dict[str, Any], datetime.date]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ModelError(f"{path}: cannot read the list history ({e.strerror or e})") from e
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            out.append((record, datetime.date.fromisoformat(str(record["first_seen_date"])[:10])))
        except (ValueError, KeyError, TypeError) as e:
            raise ModelError(f"{path}:{lineno}: not a list-history record ({e}); expected 'first_seen_date' and 'title'") from e
    return out


def _in_list(record: dict[str, Any], known: KnownPapers[Any]) -> bool:
    return known.has(record.get("arxiv_id") or record.get("arxiv_id_by_title"), str(record.get("title", "")))


def list_date(path: str | Path, rows: Sequence[RowLike]) -> datetime.date:
    """The date of the list ``rows``: the newest ``first_seen_date`` of its papers in a list-history file."""
    known = KnownPapers.of(list_papers(rows))
    dates = [first for record, first in _history(path) if _in_list(record, known)]
    if not dates:
        raise ModelError(f"{path}: none of the list's papers is in this history file; pass --train-until DATE")
    return max(dates)


def truth_from_history(path: str | Path, rows: Sequence[RowLike], after: datetime.date) -> list[dict[str, Any]]:
    """Papers of a list-history file (``list_history.jsonl``) that entered the list after ``after`` and are not in ``rows``."""
    known = KnownPapers.of(list_papers(rows))
    out, newer = [], 0
    for record, first in _history(path):
        if first <= after:
            continue
        if _in_list(record, known):
            newer += 1
            continue
        arxiv_id = record.get("arxiv_id") or record.get("arxiv_id_by_title")
        out.append({"arxiv_id": arxiv_id, "title": str(record.get("title", "")), "first_seen_date": first.isoformat()})
    if newer:
        log.warning("%d papers of the list entered it after %s (per %s): they train the replay's model and are not "
                    "in its truth; pass --list as the README stood on that date", newer, after, path)
    return out


def temporal_replay(
    rows: Sequence[RowLike],
    papers: Sequence[Paper],
    truth: Sequence[dict[str, Any]],
    *,
    config: ModelConfig,
    train_until: datetime.date,
    weeks_after: int = 9,
    params: dict[str, Any] | None = None,
    threshold: float | None = None,
    extra_labels: Iterable[Any] = (),
) -> ReplayReport:
    """Train on ``rows`` and the papers before ``train_until``; rank the following weeks and each truth paper's week.

    Truth papers (the list's later additions) are held out of training: they are the test set.
    ``extra_labels`` are review labels for training (:func:`classifiers.training.train`).
    """
    by_id = {p.arxiv_id: p for p in papers}
    known = KnownPapers.of(reversed(papers))  # reversed: a title two papers share finds the later one, as it always has
    truth_ids = []
    for t in truth:
        found = known.find(t.get("arxiv_id"), t.get("title", ""))
        pid = found.arxiv_id if found else None
        if pid and by_id[pid].day:
            truth_ids.append(pid)
    truth_ids = list(dict.fromkeys(truth_ids))
    held_out = set(truth_ids)
    model = train(rows, [p for p in papers if p.arxiv_id not in held_out], config=config, train_until=train_until,
                  extra_labels=extra_labels, params=params)
    threshold = config.threshold if threshold is None else threshold
    first_week = week_of(train_until.isoformat())
    dated = [(p, week_of(p.day)) for p in papers if p.day]
    following = sorted({w for _, w in dated if w >= first_week})[:weeks_after]
    wanted = set(following) | {week_of(by_id[t].day) for t in truth_ids}
    ranked = [p for p, w in dated if w in wanted]
    weeks = [w for _, w in dated if w in wanted]
    scores = model.relevance_scores(ranked)
    keyword = keyword_counts(ranked)
    position = {p.arxiv_id: i for i, p in enumerate(ranked)}
    targets = [position[t] for t in truth_ids]
    model_ranks = within_week_ranks(scores, weeks, targets)
    keyword_ranks = within_week_ranks(keyword, weeks, targets)
    rows_out = []
    for w in sorted(wanted):
        in_week = [j for j, i in enumerate(targets) if weeks[i] == w]
        mask = np.asarray([x == w for x in weeks])
        rows_out.append(ReplayWeek(
            week=w, papers=int(mask.sum()), truth=len(in_week),
            model_hits={k: int(sum(model_ranks[j] <= k for j in in_week)) for k in KS},
            keyword_hits={k: int(sum(keyword_ranks[j] <= k for j in in_week)) for k in KS},
            proposals=int((scores[mask] >= threshold).sum()), after_cut=w in following,
        ))
    after = [w.proposals for w in rows_out if w.after_cut]
    return ReplayReport(
        train_until=train_until.isoformat(), positives=int(model.metadata["positives"]),
        negatives=int(model.metadata["negatives"]), threshold=threshold, weeks=rows_out,
        truth=[(pid, by_id[pid].title, weeks[i], float(r), float(kr))
               for pid, i, r, kr in zip(truth_ids, targets, model_ranks, keyword_ranks, strict=True)],
        recall=recall_at(model_ranks), keyword_recall=recall_at(keyword_ranks),
        median_proposals=float(np.median(after)) if after else 0.0,
        ranked=ranked, scores=scores, ranked_weeks=weeks, model=model,
    )
