"""Why a paper scored high: the terms that pushed its relevance score up.

A term's push is the linear model's coefficient times the paper's value of
that feature (TF-IDF weight, or lexicon count). The same word from the title
block and the title+abstract block counts once, with both pushes added.

The PR body's "why" is made of **phrases, never single words**: the word
n-grams (bi-grams of the TF-IDF blocks) with the highest positive push
(:meth:`Explainer.top_term_ids` with ``phrases=True``), read back in the paper's
own text by :func:`why_phrases`, which joins two contributing bi-grams that
overlap in the text (``knowledge distillation`` + ``distillation loss``) into
one tri-gram and shows each phrase as the text writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline


def linear_coefficients(clf: Any) -> np.ndarray:
    """The coefficient vector of a fitted linear classifier, averaged over a calibrated ensemble."""
    if hasattr(clf, "estimator_"):  # a meta-estimator around it (BaseRateClassifier)
        return linear_coefficients(clf.estimator_)
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
        names, words = _feature_names(pipeline[:-1])
        self.names = names.tolist()
        """Display name of each feature column."""
        self._names = names
        self._word_ngram = words & (np.char.find(names.astype(str), " ") >= 0)
        """Whether each column is a word n-gram of two words or more: the "why" phrases."""
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

    @property
    def terms(self) -> list[str]:
        """The distinct display names, sorted: what :meth:`top_term_ids` indexes."""
        self._merge()
        return self._terms

    def top_terms(self, X: sp.spmatrix, n: int = 5) -> list[tuple[str, ...]]:
        """The ``n`` terms that pushed each row's score up the most, strongest first (ties by name)."""
        return self.term_names(self.top_term_ids(X, n))

    def term_names(self, ids: np.ndarray) -> list[tuple[str, ...]]:
        """Rows of :meth:`top_term_ids` as tuples of display names."""
        names = self.terms
        counts = np.count_nonzero(ids >= 0, axis=1).tolist()
        return [tuple(map(names.__getitem__, row[:k])) for row, k in zip(ids.tolist(), counts, strict=True)]

    def top_term_ids(self, X: sp.spmatrix, n: int = 5, *, phrases: bool = False) -> np.ndarray:
        """:meth:`top_terms` as indices into :attr:`terms`, one row per row of ``X``, padded with -1.

        With ``phrases``, only word n-grams of two words or more count (the "why" of the PR body).
        """
        return self._top_ids(self._pushes(X), n, phrases=phrases)

    def top_term_and_phrase_ids(self, X: sp.spmatrix, n: int, n_phrases: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`top_term_ids` without and with ``phrases``, from one product of ``X`` and the coefficients."""
        pushes = self._pushes(X)
        return self._top_ids(pushes, n), self._top_ids(pushes, n_phrases, phrases=True)

    def _pushes(self, X: sp.spmatrix) -> sp.csr_matrix:
        """Each row's push (coefficient x value, > 0 or not) per display name."""
        merged = self._merge()
        return sp.csr_matrix(sp.csr_matrix(sp.csr_matrix(X, dtype=np.float64).multiply(self.coef[None, :])) @ merged)

    def _top_ids(self, pushes: sp.csr_matrix, n: int, *, phrases: bool = False) -> np.ndarray:
        rows = np.repeat(np.arange(pushes.shape[0]), np.diff(pushes.indptr))
        keep = pushes.data > 0
        if phrases:
            keep &= self._phrase_mask[pushes.indices]
        values, terms, rows = pushes.data[keep], pushes.indices[keep], rows[keep]
        top = _among_largest(values, rows, n)
        values, terms, rows = values[top], terms[top], rows[top]
        order = np.lexsort((terms, -values, rows))  # terms are indices into the sorted names: ties by name
        terms, rows = terms[order], rows[order]
        place = np.arange(len(rows)) - np.searchsorted(rows, rows)  # position of each term within its row
        shown = place < n
        out = np.full((pushes.shape[0], max(n, 0)), -1, dtype=np.int64)
        out[rows[shown], place[shown]] = terms[shown]
        return out

    def _merge(self) -> sp.csr_matrix:
        """Feature columns -> distinct display names (a 0/1 matrix), built once (numpy: no Python loop per term)."""
        if self._merged is None:
            terms, cols = np.unique(self._names.astype(str), return_inverse=True)
            self._terms = terms.tolist()
            self._phrase_mask = np.zeros(len(terms), dtype=bool)
            self._phrase_mask[cols[self._word_ngram]] = True
            self._merged = sp.csr_matrix(
                (np.ones(len(cols)), (np.arange(len(cols)), cols)), shape=(len(cols), len(terms))
            )
        return self._merged


def _feature_names(features: Any) -> tuple[np.ndarray, np.ndarray]:
    """Display names of the feature columns of a fitted feature step, and which come from a word TF-IDF block.

    A TF-IDF block's names are its vocabulary in column order, laid out with one array assignment (scikit-learn's
    ``get_feature_names_out`` sorts the vocabulary's items in Python, which weighs on every model load); any
    other transformer gives its ``get_feature_names_out``.
    """
    union = features[-1] if isinstance(features, Pipeline) else features
    if not hasattr(union, "transformer_list"):
        full = [str(n) for n in features.get_feature_names_out()]
        return (np.asarray([display_name(n) for n in full], dtype=object),
                np.asarray([n.partition("__")[0] in ("words", "title") for n in full], dtype=bool))
    parts, words = [], []
    for name, transformer in union.transformer_list:
        if transformer in ("drop", None):
            continue
        last = transformer[-1] if isinstance(transformer, Pipeline) else transformer
        vocabulary = getattr(last, "vocabulary_", None)
        if isinstance(vocabulary, dict):
            block = np.empty(len(vocabulary), dtype=object)
            block[np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))] = list(vocabulary)
        else:
            block = np.asarray([display_name(str(n)) for n in transformer.get_feature_names_out()], dtype=object)
        parts.append(block)
        words.append(np.full(len(block), name in ("words", "title"), dtype=bool))
    return np.concatenate(parts), np.concatenate(words)


def _among_largest(values: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """Mask of the values that are among the ``n`` largest distinct values of their row (``rows`` sorted).

    At least the ``n`` largest values of each row (more on ties), so a sort of the masked values finds each
    row's top ``n``; ``n`` vectorised passes instead of one sort per row.
    """
    if not len(values):
        return np.zeros(0, dtype=bool)
    starts = np.flatnonzero(np.concatenate(([True], rows[1:] != rows[:-1])))
    segment = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(rows))))
    threshold = np.full(len(starts), np.inf)
    for _ in range(n):
        below = np.where(values < threshold[segment], values, -np.inf)
        best = np.maximum.reduceat(below, starts)
        threshold = np.where(best > -np.inf, best, threshold)  # a row out of distinct values keeps its last one
    return values >= threshold[segment]


def _is_word_ngram(feature: str) -> bool:
    """A TF-IDF feature of two words or more (``words__knowledge distillation``), not a lexicon term."""
    block, _, name = feature.partition("__")
    return block in ("words", "title") and " " in name.strip()


_WORD = re.compile(r"(?u)\b\w\w+\b")
"""A token as the TF-IDF blocks read one (scikit-learn's default ``token_pattern``)."""
PHRASE_WORDS = 6
"""A phrase shown as the text writes it spans at most this many words (stop words the n-gram skipped included)."""


WHY_PHRASES = 3
"""A proposal's "why" shows at most this many phrases."""


def why_phrases(text: str, ngrams: Sequence[str], n: int = WHY_PHRASES) -> tuple[str, ...]:
    """The ``n`` strongest of ``ngrams`` (multi-word terms, strongest first) as ``text`` writes them.

    Single words are never shown. Each n-gram is looked for in ``text`` (case
    folded, token by token, stop words between its words allowed, as the
    vectorizer skipped them); one not found there is left out. Two found
    n-grams whose spans overlap in the text become one phrase covering both
    (two overlapping bi-grams: a tri-gram), in the place of the stronger.
    """
    spans = _token_spans(text)
    lowered = [text[a:b].lower() for a, b in spans]
    found: list[tuple[int, int]] = []
    for gram in ngrams:
        words = gram.lower().split()
        if len(words) < 2:
            continue
        span = _find(lowered, words)
        if span is None:
            continue
        for k, (start, end) in enumerate(found):
            if span[0] <= end and start <= span[1]:  # they share a word: one phrase over both
                found[k] = (min(start, span[0]), max(end, span[1]))
                break
        else:
            found.append(span)
    out: list[str] = []
    for start, end in found:
        phrase = " ".join(text[spans[start][0]:spans[end][1]].split())
        if phrase.lower() not in (p.lower() for p in out):
            out.append(phrase)
    return tuple(out[:n])


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _find(tokens: Sequence[str], words: Sequence[str]) -> tuple[int, int] | None:
    """First/last token index of the first place ``words`` occur in order in ``tokens``, at most
    :data:`PHRASE_WORDS` tokens from first to last."""
    for start, token in enumerate(tokens):
        if token != words[0]:
            continue
        at = start
        for word in words[1:]:
            nxt = next((i for i in range(at + 1, min(len(tokens), start + PHRASE_WORDS)) if tokens[i] == word), None)
            if nxt is None:
                break
            at = nxt
        else:
            return start, at
    return None
