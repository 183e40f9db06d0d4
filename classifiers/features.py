"""Text and keyword feature transformers over :class:`~tracker.records.Paper` sequences.

Every step takes a sequence of papers (or of dicts/strings, see :func:`paper_text`)
so a whole model is one scikit-learn ``Pipeline`` from papers to probabilities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

FIELDS = ("all", "title", "abstract")
"""What :class:`PaperText` can extract."""


def paper_text(paper: Any, field: str = "all") -> str:
    """The text of ``paper`` for ``field``: a Paper-like object, a corpus dict or a plain string."""
    if isinstance(paper, str):
        title, abstract = "", paper
    elif isinstance(paper, dict):
        title, abstract = str(paper.get("title") or ""), str(paper.get("abstract") or "")
    else:
        title, abstract = str(getattr(paper, "title", "") or ""), str(getattr(paper, "abstract", "") or "")
    if field == "title":
        return title
    if field == "abstract":
        return abstract
    return f"{title}. {abstract}" if title else abstract


class PaperText(TransformerMixin, BaseEstimator):
    """Turn papers into strings: title, abstract, or both (``"all"``).

    Parameters
    ----------
    field : {"all", "title", "abstract"}, default="all"
        Which text to extract.

    Examples
    --------
    >>> PaperText(field="title").fit_transform([{"title": "Distil me", "abstract": "x"}])
    ['Distil me']
    """

    def __init__(self, field: str = "all") -> None:
        self.field = field

    def fit(self, X: Sequence[Any], y: Any = None) -> PaperText:
        if self.field not in FIELDS:
            raise ValueError(f"field must be one of {FIELDS}, got {self.field!r}")
        self.n_seen_ = len(X)
        return self

    def transform(self, X: Sequence[Any]) -> list[str]:
        check_is_fitted(self, "n_seen_")
        return [paper_text(p, self.field) for p in X]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"{self.field}_text"], dtype=object)


@dataclass(frozen=True)
class Term:
    """One keyword feature: how often ``pattern`` occurs in a paper's ``field``."""

    name: str
    """Name shown as a reason (``distil``) and used as the feature name."""
    pattern: str
    """Regular expression, matched case-insensitively (against lower-cased text: write it in lower case)."""
    field: str = "all"
    """Text it is counted in: ``all``, ``title`` or ``abstract``."""
    requires: str = ""
    """Optional second pattern: the count is zero unless it also occurs (a conjunction)."""


LLM_CONTEXT = r"llm|language model|gpt|llama|mistral"
"""Words that place a paper among (large) language models."""

DISTIL = r"distil"
"""Distil, distill, distillation, distilled, DistilBERT, BitDistiller…"""

DEFAULT_TERMS: tuple[Term, ...] = (
    Term("distil", DISTIL),
    Term("distil (title)", DISTIL, field="title"),
    Term("distil + LLM", DISTIL, requires=LLM_CONTEXT),
)
"""The domain lexicon: what makes a paper about distillation, whatever the list has seen."""


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Counts of domain terms, ``scale * log1p(count)``, as a sparse float32 matrix.

    Inside the linear model these columns let the list's labels decide how much
    "says distil" matters, next to the words the list itself teaches.

    Parameters
    ----------
    terms : tuple of Term, default=DEFAULT_TERMS
        The lexicon.
    scale : float, default=0.3
        Multiplier of every column (TF-IDF rows have unit norm; this keeps the
        lexicon on a comparable footing under the same L2 penalty).
    """

    def __init__(self, terms: tuple[Term, ...] = DEFAULT_TERMS, scale: float = 0.3) -> None:
        self.terms = terms
        self.scale = scale

    def fit(self, X: Sequence[Any], y: Any = None) -> LexiconFeatures:
        for term in self.terms:
            if term.field not in FIELDS:
                raise ValueError(f"term {term.name!r}: field must be one of {FIELDS}, got {term.field!r}")
        # texts are lower-cased once per paper, so patterns are compiled lower-case and case-sensitive (faster)
        self.patterns_ = [
            (re.compile(t.pattern.lower()), re.compile(t.requires.lower()) if t.requires else None, t.field)
            for t in self.terms
        ]
        self.n_features_out_ = len(self.terms)
        return self

    def counts(self, X: Sequence[Any]) -> np.ndarray:
        """Raw match counts, one column per term."""
        check_is_fitted(self, "patterns_")
        out = np.zeros((len(X), len(self.patterns_)), dtype=np.float32)
        for i, paper in enumerate(X):
            title = paper_text(paper, "title").lower()
            abstract = paper_text(paper, "abstract").lower()
            texts = {"title": title, "abstract": abstract, "all": f"{title}. {abstract}" if title else abstract}
            required: dict[Any, bool] = {}
            for j, (pattern, requires, field) in enumerate(self.patterns_):
                count = len(pattern.findall(texts[field]))
                if count and requires is not None:
                    if requires not in required:
                        required[requires] = requires.search(texts["all"]) is not None
                    count = count if required[requires] else 0
                out[i, j] = count
        return out

    def transform(self, X: Sequence[Any]) -> sp.csr_matrix:
        values = np.log1p(self.counts(X)) * np.float32(self.scale)
        return sp.csr_matrix(values.astype(np.float32))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "patterns_")
        return np.asarray([t.name for t in self.terms], dtype=object)


def keyword_counts(papers: Sequence[Any], pattern: str = DISTIL) -> np.ndarray:
    """How often ``pattern`` occurs in each paper's title and abstract: the keyword baseline's score."""
    rx = re.compile(pattern, re.IGNORECASE)
    return np.asarray([len(rx.findall(paper_text(p))) for p in papers], dtype=np.float64)
