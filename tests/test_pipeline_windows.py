"""Which days a weekly run reads and scores: the pending window of the open PR, across runs and their outcomes."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests import test_pipeline_e2e as e2e
from tests.conftest import requires_shared
from tests.servers.github_server import github_server_fixture  # noqa: F401 - fixture
from tracker import store_schema
from tracker.pipeline import pending_since
from tracker.run_log import RunLog
from tracker.store import Store

# the weekly job's fixtures: a local arXiv and GitHub, the real list, one model folder for the module
served_papers, arxiv, github, model_dir, setup = e2e.served_papers, e2e.arxiv, e2e.github, e2e.model_dir, e2e.setup
run = e2e.run


@pytest.fixture
def runs(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        yield RunLog(store)


def _published(runs: RunLog, since: date, until: date, outcome: str, pr: int | None, *,
               score_since: date | None = None) -> int:
    run_id = runs.start(as_of=until, since=since, until=until, dry_run=False, score_since=score_since)
    runs.finish(run_id, status="ok", outcome=outcome, pr_number=pr)
    return run_id


def test_the_pending_window_starts_where_the_first_run_scored_not_where_it_fetched(runs):
    _published(runs, date(2024, 2, 5), date(2024, 3, 18), "created", 1, score_since=date(2024, 3, 8))
    assert runs.runs()[0].score_since == date(2024, 3, 8)
    assert pending_since(runs, date(2024, 3, 15)) == date(2024, 3, 8)
    _published(runs, date(2024, 3, 15), date(2024, 3, 25), "updated", 1)
    assert pending_since(runs, date(2024, 3, 22)) == date(2024, 3, 8)


def test_runs_recorded_before_the_scoring_start_was_kept_scored_from_their_window(tmp_path, monkeypatch):
    path = tmp_path / "kd.db"
    with monkeypatch.context() as m:
        m.setattr(store_schema, "MIGRATIONS", [mig for mig in store_schema.MIGRATIONS if mig[0] <= 3])
        with Store(path) as store:
            assert store.schema_version == 3
            store.query("SELECT 1")  # the old schema: no score_since column
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO runs (as_of, since, until, started_at, status, outcome, pr_number) "
                 "VALUES ('2024-03-18', '2024-03-08', '2024-03-18', 'x', 'ok', 'created', 1)")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == store_schema.latest()
        (record,) = RunLog(store).runs()
        assert (record.since, record.score_since) == (date(2024, 3, 8), date(2024, 3, 8))


def _scored_days(config, run_id: int) -> list[str]:
    with Store(config.parent / "kd.db") as store:
        ids = [row[0] for row in store.query("SELECT arxiv_id FROM run_scores WHERE run_id = ?", (run_id,))]
        return sorted(p.day for p in store.get(ids).values())


def _runs(config) -> list:
    with Store(config.parent / "kd.db") as store:
        return RunLog(store).runs()


@requires_shared
def test_the_second_week_does_not_score_the_first_weeks_backfill(setup, github):
    assert run(setup, "--as-of", "2024-03-18").exit_code in (0, 2)
    assert run(setup, "--as-of", "2024-03-25").exit_code in (0, 2)
    first, second = _runs(setup)[:2]
    assert first.since == date(2024, 2, 5) and first.score_since == date(2024, 3, 8)
    assert _scored_days(setup, first.id)[0] >= "2024-03-08"
    assert _scored_days(setup, second.id)[0] >= "2024-03-08"


def test_a_blocked_week_keeps_the_pending_window_of_its_pr(runs):
    _published(runs, date(2024, 3, 8), date(2024, 3, 18), "created", 1)
    _published(runs, date(2024, 3, 15), date(2024, 3, 25), "blocked", 1)
    assert pending_since(runs, date(2024, 3, 22)) == date(2024, 3, 8)
    _published(runs, date(2024, 3, 22), date(2024, 4, 1), "updated", 1)  # the take-over
    assert pending_since(runs, date(2024, 3, 29)) == date(2024, 3, 8)


@requires_shared
def test_a_take_over_after_a_blocked_week_scores_the_papers_still_in_the_pr(setup, github):
    assert run(setup, "--as-of", "2024-03-18").exit_code in (0, 2)
    first = set(e2e.pr_proposals(github))
    assert first
    repo = github.repo(e2e.REPO)
    text = repo.file(e2e.BRANCH, "README.md")
    github.push_commit(e2e.REPO, e2e.BRANCH, {"README.md": text.replace("Update Log", "Update log")}, message="tweak")
    blocked = run(setup, "--as-of", "2024-03-25")
    assert blocked.exit_code == 2 and "PR:         blocked" in blocked.output, blocked.output
    repo.labels.setdefault("kd-tracker:take-over", 7777)
    repo.pulls[1].labels.append("kd-tracker:take-over")
    assert run(setup, "--as-of", "2024-04-01").exit_code in (0, 2)
    taken_over = _runs(setup)[2]
    assert taken_over.score_since == date(2024, 3, 22)
    with Store(setup.parent / "kd.db") as store:
        scored = {row[0] for row in store.query("SELECT arxiv_id FROM run_scores WHERE run_id = ?", (taken_over.id,))}
    assert first <= scored
