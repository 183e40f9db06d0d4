"""Probabilities at a fixed base rate, whatever share of list papers the training set had.

A calibrated classifier's probability carries the class balance it was
trained on: the same paper scores about six times higher from a model trained
on a 60-day store (a few thousand negatives) than from one trained on a
3-year corpus. The threshold a user picks with ``kd-tracker evaluate`` would
then mean something else in the weekly run, and drift as the store grows.
:class:`BaseRateClassifier` shifts the odds from the training set's (weighted)
share of positives to a fixed ``base_rate`` (Bayes' rule under label shift),
so a threshold carries over. The shift is monotone: rankings don't change.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.validation import check_is_fitted

BASE_RATE = 0.002
"""Share of new arXiv papers taken to belong in the list (1 in 500) when a score is read as a probability."""

_EPS = 1e-12


class BaseRateClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A binary probabilistic classifier whose ``predict_proba`` is re-based to ``base_rate``.

    ``estimator`` is fitted as given (a clone, in ``estimator_``); the share
    of positives it saw, with sample weights, is ``training_rate_``.
    """

    def __init__(self, estimator: Any, base_rate: float = BASE_RATE) -> None:
        self.estimator = estimator
        self.base_rate = base_rate

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BaseRateClassifier:
        if not 0.0 < self.base_rate < 1.0:
            raise ValueError(f"base_rate must be between 0 and 1, got {self.base_rate}")
        y = np.asarray(y)
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.estimator_ = clone(self.estimator).fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.estimator_.classes_
        if len(self.classes_) != 2:
            raise ValueError(f"BaseRateClassifier needs two classes, got {len(self.classes_)}")
        self.training_rate_ = float(weight[y == self.classes_[1]].sum() / weight.sum())
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        p = np.clip(self.estimator_.predict_proba(X)[:, 1], _EPS, 1 - _EPS)
        odds = p / (1 - p) * _odds(self.base_rate) / _odds(self.training_rate_)
        q = odds / (1 + odds)
        return np.column_stack([1 - q, q])

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


def _odds(rate: float) -> float:
    rate = min(max(rate, _EPS), 1 - _EPS)
    return rate / (1 - rate)
