"""The numpy vocabulary fit (classifiers.vocabulary) gives scikit-learn's vocabulary, IDF and matrix exactly."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers import vocabulary
from classifiers.tokens import SEPARATOR
from classifiers.vectorizer import FastTfidfVectorizer
from devservers.paths import SHARED
from tests.test_classifiers_vectorizer import assert_same

DOCS = [
    "We distill a large language model into a small student; the student learns from the teacher.",
    "Knowledge distillation (KD) of LLMs: the teacher's rationales and the student's errors.",
    "A treebank parser with no teacher at all, and some rare words: zygote, xylophone.",
    "Distillation, distillation and more distillation — DistilBERT, TinyBERT and MiniLM.",
    "Ünïcode wörds, naïve café, the student and the teacher again; x y z a b c.",
    "",
    "teacher student teacher student distillation",
    f"a document that holds the separator {SEPARATOR} word itself, teacher student",
]
NEW = ["The student imitates the teacher's logits.", "unseen vocabulary only", "distil distil distil teacher student"]

PARAMS = [
    {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True, "stop_words": "english", "dtype": np.float32},
    {"ngram_range": (1, 2), "min_df": 1},
    {"ngram_range": (1, 1), "min_df": 2, "max_df": 0.5},
    {"ngram_range": (2, 2), "binary": True, "norm": None, "use_idf": False},
    {"ngram_range": (1, 2), "max_features": 7, "dtype": np.float32},  # ties among equal counts
    {"ngram_range": (1, 2), "max_features": 5, "binary": True, "stop_words": "english"},
    {"ngram_range": (1, 2), "min_df": 0.2, "max_df": 3, "max_features": 10, "smooth_idf": False},
    {"ngram_range": (1, 2), "lowercase": False, "norm": "l1", "strip_accents": "unicode"},
    {"ngram_range": (1, 2), "stop_words": ["teacher", "the"], "min_df": 2},
]


def assert_fits_like_scikit_learn(docs: list[str], params: dict, new: list[str] = NEW) -> FastTfidfVectorizer:
    reference = TfidfVectorizer(**params).fit(docs)
    fast = FastTfidfVectorizer(**params)
    assert fast._counted_fit()  # the numpy fit is what is compared
    assert fast.fit(docs) is fast
    assert fast.vocabulary_ == reference.vocabulary_
    if params.get("use_idf", True):
        assert fast.idf_.dtype == reference.idf_.dtype and np.array_equal(fast.idf_, reference.idf_)
    assert_same(fast.transform(docs + new), reference.transform(docs + new))
    # fit_transform is fit, then transform: scikit-learn's transform exactly; its own fit_transform sums each row's
    # norm in another order (the columns of its count matrix unsorted), so it can differ from it in the last bit
    fitted = FastTfidfVectorizer(**params).fit_transform(docs)
    assert_same(fitted, reference.transform(docs))
    expected = TfidfVectorizer(**params).fit_transform(docs).tocsr()
    assert fitted.shape == expected.shape and abs(fitted - expected).max() <= 1e-6
    return fast


@pytest.mark.parametrize("params", PARAMS)
def test_numpy_fit_equals_scikit_learn_on_small_text(params):
    assert_fits_like_scikit_learn(DOCS, params)


@pytest.mark.parametrize("params", PARAMS[:2] + PARAMS[4:5])
def test_numpy_fit_merges_chunks_exactly(params, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(vocabulary, "CHUNK", 3)  # chunks of three documents
    monkeypatch.setattr(vocabulary, "MERGE_MIN", 4)  # merged again and again
    assert_fits_like_scikit_learn(DOCS * 3 + DOCS[::-1], params)


def test_numpy_fit_raises_scikit_learns_errors():
    for docs, params, message in [
        (["the and of", ""], {"stop_words": "english"}, "empty vocabulary; perhaps the documents only contain stop words"),
        (DOCS, {"min_df": 8}, "After pruning, no terms remain. Try a lower min_df or a higher max_df."),
        (DOCS, {"min_df": 3, "max_df": 2}, "max_df corresponds to < documents than min_df"),
    ]:
        with pytest.raises(ValueError) as expected:
            TfidfVectorizer(**params).fit(docs)
        with pytest.raises(ValueError) as got:
            FastTfidfVectorizer(**params).fit(docs)
        assert str(got.value) == str(expected.value) == message
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        FastTfidfVectorizer().fit("a string")


def test_other_settings_fall_back_to_scikit_learn():
    for params in ({"ngram_range": (1, 3)}, {"analyzer": "char"}, {"vocabulary": ["teacher", "student"]},
                   {"token_pattern": r"\b\w+\b"}):
        assert not FastTfidfVectorizer(**params)._counted_fit()
        assert FastTfidfVectorizer(**params).fit(DOCS).vocabulary_ == TfidfVectorizer(**params).fit(DOCS).vocabulary_


WORDS = st.sampled_from(["teacher", "student", "the", "a", "distil", "kd", "llm", "of", "x", "café", "ÆØ", "model",
                         SEPARATOR, "1", "42", "to"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=8),
       st.sampled_from(PARAMS[1:7]))
def test_numpy_fit_equals_scikit_learn_on_random_text(docs, params):
    try:
        TfidfVectorizer(**params).fit(docs)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)[:20]):
            FastTfidfVectorizer(**params).fit(docs)
        return
    assert_fits_like_scikit_learn(docs, params)


CORPUS = SHARED / "data" / "arxiv_corpus.jsonl.gz"


@pytest.fixture(scope="module")
def abstracts() -> list[str]:
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is absent")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in islice(f, 3000)]
    return [f"{r['title']}. {r['abstract']}" for r in records]


@pytest.mark.parametrize("params", [
    {"min_df": 2},
    {"min_df": 3, "max_features": 20000},
    {"min_df": 2, "max_df": 0.3, "max_features": 5000, "binary": True},
])
def test_numpy_fit_equals_scikit_learn_on_real_abstracts(abstracts, params):
    model_params = {"ngram_range": (1, 2), "sublinear_tf": True, "stop_words": "english", "dtype": np.float32}
    fast = assert_fits_like_scikit_learn(abstracts[:2500], {**model_params, **params}, new=abstracts[2500:])
    assert len(fast.vocabulary_) > 4000
