"""Model quality on ../shared/data: temporal replay and cross-validation, step by step.

    python -m bench.quality            # keyword, plain TF-IDF + LR, and the final model
    python -m bench.quality --steps    # every step between them (ablation rows)
    python -m bench.quality --negatives 0   # train on every paper instead of the budget (model.negatives)
    python -m bench.quality --final    # only the final model (and the keyword ranking)

Replay: train on the list of 2024-02-20 and the corpus before it, rank the
following 9 weeks (and each later addition's own week). Cross-validation: the
newest list (2025-03-09) against the whole corpus, out of fold.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import time
from pathlib import Path

import numpy as np
import sklearn

from classifiers.evaluation import (
    cross_validate,
    section_accuracy,
    section_inputs,
    temporal_replay,
    truth_from_history,
)
from classifiers.models import make_features
from classifiers.training_set import build_training_set
from devservers.paths import SHARED
from tracker.config import ModelConfig
from tracker.listdoc.document import ListDocument
from tracker.sources.corpus import read_corpus

CUT = datetime.date(2024, 2, 20)

STEPS: list[tuple[str, dict]] = [  # overrides of RELEVANCE_DEFAULTS
    ("plain TF-IDF + LR (calibrated)", {"title_weight": 0.0, "lexicon_scale": 0.0, "unlabeled_weight": 1.0}),
    ("+ title block (x0.5)", {"lexicon_scale": 0.0, "unlabeled_weight": 1.0}),
    ("+ domain lexicon (x0.3)", {"unlabeled_weight": 1.0}),
    ("+ PU: likely-KD unlabeled x0.5 (final)", {}),
    ("  variant: list headings as documents x1", {"heading_weight": 1.0}),
    ("  variant: list headings as documents x0.3", {"heading_weight": 0.3}),
    ("  variant: PU weight 0.1", {"unlabeled_weight": 0.1}),
    ("  variant: PU weight 0", {"unlabeled_weight": 0.0}),
    ("  variant: lexicon x1.0", {"lexicon_scale": 1.0}),
    ("  variant: C=3", {"C": 3.0}),
]


CORPUS = {"min_df": 1, "reweight": False}
"""The corpus-wide TF-IDF as it is (every term, no list IDF)."""

SECTION_STEPS: list[tuple[str, dict]] = [  # overrides of SECTION_DEFAULTS
    ("kNN vote (k=10, cos) on corpus TF-IDF", {"knn_weight": 1.0, "n_neighbors": 10, "similarity_power": 1.0, **CORPUS, "heading_weight": 0.0}),
    ("kNN vote (k=10, cos^3) on corpus TF-IDF", {"knn_weight": 1.0, "n_neighbors": 10, **CORPUS, "heading_weight": 0.0}),
    ("centroids on corpus TF-IDF", {"knn_weight": 0.0, **CORPUS, "heading_weight": 0.0}),
    ("centroids, list vocabulary + list IDF", {"knn_weight": 0.0, "heading_weight": 0.0}),
    ("kNN (k=20, cos^3), list vocabulary + IDF", {"knn_weight": 1.0, "heading_weight": 0.0}),
    ("0.9 centroids + 0.1 kNN", {"heading_weight": 0.0}),
    ("+ centroids moved to the headings x0.5 (final)", {}),
    ("  variant: headings x0.3", {"heading_weight": 0.3}),
    ("  variant: headings x0.8", {"heading_weight": 0.8}),
    ("  variant: headings, centroids only", {"knn_weight": 0.0}),
    ("  variant: 0.5 centroids + 0.5 kNN", {"knn_weight": 0.5}),
    ("  variant: min_df 1", {"min_df": 1}),
]
"""Section-model ablation: out-of-fold top-1/top-3 on the newest list."""


def section_steps(rows, papers, config: ModelConfig) -> None:
    """Print the section-model ablation (one word TF-IDF fit on the corpus, then each variant out of fold)."""
    training = build_training_set(rows, papers)
    words = make_features(title_weight=0.0, lexicon_scale=0.0).fit(training.papers).named_transformers["words"]
    X, labels, headings = section_inputs(training, words)
    print(f"\n{'section model':48s} {'top1':>5s} {'top3':>5s}")
    for name, overrides in SECTION_STEPS:
        r = section_accuracy(X, labels, config, base_idf=words[-1].idf_, params=overrides, headings=headings)
        print(f"{name:48s} {r['section_top1']:5.3f} {r['section_top3']:5.3f}", flush=True)


def rows_of(shared: Path, name: str):
    return ListDocument.parse((shared / "fixtures" / "kd-list" / name).read_text(encoding="utf-8")).rows()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", action="store_true", help="also print every intermediate step and variant")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--final", action="store_true", help="only the final model's row (with the keyword's)")
    parser.add_argument("--negatives", type=int, default=None,
                        help=f"the training budget, model.negatives (default {ModelConfig().negatives}; 0: every paper)")
    args = parser.parse_args()
    config = ModelConfig() if args.negatives is None else dataclasses.replace(ModelConfig(), negatives=args.negatives)
    t0 = time.perf_counter()
    papers = list(read_corpus(args.shared / "data" / "arxiv_corpus.jsonl.gz"))
    first, head = rows_of(args.shared, "README.2024-02-20.first.md"), rows_of(args.shared, "README.2025-03-09.head.md")
    truth = truth_from_history(args.shared / "data" / "list_history.jsonl", first, CUT)
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, seed {config.random_state}, "
          f"negatives budget {config.negatives or 'all'}, "
          f"{len(papers)} papers, {len(truth)} later additions in the history; loaded in {time.perf_counter() - t0:.1f} s")
    steps = STEPS if args.steps else [STEPS[3]] if args.final else [STEPS[0], STEPS[3]]
    header = (f"{'model':40s} {'replay @5':>9s} {'@10':>5s} {'@20':>5s} {'prop/wk':>7s}  {'cv @10':>6s} {'@20':>5s} "
              f"{'AP':>6s} {'AUC':>6s}  {'sec top1':>8s} {'top3':>5s}  {'s':>5s}")
    final = None
    keyword_line = None
    for name, params in steps:
        t = time.perf_counter()
        replay = temporal_replay(first, papers, truth, config=config, train_until=CUT, params=params)
        cv = cross_validate(head, papers, config=config, params=params)
        seconds = time.perf_counter() - t
        if keyword_line is None:
            label = 'keyword "distil" (match count)'
            keyword_line = (f"{label:40s} {replay.keyword_recall[5]:9.2f} {replay.keyword_recall[10]:5.2f} "
                            f"{replay.keyword_recall[20]:5.2f} {'-':>7s}  {cv.keyword_recall[10]:6.2f} {cv.keyword_recall[20]:5.2f} "
                            f"{cv.keyword_average_precision:6.3f} {cv.keyword_roc_auc:6.3f}  "
                            f"{cv.majority_top1:8.2f} {cv.majority_top3:5.2f}  (majority section)")
            print(header)
            print(keyword_line, flush=True)
        line = (f"{name:40s} {replay.recall[5]:9.2f} {replay.recall[10]:5.2f} {replay.recall[20]:5.2f} "
                f"{replay.median_proposals:7g}  {cv.recall[10]:6.2f} {cv.recall[20]:5.2f} {cv.average_precision:6.3f} "
                f"{cv.roc_auc:6.3f}  {cv.section_top1:8.2f} {cv.section_top3:5.2f}  {seconds:5.0f}")
        print(line, flush=True)
        if "(final)" in name:
            final = replay, cv
    replay, cv = final
    advice = cv.advice
    print(f"\nfinal model: recommended threshold {advice.threshold:.3g} (cv recall {advice.recall:.2f}, median "
          f"{advice.median_per_week:g} proposals/week, limit {advice.limit}); replay 'prop/wk' is at threshold {config.threshold}")
    print(f"sections: {cv.section_papers} papers in {cv.sections} sections (leaves under {config.min_section_papers} papers rolled up)")
    print("\nreplay, each later addition: model rank / keyword rank within its week")
    for pid, title, week, rank, krank in sorted(replay.truth, key=lambda t: t[3]):
        print(f"  {pid:12s} {week}  model {rank:6.1f}  keyword {krank:6.1f}  {title[:70]}")
    if args.steps:
        section_steps(head, papers, config)


if __name__ == "__main__":
    main()
