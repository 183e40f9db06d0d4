"""The estimators one by one: shapes, conventions (clone, get_params, refit, NotFittedError), roll-up, explanations."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, normalize

from classifiers.explain import Explainer, _is_word_ngram, display_name
from classifiers.features import DEFAULT_TERMS, LexiconFeatures, PaperText, Term, keyword_counts
from classifiers.headings import heading_features
from classifiers.models import make_plain_model, make_relevance_model
from classifiers.sections import SectionClassifier, apply_roll_up, roll_up
from tracker.records import Paper

P1 = Paper("1", "Distilling LLMs", "We distill a large language model into a student. Distillation helps.")
P2 = Paper("2", "Parsing", "A treebank parser; knowledge distillation of BERT.")
P3 = Paper("3", "Speech", "Speech recognition with no teacher.")


def test_paper_text_fields():
    assert PaperText().fit_transform([P1]) == ["Distilling LLMs. We distill a large language model into a student. Distillation helps."]
    assert PaperText("title").fit([P1]).transform([P1, P2]) == ["Distilling LLMs", "Parsing"]
    assert PaperText("abstract").fit_transform([{"title": "T", "abstract": "A"}, "plain"]) == ["A", "plain"]
    with pytest.raises(ValueError, match="field must be one of"):
        PaperText("body").fit([P1])


def test_lexicon_counts_and_conjunction():
    lex = LexiconFeatures().fit([P1])
    assert list(lex.get_feature_names_out()) == ["distil", "distil (title)", "distil + LLM"]
    # P2 says distil twice but has no LLM context: the conjunction stays 0
    assert lex.counts([P1, P2, P3]).tolist() == [[3, 1, 3], [1, 0, 0], [0, 0, 0]]
    X = lex.transform([P1, P2, P3])
    assert sp.issparse(X) and X.dtype == np.float32 and X.shape == (3, 3)
    assert np.allclose(X.toarray()[0], 0.3 * np.log1p([3, 1, 3]))
    custom = LexiconFeatures(terms=(Term("teacher", r"teacher"),), scale=1.0).fit([P3])
    assert custom.transform([P3]).toarray().tolist() == [[pytest.approx(np.log(2))]]
    assert keyword_counts([P1, P2, P3]).tolist() == [3.0, 1.0, 0.0]


@pytest.mark.parametrize("estimator", [PaperText(), LexiconFeatures(), SectionClassifier()])
def test_estimator_conventions(estimator):
    assert clone(estimator).get_params() == estimator.get_params()
    with pytest.raises(NotFittedError):
        if isinstance(estimator, SectionClassifier):
            estimator.predict_proba(sp.csr_matrix(np.ones((1, 2))))
        else:
            estimator.transform([P1])


def test_default_terms_are_the_documented_lexicon():
    assert [t.name for t in DEFAULT_TERMS] == ["distil", "distil (title)", "distil + LLM"]


def _section_data():
    docs = ["teacher rationale labels"] * 4 + ["logits divergence hidden"] * 4 + ["teacher logits labels"]
    y = [("Labeling",)] * 4 + [("Feature",)] * 4 + [("Labeling", "Feature")]
    X = TfidfVectorizer().fit_transform(docs)
    return X, y


def test_section_classifier_shapes_ranks_and_refit():
    X, y = _section_data()
    clf = SectionClassifier(n_neighbors=3)
    assert clf.fit(X, y) is clf
    assert list(clf.classes_) == ["Feature", "Labeling"]
    proba = clf.predict_proba(X)
    assert proba.shape == (9, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(clf.predict(X[:1])) == ["Labeling"] and list(clf.predict(X[4:5])) == ["Feature"]
    ranked = clf.rank(X[:1])
    assert [s for s, _ in ranked[0]] == ["Labeling", "Feature"] and ranked[0][0][1] > 0.5
    assert clf.rank(X[:1], 1)[0] == ranked[0][:1]
    # a refit forgets the first fit
    clf.fit(X[:4], y[:4])
    assert list(clf.classes_) == ["Labeling"] and clf.predict_proba(X).tolist() == [[1.0]] * 9
    # only kNN, only centroids
    assert np.allclose(SectionClassifier(knn_weight=1.0, n_neighbors=1).fit(X, y).predict_proba(X[:1]), [[0.0, 1.0]])
    assert SectionClassifier(knn_weight=0.0).fit(X, y).predict_proba(X[:1])[0, 1] > 0.5
    with pytest.raises(ValueError, match="knn_weight must be in"):
        SectionClassifier(knn_weight=2).fit(X, y)


def test_roll_up_moves_small_sections_only_into_headings_with_a_table():
    labels = [("A > B > C",)] * 3 + [("A > B > D",), ("A > E > F",), ("A > E > G",), ("H",)]
    # no heading above the small leaves has a table: they keep their labels (a paper can only go into a table)
    mapping, rolled = roll_up(labels, min_papers=3)
    assert mapping == {s: s for s in ("A > B > C", "A > B > D", "A > E > F", "A > E > G", "H")}
    assert rolled == [tuple(row) for row in labels]
    # "A > B" and "A" have tables: D goes to "A > B" (its nearest), which then has one paper and moves on to "A";
    # F and G skip "A > E" (no table) and go to "A", which then has three
    mapping, rolled = roll_up(labels, min_papers=3, tables=["A", "A > B"])
    assert mapping == {"A > B > C": "A > B > C", "A > B > D": "A", "A > E > F": "A", "A > E > G": "A", "H": "H"}
    assert rolled == [("A > B > C",)] * 3 + [("A",), ("A",), ("A",), ("H",)]
    assert apply_roll_up(["A > E > F", "A > B > C > X", "Z"], mapping) == ("A", "A > B > C")


def test_section_classifier_uses_the_lists_vocabulary_and_idf():
    docs = ["teacher rationale labels corpus", "teacher rationale labels", "logits divergence hidden corpus",
            "logits divergence hidden", "teacher logits labels rare"]
    y = [("Labeling",), ("Labeling",), ("Feature",), ("Feature",), ("Labeling", "Feature")]
    corpus = TfidfVectorizer(sublinear_tf=True).fit(docs + ["corpus words only"] * 5)
    X = corpus.transform(docs)
    clf = SectionClassifier(min_df=2).fit(X, y, base_idf=corpus.idf_)
    vocabulary = corpus.get_feature_names_out()
    # "rare" and "words"/"only" are in fewer than two list papers: dropped
    assert sorted(vocabulary[clf.columns_]) == ["corpus", "divergence", "hidden", "labels", "logits", "rationale", "teacher"]
    # with base_idf, the kept columns are exactly a TF-IDF with the list's own IDF
    own = TfidfVectorizer(sublinear_tf=True, vocabulary=list(vocabulary[clf.columns_])).fit(docs)
    assert np.allclose(clf.train_X_.toarray(), own.transform(docs).toarray(), atol=1e-6)
    assert clf.centroids_.shape == (2, 7)
    # reweight=False keeps the given weights of the kept columns (row-normalised)
    plain = SectionClassifier(min_df=2, reweight=False).fit(X, y, base_idf=corpus.idf_)
    assert np.allclose(plain.column_weights_, 1.0) and np.allclose(plain.train_X_.toarray(), normalize(X[:, clf.columns_]).toarray())
    # deterministic, and a new fit with the same data gives the same probabilities
    again = SectionClassifier(min_df=2).fit(X, y, base_idf=corpus.idf_)
    assert np.array_equal(clf.predict_proba(X), again.predict_proba(X))
    # a row with none of the list's words gets the uniform distribution
    assert clf.predict_proba(corpus.transform(["only words"])).tolist() == [[0.5, 0.5]]
    with pytest.raises(ValueError, match="base_idf has 3 values but X has 10 columns"):
        SectionClassifier().fit(X, y, base_idf=np.ones(3))
    with pytest.raises(ValueError, match="X has 2 columns, the section model was fitted on 10"):
        clf.predict_proba(sp.csr_matrix(np.ones((1, 2))))
    with pytest.raises(ValueError, match="no row of y has a section"):
        SectionClassifier().fit(X, [()] * 5)


def test_section_centroids_move_towards_their_headings():
    docs = ["teacher medical labels", "teacher medical rationale", "teacher legal labels", "teacher legal rationale",
            "teacher labels rationale"]
    y = [("Med",), ("Med",), ("Law",), ("Law",), ("Law", "Med")]
    corpus = TfidfVectorizer().fit(docs + ["medical law"])
    X = corpus.transform(docs)
    headings = {"Med": corpus.transform(["medical"]), "Law": corpus.transform(["legal"])}
    plain = SectionClassifier(knn_weight=0.0, min_df=1).fit(X, y)
    moved = SectionClassifier(knn_weight=0.0, min_df=1).fit(X, y, headings=headings)
    medical = list(corpus.get_feature_names_out()[moved.columns_]).index("medical")
    med = list(moved.classes_).index("Med")
    # the heading's word weighs more in its own centroid, centroids stay unit length
    assert moved.centroids_[med, medical] > plain.centroids_[med, medical]
    assert np.allclose(sp.linalg.norm(moved.centroids_, axis=1), 1.0, atol=1e-6)
    # a paper with both sections' words now leans to the section whose heading it shares
    query = corpus.transform(["medical legal"])
    only_med = SectionClassifier(knn_weight=0.0, min_df=1).fit(X, y, headings={"Med": headings["Med"]})
    assert only_med.predict_proba(query)[0, med] > plain.predict_proba(query)[0, med]
    # weight 0, no headings, or a section without a heading: the plain centroids
    assert np.allclose(SectionClassifier(knn_weight=0.0, min_df=1, heading_weight=0.0).fit(X, y, headings=headings)
                       .centroids_.toarray(), plain.centroids_.toarray())
    only_law = SectionClassifier(knn_weight=0.0, min_df=1).fit(X, y, headings={"Law": headings["Law"]})
    assert np.allclose(only_law.centroids_[med].toarray(), plain.centroids_[med].toarray())
    # exactly: each unit centroid plus heading_weight x its heading in the list's columns, renormalised
    projected = moved._project(sp.vstack([headings[c] for c in moved.classes_])).toarray()
    expected = normalize(plain.centroids_.toarray() + 0.5 * projected)
    assert np.allclose(moved.centroids_.toarray(), expected, atol=1e-6)
    with pytest.raises(ValueError, match="heading_weight must be at least 0, got -1"):
        SectionClassifier(heading_weight=-1).fit(X, y, headings=headings)


def test_heading_features_one_row_per_named_section():
    vectorizer = TfidfVectorizer().fit(["self knowledge elicitation", "medical healthcare law"])
    rows = heading_features(["KD > Self-Knowledge", "", "KD > Self-Knowledge", "Verticalization > Law"],
                            Pipeline([("text", PaperText("all").fit([])), ("tfidf", vectorizer)]))
    assert list(rows) == ["KD > Self-Knowledge", "Verticalization > Law"]
    assert rows["Verticalization > Law"].shape == (1, len(vectorizer.vocabulary_))
    assert rows["Verticalization > Law"][0, vectorizer.vocabulary_["law"]] > 0
    assert heading_features([""], vectorizer) == {}


def test_relevance_pipeline_predict_proba_and_explanations():
    papers = [P1, P2, P3] * 4 + [Paper(str(i), f"Topic {i}", f"unrelated words number {i}") for i in range(12)]
    y = np.array([1, 0, 0] * 4 + [0] * 12)
    model = make_relevance_model(min_df=1).fit(papers, y)
    proba = model.predict_proba(papers)
    assert proba.shape == (24, 2) and list(model.classes_) == [0, 1]
    assert proba[0, 1] > proba[1, 1] and proba[0, 1] > proba[2, 1]
    explainer = Explainer(model)
    terms = explainer.top_terms(model[:-1].transform([P1, P3]), 3)
    assert len(terms[0]) == 3 and "distil" in terms[0]
    assert all(explainer.pushes(model[:-1].transform([P1]))[t] > 0 for t in terms[0])
    plain = make_plain_model().fit(papers, y)
    assert plain.predict_proba(papers).shape == (24, 2)


def test_the_explainers_names_are_scikit_learns_feature_names():
    """The names laid out from each TF-IDF block's vocabulary are ``get_feature_names_out``'s, and the "why"
    phrases are exactly the word and title n-grams of two words or more (never a lexicon term, spaces or not)."""
    papers = [P1, P2, P3] * 4 + [Paper(str(i), f"Topic {i} of teacher models", f"unrelated words number {i}")
                                 for i in range(12)]
    y = np.array([1, 0, 0] * 4 + [0] * 12)
    model = make_relevance_model(min_df=1).fit(papers, y)
    explainer = Explainer(model)
    full = [str(n) for n in model[:-1].get_feature_names_out()]
    assert explainer.names == [display_name(n) for n in full]
    terms = explainer.terms  # builds the merged names
    phrases = {display_name(n) for n in full if _is_word_ngram(n)}
    assert phrases and any(" " in display_name(n) for n in full if n.startswith("lexicon__"))
    assert {t for t, on in zip(terms, explainer._phrase_mask, strict=True) if on} == phrases
    assert terms == sorted(set(explainer.names))


def test_section_rank_indices_are_the_ranking_as_arrays():
    X, y = _section_data()
    clf = SectionClassifier(n_neighbors=3).fit(X, y)
    proba = clf.predict_proba(X)
    order, scores = clf.rank_indices(X, 1)
    assert order.shape == scores.shape == (9, 1)
    assert np.array_equal(scores[:, 0], proba.max(axis=1)) and np.array_equal(order[:, 0], proba.argmax(axis=1))
    ranked = clf.rank(X)
    order, scores = clf.rank_indices(X)
    assert ranked == [[(str(clf.classes_[j]), float(p)) for j, p in zip(o, s, strict=True)]
                      for o, s in zip(order, scores, strict=True)]
    # ties keep the classes' (sorted) order
    empty = sp.csr_matrix((1, X.shape[1]))
    assert clf.predict_proba(empty).tolist() == [[0.5, 0.5]] and clf.rank_indices(empty)[0].tolist() == [[0, 1]]


def _explainer(names: list[str], coef: np.ndarray) -> Explainer:
    """An explainer of a linear model over columns ``names`` (``block__term``) with coefficients ``coef``."""
    features = Pipeline([("f", FunctionTransformer(feature_names_out=lambda *_: np.asarray(names, dtype=object)))])
    features.fit(np.zeros((1, len(names))))
    clf = LogisticRegression().fit(np.eye(2, len(names)), [0, 1])
    clf.coef_ = coef[None, :]
    return Explainer(Pipeline([*features.steps, ("clf", clf)]))


def _reference_top_terms(explainer: Explainer, X: sp.csr_matrix, n: int) -> list[tuple[str, ...]]:
    """One row at a time: every push merged by name (in column order), the positive ones strongest first, ties by name."""
    out = []
    for i in range(X.shape[0]):
        merged: dict[str, float] = {}
        for j, value in zip(X[i].indices, X[i].data, strict=True):
            merged[explainer.names[j]] = merged.get(explainer.names[j], 0.0) + float(value) * explainer.coef[j]
        top = sorted((kv for kv in merged.items() if kv[1] > 0), key=lambda kv: (-kv[1], kv[0]))
        out.append(tuple(name for name, _ in top[:n]))
    return out


@pytest.mark.parametrize("integers", [True, False])
def test_top_terms_vectorised_equal_one_row_at_a_time(integers):
    rng = np.random.default_rng(0)
    words = [f"w{i:02d}" for i in range(40)]
    # the title block and the lexicon repeat some words: their pushes are added to the word's
    names = [f"words__{w}" for w in words] + [f"title__{w}" for w in words[::3]] + ["lexicon__w00", "lexicon__distil"]
    coef = rng.choice([-2.0, -1.0, 1.0, 2.0], len(names)) if integers else rng.normal(size=len(names))
    explainer = _explainer(names, coef)
    dense = rng.integers(0, 3, (60, len(names))) * (rng.random((60, len(names))) < 0.3)
    dense[5] = 0  # a row with no terms
    X = sp.csr_matrix(dense.astype(np.float32) if integers else dense * rng.random(dense.shape).astype(np.float32))
    for n in (0, 1, 3, 5, 100):
        got = explainer.top_terms(X, n)
        assert got == _reference_top_terms(explainer, X, n)
        ids = explainer.top_term_ids(X, n)
        assert ids.shape == (60, n) and explainer.term_names(ids) == got
    assert explainer.top_terms(X[5]) == [()] and explainer.top_terms(X[:0]) == []
    if integers:  # pushes tie: the order among them is by name
        assert any(len(set(row.data)) < row.nnz for row in (X[i].multiply(explainer.coef) for i in range(60)))


# BaseRateClassifier: probabilities that mean the same whatever the number of negatives

def _blobs(n_pos: int, n_neg: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(1.5, 1.0, (n_pos, 3)), rng.normal(0.0, 1.0, (n_neg, 3))])
    return X, np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]


def test_base_rate_probabilities_do_not_depend_on_how_many_negatives_were_seen():
    from classifiers.models import make_classifier

    X_big, y_big = _blobs(200, 8000, 0)
    keep = np.r_[np.arange(200), 200 + np.arange(0, 8000, 8)]  # the same positives, one negative in 8
    probe, _ = _blobs(50, 0, 1)
    big = make_classifier().fit(X_big, y_big)
    small = make_classifier().fit(X_big[keep], y_big[keep])
    assert big.training_rate_ == pytest.approx(200 / 8200) and small.training_rate_ == pytest.approx(200 / 1200)
    def odds(p: np.ndarray) -> np.ndarray:
        return p / (1 - p)

    raw_ratio = np.median(odds(small.estimator_.predict_proba(probe)[:, 1]) / odds(big.estimator_.predict_proba(probe)[:, 1]))
    ratio = np.median(odds(small.predict_proba(probe)[:, 1]) / odds(big.predict_proba(probe)[:, 1]))
    assert raw_ratio > 4  # each calibrated on its own class balance: about 8 times the odds
    assert 0.7 < ratio < 1.4  # re-based to the same base rate


def test_base_rate_shift_keeps_the_ranking_and_counts_sample_weights():
    from classifiers.base_rate import BaseRateClassifier

    X, y = _blobs(30, 300, 2)
    weight = np.where(y == 1, 1.0, 0.5)
    clf = BaseRateClassifier(LogisticRegression(), base_rate=0.01).fit(X, y, sample_weight=weight)
    assert clf.training_rate_ == pytest.approx(30 / (30 + 150))
    proba = clf.predict_proba(X)
    assert proba.shape == (330, 2) and np.allclose(proba.sum(axis=1), 1.0)
    inner = clf.estimator_.predict_proba(X)[:, 1]
    assert (np.argsort(proba[:, 1], kind="stable") == np.argsort(inner, kind="stable")).all()
    assert proba[:, 1].mean() < inner.mean()  # from a 1-in-6 share down to 1 in 100
    assert list(clf.predict(X[:2])) == [1 if p >= 0.5 else 0 for p in proba[:2, 1]]
    with pytest.raises(ValueError, match="base_rate must be between 0 and 1"):
        BaseRateClassifier(LogisticRegression(), base_rate=1.0).fit(X, y)
    with pytest.raises(NotFittedError):
        BaseRateClassifier(LogisticRegression()).predict_proba(X)


def test_why_phrases_are_the_texts_own_bigrams_joined_into_trigrams_never_single_words():
    from classifiers.explain import why_phrases

    text = "We propose a Knowledge Distillation loss for the distillation of large language models."
    ngrams = ["knowledge distillation", "distillation", "distillation loss", "language models", "absent pair",
              "distillation large"]
    assert why_phrases(text, ngrams) == ("Knowledge Distillation loss", "language models", "distillation of large")
    assert why_phrases(text, ["distillation", "loss"]) == ()
