"""The SQLite store: papers, the fetch log, runs and their scores, review labels (and their JSONL file, :mod:`.label_file`),
learn state, what a training reads of them (:mod:`.training`: the budget's sample and the hard negatives), and
pruning the texts of papers no longer needed (:mod:`.prune`).

All SQL lives in this package; the schema and its migrations are in :mod:`.schema`.
"""

from tracker.store.days import WEEKDAYS, CoverageReport, coverage, is_listing_day
from tracker.store.label_file import read_label_file, write_label_file
from tracker.store.labels import Label, LabelStore, StoredReview, rejected_among, training_labels_of
from tracker.store.papers import Store
from tracker.store.prune import PrunePlan, PruneResult, drop_texts, plan_prune
from tracker.store.refresh_state import RefreshState
from tracker.store.runs import RunLog, RunRecord
from tracker.store.training import (
    TrainingPapers,
    hard_negative_ids,
    list_paper_ids,
    read_training_papers,
    training_negative_ids,
)

__all__ = ["CoverageReport", "PrunePlan", "PruneResult", "RefreshState", "Label", "LabelStore", "RunLog", "RunRecord", "Store",
           "StoredReview", "WEEKDAYS", "coverage", "is_listing_day", "drop_texts", "plan_prune", "read_label_file",
           "rejected_among", "training_labels_of", "write_label_file",
           "TrainingPapers", "hard_negative_ids", "list_paper_ids", "read_training_papers", "training_negative_ids"]
