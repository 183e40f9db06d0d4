"""A weekly run with a current model reads from the store only the papers of its window and of the open PR, never
the whole table, however many older papers the store holds (issue 17: cost that does not grow with the store)."""

from __future__ import annotations

from datetime import date

from devservers.arxiv_server import corpus_slice
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BEFORE, REPO, run
from tests.store_reads import ids_read, paper_reads, trace_statements, whole_table_reads
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.document import ListDocument
from tracker.store.papers import Store
from tracker.store.runs import RunLog

pytestmark = requires_shared


def test_a_weekly_run_reads_its_window_and_the_open_prs_papers_only(setup, github, tmp_path, monkeypatch):
    # the prune after a run is the one pass that looks at old rows (ids, titles and text sizes, never to score them):
    # tests/pipeline/test_pipeline_prune.py covers it; here the run's own reads are traced
    setup.write_text(setup.read_text().replace("store:\n", "store:\n  prune: false\n"))
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    (pull,) = github.repo(REPO).open_pulls()
    in_pr = {p.paper_id for p in parse_pr_metadata(pull.body).papers}
    assert in_pr
    db = tmp_path / "kd.db"
    old = corpus_slice(date(2023, 3, 1), date(2023, 3, 31))  # a longer history: none of it may be read
    with Store(db) as store:
        store.upsert_papers(old, seen=date(2024, 3, 18))
        stored = store.count()

    statements = trace_statements(monkeypatch, db)
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert "retrain" not in second.stderr and "training one" not in second.stderr  # the model is current

    with Store(db) as store:
        runs = RunLog(store).runs()
        fetched = {p.arxiv_id for p in store.papers(runs[-1].since, None)}
        pending = runs[0].score_since  # the open PR's first scored day: the run re-scores from there
        assert pending is not None and pending > date(2024, 3, 1)
        window = {p.arxiv_id for p in store.papers(pending, None)}
    list_ids = {row.arxiv_id for row in ListDocument.parse(BEFORE.read_text(encoding="utf-8")).rows() if row.arxiv_id}
    read = ids_read(db, statements)
    assert paper_reads(statements) and whole_table_reads(db, statements) == []
    assert fetched <= window <= read  # the window was scored, back to the open PR's first day
    assert read <= window | in_pr | list_ids, sorted(read - window - in_pr - list_ids)[:5]
    assert not read & {p.arxiv_id for p in old} - list_ids
    assert len(read) < stored / 3
