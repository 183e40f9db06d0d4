"""A TF-IDF vectorizer with the same output as scikit-learn's, faster on word n-grams.

Scoring the whole corpus spends most of its time in ``TfidfVectorizer``'s
per-n-gram Python loop. :class:`FastTfidfVectorizer` keeps every parameter
and every fitted attribute of ``TfidfVectorizer`` and changes two things:
word n-grams are built with C-level ``map``/``zip``, and ``transform`` looks
the n-grams up with ``map(vocabulary.get, …)`` in chunks, then applies the
fitted IDF with public attributes. Results equal ``TfidfVectorizer``'s
(tests compare them); other analyzers fall back to the parent class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

CHUNK = 2048
"""Documents looked up at a time (bounds the temporary index lists)."""


class FastTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with a faster word analyzer and ``transform``; same parameters, same results."""

    def _fast(self) -> bool:
        return self.analyzer == "word" and self.input == "content"

    def build_analyzer(self) -> Callable[[Any], list[str]]:
        """The word analyzer: preprocess, tokenize, drop stop words, then n-grams (as scikit-learn orders them)."""
        reference = super().build_analyzer()  # validates parameters and warns about stop-word consistency
        if not self._fast():
            return reference
        preprocess = self.build_preprocessor()
        tokenize = self.build_tokenizer()
        stop = frozenset(self.get_stop_words() or ())
        decode = self.decode
        min_n, max_n = self.ngram_range

        def analyze(doc: Any) -> list[str]:
            tokens = tokenize(preprocess(decode(doc)))
            if stop:
                tokens = [w for w in tokens if w not in stop]
            out = list(tokens) if min_n == 1 else []
            for n in range(max(min_n, 2), max_n + 1):
                if n == 2:
                    out.extend(map(" ".join, zip(tokens, tokens[1:], strict=False)))
                else:
                    out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
            return out

        return analyze

    def transform(self, raw_documents: Iterable[Any]) -> sp.csr_matrix:
        """TF-IDF matrix of ``raw_documents`` with the fitted vocabulary and IDF."""
        if not self._fast():
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, "vocabulary_")
        analyze = self.build_analyzer()
        get = self.vocabulary_.get
        docs = list(raw_documents)
        blocks = []
        for start in range(0, len(docs), CHUNK):
            chunk = docs[start:start + CHUNK]
            lengths = np.zeros(len(chunk), dtype=np.int64)
            ids: list[int] = []
            for i, doc in enumerate(chunk):
                before = len(ids)
                ids.extend(map(get, analyze(doc), repeat(-1)))
                lengths[i] = len(ids) - before
            columns = np.asarray(ids, dtype=np.int64)
            rows = np.repeat(np.arange(len(chunk)), lengths)
            keep = columns >= 0
            counts = sp.coo_matrix(
                (np.ones(int(keep.sum()), dtype=np.float64), (rows[keep], columns[keep])),
                shape=(len(chunk), len(self.vocabulary_)),
            ).tocsr()
            counts.sum_duplicates()
            blocks.append(counts)
        X = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, len(self.vocabulary_)))
        if self.binary:
            X.data.fill(1.0)
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.use_idf:
            X.data *= self.idf_[X.indices]
        if self.norm is not None and X.shape[0]:
            X = normalize(X, norm=self.norm, copy=False)
        return sp.csr_matrix(X, dtype=self.dtype)
