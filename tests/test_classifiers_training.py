"""Training set, relevance/section training, scoring, persistence and its version check."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import sklearn

from classifiers.explain import why_phrases
from classifiers.headings import heading_documents
from classifiers.persistence import ARRAYS_FILE, META_FILE, MODEL_FILE, MODEL_FORMAT
from classifiers.sections import SectionClassifier
from classifiers.training import load_model, train
from classifiers.training_set import build_training_set, list_papers, missing_ids
from tracker.config import ModelConfig
from tracker.errors import ModelError
from tracker.records import ExtraLabel, Paper
from tracker.week_sample import stratified_sample


def test_list_papers_group_rows_by_id_and_collect_sections(corpus):
    _, rows = corpus
    grouped = list_papers(rows)
    assert len(grouped) == 30
    assert grouped[0].arxiv_id == "2401.00000"
    assert grouped[0].sections == ["KD Algorithms > Knowledge Elicitation > Labeling"]


def test_training_set_labels_matches_by_id_or_title_and_dates_negatives(corpus):
    papers, rows = corpus
    # a list paper known only by title (another id in the corpus) still matches
    renamed = [Paper(arxiv_id="9999.00001", title=p.title, abstract=p.abstract, published=p.published)
               if p.arxiv_id == "2401.00002" else p for p in papers]
    ts = build_training_set(rows, renamed, train_until=datetime.date(2024, 2, 1))
    assert ts.positives == 30
    assert "9999.00001" in {p.arxiv_id for p, y in zip(ts.papers, ts.y, strict=True) if y == 1}
    assert all(p.day < "2024-02-01" for p, y in zip(ts.papers, ts.y, strict=True) if y == 0)
    assert ts.negatives == sum(1 for p in papers[30:] if p.day < "2024-02-01")
    assert ts.unmatched == []


def test_training_set_extra_labels_add_reject_and_correct_sections(corpus):
    papers, rows = corpus
    extras = [ExtraLabel("2401.00100", 1, "KD Algorithms > Knowledge Elicitation > Feature"),
              ("2401.00000", 0, "KD Algorithms > Knowledge Elicitation > Labeling"),
              {"arxiv_id": "2401.00101", "label": 0}]
    ts = build_training_set(rows, papers, extra_labels=extras, negatives=20, unlabeled_weight=0.5)
    index = {p.arxiv_id: i for i, p in enumerate(ts.papers)}
    assert ts.y[index["2401.00100"]] == 1
    assert ts.sections[index["2401.00100"]] == ("KD Algorithms > Knowledge Elicitation > Feature",)
    assert ts.sections[index["2401.00000"]] == ()
    # a rejection weighs like a list paper (the sample's weights all stand for the papers it was drawn from)
    assert ts.y[index["2401.00101"]] == 0
    assert ts.sample_weight[index["2401.00101"]] == ts.sample_weight[index["2401.00100"]] == len(papers) / 20
    # the store's rule: a sample of 20 of every paper (list papers too: they stay positives), plus the rejected one
    sample = set(stratified_sample([(p.arxiv_id, p.day) for p in papers], 20, 0))
    positives = {p.arxiv_id for p, y in zip(ts.papers, ts.y, strict=True) if y == 1}
    assert {p.arxiv_id for p, y in zip(ts.papers, ts.y, strict=True) if y == 0} == (sample - positives) | {"2401.00101"}
    assert (ts.sampled, ts.hard, ts.candidates) == (len(sample - positives - {"2401.00101"}), 1, len(papers))


def test_a_sample_stands_for_the_papers_it_was_drawn_from(corpus):
    """Weights scale by drawn-from / sampled, so the fit weighs its data (against the regularisation) as training on
    every paper would; a budget that takes everything leaves them at 1, and ``population`` (the store's count when
    the store drew the sample) sets the ratio of a presampled set."""
    papers, rows = corpus
    everything = build_training_set(rows, papers, unlabeled_weight=0.5)
    budget = build_training_set(rows, papers, negatives=20, unlabeled_weight=0.5)
    assert set(np.unique(everything.sample_weight)) <= {0.5, 1.0}
    ratio = len(papers) / 20
    assert set(np.unique(budget.sample_weight)) <= {0.5 * ratio, ratio} and budget.sample_weight.max() == ratio
    sampled_ids = {p.arxiv_id for p in budget.papers}
    given = [p for p in papers if p.arxiv_id in sampled_ids]
    presampled = build_training_set(rows, given, presampled=True, population=len(papers))
    assert presampled.sample_weight.max() == len(papers) / len(given)
    assert build_training_set(rows, given, presampled=True).sample_weight.max() == 1.0


def test_a_rejection_is_a_hard_negative_and_an_acceptance_counts_like_a_list_paper(corpus):
    papers, rows = corpus
    section = "KD Algorithms > Knowledge Elicitation > Feature"
    unlisted = [r for r in rows if r.arxiv_id != "2401.00001"]  # a distillation paper the list lacks: likely positive
    plain = build_training_set(unlisted, papers, unlabeled_weight=0.5)
    index = {p.arxiv_id: i for i, p in enumerate(plain.papers)}
    assert (plain.y[index["2401.00001"]], plain.sample_weight[index["2401.00001"]]) == (0, 0.5)
    # kept in a section, then removed (a current rejection): a negative of full weight, whatever the labels' order
    for extras in ([("2401.00001", 1, section), ("2401.00001", 0)], [("2401.00001", 0), ("2401.00001", 1, section)]):
        ts = build_training_set(unlisted, papers, extra_labels=extras, unlabeled_weight=0.5)
        index = {p.arxiv_id: i for i, p in enumerate(ts.papers)}
        assert [p.arxiv_id for p in ts.papers].count("2401.00001") == 1
        assert (ts.y[index["2401.00001"]], ts.sample_weight[index["2401.00001"]]) == (0, 1.0)
        assert ts.positives == 29
    # accepted: a positive like the list's papers (weight 1, in its section)
    ts = build_training_set(unlisted, papers, extra_labels=[("2401.00001", 1, section)], unlabeled_weight=0.5)
    index = {p.arxiv_id: i for i, p in enumerate(ts.papers)}
    listed = build_training_set(rows, papers, unlabeled_weight=0.5)
    assert (ts.y[index["2401.00001"]], ts.sample_weight[index["2401.00001"]]) == (1, 1.0)
    assert ts.sections[index["2401.00001"]] == (section,)
    assert (ts.positives, ts.negatives, ts.sample_weight.sum()) == (listed.positives, listed.negatives,
                                                                    listed.sample_weight.sum())
    # the list itself beats a rejection: a paper in the list now is a positive
    ts = build_training_set(rows, papers, extra_labels=[("2401.00001", 0)])
    assert ts.y[[p.arxiv_id for p in ts.papers].index("2401.00001")] == 1


def test_a_rejected_paper_scores_lower_after_retraining_with_its_label(corpus):
    papers, rows = corpus
    unlisted = [r for r in rows if r.arxiv_id != "2401.00001"]
    paper = next(p for p in papers if p.arxiv_id == "2401.00001")
    config = ModelConfig(min_section_papers=2)
    before = train(unlisted, papers, config=config).relevance_scores([paper])[0]
    after = train(unlisted, papers, config=config, extra_labels=[ExtraLabel("2401.00001", 0)]).relevance_scores([paper])[0]
    assert after < before


def test_heading_documents_one_per_distinct_path_leaf_as_title():
    docs = heading_documents(["KD Algorithms > Knowledge Elicitation > Self-Knowledge", "",
                              "KD Algorithms >Knowledge Elicitation> Self-Knowledge", "Verticalization Distillation > Law"])
    assert [d.arxiv_id for d in docs] == ["heading:KD Algorithms > Knowledge Elicitation > Self-Knowledge",
                                          "heading:Verticalization Distillation > Law"]
    assert (docs[0].title, docs[0].abstract) == ("Self-Knowledge", "KD Algorithms. Knowledge Elicitation. Self-Knowledge")


def test_heading_documents_join_the_relevance_fit_but_not_the_counts(corpus):
    papers, rows = corpus
    plain = build_training_set(rows, papers)
    ts = build_training_set(rows, papers, heading_weight=2.0)
    assert (ts.positives, ts.negatives, ts.sections) == (plain.positives, plain.negatives, plain.sections)
    assert [d.title for d in ts.headings] == ["Labeling", "Feature"]
    fit_papers, y, weight = ts.fit_data()
    assert fit_papers[-2:] == ts.headings and fit_papers[:-2] == ts.papers
    assert y[-2:].tolist() == [1, 1] and weight[-2:].tolist() == [2.0, 2.0] and len(y) == len(weight) == len(fit_papers)
    assert plain.fit_data()[0] is plain.papers  # without heading weight the fit sees the papers alone
    # a section only a review label names gets its heading too
    moved = build_training_set(rows, papers, heading_weight=1.0, extra_labels=[("2401.00003", 1, "KD Algorithms > Agent")])
    assert [d.title for d in moved.headings] == ["Labeling", "Feature", "Agent"]
    with pytest.raises(ValueError, match="heading_weight must be at least 0, got -1"):
        build_training_set(rows, papers, heading_weight=-1)


def test_missing_ids_lists_list_papers_absent_from_the_papers(corpus):
    papers, rows = corpus
    # in list order: the Labeling table (even ids) comes before the Feature table (odd ids)
    assert missing_ids(rows, papers[5:]) == ["2401.00000", "2401.00002", "2401.00004", "2401.00001", "2401.00003"]


def test_train_fits_both_models_with_metadata(model):
    meta = model.metadata
    assert (meta["positives"], meta["negatives"], meta["heading_documents"]) == (30, 150, 0)
    assert meta["sections"] == {"KD Algorithms > Knowledge Elicitation > Feature": 15,
                                "KD Algorithms > Knowledge Elicitation > Labeling": 15}
    assert meta["versions"]["scikit_learn"] == sklearn.__version__
    assert meta["list_file"] == "README.md"
    assert meta["list_sha256"] == hashlib.sha256(b"x").hexdigest()
    assert meta["vocabulary"] == sum(len(step[-1].vocabulary_) for name, step in model.relevance[0].transformer_list
                                     if name in ("words", "title"))


def test_training_gives_the_section_model_the_lists_headings(corpus, monkeypatch: pytest.MonkeyPatch):
    papers, rows = corpus
    given = []
    fit = SectionClassifier.fit

    def spy(self, X, y, base_idf=None, headings=None):
        given.append(headings)
        return fit(self, X, y, base_idf=base_idf, headings=headings)

    monkeypatch.setattr(SectionClassifier, "fit", spy)
    trained = train(rows, papers, config=ModelConfig(min_section_papers=2))
    (headings,) = given
    assert sorted(headings) == ["KD Algorithms > Knowledge Elicitation > Feature", "KD Algorithms > Knowledge Elicitation > Labeling"]
    words = trained.relevance.named_steps["features"].named_transformers["words"]
    assert all(row.shape == (1, len(words[-1].vocabulary_)) for row in headings.values())


def test_score_ranks_list_like_papers_first_with_sections_and_terms(model, corpus):
    papers, _ = corpus
    scored = model.score(papers)
    assert [s.paper.arxiv_id for s in scored] == [p.arxiv_id for p in papers]
    proba = np.array([s.score for s in scored])
    assert proba.shape == (180,) and ((proba >= 0) & (proba <= 1)).all()
    assert proba[:30].min() > proba[30:].max()
    first = scored[0]
    assert first.sections[0].section == "KD Algorithms > Knowledge Elicitation > Labeling"
    assert len(first.sections) == 2 and abs(sum(s.score for s in first.sections) - 1) < 1e-6
    assert len(first.terms) == 5 and "distil" in first.terms
    assert first.ngrams and all(len(g.split()) >= 2 for g in first.ngrams)  # the "why": never one word
    text = f"{first.paper.title}. {first.paper.abstract}"
    phrases = why_phrases(text, first.ngrams)
    assert phrases and all(len(p.split()) >= 2 for p in phrases)
    assert all(p in text for p in phrases)  # as the paper's own text writes them
    assert model.score([]) == []


def test_training_is_deterministic_with_a_fixed_seed(corpus, model):
    papers, rows = corpus
    again = train(rows, papers, config=ModelConfig(min_section_papers=2))
    assert np.array_equal(again.relevance_scores(papers), model.relevance_scores(papers))


def test_too_few_list_papers_is_a_model_error(corpus):
    papers, rows = corpus
    with pytest.raises(ModelError, match=r"^only 2 list papers were found among the training papers; at least 3"):
        train(rows, papers[:2] + papers[30:], config=ModelConfig())


def test_save_and_load_round_trip(model, corpus, tmp_path: Path):
    papers, _ = corpus
    model.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [META_FILE, ARRAYS_FILE, MODEL_FILE]
    loaded = load_model(tmp_path / "m")
    assert loaded.version == model.version
    assert loaded.version.startswith(model.metadata["created_at"][:10].replace("-", "") + "-")
    assert [s.to_json() for s in loaded.score(papers[:40])] == [s.to_json() for s in model.score(papers[:40])]
    # exactly the same numbers, not only the same rounded ones
    assert np.array_equal(loaded.relevance_scores(papers), model.relevance_scores(papers))
    _, words = model.features(papers)
    assert np.array_equal(loaded.sections.predict_proba(words), model.sections.predict_proba(words))
    assert loaded.explainer.terms == model.explainer.terms
    assert np.array_equal(loaded.explainer.coef, model.explainer.coef)
    for name in ("words", "title"):
        saved, read = (m.relevance[0].named_transformers[name][-1] for m in (model, loaded))
        assert read.vocabulary_ == saved.vocabulary_ and np.array_equal(read.idf_, saved.idf_)
    model.save(tmp_path / "again")  # the same model saves to the same bytes, so the same version
    assert (tmp_path / "again" / ARRAYS_FILE).read_bytes() == (tmp_path / "m" / ARRAYS_FILE).read_bytes()
    assert load_model(tmp_path / "again").version == model.version


def test_load_refuses_a_model_made_by_another_scikit_learn(model, tmp_path: Path):
    model.save(tmp_path / "m")
    meta_path = tmp_path / "m" / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit_learn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelError) as e:
        load_model(tmp_path / "m")
    assert str(e.value) == (
        f"model in {tmp_path / 'm'} was made by kd-tracker 0.1.0 / scikit-learn 0.24.2 (model format {MODEL_FORMAT}), this is "
        f"kd-tracker 0.1.0 / scikit-learn {sklearn.__version__} (format {MODEL_FORMAT}); retrain with `kd-tracker train`"
    )


def test_load_refuses_a_model_of_an_older_format(model, tmp_path: Path):
    model.save(tmp_path / "m")
    meta_path = tmp_path / "m" / META_FILE
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "format": MODEL_FORMAT - 1}))
    with pytest.raises(ModelError, match=rf"\(model format {MODEL_FORMAT - 1}\), this is .* \(format {MODEL_FORMAT}\); "
                                         r"retrain with `kd-tracker train`$"):
        load_model(tmp_path / "m")


def test_load_without_a_model_names_the_folder(tmp_path: Path):
    with pytest.raises(ModelError) as e:
        load_model(tmp_path)
    assert str(e.value) == (f"no model in {tmp_path} (model.json, model.pkl and model.npz expected); "
                            "train one with `kd-tracker train`")


def test_max_features_bounds_both_tfidf_blocks_to_the_most_frequent_terms(corpus, model):
    papers, rows = corpus
    bounded = train(rows, papers, config=ModelConfig(min_section_papers=2), params={"max_features": 40})
    for name in ("words", "title"):
        full = model.relevance[0].named_transformers[name][-1]
        kept = bounded.relevance[0].named_transformers[name][-1]
        assert kept.max_features == 40 and full.max_features == 2**18  # the default
        assert len(kept.vocabulary_) == min(40, len(full.vocabulary_))
        assert set(kept.vocabulary_) <= set(full.vocabulary_)
    assert bounded.metadata["params"]["max_features"] == 40 and model.metadata["params"]["max_features"] == 2**18
    assert bounded.metadata["vocabulary"] == sum(
        len(bounded.relevance[0].named_transformers[n][-1].vocabulary_) for n in ("words", "title"))
    assert len(bounded.score(papers[:5])) == 5
