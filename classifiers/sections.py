"""The section model: which of the list's tables a relevant paper belongs in.

One-vs-rest logistic regression over the sections blended with a
nearest-neighbour vote (the sections of the most similar papers of the list).
A paper in several sections counts for each. Small leaf sections are rolled up
to their parent heading before training (:func:`roll_up`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from sklearn.utils.validation import check_is_fitted

SEP = " > "
"""Separator of section paths (``KD Algorithms > Knowledge Elicitation > Labeling``)."""


def roll_up(labels: Sequence[Iterable[str]], min_papers: int) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Map every section with fewer than ``min_papers`` papers to its parent heading, repeatedly.

    Returns the mapping (old path -> path used) and the relabelled label sets.
    A top-level heading is never rolled further (there is nothing above it).
    """
    current = [tuple(dict.fromkeys(s)) for s in labels]
    mapping = {s: s for row in current for s in row}
    while True:
        counts = Counter(s for row in current for s in row)
        small = {s for s, n in counts.items() if n < min_papers and SEP in s}
        if not small:
            break
        # roll up the deepest small sections first, so a parent can collect its children
        depth = max(s.count(SEP) for s in small)
        move = {s: s.rsplit(SEP, 1)[0] for s in small if s.count(SEP) == depth}
        for old, new in list(mapping.items()):
            if new in move:
                mapping[old] = move[new]
        current = [tuple(dict.fromkeys(move.get(s, s) for s in row)) for row in current]
    return mapping, current


def apply_roll_up(sections: Iterable[str], mapping: Mapping[str, str]) -> tuple[str, ...]:
    """Sections of one paper under ``mapping``; an unknown section walks up to its closest known ancestor."""
    out: dict[str, None] = {}
    targets = set(mapping.values())
    for section in sections:
        if section in mapping:
            out[mapping[section]] = None
            continue
        parts = section.split(SEP)
        while parts:
            candidate = SEP.join(parts)
            if candidate in targets:
                out[candidate] = None
                break
            parts.pop()
    return tuple(out)


class SectionClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label section classifier: OvR logistic regression blended with a kNN vote.

    ``fit(X, y)`` takes a feature matrix (rows L2-normalised, e.g. TF-IDF) and,
    for each row, the collection of its section names. ``predict_proba`` returns
    one column per section in ``classes_`` order; each row sums to 1.

    Parameters
    ----------
    C : float, default=10.0
        Inverse regularisation of each one-vs-rest logistic regression.
    n_neighbors : int, default=10
        Papers of the training set that vote (weighted by cosine similarity).
    knn_weight : float, default=0.5
        Share of the kNN vote in the blend (0: logistic regression only, 1: kNN only).
    random_state : int, default=0
        Seed passed to the logistic regressions.
    """

    def __init__(self, C: float = 10.0, n_neighbors: int = 10, knn_weight: float = 0.5, random_state: int = 0) -> None:
        self.C = C
        self.n_neighbors = n_neighbors
        self.knn_weight = knn_weight
        self.random_state = random_state

    def fit(self, X: Any, y: Sequence[Iterable[str]]) -> SectionClassifier:
        if not 0.0 <= self.knn_weight <= 1.0:
            raise ValueError(f"knn_weight must be in [0, 1], got {self.knn_weight}")
        y = [tuple(labels) for labels in y]
        if X.shape[0] != len(y):
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)} label sets")
        if not any(y):
            raise ValueError("no row of y has a section")
        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform(y)
        self.classes_ = self.binarizer_.classes_
        X = sp.csr_matrix(X, dtype=np.float32)
        self.train_X_ = normalize(X)
        self.train_Y_ = Y.astype(np.float32)
        if len(self.classes_) > 1:
            lr = LogisticRegression(C=self.C, max_iter=2000, random_state=self.random_state)
            self.ovr_ = OneVsRestClassifier(lr).fit(X, Y)
        else:
            self.ovr_ = None
        return self

    def _lr_scores(self, X: Any) -> np.ndarray:
        if self.ovr_ is None:
            return np.ones((X.shape[0], 1), dtype=np.float64)
        return np.asarray(self.ovr_.predict_proba(X), dtype=np.float64)

    def _knn_scores(self, X: Any) -> np.ndarray:
        sims = (normalize(sp.csr_matrix(X, dtype=np.float32)) @ self.train_X_.T).toarray()
        k = min(self.n_neighbors, sims.shape[1])
        if k == 0:
            return np.zeros((X.shape[0], len(self.classes_)), dtype=np.float64)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows = np.arange(sims.shape[0])[:, None]
        weights = np.zeros_like(sims)
        weights[rows, top] = np.clip(sims[rows, top], 0.0, None)
        return (weights @ self.train_Y_).astype(np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "classes_")
        parts = []
        for weight, scores in ((1.0 - self.knn_weight, self._lr_scores), (self.knn_weight, self._knn_scores)):
            if weight == 0.0:
                continue
            s = scores(X)
            totals = s.sum(axis=1, keepdims=True)
            s = np.divide(s, totals, out=np.full_like(s, 1.0 / s.shape[1]), where=totals > 0)
            parts.append(weight * s)
        return np.sum(parts, axis=0)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def rank(self, X: Any, n: int | None = None) -> list[list[tuple[str, float]]]:
        """For each row, the ``n`` best sections (all when None) with their probabilities, best first."""
        proba = self.predict_proba(X)
        n = proba.shape[1] if n is None else min(n, proba.shape[1])
        # classes_ are sorted, so a stable sort on -proba breaks ties by name
        order = np.argsort(-proba, axis=1, kind="stable")[:, :n]
        names = [str(c) for c in self.classes_]
        return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(proba, order, strict=True)]
