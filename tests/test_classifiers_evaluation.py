"""Evaluation: within-week ranks, recall@K, threshold advice, cross-validation and replay on a small corpus, plots."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import numpy as np
import pytest

from classifiers import evaluation
from classifiers.evaluation import (
    cross_validate,
    list_date,
    recall_at,
    recommend_threshold,
    temporal_replay,
    truth_from_history,
    week_of,
    within_week_ranks,
)
from classifiers.plots import PLOTS, write_plots
from classifiers.reports import format_cv, format_replay
from tests.training_sample import make_papers, make_readme
from tracker.config import ModelConfig
from tracker.errors import ModelError
from tracker.listdoc.document import ListDocument


def test_week_of_is_the_iso_week():
    assert week_of("2024-02-20") == "2024-W08"
    assert week_of("2024-12-30") == "2025-W01"
    assert week_of("") == ""


def test_within_week_ranks_count_ties_at_mid_rank():
    scores = np.array([0.9, 0.5, 0.5, 0.1, 0.7, 0.2])
    weeks = ["a", "a", "a", "a", "b", "b"]
    assert within_week_ranks(scores, weeks, [0, 1, 3, 5]).tolist() == [1.0, 2.5, 4.0, 2.0]
    assert recall_at(np.array([1.0, 6.0, 12.0, 30.0])) == {5: 0.25, 10: 0.5, 20: 0.75}


def test_recommend_threshold_keeps_the_median_week_under_the_limit():
    # two weeks of 4 papers; positives at 0.9 and 0.6
    scores = np.array([0.9, 0.8, 0.3, 0.1, 0.6, 0.55, 0.2, 0.1])
    weeks = ["a"] * 4 + ["b"] * 4
    positive = np.array([True, False, False, False, True, False, False, False])
    advice = recommend_threshold(scores, weeks, positive, limit=2)
    # every threshold up to 0.6 finds both; 0.6 is the highest (weeks propose 2 and 1)
    assert (advice.threshold, advice.recall, advice.median_per_week) == (0.6, 1.0, 1.5)
    strict = recommend_threshold(scores, weeks, positive, limit=1)
    assert (strict.threshold, strict.recall, strict.median_per_week) == (0.9, 0.5, 0.5)
    none = recommend_threshold(scores, weeks, positive, limit=0)
    assert (none.threshold, none.recall, none.median_per_week) == (1.0, 0.0, 0.0)


@pytest.fixture(scope="module")
def small():
    papers, section_of = make_papers(n_pos=30, n_neg=150)
    return papers, ListDocument.parse(make_readme(papers, section_of)).rows()


def test_cross_validate_reports_model_keyword_and_sections(small):
    papers, rows = small
    report = cross_validate(rows, papers, config=ModelConfig(min_section_papers=2), folds=3)
    assert (report.folds, report.positives, report.negatives) == (3, 30, 150)
    assert report.roc_auc == 1.0 and report.average_precision == 1.0
    assert report.dummy_average_precision == pytest.approx(30 / 180)
    assert report.recall == {5: 1.0, 10: 1.0, 20: 1.0}
    assert (report.section_papers, report.sections) == (30, 2)
    assert report.section_top3 == 1.0 and report.majority_top3 == 1.0
    assert report.scores.shape == (180,)
    text = format_cv(report)
    assert text.splitlines()[0] == "cross-validation: 3 folds, 30 list papers, 150 others; sections: 30 papers in 2 sections"
    assert text.splitlines()[1].split() == ["measure", "model", "keyword", "baseline"]


def test_cross_validate_fits_heading_documents_and_section_headings(small, monkeypatch: pytest.MonkeyPatch):
    papers, rows = small
    config = ModelConfig(min_section_papers=2)
    fits, sections = [], []
    make_classifier, section_accuracy = evaluation.make_classifier, evaluation.section_accuracy

    def spy_classifier(**kwargs):
        clf = make_classifier(**kwargs)
        fit = clf.fit
        clf.fit = lambda X, y, sample_weight=None: (fits.append((X.shape[0], int(y.sum()), sample_weight[-2:].tolist())),
                                                    fit(X, y, sample_weight=sample_weight))[1]
        return clf

    def spy_sections(*args, **kwargs):
        sections.append(sorted(kwargs["headings"]))
        return section_accuracy(*args, **kwargs)

    monkeypatch.setattr(evaluation, "make_classifier", spy_classifier)
    monkeypatch.setattr(evaluation, "section_accuracy", spy_sections)
    report = cross_validate(rows, papers, config=config, folds=3, params={"heading_weight": 2.0})
    # every fold's fit holds two thirds of the 180 papers plus the 2 heading documents, as positives of weight 2
    assert [(n, w) for n, _, w in fits] == [(122, [2.0, 2.0])] * 3
    assert (report.positives, report.scores.shape) == (30, (180,))  # headings are neither counted nor scored
    assert sections == [["KD Algorithms > Knowledge Elicitation > Feature", "KD Algorithms > Knowledge Elicitation > Labeling"]]


def test_cross_validate_needs_enough_list_papers(small):
    papers, rows = small
    with pytest.raises(ModelError, match=r"^only 30 list papers among the given papers; cross-validation needs 40$"):
        cross_validate(rows, papers, config=ModelConfig(), folds=20)


def test_temporal_replay_holds_out_later_additions(small, tmp_path: Path):
    papers, rows = small
    later = {p.arxiv_id for p in papers[:30] if p.day >= "2024-02-19"}
    first_rows = [r for r in rows if r.arxiv_id not in later]
    history = tmp_path / "history.jsonl"
    history.write_text("".join(
        json.dumps({"arxiv_id": r.arxiv_id, "title": r.title,
                    "first_seen_date": "2024-03-19" if r.arxiv_id in later else "2024-02-18"}) + "\n" for r in rows))
    assert list_date(history, first_rows) == datetime.date(2024, 2, 18)
    truth = truth_from_history(history, first_rows, datetime.date(2024, 2, 18))
    assert sorted(t["arxiv_id"] for t in truth) == sorted(later)
    report = temporal_replay(first_rows, papers, truth, config=ModelConfig(min_section_papers=2),
                             train_until=datetime.date(2024, 2, 19), weeks_after=3)
    assert report.recall == {5: 1.0, 10: 1.0, 20: 1.0}
    assert report.positives == 30 - len(later)
    assert [w.week for w in report.weeks if w.after_cut] == ["2024-W08", "2024-W09", "2024-W10"]
    assert sum(w.truth for w in report.weeks) == len(later)
    assert format_replay(report).splitlines()[-2].startswith("overall")
    # what bench/ceiling re-ranks: every ranked paper with its week and the model's own score
    ranked_weeks = {w.week for w in report.weeks}
    assert len(report.ranked) == len(report.scores) == len(report.ranked_weeks) == sum(w.papers for w in report.weeks)
    assert set(report.ranked_weeks) == ranked_weeks
    np.testing.assert_allclose(report.scores, report.model.relevance_scores(report.ranked))


def test_a_list_newer_than_the_replay_date_is_warned_about(small, tmp_path: Path, caplog):
    _, rows = small
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps({"arxiv_id": r.arxiv_id, "title": r.title,
                                           "first_seen_date": "2024-03-19" if i < 4 else "2024-02-18"}) + "\n"
                               for i, r in enumerate(rows)))
    with caplog.at_level("WARNING", logger="classifiers.evaluation"):
        assert truth_from_history(history, rows, datetime.date(2024, 2, 18)) == []
    assert [r.getMessage() for r in caplog.records] == [
        f"4 papers of the list entered it after 2024-02-18 (per {history}): they train the replay's model and are "
        "not in its truth; pass --list as the README stood on that date"]


def test_truth_file_errors_name_the_line(tmp_path: Path):
    bad = tmp_path / "h.jsonl"
    bad.write_text('{"title": "x", "first_seen_date": "2024-01-01"}\n{"title": "y"}\n')
    with pytest.raises(ModelError, match=r"h.jsonl:2: not a list-history record \('first_seen_date'\)"):
        truth_from_history(bad, [], datetime.date(2024, 1, 1))


def test_plots_are_written_as_png(small, tmp_path: Path):
    papers, rows = small
    report = cross_validate(rows, papers, config=ModelConfig(min_section_papers=2), folds=3)
    paths = write_plots(report, tmp_path / "plots", 0.5)
    assert [p.name for p in paths] == list(PLOTS)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
