"""Why a paper scored high: the terms that pushed its relevance score up.

A term's push is the linear model's coefficient times the paper's value of
that feature (TF-IDF weight, or lexicon count). The same word from the title
block and the title+abstract block counts once, with both pushes added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline


def linear_coefficients(clf: Any) -> np.ndarray:
    """The coefficient vector of a fitted linear classifier, averaged over a calibrated ensemble."""
    if hasattr(clf, "calibrated_classifiers_"):
        coefs = [np.asarray(c.estimator.coef_).ravel() for c in clf.calibrated_classifiers_]
        return np.mean(coefs, axis=0)
    return np.asarray(clf.coef_).ravel()


def display_name(feature: str) -> str:
    """``words__knowledge distillation`` -> ``knowledge distillation``; ``lexicon__distil + LLM`` -> ``distil + LLM``."""
    return feature.split("__", 1)[1] if "__" in feature else feature


class Explainer:
    """Top terms of a fitted relevance pipeline (``features`` step + linear ``clf`` step).

    Parameters
    ----------
    pipeline : Pipeline
        A fitted pipeline whose first step transforms papers into features and
        whose last step is a (calibrated) linear classifier.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        features = pipeline[:-1]
        names = features.get_feature_names_out()
        self.names = [display_name(str(n)) for n in names]
        """Display name of each feature column."""
        self.coef = linear_coefficients(pipeline[-1]).astype(np.float64)
        """Coefficient of each feature column (positive: pushes the score up)."""
        self._merged: sp.csr_matrix | None = None
        if len(self.names) != len(self.coef):
            raise ValueError(f"{len(self.names)} feature names but {len(self.coef)} coefficients")

    def pushes(self, row: sp.spmatrix) -> dict[str, float]:
        """Every term with a positive push for one feature row, merged by display name."""
        row = sp.csr_matrix(row)
        out: dict[str, float] = {}
        for j, value in zip(row.indices, row.data, strict=True):
            push = float(value) * self.coef[j]
            if push > 0:
                name = self.names[j]
                out[name] = out.get(name, 0.0) + push
        return out

    def top_terms(self, X: sp.spmatrix, n: int = 5) -> list[tuple[str, ...]]:
        """The ``n`` terms that pushed each row's score up the most, strongest first (ties by name)."""
        merged = self._merge()
        pushes = sp.csr_matrix(sp.csr_matrix(X, dtype=np.float64).multiply(self.coef[None, :])) @ merged
        pushes = sp.csr_matrix(pushes)
        result = []
        for i in range(pushes.shape[0]):
            start, end = pushes.indptr[i], pushes.indptr[i + 1]
            values, terms = pushes.data[start:end], pushes.indices[start:end]
            keep = values > 0
            values, terms = values[keep], terms[keep]
            order = np.lexsort((self._term_rank[terms], -values))[:n]
            result.append(tuple(self._terms[t] for t in terms[order]))
        return result

    def _merge(self) -> sp.csr_matrix:
        """Feature columns -> distinct display names (a 0/1 matrix), built once."""
        if getattr(self, "_merged", None) is None:
            self._terms = sorted(set(self.names))
            index = {t: k for k, t in enumerate(self._terms)}
            self._term_rank = np.arange(len(self._terms))
            cols = np.asarray([index[name] for name in self.names])
            self._merged = sp.csr_matrix(
                (np.ones(len(cols)), (np.arange(len(cols)), cols)), shape=(len(cols), len(self._terms))
            )
        return self._merged
