"""On real data: the 2024-02-20 list and a slice of the corpus rank a later addition in the top 10 of its week."""

from __future__ import annotations

import datetime
import json

import pytest

from classifiers.evaluation import list_date, truth_from_history, week_of, within_week_ranks
from classifiers.training import train
from devservers.paths import SHARED
from tracker.config import ModelConfig
from tracker.listdoc.document import ListDocument
from tracker.sources.corpus import read_corpus

CUT = datetime.date(2024, 2, 20)


@pytest.fixture(scope="module")
def real():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (public clone)")
    shared = SHARED
    rows = ListDocument.parse((shared / "fixtures/kd-list/README.2024-02-20.first.md").read_text(encoding="utf-8")).rows()
    history = shared / "data/list_history.jsonl"
    list_ids = {json.loads(line).get("arxiv_id") for line in history.read_text(encoding="utf-8").splitlines()}
    papers = [p for p in read_corpus(shared / "data/arxiv_corpus.jsonl.gz")
              if "2023-11-01" <= p.day < "2024-02-26" or p.arxiv_id in list_ids]
    return rows, history, papers


def test_divide_or_conquer_is_in_the_top_10_of_its_week(real):
    rows, history, papers = real
    truth = {t["arxiv_id"] for t in truth_from_history(history, rows, CUT)}
    assert "2402.15000" in truth
    model = train(rows, [p for p in papers if p.arxiv_id not in truth], config=ModelConfig(), train_until=CUT)
    week = [p for p in papers if week_of(p.day) == "2024-W08"]
    assert len(week) == 654
    scores = model.relevance_scores(week)
    target = next(i for i, p in enumerate(week) if p.arxiv_id == "2402.15000")
    rank = within_week_ranks(scores, [week_of(p.day) for p in week], [target])[0]
    assert rank <= 10


def test_list_date_and_truth_from_the_real_history(real):
    rows, history, _ = real
    assert list_date(history, rows) == CUT
    truth = truth_from_history(history, rows, CUT)
    assert len(truth) == 28
    assert truth[0] == {"arxiv_id": "2303.13809", "title": truth[0]["title"], "first_seen_date": "2024-02-21"}
