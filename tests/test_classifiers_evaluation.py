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
    proposal_curve,
    recall_at,
    recommend_threshold,
    stream_weeks,
    temporal_replay,
    truth_from_history,
    week_of,
    within_week_ranks,
)
from classifiers.plots import PLOTS, threshold_marks, write_plots
from classifiers.reports import ThresholdAdvice, evaluation_summary, format_cv, format_replay
from tests.training_sample import make_papers, make_readme
from tracker.config import ModelConfig
from tracker.errors import ModelError
from tracker.listdoc.document import ListDocument
from tracker.week_sample import stratified_sample


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


def test_stream_weeks_are_full_weeks_not_the_lone_weeks_of_looked_up_papers():
    # three real weeks of 300, a cut edge of 60, and 100 list papers alone in their old weeks
    weeks = ["W1"] * 300 + ["W2"] * 300 + ["W3"] * 300 + ["edge"] * 60 + [f"old{i}" for i in range(100)]
    # the typical week (of the median paper) holds 300: a week counts from 75 papers (and from the limit)
    assert stream_weeks(weeks, limit=15) == {"W1", "W2", "W3"}
    assert stream_weeks(weeks, limit=15, share=0.1) == {"W1", "W2", "W3", "edge"}
    assert stream_weeks([f"old{i}" for i in range(100)] + [""], limit=15) == set()
    assert stream_weeks(["a"] * 4 + ["b"] * 4, limit=2) == {"a", "b"}


def lone_positives_and_big_negative_weeks() -> tuple[np.ndarray, list[str], np.ndarray]:
    """What evaluate sees on a store: 40 list papers looked up by id, each alone in its old week, and
    4 real weeks of 200 other papers each, scored 0 to 0.1."""
    positives = np.linspace(0.002, 0.5, 40)
    negatives = np.tile(np.linspace(0.0, 0.1, 200), 4)
    scores = np.r_[positives, negatives]
    weeks = [f"2020-W{i:02d}" for i in range(40)] + [w for w in ("2024-W10", "2024-W11", "2024-W12", "2024-W13")
                                                      for _ in range(200)]
    return scores, weeks, np.arange(len(scores)) < 40


def test_recommend_threshold_counts_proposals_in_stream_weeks_only():
    scores, weeks, positive = lone_positives_and_big_negative_weeks()
    # the collapse: counted over every week, the median week is a lone list paper's, which proposes at most 1,
    # so the lowest list paper's score (0.002) looks within the limit while each real week would propose 196 of 200
    at_lowest = np.array([0.002])
    assert proposal_curve(scores, weeks, positive, at_lowest, set(weeks))[1].tolist() == [1.0]
    assert proposal_curve(scores, weeks, positive, at_lowest, {"2024-W10"})[1].tolist() == [196.0]
    advice = recommend_threshold(scores, weeks, positive, limit=5)
    assert advice.stream_weeks == 4 and advice.recommended
    # the highest threshold of the best recall within 5 proposals per real week: the 9th list paper's score
    assert advice.threshold == pytest.approx(0.002 + 0.498 * 8 / 39)
    assert (advice.recall, advice.median_per_week) == (0.8, 0.0)
    # recall is still over all 40 list papers, whatever week they sit in
    assert advice.recalls[0] == 1.0


def test_recommend_threshold_without_a_stream_week_keeps_the_configured_one(caplog):
    scores = np.array([0.9, 0.4, 0.01, 0.2])
    weeks = ["2020-W01", "2020-W02", "2020-W03", "2020-W03"]
    positive = np.array([True, True, False, False])
    with caplog.at_level("WARNING", logger="classifiers.evaluation"):
        advice = recommend_threshold(scores, weeks, positive, limit=15, configured=0.5)
    assert (advice.threshold, advice.recall, advice.stream_weeks, advice.recommended) == (0.5, 0.5, 0, False)
    assert np.isnan(advice.median_per_week)
    assert [r.getMessage() for r in caplog.records] == [
        "no week of the real stream among the papers (every week holds fewer than 15 papers): "
        "cannot count proposals per week; keep the threshold 0.5"]


def test_threshold_marks_are_the_configured_and_the_recommended_threshold():
    from classifiers.reports import CVReport

    base = dict(folds=3, positives=2, negatives=2, average_precision=1.0, roc_auc=1.0, recall=dict.fromkeys((5, 10, 20), 1.0), keyword_average_precision=1.0,
                keyword_roc_auc=1.0, keyword_recall=dict.fromkeys((5, 10, 20), 1.0), dummy_average_precision=0.5, section_papers=0, sections=0,
                section_top1=0.0, section_top3=0.0, majority_top1=0.0, majority_top3=0.0)
    advised = CVReport(**base, advice=ThresholdAdvice(0.02, 0.9, 12.0, 15, stream_weeks=8))
    assert threshold_marks(advised, 0.005) == [("configured 0.005", 0.005, "black"), ("recommended 0.02", 0.02, "red")]
    kept = CVReport(**base, advice=ThresholdAdvice(0.005, 0.9, float("nan"), 15, stream_weeks=0))
    assert threshold_marks(kept, 0.005) == [("configured 0.005", 0.005, "black")]
    summary = evaluation_summary(kept)["recommended_threshold"]
    assert (summary["median_per_week"], summary["stream_weeks"]) == (None, 0)
    assert format_cv(kept).splitlines()[-2] == ("no recommended threshold: no week of the real stream among the papers "
                                                "(each holds fewer than 15); keep 0.005 (recall 0.90)")


@pytest.fixture(scope="module")
def small():
    papers, section_of = make_papers(n_pos=30, n_neg=150)
    return papers, ListDocument.parse(make_readme(papers, section_of)).rows()


def test_cross_validate_with_a_budget_trains_on_the_sample_and_ranks_every_paper(small):
    """The folds learn from 40 sampled negatives; the other 110 papers are still scored (by a fold that never saw
    them) and ranked in their weeks, so the weeks are whole and the figures comparable with no budget."""
    papers, rows = small
    budget = cross_validate(rows, papers, config=ModelConfig(min_section_papers=2, negatives=40), folds=3)
    sample = set(stratified_sample([(p.arxiv_id, p.day) for p in papers], 40, 0))
    assert budget.negatives == len(sample - {p.arxiv_id for p in papers[:30]})
    assert budget.scores.shape == (180,) and int(budget.labels.sum()) == 30
    assert sorted(budget.weeks) == sorted(week_of(p.day) for p in papers)
    assert budget.roc_auc == 1.0 and budget.recall == {5: 1.0, 10: 1.0, 20: 1.0}
    assert 0 < budget.scores[budget.labels == 0].max() < budget.scores[budget.labels == 1].min()
    # presampled: the given papers are the sample, all of them train (the store's evaluate)
    read = [p for p in papers if p.arxiv_id in sample or p in papers[:30]]
    store = cross_validate(rows, read, config=ModelConfig(min_section_papers=2, negatives=40), folds=3, presampled=True)
    assert store.scores.shape == (len(read),) and store.negatives == len(read) - 30


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
    # 15 papers a week, limit 15: every week counts; the keyword's curve is drawn beside the model's
    assert report.advice.stream_weeks == 12 and report.advice.recommended
    thresholds, recalls, medians = report.keyword_curve
    assert len(thresholds) == len(recalls) == len(medians) and recalls[0] == 1.0 and recalls[-1] == 0.0
    assert report.keyword_scores.shape == report.scores.shape
    paths = write_plots(report, tmp_path / "plots", 0.5)
    assert [p.name for p in paths] == list(PLOTS)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)
    # with no stream week (a limit above every week's size) the plots are still written
    lone = cross_validate(rows, papers, config=ModelConfig(min_section_papers=2, proposals_per_pr=100), folds=3)
    assert not lone.advice.recommended and lone.advice.threshold == ModelConfig().threshold
    assert [p.name for p in write_plots(lone, tmp_path / "lone", 0.005)] == list(PLOTS)


def test_a_typical_week_below_the_cap_takes_a_higher_threshold():
    # two weeks of 4 papers; positives at 0.9 and 0.6; the cap (limit) 2 allows 0.6, a typical week of 1 does not
    scores = np.array([0.9, 0.8, 0.3, 0.1, 0.6, 0.55, 0.2, 0.1])
    weeks = ["a"] * 4 + ["b"] * 4
    positive = np.array([True, False, False, False, True, False, False, False])
    capped = recommend_threshold(scores, weeks, positive, limit=2)
    typical = recommend_threshold(scores, weeks, positive, limit=2, typical=1)
    assert (capped.threshold, capped.typical) == (0.6, 2.0)
    assert (typical.threshold, typical.recall, typical.median_per_week, typical.typical) == (0.9, 0.5, 0.5, 1.0)
    # the week-size floor of the stream weeks is still the cap, not the typical week
    assert typical.stream_weeks == 2


def test_the_recommendation_line_names_the_typical_week_and_the_cap():
    from classifiers.reports import CVReport

    base = dict(folds=3, positives=2, negatives=2, average_precision=1.0, roc_auc=1.0,
                recall=dict.fromkeys((5, 10, 20), 1.0), keyword_average_precision=1.0, keyword_roc_auc=1.0,
                keyword_recall=dict.fromkeys((5, 10, 20), 1.0), dummy_average_precision=0.5, section_papers=0,
                sections=0, section_top1=0.0, section_top3=0.0, majority_top1=0.0, majority_top3=0.0)
    advised = CVReport(**base, advice=ThresholdAdvice(0.0123, 0.49, 7.5, 15, stream_weeks=180, typical=7.5))
    assert format_cv(advised).splitlines()[-2] == (
        "recommended threshold: 0.0123 (recall 0.49, median 7.5 proposals per week over 180 stream weeks: a typical "
        "week at most 7.5 of the 15 a PR holds)")
    assert evaluation_summary(advised)["recommended_threshold"]["typical"] == 7.5
