"""The weekly run prunes the store after a successful run (store.prune), never after a dry run; a failed prune
is a warning. Local arXiv and GitHub servers, the real list and corpus."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import date

import pytest

from tests.conftest import requires_shared
from tests.pipeline.test_intake_e2e import FORM, NEW
from tests.pipeline.weekly_sample import BEFORE, REPO, run
from tracker.listdoc.document import ListDocument
from tracker.store.papers import Store
from tracker.store.runs import RunLog
from tracker.store.sample import stratified_sample

pytestmark = requires_shared

NEGATIVES = 1000
CUT = date(2024, 2, 23)
"""As of 2024-03-18 with a 10-day window and no gap look-back: 2024-03-08, minus the 14-day margin."""


@pytest.fixture
def config(setup):
    text = setup.read_text()
    text = text.replace("  backfill_days: 42\n", "  backfill_days: 60\n  gap_lookback_days: 0\n")
    text = text.replace("  threshold: 0.3\n", f"  threshold: 0.3\n  negatives: {NEGATIVES}\n")
    setup.write_text(text)
    return setup


def _texts(config) -> dict[str, bool]:
    with Store(config.parent / "kd.db") as store:
        return {p.arxiv_id: bool(p.abstract) for p in store.papers()}


def test_a_run_prunes_after_it_succeeds_but_a_dry_run_does_not(config, tmp_path, caplog):
    dry = run(config, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "preview"))
    assert dry.exit_code in (0, 2), dry.output
    assert "  store:" not in dry.stdout
    assert all(_texts(config).values()), "a dry run prunes nothing"

    first = run(config, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    (line,) = [x for x in first.stdout.splitlines() if x.startswith("  store:")]
    match = re.fullmatch(rf"  store:      pruned (\d+) papers dated before {CUT}, freed .*", line)
    assert match, line
    listed = {r.arxiv_id for r in ListDocument.parse(BEFORE.read_text(encoding="utf-8")).rows() if r.arxiv_id}
    with Store(config.parent / "kd.db") as store:
        papers = store.papers()
        pruned = {p.arxiv_id for p in papers if not p.abstract}
        assert len(pruned) == int(match.group(1)) > 1000
        assert all(p.day < CUT.isoformat() for p in papers if p.arxiv_id in pruned)
        assert not pruned & listed
        sample = stratified_sample(store.ids_and_days(date(2024, 3, 8)), NEGATIVES, 0)
        assert len(sample) == NEGATIVES and not pruned & set(sample)
        scored = {pid for (pid,) in store.query("SELECT arxiv_id FROM run_scores")}
        assert scored and not pruned & scored, "the window's papers are never pruned"
        bad = [p for p in papers if p.arxiv_id in pruned and not (p.title and p.day and p.categories)]
        assert not bad, bad[:3]

    caplog.clear()
    second = run(config, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert "have no abstract in the store" not in caplog.text
    # the PR the first run opened is still open: its first scored day (2024-03-08) holds the cut where it was
    assert (f"  store:      pruned 0 papers dated before {CUT}, freed 0 bytes of text inside the file; not vacuumed"
            in second.stdout.splitlines()), second.stdout
    with Store(config.parent / "kd.db") as store:
        assert len(RunLog(store).runs()) == 3
        window = store.papers(date(2024, 3, 15), date(2024, 3, 25))
        assert window and all(p.abstract for p in window)


def test_a_failed_prune_is_a_warning_not_a_failed_run(config, caplog):
    with Store(config.parent / "kd.db"):
        pass
    conn = sqlite3.connect(config.parent / "kd.db")  # the store refuses to drop texts: a read-only table, as it were
    conn.execute("CREATE TRIGGER no_prune BEFORE UPDATE OF abstract ON papers WHEN NEW.abstract = '' "
                 "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    conn.commit()
    conn.close()
    result = run(config, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    store_path = config.parent / "kd.db"
    assert (f"  store:      not pruned ({store_path}: cannot prune the paper store (attempt to write a readonly "
            "database); check that it is a kd-tracker store and writable)") in result.stdout
    assert "could not prune the store" in caplog.text
    assert all(_texts(config).values())
    with Store(store_path) as store:
        (record,) = RunLog(store).runs()
    assert record.status in ("ok", "warnings") and record.outcome == "created"


def test_store_prune_false_keeps_every_text(config):
    config.write_text(config.read_text().replace("store:\n", "store:\n  prune: false\n"))
    result = run(config, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    assert "  store:" not in result.stdout
    assert all(_texts(config).values())


def test_a_requested_paper_pruned_from_the_store_is_looked_up_again_before_it_is_scored(setup, github, arxiv,
                                                                                        served_papers):
    (paper,) = [p for p in served_papers if p.arxiv_id == NEW]
    with Store(setup.parent / "kd.db") as store:
        store.upsert_papers([dataclasses.replace(paper, abstract="", authors=(), comment="")], seen=date(2024, 1, 16))
    github.add_issue(REPO, "Add paper: sentiment", FORM.format(id=NEW, section="knowledge elicitation > curation",
                                                               code="_No response_"), labels=("add-paper",))
    result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    assert "  requests:   1 issue: 1 accepted; 1 answered" in result.stdout
    assert any(NEW in r.params.get("id_list", "") for r in arxiv.api_requests())
    with Store(setup.parent / "kd.db") as store:
        again = store.get([NEW])[NEW]
    assert (again.abstract, again.authors) == (paper.abstract, paper.authors)
