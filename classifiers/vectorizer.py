"""A TF-IDF vectorizer with the same output as scikit-learn's, faster on word n-grams.

Scoring the whole corpus spends most of its time in ``TfidfVectorizer``'s
per-n-gram Python loop. :class:`FastTfidfVectorizer` keeps every parameter
and every fitted attribute of ``TfidfVectorizer`` and changes how
``transform`` counts n-grams:

* with the default token pattern and n-grams of at most two words (the
  models' setting), the fitted vocabulary is turned into integer tables
  (:class:`TokenTable`, built once, for inputs of :data:`TABLE_MIN` documents
  or more): each token gets an id, a unigram's column is an array lookup and
  a bigram's column a binary search on ``first * n_tokens + second``. A chunk
  of documents is tokenized at once: each ASCII document (nearly all) has its
  non-word characters translated to spaces, others their regular-expression
  tokens joined by spaces, and the chunk, joined by a separator token, is
  split on whitespace; each token is looked up once, in a small dict; stop
  words, n-grams and counts are then numpy operations;
* otherwise word n-grams are built with C-level ``map``/``zip`` and looked up
  with ``map(vocabulary.get, …)``.

Either way the counts are those of scikit-learn's analyzer, and the fitted IDF
and norm are applied with public attributes. Results equal
``TfidfVectorizer``'s (tests compare them); other analyzers fall back to the
parent class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, count, repeat
from operator import methodcaller
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from classifiers.tokens import ASCII_WORD_CHARS, DEFAULT_TOKEN_PATTERN, SEPARATOR, spaced_words
from classifiers.vocabulary import count_ngrams, idf_of, select_vocabulary

CHUNK = 2048
"""Documents counted at a time (bounds the temporary token arrays)."""

TABLE_MIN = 8192
"""``transform`` builds the :class:`TokenTable` for this many documents or more (building it takes about as long
as counting that many documents without it; once built it is used for any number)."""

UNKNOWN, DROPPED, BOUNDARY = -1, -2, -3
"""Token ids of a token in no vocabulary term, of a stop word or one-character word, and of :data:`SEPARATOR`."""


@dataclass(frozen=True)
class TokenTable:
    """A fitted vocabulary of word unigrams and bigrams as integer tables.

    Built once per fitted vectorizer (:meth:`FastTfidfVectorizer.token_table`).
    """

    ids: dict[str, int]
    """Token -> id (``0 .. n_tokens - 1``) of every word of a vocabulary term; stop words and ASCII one-character
    words -> ``DROPPED``; :data:`SEPARATOR` -> ``BOUNDARY`` (when ``joinable``)."""
    n_tokens: int
    """Number of token ids."""
    unigram_columns: np.ndarray
    """Column of each token id's unigram (-1: not a term); one extra -1 at the end, so ``UNKNOWN`` maps to -1."""
    bigram_keys: np.ndarray
    """``first * n_tokens + second`` of every bigram term, sorted."""
    bigram_columns: np.ndarray
    """Column of each of ``bigram_keys``."""
    joinable: bool
    """Whether documents can be joined by :data:`SEPARATOR` (it is no vocabulary word)."""

    @classmethod
    def build(cls, vocabulary: Mapping[str, int], stop_words: Iterable[str]) -> TokenTable:
        """The tables of ``vocabulary`` (term -> column); terms of more than two words are left out (never counted)."""
        terms = list(vocabulary)
        columns = np.fromiter(vocabulary.values(), dtype=np.int64, count=len(terms))
        # one flat list of words and the number of words of each term: no per-term objects (1M terms)
        n_words = np.fromiter(map(methodcaller("count", " "), terms), dtype=np.int64, count=len(terms)) + 1
        words = " ".join(terms).split(" ") if terms else []
        ids = dict(zip(dict.fromkeys(words), count()))
        n_tokens = len(ids)
        word_ids = np.fromiter(map(ids.__getitem__, words), dtype=np.int64, count=len(words))
        starts = np.cumsum(n_words) - n_words
        unigram, bigram = n_words == 1, n_words == 2
        unigram_columns = np.full(n_tokens + 1, -1, dtype=np.int64)
        unigram_columns[word_ids[starts[unigram]]] = columns[unigram]
        keys = word_ids[starts[bigram]] * n_tokens + word_ids[starts[bigram] + 1]
        order = np.argsort(keys)
        joinable = SEPARATOR not in ids
        # scikit-learn never sees one-character words and drops stop words before making n-grams
        ids.update(dict.fromkeys(ASCII_WORD_CHARS, DROPPED))
        ids.update(dict.fromkeys(stop_words, DROPPED))
        if joinable:
            ids[SEPARATOR] = BOUNDARY
        return cls(ids, n_tokens, unigram_columns, keys[order], columns[bigram][order], joinable)

    def token_ids(self, docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the tokens of preprocessed ``docs`` (no stop words), and the document of each."""
        get = self.ids.get
        spaced = list(map(spaced_words, docs))
        text = f" {SEPARATOR} ".join(spaced)
        if self.joinable and text.count(SEPARATOR) == len(docs) - 1:  # no document contains the separator
            tokens = text.split()
            ids = np.fromiter(map(get, tokens, repeat(UNKNOWN)), dtype=np.int64, count=len(tokens))
            doc = np.cumsum(ids == BOUNDARY)
        else:
            lists = [words.split() for words in spaced]
            lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
            ids = np.fromiter(map(get, chain.from_iterable(lists), repeat(UNKNOWN)), dtype=np.int64, count=int(lengths.sum()))
            ids[ids == BOUNDARY] = UNKNOWN  # here the separator is a word of a document: unknown, it breaks bigrams
            doc = np.repeat(np.arange(len(docs)), lengths)
        keep = ids >= UNKNOWN
        return ids[keep], doc[keep]

    def columns(self, ids: np.ndarray, doc: np.ndarray, ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Document and column of every n-gram of the token sequence ``ids`` that is a vocabulary term."""
        min_n, max_n = ngram_range
        rows, cols = [], []
        if min_n <= 1:
            unigrams = self.unigram_columns[ids]
            found = unigrams >= 0
            rows.append(doc[found])
            cols.append(unigrams[found])
        if max_n >= 2 and len(self.bigram_keys) and len(ids) > 1:
            first, second = ids[:-1], ids[1:]
            pair = (doc[:-1] == doc[1:]) & (first >= 0) & (second >= 0)
            keys = first[pair] * self.n_tokens + second[pair]
            order = np.argsort(keys)  # a binary search for sorted keys is several times faster
            keys = keys[order]
            at = np.minimum(np.searchsorted(self.bigram_keys, keys), len(self.bigram_keys) - 1)
            found = self.bigram_keys[at] == keys
            rows.append(doc[:-1][pair][order][found])
            cols.append(self.bigram_columns[at[found]])
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(cols)


class FastTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with a faster word analyzer and ``transform``; same parameters, same results."""

    def _fast(self) -> bool:
        return self.analyzer == "word" and self.input == "content" and self.ngram_range[0] >= 1

    def fit(self, raw_documents: Iterable[Any], y: Any = None) -> FastTfidfVectorizer:
        """Learn the vocabulary and IDF; with default tokens and n-grams of at most two words, counted in numpy
        (:mod:`classifiers.vocabulary`: the same vocabulary and IDF as scikit-learn's fit)."""
        self.__dict__.pop("_token_table", None)  # the old vocabulary's table goes with it
        if not self._counted_fit():
            return super().fit(raw_documents, y)
        self._fit_counted(raw_documents)
        return self

    def fit_transform(self, raw_documents: Iterable[Any], y: Any = None) -> sp.csr_matrix:
        """:meth:`fit`, then :meth:`transform` of the same documents."""
        self.__dict__.pop("_token_table", None)
        if not self._counted_fit():
            return super().fit_transform(raw_documents, y)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        docs = list(raw_documents)
        self._fit_counted(docs)
        return self.transform(docs)

    def _counted_fit(self) -> bool:
        """Whether :meth:`fit` counts in numpy: the tabled analyzer, no given vocabulary, a float dtype."""
        return self._tabled() and self.vocabulary is None and np.dtype(self.dtype) in (np.float32, np.float64)

    def _fit_counted(self, raw_documents: Iterable[Any]) -> None:
        """Fit ``vocabulary_`` and ``idf_`` with :func:`~classifiers.vocabulary.count_ngrams` and
        :func:`~classifiers.vocabulary.select_vocabulary` (scikit-learn's checks and warnings first)."""
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        self._validate_params()
        self._check_params()
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        self.build_analyzer()  # the stop-word consistency warning, as scikit-learn's fit gives it
        preprocess, decode = self.build_preprocessor(), self.decode
        counts = count_ngrams((preprocess(decode(doc)) for doc in raw_documents), self.get_stop_words() or (),
                              self.ngram_range)
        vocabulary, df = select_vocabulary(counts, self.ngram_range, min_df=self.min_df, max_df=self.max_df,
                                           max_features=self.max_features, binary=self.binary, dtype=self.dtype)
        self._tfidf = TfidfTransformer(norm=self.norm, use_idf=self.use_idf, smooth_idf=self.smooth_idf,
                                       sublinear_tf=self.sublinear_tf)
        self.vocabulary_ = vocabulary
        if self.use_idf:
            self._tfidf.idf_ = idf_of(df, counts.n_docs, self.smooth_idf, self.dtype)
        self._tfidf.n_features_in_ = len(vocabulary)

    def _tabled(self) -> bool:
        """Whether ``transform`` can count with a :class:`TokenTable`: default tokens, n-grams of at most two words."""
        return (self._fast() and self.tokenizer is None and self.token_pattern == DEFAULT_TOKEN_PATTERN
                and self.ngram_range[1] <= 2)

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

    def token_table(self) -> TokenTable:
        """The fitted vocabulary as a :class:`TokenTable`, built on first use and kept (not pickled)."""
        table = self._kept_table()
        if table is None:
            check_is_fitted(self, "vocabulary_")
            stop = frozenset(self.get_stop_words() or ())
            table = TokenTable.build(self.vocabulary_, stop)
            self._token_table = (self.vocabulary_, stop, table)
        return table

    def prepare(self) -> None:
        """Build now what ``transform`` builds on first use for large inputs (the token table), e.g. before
        forking workers that then share it; nothing when ``transform`` does not use one."""
        if self._tabled():
            self.token_table()

    def _kept_table(self) -> TokenTable | None:
        """The token table built for the current vocabulary and stop words, if any."""
        kept = self.__dict__.get("_token_table")
        if kept is None or kept[0] is not getattr(self, "vocabulary_", None):
            return None
        return kept[2] if kept[1] == frozenset(self.get_stop_words() or ()) else None

    def __getstate__(self) -> dict[str, Any]:
        # scikit-learn may return the instance's own __dict__: copy it, so pickling keeps this object's table
        return {k: v for k, v in super().__getstate__().items() if k != "_token_table"}

    def transform(self, raw_documents: Iterable[Any]) -> sp.csr_matrix:
        """TF-IDF matrix of ``raw_documents`` with the fitted vocabulary and IDF."""
        if not self._fast():
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, "vocabulary_")
        docs = list(raw_documents)
        tabled = self._tabled() and (len(docs) >= TABLE_MIN or self._kept_table() is not None)
        counts = self._tabled_counter() if tabled else self._analyzed_counter()
        blocks = [counts(docs[start:start + CHUNK]) for start in range(0, len(docs), CHUNK)]
        X = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, len(self.vocabulary_)))
        return self._weigh(X)

    def _tabled_counter(self) -> Callable[[list[Any]], sp.csr_matrix]:
        """Term counts of a chunk of documents through the :class:`TokenTable`."""
        table = self.token_table()
        self.build_analyzer()  # the parameter checks and warnings of the analyzed path
        preprocess, decode = self.build_preprocessor(), self.decode

        def counts(docs: list[Any]) -> sp.csr_matrix:
            ids, doc = table.token_ids([preprocess(decode(d)) for d in docs])
            rows, cols = table.columns(ids, doc, self.ngram_range)
            return self._count_matrix(rows, cols, len(docs))

        return counts

    def _analyzed_counter(self) -> Callable[[list[Any]], sp.csr_matrix]:
        """Term counts of a chunk of documents through the analyzer and ``map(vocabulary.get, …)``."""
        analyze = self.build_analyzer()
        get = self.vocabulary_.get

        def counts(docs: list[Any]) -> sp.csr_matrix:
            lengths = np.zeros(len(docs), dtype=np.int64)
            ids: list[int] = []
            for i, doc in enumerate(docs):
                before = len(ids)
                ids.extend(map(get, analyze(doc), repeat(-1)))
                lengths[i] = len(ids) - before
            columns = np.asarray(ids, dtype=np.int64)
            rows = np.repeat(np.arange(len(docs)), lengths)
            keep = columns >= 0
            return self._count_matrix(rows[keep], columns[keep], len(docs))

        return counts

    def _count_matrix(self, rows: np.ndarray, cols: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """Counts of each (row, column) pair, as a canonical CSR matrix (sorted indices, no duplicates)."""
        counts = sp.coo_matrix(
            (np.ones(len(rows), dtype=self.dtype), (rows, cols)), shape=(n_docs, len(self.vocabulary_))
        ).tocsr()
        counts.sum_duplicates()
        return counts

    def _weigh(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """Counts -> TF-IDF: binary or sublinear TF, fitted IDF, row norm, ``dtype``."""
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
