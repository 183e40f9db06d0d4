"""Which days a weekly run reads and scores: the pending window of the open PR, across runs and their outcomes."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest

from devservers.arxiv_server import Fault, atom_page
from tests.conftest import requires_shared
from tests.pipeline import weekly_sample as e2e
from tracker.config import ArxivConfig, Config
from tracker.store import schema as store_schema
from tracker.store.papers import Store
from tracker.store.runs import RunLog
from tracker.weekly import RunReport
from tracker.weekly.windows import CarriedGaps, carried_gaps, fetch_window, pending_since

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
    assert pending_since(runs.runs(), date(2024, 3, 15)) == date(2024, 3, 8)
    _published(runs, date(2024, 3, 15), date(2024, 3, 25), "updated", 1)
    assert pending_since(runs.runs(), date(2024, 3, 22)) == date(2024, 3, 8)


def _schema_3_store(path, monkeypatch, *runs: tuple[str, str, str, str, str]) -> None:
    """A store as kd-tracker wrote it before schema 4 (no ``score_since``), holding ``runs``:
    ``(as_of, since, until, outcome, started_at)`` of successful runs into PR #1."""
    with monkeypatch.context() as m:
        m.setattr(store_schema, "MIGRATIONS", [mig for mig in store_schema.MIGRATIONS if mig[0] <= 3])
        with Store(path) as store:
            assert store.schema_version == 3
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO runs (as_of, since, until, outcome, started_at, status, pr_number) "
                     "VALUES (?, ?, ?, ?, ?, 'ok', 1)", runs)
    conn.commit()
    conn.close()


def test_runs_recorded_before_the_scoring_start_was_kept_scored_from_their_window(tmp_path, monkeypatch):
    path = tmp_path / "kd.db"
    _schema_3_store(path, monkeypatch, ("2024-03-18", "2024-03-08", "2024-03-18", "created", "x"))
    with Store(path) as store:
        assert store.schema_version == store_schema.latest()
        (record,) = RunLog(store).runs()
        assert (record.since, record.score_since) == (date(2024, 3, 8), None)
        assert pending_since(RunLog(store).runs(), date(2024, 3, 15)) == date(2024, 3, 8)


def test_a_first_run_recorded_before_the_scoring_start_scored_only_its_last_window(tmp_path, monkeypatch):
    path = tmp_path / "kd.db"
    # a first run with its 60-day backfill, then a second week, both in PR #1
    _schema_3_store(path, monkeypatch, ("2024-03-18", "2024-01-18", "2024-03-18", "created", "x"),
                    ("2024-03-25", "2024-03-15", "2024-03-25", "updated", "y"))
    with Store(path) as store:
        runs = RunLog(store)
        assert pending_since(runs.runs(), date(2024, 3, 22), window_days=10) == date(2024, 3, 8)
        assert pending_since(runs.runs(), date(2024, 3, 22)) == date(2024, 1, 18)  # without the window: the old reading


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
    assert pending_since(runs.runs(), date(2024, 3, 22)) == date(2024, 3, 8)
    _published(runs, date(2024, 3, 22), date(2024, 4, 1), "updated", 1)  # the take-over
    assert pending_since(runs.runs(), date(2024, 3, 29)) == date(2024, 3, 8)


@requires_shared
def test_a_take_over_after_a_blocked_week_scores_the_papers_still_in_the_pr(setup, github):
    assert run(setup, "--as-of", "2024-03-18").exit_code in (0, 2)
    first = set(e2e.pr_proposals(github))
    assert first
    repo = github.repo(e2e.REPO)
    text = repo.file(e2e.BRANCH, "README.md")
    github.push_commit(e2e.REPO, e2e.BRANCH, {"README.md": text.replace("Update Log", "Update log")}, message="tweak")
    result_file = setup.parent / "result.json"
    blocked = run(setup, "--as-of", "2024-03-25", "--result-file", str(result_file))
    assert blocked.exit_code == 3 and "PR:         blocked" in blocked.output, blocked.output
    result = json.loads(result_file.read_text())
    url = f"{github.url}/{e2e.REPO}/pull/1"
    assert {k: result[k] for k in ("command", "exit_code", "status", "pr_number", "pr_url", "pr_status",
                                   "takeover_label", "dry_run")} == {
        "command": "run", "exit_code": 3, "status": "blocked", "pr_number": 1, "pr_url": url, "pr_status": "blocked",
        "takeover_label": "kd-tracker:take-over", "dry_run": False}
    assert result["markdown"].startswith("### kd-tracker run as of 2024-03-25\n")
    assert f"**Pull request:** [PR #1]({url}): blocked (" in result["markdown"]
    repo.labels.setdefault("kd-tracker:take-over", 7777)
    repo.pulls[1].labels.append("kd-tracker:take-over")
    assert run(setup, "--as-of", "2024-04-01").exit_code in (0, 2)
    taken_over = _runs(setup)[2]
    assert taken_over.score_since == date(2024, 3, 22)
    with Store(setup.parent / "kd.db") as store:
        scored = {row[0] for row in store.query("SELECT arxiv_id FROM run_scores WHERE run_id = ?", (taken_over.id,))}
    assert first <= scored


def _week(runs: RunLog, as_of: date, since: date, gaps: tuple[date, ...] = ()) -> None:
    run_id = runs.start(as_of=as_of, since=since, until=as_of, dry_run=False)
    runs.finish(run_id, status="warnings" if gaps else "ok", outcome="updated", pr_number=1, gaps=gaps)


def test_the_next_window_reaches_back_to_gap_days_until_a_run_fetches_them(runs):
    config = Config()
    _week(runs, date(2024, 3, 18), date(2024, 1, 18))
    _week(runs, date(2024, 3, 25), date(2024, 3, 15), gaps=(date(2024, 3, 19), date(2024, 3, 20)))
    april = date(2024, 4, 1)
    assert carried_gaps(config, runs.runs(), april).reread == (date(2024, 3, 19), date(2024, 3, 20))
    assert fetch_window(config, runs.runs(), april) == (date(2024, 3, 19), april)
    _week(runs, april, date(2024, 3, 19), gaps=(date(2024, 3, 20),))  # 03-19 fetched now, 03-20 still missing
    later = date(2024, 4, 8)
    assert fetch_window(config, runs.runs(), later) == (date(2024, 3, 20), later)
    _week(runs, later, date(2024, 3, 20))  # fetched at last
    assert fetch_window(config, runs.runs(), date(2024, 4, 15)) == (date(2024, 4, 5), date(2024, 4, 15))
    # an explicit --since reads what it is told
    assert fetch_window(config, runs.runs(), april, asked_since=date(2024, 3, 28)) == (date(2024, 3, 28), april)


def test_gap_days_older_than_the_look_back_are_given_up_once_and_reported(runs):
    config = Config(arxiv=ArxivConfig(gap_lookback_days=14))
    gap = date(2024, 3, 19)
    _week(runs, date(2024, 3, 25), date(2024, 3, 15), gaps=(gap,))
    _week(runs, date(2024, 4, 1), gap, gaps=(gap,))  # re-read, still missing
    assert carried_gaps(config, runs.runs(), date(2024, 4, 1)).reread == (gap,)
    as_of = date(2024, 4, 8)
    carried = carried_gaps(config, runs.runs(), as_of)
    assert (carried.reread, carried.given_up) == ((), (gap,))
    assert fetch_window(config, runs.runs(), as_of) == (date(2024, 3, 29), as_of)
    _week(runs, as_of, date(2024, 3, 29))
    assert carried_gaps(config, runs.runs(), date(2024, 4, 15)) == CarriedGaps()  # given up once, then no more
    report = RunReport(as_of, date(2024, 3, 29), as_of, score_since=date(2024, 3, 29), given_up_gaps=[gap])
    assert report.exit_code == 2
    assert any(line.startswith("  gaps given up: 2024-03-19 (past arxiv.gap_lookback_days") for line in report.summary())


@requires_shared
def test_days_arxiv_answered_empty_are_fetched_by_the_next_run(setup, github, arxiv):
    assert run(setup, "--as-of", "2024-03-18").exit_code in (0, 2)
    empty = atom_page([], query="x", start=0, max_results=2000, total=0)
    arxiv.add_faults(*[Fault(body=empty) for _ in range(2)])  # every try of the week's only query
    second = run(setup, "--as-of", "2024-03-25", "--result-file", str(setup.parent / "result.json"))
    assert second.exit_code == 2 and "  gaps:       2024-03-19, 2024-03-20, 2024-03-21, 2024-03-22" in second.stdout
    result = json.loads((setup.parent / "result.json").read_text())
    gaps = ["2024-03-19", "2024-03-20", "2024-03-21", "2024-03-22"]
    assert (result["exit_code"], result["status"], result["gaps"], result["given_up_gaps"]) == (2, "warnings", gaps, [])
    assert result["pr_status"] in ("updated", "unchanged") and result["pr_number"] == 1
    assert f"**Gaps:** {', '.join(gaps)} (the next runs re-read them)\n" in result["markdown"]
    third = run(setup, "--as-of", "2024-04-01")
    assert third.exit_code in (0, 2)
    assert "window 2024-03-19..2024-04-01" in third.stdout
    with Store(setup.parent / "kd.db") as store:
        days = store.day_counts(date(2024, 3, 19), date(2024, 3, 22))
    served = {p.published for p in arxiv.papers if "2024-03-19" <= p.published <= "2024-03-22"}
    assert served and served <= set(days)
