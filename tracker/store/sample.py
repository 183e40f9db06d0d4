"""The training budget's stratified sample, as the store layer names it.

The rule lives in the base layer (:mod:`tracker.week_sample`) so that the model
(:mod:`classifiers.training_set`, which may not import the store) draws a corpus
file's negatives by the same rule as the store's; this module re-exports it.
"""

from tracker.week_sample import iso_week, sample_order, stratified_sample, week_shares

__all__ = ["iso_week", "sample_order", "stratified_sample", "week_shares"]
