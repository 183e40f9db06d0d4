"""The judged measure (``classifiers.judged``): weeks, keyword, rankings, precision/recall with unjudged papers apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.judged import (
    Judgement,
    format_judged,
    format_weeks,
    judged_week,
    keyword_scores,
    measure,
    rank_weeks,
    read_judged,
    top,
)
from tests.conftest import requires_shared
from tracker.errors import ModelError
from tracker.records import Paper
from tracker.sources.corpus import read_corpus

GRADES = {
    "a1": Judgement("a1", "2024-W31", 2), "a2": Judgement("a2", "2024-W31", 1), "a3": Judgement("a3", "2024-W31", 0),
    "a4": Judgement("a4", "2024-W31", 2),
    "b1": Judgement("b1", "2024-W34", 2), "b2": Judgement("b2", "2024-W34", 0),
}


def test_read_judged_and_its_errors(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"id": "2407.1", "week": "2024-W31", "grade": 2, "title": "T", "why": "KD"}\n\n'
                    '{"id": "2407.2", "week": "2024-W31", "grade": 0}\n')
    assert read_judged(path) == {"2407.1": Judgement("2407.1", "2024-W31", 2, "T"),
                                 "2407.2": Judgement("2407.2", "2024-W31", 0)}
    path.write_text('{"id": "2407.1", "week": "2024-W31"}\n')
    with pytest.raises(ModelError, match=r"j.jsonl:1: not a judged paper"):
        read_judged(path)
    path.write_text('{"id": "2407.1", "week": "2024-W31", "grade": 3}\n')
    with pytest.raises(ModelError, match=r"j.jsonl:1: grade 3 is not 0, 1 or 2"):
        read_judged(path)
    with pytest.raises(ModelError, match="cannot read the judged papers"):
        read_judged(tmp_path / "none.jsonl")


def test_judged_week_is_the_listing_or_submission_day_not_the_announcement():
    late = Paper("2505.1", "t", published="2025-05-16", announced="2025-05-19")
    assert judged_week(late) == "2025-W20"
    assert late.day == "2025-05-19"
    assert judged_week(Paper("2505.2", "t", announced="2025-05-19")) == "2025-W21"


def test_keyword_scores_weigh_the_title_three_times():
    papers = [Paper("1", "Distilling LLMs", abstract="We distil. Distillation."), Paper("2", "Other", abstract="distil"),
              Paper("3", "Nothing", abstract="none")]
    assert keyword_scores(papers).tolist() == [5.0, 1.0, 0.0]


def test_rank_weeks_ranks_every_paper_of_the_wanted_weeks_ties_by_id():
    papers = [Paper(pid, pid, published=day) for pid, day in
              [("c", "2024-07-29"), ("b", "2024-07-30"), ("a", "2024-08-04"), ("d", "2024-08-05"), ("e", "2024-08-19")]]
    ranked = rank_weeks(papers, [0.1, 0.5, 0.1, 0.9, 0.3], ["2024-W31", "2024-W34", "2024-W40"])
    assert ranked == {"2024-W31": ["b", "a", "c"], "2024-W34": ["e"], "2024-W40": []}
    assert top(ranked, 2) == {"2024-W31": ["b", "a"], "2024-W34": ["e"], "2024-W40": []}


def test_measure_counts_unjudged_apart_and_averages_precision_over_weeks():
    # W31: a1 (2), x (unjudged), a2 (1), a3 (0) -> judged 3, hits2 1, hits1 2; W34: b1 (2) -> 1 of 1
    result = measure({"2024-W31": ["a1", "x", "a2", "a3"], "2024-W34": ["b1"]}, GRADES)
    w31, w34 = result.weeks
    assert (w31.week, w31.grade2, w31.selected, w31.judged, w31.hits2, w31.hits1, w31.unjudged) == \
        ("2024-W31", 2, 4, 3, 1, 2, 1)
    assert (w34.grade2, w34.selected, w34.hits2) == (1, 1, 1)
    assert result.precision2 == pytest.approx((1 / 3 + 1) / 2)
    assert result.precision1 == pytest.approx((2 / 3 + 1) / 2)
    assert result.recall2 == pytest.approx((1 / 2 + 1) / 2)  # per week, averaged
    assert result.recall2_all == pytest.approx(2 / 3)  # all weeks' grade-2 papers together
    assert result.unjudged == 1
    assert result.selected == (2.5, 1, 4)


def test_a_week_with_nothing_judged_selected_has_no_precision_but_its_recall_counts():
    result = measure({"2024-W31": ["x", "y"]}, GRADES)  # W34 selects nothing at all
    assert [w.selected for w in result.weeks] == [2, 0]
    assert (result.precision2, result.precision1, result.recall2, result.recall2_all) == (0.0, 0.0, 0.0, 0.0)
    assert result.unjudged == 2
    assert measure({"2024-W31": ["a1", "a4"]}, GRADES).precision2 == 1.0


def test_tables():
    result = measure({"2024-W31": ["a1", "x"], "2024-W34": ["b2"]}, GRADES)
    table = format_judged([("model", "top 10", result)]).splitlines()
    assert table[0].split() == ["ranking", "selection", "P(2)", "P(>=1)", "R(2)", "R(2)", "all", "unjudged",
                                "selected/week:", "median", "min", "max"]
    assert table[1].split() == ["model", "top", "10", "0.50", "0.50", "0.25", "0.33", "1", "1.5", "1", "2"]
    weeks = format_weeks(result, {"2024-W31": 258}).splitlines()
    assert weeks[1].split() == ["2024-W31", "258", "2", "2", "1", "1", "1"]
    assert weeks[2].split() == ["2024-W34", "0", "1", "1", "0", "0", "0"]


@requires_shared
def test_the_judged_weeks_are_the_weeks_of_the_listing_or_submission_day(shared: Path):
    grades = read_judged(shared / "data" / "judged_dev.jsonl")
    found = {p.arxiv_id: judged_week(p) for p in read_corpus(shared / "data" / "arxiv_corpus.jsonl.gz")
             if p.arxiv_id in grades}
    assert len(grades) == 446
    assert found == {pid: j.week for pid, j in grades.items()}
