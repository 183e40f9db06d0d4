"""An exact vocabulary and document-frequency fit of word unigrams and bigrams, in numpy.

scikit-learn's ``CountVectorizer.fit`` builds a Python string for every word
n-gram of every document and a dict entry for every distinct one, before
``min_df`` throws most of them away: on the corpus that is most of training's
time and its memory peak. :func:`count_ngrams` gives each distinct word an
integer id (one dict lookup per token), codes a bigram as
``first << 32 | second`` and counts term and document frequencies with
``np.unique``/``np.bincount``; :func:`select_vocabulary` then applies
``min_df``, ``max_df`` and ``max_features`` with scikit-learn's exact rules
(its ``_limit_features``, including how ``max_features`` breaks ties: an
``argsort`` of the negated term counts, in the counts' dtype, over the
surviving terms in alphabetical order) and makes strings only of the terms
kept. :func:`idf_of` is ``TfidfTransformer.fit``'s IDF. Tests compare the
result with ``TfidfVectorizer`` (vocabulary, IDF and transform).

Only scikit-learn's default token pattern and n-grams of one or two words are
handled here (:class:`~classifiers.vectorizer.FastTfidfVectorizer` falls back
to scikit-learn for anything else). One caveat of the float32 models: with
``max_features``, scikit-learn ranks terms by float32 sums of their counts, exact
below 2**24 occurrences of one term; the counts here are exact integers cast to
that dtype, so they agree as long as no term occurs 16.7 million times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from numbers import Integral

import numpy as np

from classifiers.tokens import SEPARATOR, spaced_words

CHUNK = 2048
"""Documents tokenized at a time (bounds the temporary token arrays)."""

MERGE_MIN = 1 << 22
"""Bigram counts of several chunks are merged once they hold this many entries and more than those merged so far."""

_SHIFT = np.int64(32)
_LOW = np.int64((1 << 32) - 1)


@dataclass(frozen=True)
class NgramCounts:
    """Term and document frequencies of every word unigram and bigram of a set of documents."""

    words: list[str]
    """Token id -> word (id 0 is :data:`~classifiers.tokens.SEPARATOR`, counted only where a document holds it)."""
    unigram_tf: np.ndarray
    """Occurrences of each token id's word (0 for stop words and one-character words: never counted)."""
    unigram_df: np.ndarray
    """Documents holding each token id's word."""
    bigram_codes: np.ndarray
    """``first << 32 | second`` of every distinct bigram, sorted."""
    bigram_tf: np.ndarray
    """Occurrences of each of ``bigram_codes``."""
    bigram_df: np.ndarray
    """Documents holding each of ``bigram_codes``."""
    n_docs: int
    """Number of documents counted."""

    def bigram_terms(self, codes: np.ndarray) -> list[str]:
        """The strings (``"first second"``) of bigram ``codes``."""
        words = self.words
        firsts, seconds = (codes >> _SHIFT).tolist(), (codes & _LOW).tolist()
        return [f"{words[a]} {words[b]}" for a, b in zip(firsts, seconds, strict=True)]


def count_ngrams(docs: Iterable[str], stop_words: Iterable[str], ngram_range: tuple[int, int]) -> NgramCounts:
    """Counts of the word n-grams (at most two words) of preprocessed ``docs`` as scikit-learn's word analyzer
    makes them: tokens of two or more word characters, ``stop_words`` removed before n-grams are made."""
    min_n, max_n = ngram_range
    if not 1 <= min_n <= max_n <= 2:
        raise ValueError(f"only word n-grams of one or two words are counted here, got ngram_range={ngram_range}")
    stop = frozenset(stop_words)
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a new word gets the next id
    ids[SEPARATOR] = 0
    dropped = np.zeros(1, dtype=bool)
    unigram_tf = np.zeros(1, dtype=np.int64)
    unigram_df = np.zeros(1, dtype=np.int64)
    merged: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n_docs = 0
    iterator = iter(docs)
    while chunk := list(islice(iterator, CHUNK)):
        n_docs += len(chunk)
        known = len(ids)
        tokens, doc = _token_ids(chunk, ids)
        if len(ids) > known:  # flag the new words that scikit-learn never counts
            new = np.fromiter((len(w) == 1 or w in stop for w in islice(ids, known, None)), dtype=bool,
                              count=len(ids) - known)
            dropped = np.concatenate([dropped, new])
            unigram_tf = np.concatenate([unigram_tf, np.zeros(len(new), dtype=np.int64)])
            unigram_df = np.concatenate([unigram_df, np.zeros(len(new), dtype=np.int64)])
        keep = ~dropped[tokens]
        tokens, doc = tokens[keep], doc[keep]
        if min_n <= 1 and len(tokens):
            n = np.int64(len(ids))
            unigram_tf += np.bincount(tokens, minlength=len(ids))
            unigram_df += np.bincount(_distinct(doc * n + tokens) % n, minlength=len(ids))
        if max_n >= 2 and len(tokens) > 1:
            pending.append(_bigram_counts(tokens, doc, len(chunk)))
            if sum(len(p[0]) for p in pending) >= max(MERGE_MIN, len(merged[0]) if merged else 0):
                merged = _merge(([merged] if merged else []) + pending)
                pending = []
    if pending:
        merged = _merge(([merged] if merged else []) + pending)
    if merged is None:
        merged = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    return NgramCounts(list(ids), unigram_tf, unigram_df, *merged, n_docs)


def _token_ids(docs: list[str], ids: defaultdict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of ``docs`` (new words get new ids) and the index within ``docs`` of each token's document."""
    spaced = list(map(spaced_words, docs))
    text = f" {SEPARATOR} ".join(spaced)
    if text.count(SEPARATOR) == len(docs) - 1:  # no document holds the separator: id 0 is a boundary
        words = text.split()
        tokens = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        boundary = tokens == 0
        doc = np.cumsum(boundary)
        return tokens[~boundary], doc[~boundary]
    lists = [s.split() for s in spaced]  # a document holds the separator: id 0 is that word
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    tokens = np.fromiter(map(ids.__getitem__, chain.from_iterable(lists)), dtype=np.int64, count=int(lengths.sum()))
    return tokens, np.repeat(np.arange(len(docs)), lengths)


def _bigram_counts(tokens: np.ndarray, doc: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct bigram codes of one chunk's token sequence, their occurrences and their document counts."""
    same = doc[:-1] == doc[1:]
    codes = (tokens[:-1][same] << _SHIFT) | tokens[1:][same]
    distinct, inverse, tf = np.unique(codes, return_inverse=True, return_counts=True)
    pairs = _distinct(inverse.astype(np.int64).ravel() * n_docs + doc[:-1][same])
    return distinct, tf, np.bincount(pairs // n_docs, minlength=len(distinct))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: ``np.unique`` by a sort (numpy 2.3+'s hash-based ``unique`` is several times
    slower on these arrays of millions of integers)."""
    values = np.sort(values)
    if not len(values):
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _merge(parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of disjoint sets of documents added up per code (documents are never shared, so df adds too)."""
    codes = np.concatenate([p[0] for p in parts])
    distinct, inverse = np.unique(codes, return_inverse=True)
    tf = np.zeros(len(distinct), dtype=np.int64)
    df = np.zeros(len(distinct), dtype=np.int64)
    np.add.at(tf, inverse, np.concatenate([p[1] for p in parts]))
    np.add.at(df, inverse, np.concatenate([p[2] for p in parts]))
    return distinct, tf, df


def select_vocabulary(
    counts: NgramCounts,
    ngram_range: tuple[int, int],
    *,
    min_df: float = 1,
    max_df: float = 1.0,
    max_features: int | None = None,
    binary: bool = False,
    dtype: type = np.float64,
) -> tuple[dict[str, int], np.ndarray]:
    """The vocabulary (term -> column, columns in alphabetical order) and each column's document frequency,
    pruned as ``CountVectorizer.fit`` prunes (``_limit_features``)."""
    min_n, max_n = ngram_range
    dfs, tfs, names = [], [], []
    if min_n <= 1:
        present = np.flatnonzero(counts.unigram_tf > 0)
        dfs.append(counts.unigram_df[present])
        tfs.append(counts.unigram_tf[present])
        names.append(("unigram", present))
    if max_n >= 2:
        dfs.append(counts.bigram_df)
        tfs.append(counts.bigram_tf)
        names.append(("bigram", np.arange(len(counts.bigram_codes))))
    df = np.concatenate(dfs) if dfs else np.zeros(0, dtype=np.int64)
    tf = np.concatenate(tfs) if tfs else np.zeros(0, dtype=np.int64)
    if not len(df):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    n_doc = counts.n_docs
    high = max_df if isinstance(max_df, Integral) else max_df * n_doc
    low = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    mask = (df <= high) & (df >= low)
    kept = np.flatnonzero(mask)
    terms = _terms(counts, names, kept)
    order = sorted(range(len(terms)), key=terms.__getitem__)  # alphabetical, as _sort_features
    kept, terms = kept[order], [terms[i] for i in order]
    if max_features is not None and len(kept) > max_features:
        # _limit_features: (-tfs[mask]).argsort()[:limit] over the alphabetical columns, in X's dtype
        weights = (df if binary else tf)[kept].astype(dtype)
        top = np.sort((-weights).argsort()[:max_features])
        kept, terms = kept[top], [terms[i] for i in top.tolist()]
    if not len(kept):
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return dict(zip(terms, range(len(terms)), strict=True)), df[kept]


def _terms(counts: NgramCounts, blocks: list[tuple[str, np.ndarray]], kept: np.ndarray) -> list[str]:
    """Strings of the candidate terms ``kept`` (indices into the blocks' candidates, unigrams first)."""
    out: list[str] = []
    start = 0
    for kind, index in blocks:
        mine = kept[(kept >= start) & (kept < start + len(index))] - start
        if kind == "unigram":
            words = counts.words
            out.extend(words[i] for i in index[mine].tolist())
        else:
            out.extend(counts.bigram_terms(counts.bigram_codes[index[mine]]))
        start += len(index)
    return out


def idf_of(df: np.ndarray, n_docs: int, smooth_idf: bool, dtype: type) -> np.ndarray:
    """``TfidfTransformer.fit``'s ``idf_`` for document frequencies ``df`` of ``n_docs`` documents, step by step."""
    df = df.astype(dtype, copy=True)
    df += float(smooth_idf)
    n_samples = n_docs + int(smooth_idf)
    idf = np.full_like(df, fill_value=n_samples, dtype=dtype)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return idf
