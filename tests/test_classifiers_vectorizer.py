"""FastTfidfVectorizer gives exactly what TfidfVectorizer gives, with the same parameters and conventions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers.vectorizer import FastTfidfVectorizer

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
    expected, got = reference.transform(DOCS + NEW), fast.transform(DOCS + NEW)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.allclose(got.toarray(), expected.toarray(), atol=1e-6)
    assert np.allclose(fast.fit_transform(DOCS).toarray(), reference.fit_transform(DOCS).toarray(), atol=1e-6)


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
