"""FastTfidfVectorizer gives exactly what TfidfVectorizer gives, with the same parameters and conventions."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers import vectorizer
from classifiers.vectorizer import DEFAULT_TOKEN_PATTERN, FastTfidfVectorizer, spaced_words

DOCS = [
    "We distill a large language model into a small student; the student learns from the teacher.",
    "Knowledge distillation (KD) of LLMs: the teacher's rationales and the student's errors.",
    "A treebank parser with no teacher at all, and some rare words: zygote, xylophone.",
    "Distillation, distillation and more distillation — DistilBERT, TinyBERT and MiniLM.",
    "",
]
NEW = ["The student imitates the teacher's logits.", "unseen vocabulary only", "distil distil distil teacher student"]


@pytest.mark.parametrize(
    "params",
    [
        {"ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "stop_words": "english", "dtype": np.float32},
        {"ngram_range": (1, 1), "min_df": 2},
        {"ngram_range": (2, 3), "binary": True, "norm": None, "use_idf": False},
        {"ngram_range": (1, 3), "lowercase": False, "norm": "l1", "smooth_idf": False},
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
    ],
)
def test_same_vocabulary_and_matrix_as_tfidf_vectorizer(params):
    reference = TfidfVectorizer(**params).fit(DOCS)
    fast = FastTfidfVectorizer(**params)
    assert fast.fit(DOCS) is fast
    assert fast.vocabulary_ == reference.vocabulary_
    assert np.array_equal(fast.idf_, reference.idf_) if params.get("use_idf", True) else True
    assert_same(fast.transform(DOCS + NEW), reference.transform(DOCS + NEW))
    assert_same(fast.fit_transform(DOCS), reference.fit_transform(DOCS))


def assert_same(got, expected):
    """The same sparse matrix, bit for bit: structure, values and dtype."""
    got, expected = got.tocsr(), expected.tocsr()
    got.sort_indices()
    expected.sort_indices()
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_analyzer_orders_ngrams_as_scikit_learn():
    params = {"ngram_range": (1, 3), "stop_words": "english"}
    assert FastTfidfVectorizer(**params).build_analyzer()(DOCS[0]) == TfidfVectorizer(**params).build_analyzer()(DOCS[0])
    assert FastTfidfVectorizer(ngram_range=(1, 2)).build_analyzer()("a Student learns") == ["student", "learns", "student learns"]


def test_conventions():
    fast = FastTfidfVectorizer(min_df=2, sublinear_tf=True)
    assert clone(fast).get_params() == fast.get_params()
    with pytest.raises(NotFittedError):
        fast.transform(NEW)
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        fast.fit(DOCS).transform("one string")
    # a refit forgets the first vocabulary
    assert sorted(fast.fit(DOCS[:2]).vocabulary_) == ["student", "teacher", "the"]
    assert fast.transform([]).shape == (0, 3)


# --- the token-table path (default token pattern, n-grams of at most two words) ---

TRICKY = [
    "Café-style naïve résumé: ÉCOLE, straße and ΣΟΦΊΑ σοφία; 東京 大学 and ９９ fullwidth.",
    "snake_case_words, x y z 1 2 3, a-b c/d e.f — don't stop; it's the end_",
    "tabs\tand\nnew lines\r\nand\u00a0no-break\u2009thin spaces, zero\u200bwidth",
    "emoji 🤖 robots 🤖🤖 and a ß; the student the teacher the student the teacher",
    "ΑΣ ΣΑΣ όΣ. final sigma: ΟΔΟΣ. Σ",
    "qqkdtrackerdocumentboundaryqq inside a document, and the teacher again",
    "",
    "a",
]


def _counts(vectorizer, docs, tabled):
    counter = vectorizer._tabled_counter() if tabled else vectorizer._analyzed_counter()
    return counter(list(docs))


@pytest.mark.parametrize(
    "params",
    [
        {"ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "stop_words": "english", "dtype": np.float32},
        {"ngram_range": (1, 1)},
        {"ngram_range": (2, 2), "stop_words": "english"},
        {"ngram_range": (1, 2), "lowercase": False},
        {"ngram_range": (1, 2), "strip_accents": "unicode"},
        {"ngram_range": (1, 2), "preprocessor": str.upper},
    ],
)
def test_token_table_counts_equal_the_analyzer_counts(params):
    fast = FastTfidfVectorizer(**params).fit(DOCS + TRICKY[:5])
    assert fast._tabled() and fast.token_table().joinable
    for docs in (DOCS + NEW + TRICKY, TRICKY[:-3], [TRICKY[5]], []):
        tabled, analyzed = _counts(fast, docs, True), _counts(fast, docs, False)
        assert tabled.shape == analyzed.shape
        assert np.array_equal(tabled.indptr, analyzed.indptr) and np.array_equal(tabled.indices, analyzed.indices)
        assert np.array_equal(tabled.data, analyzed.data)
    reference = TfidfVectorizer(**params).fit(DOCS + TRICKY[:5])
    assert_same(fast.transform(TRICKY + NEW), reference.transform(TRICKY + NEW))


def test_a_document_holding_the_separator_is_counted_like_scikit_learn():
    # the separator is then an ordinary unknown word: it breaks the bigram around it
    params = {"ngram_range": (1, 2), "stop_words": "english", "norm": None, "use_idf": False}
    fit = ["teacher student model", "student teacher distil"]
    docs = ["teacher QQKDTRACKERDOCUMENTBOUNDARYQQ student", "student teacher", "teacher student"]
    fast, reference = FastTfidfVectorizer(**params).fit(fit), TfidfVectorizer(**params).fit(fit)
    assert fast.token_table().joinable
    assert_same(_counts(fast, docs, True), _counts(fast, docs, False))
    assert_same(fast.transform(docs), reference.transform(docs))
    assert fast.transform(docs)[0, fast.vocabulary_["teacher student"]] == 0


def test_token_table_with_a_given_vocabulary_counts_only_what_scikit_learn_counts():
    # stop words, one-character words and three-word terms never match; the separator may be a word
    vocabulary = ["the", "a", "x y", "teacher", "the teacher", "student teacher", "teacher student", "a b c",
                  "qqkdtrackerdocumentboundaryqq", "qqkdtrackerdocumentboundaryqq inside", "σοφία", "大学"]
    params = {"vocabulary": vocabulary, "stop_words": "english", "ngram_range": (1, 2), "norm": None, "use_idf": False}
    fast, reference = FastTfidfVectorizer(**params).fit(DOCS), TfidfVectorizer(**params).fit(DOCS)
    assert not fast.token_table().joinable
    docs = DOCS + NEW + TRICKY + ["x y teacher student teacher a b c"]
    assert np.array_equal(fast.transform(docs).toarray(), reference.transform(docs).toarray())


def test_token_table_is_kept_per_fit_and_not_pickled():
    fast = FastTfidfVectorizer(ngram_range=(1, 2)).fit(DOCS)
    table = fast.token_table()
    assert fast.token_table() is table
    assert "_token_table" not in pickle.loads(pickle.dumps(fast)).__dict__
    assert fast._kept_table() is table  # pickling leaves the live object's table alone
    fast.fit(DOCS[:2])
    assert "_token_table" not in fast.__dict__  # a refit lets the old table go
    assert fast.token_table() is not table and "zygote" not in fast.token_table().ids
    assert not FastTfidfVectorizer(ngram_range=(0, 2))._fast()  # scikit-learn's own path for 0-grams
    trigrams = FastTfidfVectorizer(ngram_range=(1, 3)).fit(DOCS)
    trigrams.prepare()
    assert not trigrams._tabled() and trigrams._kept_table() is None
    assert not FastTfidfVectorizer(token_pattern=r"\S+").fit(DOCS)._tabled()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.text(alphabet="ab_ .-é1\u00a0\n"), st.sampled_from(TRICKY)), max_size=6))
def test_spaced_words_split_like_the_default_token_pattern(docs):
    pattern = re.compile(DEFAULT_TOKEN_PATTERN)
    for doc in docs:
        assert [w for w in spaced_words(doc).split() if len(w) > 1] == pattern.findall(doc)
    fast = FastTfidfVectorizer(ngram_range=(1, 2), min_df=1, stop_words="english").fit(DOCS + TRICKY[:5])
    assert fast.token_table().joinable  # the one-split path; documents may still hold the separator (TRICKY[5])
    tabled, analyzed = _counts(fast, docs, True), _counts(fast, docs, False)
    assert (tabled != analyzed).nnz == 0 and np.array_equal(tabled.indices, analyzed.indices)


def test_token_table_only_for_large_inputs_until_built(monkeypatch: pytest.MonkeyPatch):
    fast = FastTfidfVectorizer(ngram_range=(1, 2)).fit(DOCS)
    expected = fast.transform(DOCS + NEW)
    assert fast._kept_table() is None  # a few documents are counted without building the table
    monkeypatch.setattr(vectorizer, "TABLE_MIN", 3)
    assert np.array_equal(fast.transform(DOCS + NEW).toarray(), expected.toarray())
    table = fast._kept_table()
    assert table is not None
    monkeypatch.setattr(vectorizer, "TABLE_MIN", 100)
    assert np.array_equal(fast.transform(NEW).toarray(), expected[len(DOCS):].toarray())  # once built, always used
    fast.set_params(stop_words="english")
    assert fast._kept_table() is None  # other stop words: another table
    fast.prepare()
    assert fast._kept_table() is not table and "the" not in [w for w, i in fast._kept_table().ids.items() if i >= 0]
