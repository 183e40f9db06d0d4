"""bench/review_sim.py's pure parts: the simulated maintainer's decisions, the edited PR body, and the way a week's
decisions become review labels through the real PR body, ticks, store and merge (no ../shared needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bench.review_sim import Maintainer, monday, pooled, review_week, untick
from classifiers.judged import Judgement, WeekResult
from devservers.samples import README
from tracker.config import Config
from tracker.listdoc import ListDocument
from tracker.records import ExtraLabel, Paper, Proposal
from tracker.store import LabelStore, Store

LABELING = "KD Algorithms > Knowledge Elicitation > Labeling"
FEEDBACK = "KD Algorithms > Knowledge Elicitation > Feedback"
GRADES = {
    "2407.00001": Judgement("2407.00001", "2024-W31", 2),
    "2407.00002": Judgement("2407.00002", "2024-W31", 0),
    "2407.00004": Judgement("2407.00004", "2024-W31", 1),
}


def test_the_maintainer_keeps_grade_2_drops_grade_0_and_unjudged_and_grade_1_as_told() -> None:
    strict, lenient = Maintainer(GRADES), Maintainer(GRADES, keep_grade1=True)
    assert [strict.keeps(pid) for pid in ("2407.00001", "2407.00002", "2407.00003", "2407.00004")] == \
        [True, False, False, False]
    assert [lenient.keeps(pid) for pid in ("2407.00001", "2407.00002", "2407.00003", "2407.00004")] == \
        [True, False, False, True]


BODY = """\
<!-- kd-tracker:papers -->
#### Labeling

- [x] [One](https://arxiv.org/abs/2407.00001) · arXiv:2407.00001 · high
  - [ ] move to: Feedback
- [x] [Two](https://arxiv.org/abs/2407.00002v2) · arXiv:2407.00002 · low
<!-- kd-tracker:papers-end -->
<!-- kd-tracker:overflow -->
- [x] add [Two again](https://arxiv.org/abs/2407.00002) · 0.1
<!-- kd-tracker:overflow-end -->
"""


def test_untick_changes_only_the_dropped_papers_item_lines_in_the_papers_part() -> None:
    assert untick(BODY, ["2407.00002"]) == BODY.replace("- [x] [Two]", "- [ ] [Two]")
    assert untick(BODY, []) == BODY
    assert untick(BODY, ["2407.00001"]).splitlines()[3] == "- [ ] [One](https://arxiv.org/abs/2407.00001) · " \
                                                          "arXiv:2407.00001 · high"


def _paper(pid: str, title: str) -> Paper:
    return Paper(arxiv_id=pid, title=title, abstract=f"{title}: an abstract.", published="2024-07-29T00:00:00Z",
                 announced="2024-07-30", source="corpus")


def _proposal(paper: Paper, section: str, score: float) -> Proposal:
    return Proposal(title=paper.title, url=paper.url, sections=(section,), arxiv_id=paper.arxiv_id, date="2024-07",
                    score=score, abstract=paper.abstract)


def test_a_weeks_decisions_become_labels_through_the_pr_body_ticks_and_merge(tmp_path: Path) -> None:
    papers = [_paper("2407.00001", "Distilling Teachers Well"), _paper("2407.00002", "A Benchmark of Something"),
              _paper("2407.00003", "Unjudged Paper"), _paper("2407.00004", "Borderline Vision Distillation")]
    proposals = [_proposal(papers[0], LABELING, 0.9), _proposal(papers[1], FEEDBACK, 0.5),
                 _proposal(papers[2], LABELING, 0.4), _proposal(papers[3], FEEDBACK, 0.3)]
    as_of = dt.date(2024, 8, 5)
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=as_of)
        review = review_week(proposals, README, Config(), store, Maintainer(GRADES), pr_number=7, as_of=as_of,
                             outdir=tmp_path / "pr")
        labels = LabelStore(store)
        stored = {(lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source, lb.ref, lb.date) for lb in labels.all()}
        rejected = labels.rejected_ids()
        training = labels.training_labels()

    assert set(review.proposed) == {"2407.00001", "2407.00002", "2407.00003", "2407.00004"}
    assert review.kept == ("2407.00001",)
    assert set(review.dropped) == {"2407.00002", "2407.00003", "2407.00004"}
    # a dropped paper: unticked in the body, a rejection (tick source) on the tick day; the kept one: the merged PR
    assert stored == {
        ("2407.00002", 0, "", "dropped", "tick", "7", "2024-08-07"),
        ("2407.00003", 0, "", "dropped", "tick", "7", "2024-08-07"),
        ("2407.00004", 0, "", "dropped", "tick", "7", "2024-08-07"),
        ("2407.00001", 1, LABELING, "kept", "pr", "7", "2024-08-08"),
    }
    assert rejected == {"2407.00002", "2407.00003", "2407.00004"}
    assert sorted(training, key=lambda e: e.arxiv_id) == [
        ExtraLabel("2407.00001", 1, LABELING), ExtraLabel("2407.00002", 0, None),
        ExtraLabel("2407.00003", 0, None), ExtraLabel("2407.00004", 0, None)]
    # the merge puts the kept paper in the list (a list paper from then on), and only it
    merged = ListDocument.parse(review.readme_text)
    known = merged.papers()
    assert known.has("2407.00001", "Distilling Teachers Well")
    assert not any(known.has(pid, "") for pid in ("2407.00002", "2407.00003", "2407.00004"))
    assert [r.section for r in merged.rows() if r.arxiv_id == "2407.00001"] == [LABELING]
    assert len(merged.rows()) == len(ListDocument.parse(README).rows()) + 1


def test_a_week_without_proposals_leaves_the_list_and_the_store_alone(tmp_path: Path) -> None:
    with Store(tmp_path / "kd.db") as store:
        review = review_week([], README, Config(), store, Maintainer(GRADES), pr_number=1, as_of=dt.date(2024, 8, 5),
                             outdir=tmp_path / "pr")
        assert LabelStore(store).all() == []
    assert (review.proposed, review.readme_text) == ((), README)


def test_monday_and_pooling() -> None:
    assert monday("2024-W31") == dt.date(2024, 7, 29)
    weeks = [WeekResult("a", grade2=4, selected=5, judged=4, hits2=2, hits1=3),
             WeekResult("b", grade2=6, selected=6, judged=6, hits2=6, hits1=6)]
    p = pooled(weeks)
    assert (p.p2_pooled, p.r2_pooled, p.p1_pooled, p.proposed) == (0.8, 0.8, 0.9, 11)
    assert (p.p2_mean, p.r2_mean) == pytest.approx((0.75, 0.75))
