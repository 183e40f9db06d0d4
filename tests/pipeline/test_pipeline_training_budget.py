"""The weekly run trains on what it needs of the store: the list's papers, the budget's sample (``model.negatives``)
of the papers before the scoring window, the hard negatives; never the whole table. Real local arXiv and GitHub."""

from __future__ import annotations

import json
import logging

import pytest

from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BEFORE, run
from tests.test_store_training import CountingStore
from tracker.listdoc.document import ListDocument
from tracker.store import Label, LabelStore, RunLog, Store, hard_negative_ids, training_negative_ids

pytestmark = requires_shared

BUDGET = 300


@pytest.fixture
def budget_setup(setup, monkeypatch):
    setup.write_text(setup.read_text().replace("model:\n", f"model:\n  negatives: {BUDGET}\n", 1))
    opened: list[CountingStore] = []

    class Recorded(CountingStore):
        def __init__(self, path):
            super().__init__(path)
            opened.append(self)

    monkeypatch.setattr("tracker.weekly.pipeline.Store", Recorded)
    return setup, opened


def test_the_weekly_run_reads_only_the_budget_the_list_and_the_hard_negatives(budget_setup, model_dir, tmp_path,
                                                                              caplog):
    config, opened = budget_setup
    caplog.set_level(logging.INFO, logger="classifiers.training")
    first = run(config, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "one"))
    assert first.exit_code in (0, 2), first.output
    assert "(retrained)" in first.stdout

    db = str(config).replace("config.yaml", "kd.db")
    with Store(db) as store:
        cut = RunLog(store).runs()[-1].score_since
        stored_before = len(store.ids_and_days(cut))
        sample = set(training_negative_ids(store, BUDGET, 0, cut))
        assert stored_before > 2 * BUDGET and len(sample) == BUDGET
        # a paper outside the sample, rejected by the maintainers: the next training must have it as a negative
        days = dict(store.ids_and_days(cut))
        rejected = next(pid for pid in sorted(days) if pid not in sample)
        LabelStore(store).add([Label(rejected, 0, "", "rejected", "pr", "7", "2024-03-17")])
        hard = hard_negative_ids(store, near_misses=10, threshold=0.3)
        assert rejected in hard
    list_ids = {r.arxiv_id for r in ListDocument.parse(BEFORE.read_text(encoding="utf-8")).rows() if r.arxiv_id}

    opened.clear()
    caplog.clear()
    second = run(config, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "two"))
    assert second.exit_code in (0, 2), second.output
    assert "(retrained)" in second.stdout  # the labels changed
    (store,) = opened
    assert store.whole_table_reads == 0
    by_get = set(store.read) - {p for p in store.read if days.get(p, "9999") >= cut.isoformat()} - list_ids
    # before the window, exactly the sample and the hard negatives are read (the list's papers aside)
    assert by_get == {p for p in sample | hard if p in days} - list_ids
    assert len(by_get) > BUDGET - len(list_ids)
    assert rejected in store.read
    meta = json.loads((model_dir / "model.json").read_text())
    assert meta["negatives"] <= BUDGET + len(hard) and meta["hard_negatives"] >= 1
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("trained on")]
    assert f"(budget {BUDGET}, of {stored_before} stored before the cut)" in line
    assert line.startswith(f"trained on {meta['positives']} positives and {meta['negatives']} negatives: ")


def test_a_pruned_list_paper_is_looked_up_again_before_training(budget_setup, tmp_path, caplog):
    """A list paper whose texts a prune dropped (a paper the bot saw, never proposed, that a maintainer listed
    later) counts as missing: the retrain looks it up on arXiv, which gives its texts back, instead of training
    on its title alone."""
    config, _ = budget_setup
    first = run(config, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "one"))
    assert first.exit_code in (0, 2), first.output
    db = str(config).replace("config.yaml", "kd.db")
    list_ids = sorted(r.arxiv_id for r in ListDocument.parse(BEFORE.read_text(encoding="utf-8")).rows() if r.arxiv_id)
    with Store(db) as store:
        stored = store.get(list_ids)
        pid = next(i for i in list_ids if i in stored and stored[i].abstract)
        store.query("SELECT 1")  # the store is open and migrated
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE papers SET abstract = '', authors = '[]', comment = '' WHERE arxiv_id = ?", (pid,))
        conn.execute("INSERT INTO labels (arxiv_id, label, section, kind, source, ref, date, title, created_at) "
                     "VALUES ('2401.99999', 0, '', 'rejected', 'pr', '9', '2024-03-17', '', '2024-03-17')")
    second = run(config, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "two"))
    assert second.exit_code in (0, 2), second.output
    assert "(retrained)" in second.stdout  # the labels changed
    with Store(db) as store:
        assert store.get([pid])[pid].abstract == stored[pid].abstract
