"""Evaluation reports (dataclasses) and the plain-text tables the CLI and benches print."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

KS = (5, 10, 20)
"""The K of recall@K."""


@dataclass
class ThresholdAdvice:
    """The recommended threshold and the curve it was chosen from."""

    threshold: float
    """Best recall whose median stream week proposes at most ``typical`` papers; the highest such threshold.
    With no stream week, the configured threshold, kept."""
    recall: float
    """Share of the evaluated list papers at or above it."""
    median_per_week: float
    """Median proposals per stream week at it (NaN with no stream week)."""
    limit: int
    """The configured proposals per PR."""
    thresholds: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    recalls: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    medians: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    stream_weeks: int = 0
    """Weeks the proposals were counted in (weeks of the real stream, not the lone weeks of looked-up list
    papers); 0: none, so ``threshold`` is the configured one, not a recommendation."""
    typical: float = float("nan")
    """Most proposals the median stream week may have at the threshold (``kd-tracker evaluate``: half of
    ``limit``, see :data:`classifiers.evaluation.TYPICAL_WEEK_SHARE`)."""

    @property
    def recommended(self) -> bool:
        return self.stream_weeks > 0


@dataclass
class ReplayWeek:
    """One ranked week of a temporal replay."""

    week: str
    """ISO week, ``2024-W09``."""
    papers: int
    """Papers of the corpus in that week."""
    truth: int
    """Papers the list gained later that belong to this week."""
    model_hits: dict[int, int]
    """Truth papers in the model's top K of the week, per K."""
    keyword_hits: dict[int, int]
    """Same for the keyword baseline."""
    proposals: int
    """Papers at or above the configured threshold."""
    after_cut: bool
    """True for weeks after the training date (what the bot would have proposed)."""


@dataclass
class ReplayReport:
    """Temporal replay: train on the list of a date, rank the following weeks."""

    train_until: str
    positives: int
    negatives: int
    threshold: float
    weeks: list[ReplayWeek]
    truth: list[tuple[str, str, str, float, float]]
    """(arxiv id, title, week, model rank, keyword rank) of each truth paper."""
    recall: dict[int, float]
    keyword_recall: dict[int, float]
    median_proposals: float
    """Median proposals per week (weeks after the cut) at ``threshold``."""
    ranked: list[Any] = field(repr=False, default_factory=list)
    """The papers ranked (every paper of the following weeks and of each truth paper's week)."""
    scores: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    """The model's relevance probability of each ranked paper."""
    ranked_weeks: list[str] = field(repr=False, default_factory=list)
    """ISO week of each ranked paper."""
    model: Any = field(repr=False, default=None)
    """The replay's trained model (:class:`classifiers.training.TrainedModel`)."""


@dataclass
class CVReport:
    """Cross-validation: out-of-fold scores of the list's papers against the corpus."""

    folds: int
    positives: int
    negatives: int
    average_precision: float
    roc_auc: float
    recall: dict[int, float]
    keyword_average_precision: float
    keyword_roc_auc: float
    keyword_recall: dict[int, float]
    dummy_average_precision: float
    """A DummyClassifier (class prior) on the same folds."""
    section_papers: int
    sections: int
    section_top1: float
    section_top3: float
    majority_top1: float
    majority_top3: float
    advice: ThresholdAdvice | None = None
    scores: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    """Out-of-fold relevance probability of every paper."""
    labels: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    weeks: list[str] = field(repr=False, default_factory=list)
    configured_threshold: float | None = None
    """``model.threshold`` of the configuration evaluated."""
    keyword_scores: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    """The keyword baseline's score ("distil" count) of every paper."""
    keyword_curve: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(repr=False, default=None)
    """The keyword's (thresholds, recalls, median proposals per stream week), like the advice's curve."""


def evaluation_summary(cv: CVReport, replay: ReplayReport | None = None) -> dict[str, object]:
    """The figures ``model.json`` keeps under ``evaluation`` (JSON-ready, rounded to 4 places)."""
    out: dict[str, object] = {
        "cv": {
            "folds": cv.folds, "positives": cv.positives, "negatives": cv.negatives,
            "average_precision": round(cv.average_precision, 4), "roc_auc": round(cv.roc_auc, 4),
            "recall_at": {str(k): round(v, 4) for k, v in cv.recall.items()},
            "keyword_recall_at": {str(k): round(v, 4) for k, v in cv.keyword_recall.items()},
            "section_top1": round(cv.section_top1, 4), "section_top3": round(cv.section_top3, 4),
        },
    }
    if cv.advice is not None:
        a = cv.advice
        out["recommended_threshold"] = {
            "threshold": round(a.threshold, 4), "recall": round(a.recall, 4),
            "median_per_week": a.median_per_week if a.recommended else None, "limit": a.limit,
            "typical": a.typical if a.recommended else None,
            "stream_weeks": a.stream_weeks,
        }
    if replay is not None:
        out["replay"] = {
            "train_until": replay.train_until, "truth": len(replay.truth),
            "recall_at": {str(k): round(v, 4) for k, v in replay.recall.items()},
            "keyword_recall_at": {str(k): round(v, 4) for k, v in replay.keyword_recall.items()},
            "threshold": replay.threshold, "median_proposals": replay.median_proposals,
        }
    return out


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


SMALL_LIST = 50
"""Under this many list papers, the CV table says its figures are rough."""


def format_cv(report: CVReport) -> str:
    """The cross-validation table: model beside the keyword baseline and the dummy."""
    rows = [
        ["average precision", f"{report.average_precision:.3f}", f"{report.keyword_average_precision:.3f}",
         f"{report.dummy_average_precision:.3f}"],
        ["ROC AUC", f"{report.roc_auc:.3f}", f"{report.keyword_roc_auc:.3f}", "0.500"],
    ]
    rows += [[f"recall@{k} within week", f"{report.recall[k]:.2f}", f"{report.keyword_recall[k]:.2f}", "-"] for k in KS]
    rows += [
        ["section top-1", f"{report.section_top1:.2f}", "-", f"{report.majority_top1:.2f} (majority)"],
        ["section top-3", f"{report.section_top3:.2f}", "-", f"{report.majority_top3:.2f} (majority)"],
    ]
    head = (f"cross-validation: {report.folds} folds, {report.positives} list papers, {report.negatives} others; "
            f"sections: {report.section_papers} papers in {report.sections} sections")
    text = head + "\n" + _table(["measure", "model", "keyword", "baseline"], rows)
    if report.advice is not None:
        a = report.advice
        if a.recommended:
            text += (f"\nrecommended threshold: {a.threshold:.3g} (recall {a.recall:.2f}, median {a.median_per_week:g} "
                     f"proposals per week over {a.stream_weeks} stream weeks: a typical week at most {a.typical:g} of the "
                     f"{a.limit} a PR holds)")
        else:
            text += (f"\nno recommended threshold: no week of the real stream among the papers (each holds fewer than "
                     f"{a.limit}); keep {a.threshold:.3g} (recall {a.recall:.2f})")
    if report.positives < SMALL_LIST:
        text += (f"\nnote: {report.positives} list papers: one paper moves a recall by {1 / report.positives:.2f}; "
                 "read these figures as rough")
    return text


def format_replay(report: ReplayReport) -> str:
    """The replay table: one line per ranked week, then the totals."""
    rows = []
    for w in report.weeks:
        hits = " ".join(f"{w.model_hits[k]}" for k in KS)
        kw = " ".join(f"{w.keyword_hits[k]}" for k in KS)
        rows.append([w.week + ("" if w.after_cut else " *"), str(w.papers), str(w.truth), hits, kw, str(w.proposals)])
    rows.append(["overall", str(sum(w.papers for w in report.weeks)), str(len(report.truth)),
                 " ".join(f"{report.recall[k]:.2f}" for k in KS), " ".join(f"{report.keyword_recall[k]:.2f}" for k in KS),
                 f"median {report.median_proposals:g}"])
    head = (f"temporal replay: trained until {report.train_until} ({report.positives} list papers, "
            f"{report.negatives} others); threshold {report.threshold:.3g}")
    foot = "* week before the training date (a truth paper the list added later)"
    return "\n".join([head, _table(["week", "papers", "truth", "model @5 @10 @20", "keyword @5 @10 @20", "proposals"], rows), foot])
