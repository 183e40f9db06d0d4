"""Factories of the model pipelines (papers in, probabilities out).

Tune with pipeline parameter names (``clf__estimator__estimator__C``, ``features__title__tfidf__min_df``).
Every factory returns a fresh, unfitted ``Pipeline``.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from classifiers.base_rate import BASE_RATE, BaseRateClassifier
from classifiers.features import DEFAULT_TERMS, LexiconFeatures, PaperText, Term
from classifiers.sections import SectionClassifier
from classifiers.vectorizer import FastTfidfVectorizer

RELEVANCE_DEFAULTS = {
    "C": 1.0,
    "title_weight": 0.5,
    "lexicon_scale": 0.3,
    "min_df": 2,
    "max_features": 2**18,
    "unlabeled_weight": 0.5,
    "heading_weight": 0.0,
}
"""Hyper-parameters of the relevance model, chosen by cross-validation (``python -m bench.quality``).

``unlabeled_weight`` and ``heading_weight`` belong to the training set (:mod:`classifiers.training_set`); the rest to :func:`make_relevance_model`.

``max_features`` bounds each TF-IDF block to its 262,144 most frequent terms (of at least ``min_df`` documents),
whatever the number of training papers: on the 79k corpus the title + abstract block keeps 262,144 of its
973,082 terms, the model folder takes 5 MB instead of 20 MB and loads in a fraction of a second, with the same
replay recall, the same judged top 10 and cross-validated recall@10 within one list paper (``bench.quality``,
``bench.judged``; ``min_df`` 3 instead lost replay recall@5 and bounds nothing by itself).
"""

RELEVANCE_MODEL_PARAMS = ("C", "title_weight", "lexicon_scale", "min_df", "max_features", "ngram_range", "terms")
"""Keys of the relevance parameters that :func:`make_relevance_model` takes."""


def _tfidf(ngram_range: tuple[int, int], min_df: int | float, stop_words: str | None = "english",
           max_features: int | None = None) -> FastTfidfVectorizer:
    return FastTfidfVectorizer(
        ngram_range=ngram_range,
        min_df=min_df,
        max_features=max_features,
        sublinear_tf=True,
        stop_words=stop_words,
        dtype=np.float32,
    )


def make_features(
    *,
    title_weight: float = RELEVANCE_DEFAULTS["title_weight"],
    lexicon_scale: float = RELEVANCE_DEFAULTS["lexicon_scale"],
    min_df: int | float = RELEVANCE_DEFAULTS["min_df"],
    max_features: int | None = RELEVANCE_DEFAULTS["max_features"],
    ngram_range: tuple[int, int] = (1, 2),
    terms: tuple[Term, ...] = DEFAULT_TERMS,
) -> FeatureUnion:
    """TF-IDF of title + abstract, TF-IDF of the title alone (weighted), and the domain lexicon.

    Each TF-IDF block keeps the terms of at least ``min_df`` documents, at most ``max_features`` of them (the most
    frequent; None: all).
    """
    tfidf = {"min_df": min_df, "max_features": max_features}
    steps: list[tuple[str, object]] = [
        ("words", Pipeline([("text", PaperText("all")), ("tfidf", _tfidf(ngram_range, **tfidf))])),
    ]
    weights = {"words": 1.0}
    if title_weight > 0:
        steps.append(("title", Pipeline([("text", PaperText("title")), ("tfidf", _tfidf(ngram_range, **tfidf))])))
        weights["title"] = title_weight
    if lexicon_scale > 0 and terms:
        steps.append(("lexicon", LexiconFeatures(terms=terms, scale=lexicon_scale)))
        weights["lexicon"] = 1.0
    return FeatureUnion(steps, transformer_weights=weights)


def make_classifier(*, C: float = RELEVANCE_DEFAULTS["C"], calibration_folds: int = 3, random_state: int = 0,
                    base_rate: float = BASE_RATE) -> BaseRateClassifier:
    """Logistic regression (balanced classes) with sigmoid (Platt) calibration on held-out folds, re-based to ``base_rate``.

    The re-basing (:mod:`classifiers.base_rate`) makes a probability mean the
    same whether the model saw 3,000 or 80,000 negatives, so a threshold from
    ``kd-tracker evaluate`` holds in the weekly run.
    """
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=random_state)
    folds = StratifiedKFold(n_splits=calibration_folds, shuffle=True, random_state=random_state)
    return BaseRateClassifier(CalibratedClassifierCV(lr, method="sigmoid", cv=folds), base_rate=base_rate)


def make_relevance_model(
    *,
    C: float = RELEVANCE_DEFAULTS["C"],
    title_weight: float = RELEVANCE_DEFAULTS["title_weight"],
    lexicon_scale: float = RELEVANCE_DEFAULTS["lexicon_scale"],
    min_df: int | float = RELEVANCE_DEFAULTS["min_df"],
    max_features: int | None = RELEVANCE_DEFAULTS["max_features"],
    ngram_range: tuple[int, int] = (1, 2),
    terms: tuple[Term, ...] = DEFAULT_TERMS,
    calibration_folds: int = 3,
    random_state: int = 0,
) -> Pipeline:
    """Relevance: features -> calibrated logistic regression; ``predict_proba(papers)[:, 1]`` is P(belongs in the list)."""
    return Pipeline(
        [
            ("features", make_features(title_weight=title_weight, lexicon_scale=lexicon_scale, min_df=min_df,
                                       max_features=max_features, ngram_range=ngram_range, terms=terms)),
            ("clf", make_classifier(C=C, calibration_folds=calibration_folds, random_state=random_state)),
        ]
    )


def make_plain_model(*, C: float = 1.0, random_state: int = 0) -> Pipeline:
    """The "before" baseline: TF-IDF (word 1-2-grams) of title + abstract into a plain logistic regression."""
    return Pipeline(
        [
            ("text", PaperText("all")),
            ("tfidf", _tfidf((1, 2), 2)),
            ("clf", LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=random_state)),
        ]
    )


SECTION_DEFAULTS = {"n_neighbors": 20, "similarity_power": 3.0, "knn_weight": 0.1, "min_df": 2, "heading_weight": 0.5}
"""Hyper-parameters of the section model, chosen by out-of-fold top-1/top-3 accuracy (``python -m bench.quality``)."""


def make_section_model(**params: float) -> SectionClassifier:
    """Sections: a centroid vote on the list's vocabulary blended with a kNN vote (:class:`SectionClassifier`).

    It is applied to the relevance model's fitted ``features__words`` TF-IDF
    (pass that vectorizer's ``idf_`` as ``base_idf`` to ``fit``, and the
    sections' heading documents in the same space as ``headings``, see
    :func:`classifiers.headings.heading_features`), so scoring tokenizes each paper once.
    """
    return SectionClassifier(**{**SECTION_DEFAULTS, **params})
