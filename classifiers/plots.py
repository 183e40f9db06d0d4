"""PNG plots of an evaluation (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve  # noqa: E402

from classifiers.reports import CVReport  # noqa: E402

PLOTS = ("precision_recall.png", "score_histogram.png", "recall_vs_proposals.png")
"""The files :func:`write_plots` writes."""


def threshold_marks(report: CVReport, configured: float) -> list[tuple[str, float, str]]:
    """The vertical lines the score plots draw: (label, threshold, colour), the configured one first."""
    marks = [(f"configured {configured:.3g}", float(configured), "black")]
    advice = report.advice
    if advice is not None and advice.recommended:
        marks.append((f"recommended {advice.threshold:.3g}", float(advice.threshold), "red"))
    return marks


def write_plots(report: CVReport, directory: str | Path, configured: float) -> list[Path]:
    """Precision-recall curves, score histogram, recall against proposals per week: the model beside the keyword.

    The histogram marks the ``configured`` threshold and the recommended one (when there is one); the load
    curve marks both as points on the model's curve.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    y, scores = report.labels, report.scores
    keyword = report.keyword_scores
    marks = threshold_marks(report, configured)
    paths = []

    fig, ax = plt.subplots(figsize=(6, 4.5))
    precision, recall, _ = precision_recall_curve(y, scores)
    ax.plot(recall, precision, label=f"model (AP {report.average_precision:.3f})")
    if len(keyword) == len(y):
        precision, recall, _ = precision_recall_curve(y, keyword)
        ax.plot(recall, precision, label=f"keyword \"distil\" (AP {report.keyword_average_precision:.3f})")
    ax.axhline(y.mean(), color="grey", linestyle=":", label=f"prior ({y.mean():.4f})")
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall, out of fold", xlim=(0, 1), ylim=(0, 1.02))
    ax.legend()
    paths.append(_save(fig, directory / PLOTS[0]))

    fig, ax = plt.subplots(figsize=(6, 4.5))
    # scores sit at a base rate of 1 in 500: log bins, from the decade of the lowest score, show the threshold's neighbourhood
    floor = max(1e-6, 10 ** np.floor(np.log10(max(float(scores.min()), 1e-12))))
    bins = np.geomspace(floor, 1, 49)
    clipped = np.clip(scores, floor, 1.0)
    ax.hist(clipped[y == 0], bins=bins, alpha=0.6, label="other papers", log=True)
    ax.hist(clipped[y == 1], bins=bins, alpha=0.8, label="list papers", log=True)
    for label, value, colour in marks:
        ax.axvline(max(value, floor), color=colour, linestyle="--", label=label)
    ax.set_xscale("log")
    ax.set(xlabel="relevance probability (log)", ylabel="papers (log)", title="Scores, out of fold")
    ax.legend()
    paths.append(_save(fig, directory / PLOTS[1]))

    fig, ax = plt.subplots(figsize=(6, 4.5))
    advice = report.advice
    if advice is not None and advice.recommended and len(advice.thresholds):
        ax.plot(advice.medians, advice.recalls, marker=".", markersize=3, label="model")
        if report.keyword_curve is not None:
            _, kw_recalls, kw_medians = report.keyword_curve
            ax.plot(kw_medians, kw_recalls, marker=".", markersize=3, label="keyword \"distil\" (count)")
        ax.axvline(advice.limit, color="grey", linestyle=":", label=f"proposals per PR ({advice.limit})")
        if advice.typical == advice.typical and advice.typical != advice.limit:  # not NaN, not the cap itself
            ax.axvline(advice.typical, color="grey", linestyle="--", label=f"a typical week ({advice.typical:g})")
        for label, value, colour in marks:
            at = min(int(np.searchsorted(advice.thresholds, value)), len(advice.thresholds) - 1)
            ax.scatter([advice.medians[at]], [advice.recalls[at]], color=colour, zorder=3, label=label)
        ax.set_xscale("symlog")
        ax.legend()
    else:
        ax.text(0.5, 0.5, "no week of the real stream:\nno proposals per week to count", ha="center", va="center",
                transform=ax.transAxes)
    ax.set(xlabel=f"median proposals per week ({advice.stream_weeks if advice else 0} stream weeks)",
           ylabel="recall of list papers", title="Recall against reviewer load", ylim=(0, 1.02))
    paths.append(_save(fig, directory / PLOTS[2]))
    return paths


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
