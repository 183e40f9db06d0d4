"""The section model: which of the list's tables a relevant paper belongs in.

A centroid (Rocchio) classifier over the list's own vocabulary blended with a
nearest-neighbour vote (the sections of the most similar papers of the list).
A paper in several sections counts for each. Small sections are rolled up to
the nearest heading above them that has a table of its own (:func:`roll_up`);
a section with no such heading keeps its label, since a paper can only be
inserted into a table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from sklearn.utils.validation import check_is_fitted

CHUNK = 8192
"""Rows scored at a time (bounds the dense similarity blocks)."""

SEP = " > "
"""Separator of section paths (``KD Algorithms > Knowledge Elicitation > Labeling``)."""


def roll_up(
    labels: Sequence[Iterable[str]], min_papers: int, tables: Iterable[str] | None = None
) -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Map every section with fewer than ``min_papers`` papers to its nearest ancestor heading that has a table.

    ``tables`` are the headings that hold a table of their own (default: the
    sections of ``labels``). A paper can only be inserted under such a heading,
    so a small section with no such ancestor keeps its own label. Repeated, the
    deepest sections first, so a parent can collect its children. Returns the
    mapping (old path -> path used) and the relabelled label sets.
    """
    current = [tuple(dict.fromkeys(s)) for s in labels]
    mapping = {s: s for row in current for s in row}
    has_table = set(mapping) if tables is None else set(tables) | set(mapping)

    def target(section: str) -> str | None:
        parts = section.split(SEP)[:-1]
        while parts:
            if SEP.join(parts) in has_table:
                return SEP.join(parts)
            parts.pop()
        return None

    while True:
        counts = Counter(s for row in current for s in row)
        small = {s: target(s) for s, n in counts.items() if n < min_papers}
        small = {s: t for s, t in small.items() if t is not None}
        if not small:
            break
        depth = max(s.count(SEP) for s in small)
        move = {s: t for s, t in small.items() if s.count(SEP) == depth}
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
    """Multi-label section classifier: a centroid (Rocchio) vote blended with a nearest-neighbour vote.

    ``fit(X, y)`` takes a TF-IDF matrix and, for each row, the collection of
    its section names. The classifier keeps the list's own vocabulary (terms in
    at least ``min_df`` training rows) and re-weights it with the list's own
    IDF, so words that separate the list's sections count, not the words that
    separate the list from the corpus. Each section's centroid is the mean of
    its papers; a paper's centroid score is its cosine to it. The kNN vote sums
    the sections of the ``n_neighbors`` most similar training papers, weighted
    by ``cosine ** similarity_power``. ``predict_proba`` returns one column per
    section in ``classes_`` order; each row sums to 1.

    Parameters
    ----------
    n_neighbors : int, default=20
        Training papers that vote.
    similarity_power : float, default=3.0
        Exponent of each neighbour's cosine similarity (higher: the closest papers dominate).
    knn_weight : float, default=0.1
        Share of the kNN vote in the blend (0: centroids only, 1: kNN only).
    min_df : int, default=2
        A term is kept when at least this many training rows contain it.
    reweight : bool, default=True
        Re-weight the kept terms with the list's IDF (False: keep the weights of ``X``).
    heading_weight : float, default=0.5
        How far each centroid moves towards its section's heading document
        (``headings`` in :meth:`fit`): the unit-length centroid plus this
        times the unit-length heading, renormalised. 0: headings are ignored.

    Attributes
    ----------
    classes_ : ndarray of str
        Section names, sorted.
    columns_ : ndarray of int
        Columns of ``X`` kept (the list's vocabulary).
    column_weights_ : ndarray of float32
        Multiplier of each kept column (the list's IDF over the base IDF).
    centroids_ : csr_matrix of shape (n_classes, n_columns)
        L2-normalised mean of each section's papers.
    """

    def __init__(self, n_neighbors: int = 20, similarity_power: float = 3.0, knn_weight: float = 0.1, min_df: int = 2,
                 reweight: bool = True, heading_weight: float = 0.5) -> None:
        self.n_neighbors = n_neighbors
        self.similarity_power = similarity_power
        self.knn_weight = knn_weight
        self.min_df = min_df
        self.reweight = reweight
        self.heading_weight = heading_weight

    def fit(
        self,
        X: Any,
        y: Sequence[Iterable[str]],
        base_idf: np.ndarray | None = None,
        headings: Mapping[str, Any] | None = None,
    ) -> SectionClassifier:
        """Fit on rows of ``X`` and their label sets ``y``.

        ``base_idf`` is the IDF the columns of ``X`` were already weighted by
        (``TfidfVectorizer.idf_``); the list's IDF replaces it. Without it the
        list's IDF multiplies the given weights. ``headings`` maps section
        names to their heading document as one row in ``X``'s columns
        (:func:`classifiers.headings.heading_features`); sections without one
        keep the plain centroid.
        """
        if not 0.0 <= self.knn_weight <= 1.0:
            raise ValueError(f"knn_weight must be in [0, 1], got {self.knn_weight}")
        if self.heading_weight < 0:
            raise ValueError(f"heading_weight must be at least 0, got {self.heading_weight}")
        y = [tuple(labels) for labels in y]
        X = sp.csr_matrix(X, dtype=np.float32)
        if X.shape[0] != len(y):
            raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)} label sets")
        if not any(y):
            raise ValueError("no row of y has a section")
        if base_idf is not None and len(base_idf) != X.shape[1]:
            raise ValueError(f"base_idf has {len(base_idf)} values but X has {X.shape[1]} columns")
        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform(y).astype(np.float32)
        self.classes_ = self.binarizer_.classes_
        X.eliminate_zeros()
        df = np.bincount(X.indices, minlength=X.shape[1])
        columns = np.flatnonzero(df >= max(int(self.min_df), 1))
        if len(columns) == 0:
            columns = np.flatnonzero(df > 0)
        idf = np.log((1.0 + X.shape[0]) / (1.0 + df[columns])) + 1.0
        if not self.reweight:
            idf = np.ones(len(columns))
        elif base_idf is not None:
            idf = idf / np.asarray(base_idf, dtype=np.float64)[columns]
        self.n_features_in_ = X.shape[1]
        self.columns_ = columns
        self.column_weights_ = idf.astype(np.float32)
        self.train_X_ = self._project(X)
        self.train_Y_ = Y
        centroids = normalize(sp.csr_matrix(Y.T) @ self.train_X_)
        if headings and self.heading_weight > 0:
            centroids = centroids + self.heading_weight * self._heading_rows(headings)
        self.centroids_ = normalize(centroids).astype(np.float32)
        return self

    def _heading_rows(self, headings: Mapping[str, Any]) -> sp.csr_matrix:
        """Unit-length heading document of each class in ``classes_`` order (a zero row where there is none)."""
        empty = sp.csr_matrix((1, self.n_features_in_), dtype=np.float32)
        rows = [sp.csr_matrix(headings[c], dtype=np.float32) if c in headings else empty for c in self.classes_]
        return self._project(sp.vstack(rows, format="csr"))

    def _project(self, X: Any) -> sp.csr_matrix:
        """Keep the list's vocabulary, re-weight it, L2-normalise each row."""
        X = sp.csr_matrix(X, dtype=np.float32)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} columns, the section model was fitted on {self.n_features_in_}")
        selection = sp.csr_matrix(
            (self.column_weights_, (self.columns_, np.arange(len(self.columns_)))),
            shape=(self.n_features_in_, len(self.columns_)),
        )
        return normalize(X @ selection)

    def _centroid_scores(self, Z: sp.csr_matrix) -> np.ndarray:
        return np.clip((Z @ self.centroids_.T).toarray(), 0.0, None).astype(np.float64)

    def _knn_scores(self, Z: sp.csr_matrix) -> np.ndarray:
        sims = (Z @ self.train_X_.T).toarray()
        k = min(self.n_neighbors, sims.shape[1])
        if k <= 0:
            return np.zeros((Z.shape[0], len(self.classes_)), dtype=np.float64)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows = np.arange(sims.shape[0])[:, None]
        weights = np.zeros_like(sims)
        weights[rows, top] = np.clip(sims[rows, top], 0.0, None) ** self.similarity_power
        return (weights @ self.train_Y_).astype(np.float64)

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "classes_")
        Z = self._project(X)
        out = np.zeros((Z.shape[0], len(self.classes_)), dtype=np.float64)
        for start in range(0, Z.shape[0], CHUNK):
            block = Z[start:start + CHUNK]
            for weight, scores in ((1.0 - self.knn_weight, self._centroid_scores), (self.knn_weight, self._knn_scores)):
                if weight == 0.0:
                    continue
                s = scores(block)
                totals = s.sum(axis=1, keepdims=True)
                s = np.divide(s, totals, out=np.full_like(s, 1.0 / s.shape[1]), where=totals > 0)
                out[start:start + CHUNK] += weight * s
        return out

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def rank(self, X: Any, n: int | None = None) -> list[list[tuple[str, float]]]:
        """For each row, the ``n`` best sections (all when None) with their probabilities, best first."""
        order, proba = self.rank_indices(X, n)
        names = [str(c) for c in self.classes_]
        return [[(names[j], p) for j, p in zip(idx, row, strict=True)]
                for idx, row in zip(order.tolist(), proba.tolist(), strict=True)]

    def rank_indices(self, X: Any, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`rank` as arrays: the indices into ``classes_`` of each row's ``n`` best sections, and their probabilities."""
        proba = self.predict_proba(X)
        n = proba.shape[1] if n is None else min(n, proba.shape[1])
        # classes_ are sorted, so a stable sort on -proba breaks ties by name
        order = np.argsort(-proba, axis=1, kind="stable")[:, :n]
        return order, np.take_along_axis(proba, order, axis=1)
