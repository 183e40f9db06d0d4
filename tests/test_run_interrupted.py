"""A run killed half-way (SIGKILL: no ``finally`` runs) is marked ``interrupted`` by the next run, which holds the lock;
``kd-tracker report`` lists it as such and does not count it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.records import Paper, ScoredPaper
from tracker.store.papers import Store
from tracker.store.runs import RunLog
from tracker.weekly.lock import run_lock

ROOT = Path(__file__).resolve().parent.parent

KILLED_RUN = textwrap.dedent("""\
    import datetime as dt, sys, threading
    from tracker.records import Paper, ScoredPaper
    from tracker.weekly.lock import run_lock
    from tracker.store.runs import RunLog
    from tracker.store.papers import Store

    as_of = dt.date(2024, 3, 25)
    with run_lock(sys.argv[1]), Store(sys.argv[1]) as store:
        runs = RunLog(store)
        run = runs.start(as_of=as_of, since=dt.date(2024, 3, 15), until=as_of, dry_run=False)
        runs.record_scores(run, [ScoredPaper(Paper("2403.00009", "Nine"), 0.99)], proposed=["2403.00009"])
        print("scored", flush=True)
        threading.Event().wait()  # publishing, until killed
""")


def kill_a_run_half_way(store_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(store_path)], env=env, text=True,
                             stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == "scored\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def report() -> str:
    result = CliRunner().invoke(cli, ["report"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kd.db"
    (tmp_path / "config.yaml").write_text(f"store:\n  path: {json.dumps(str(path))}\nmodel:\n  threshold: 0.5\n")
    monkeypatch.chdir(tmp_path)
    with Store(path) as store:  # a finished run the week before
        runs = RunLog(store)
        done = runs.start(as_of=dt.date(2024, 3, 18), since=dt.date(2024, 3, 8), until=dt.date(2024, 3, 18),
                          dry_run=False)
        runs.record_scores(done, [ScoredPaper(Paper("2403.00001", "One"), 0.2)], proposed=[])
        runs.finish(done, status="ok", outcome="created", pr_number=1)
    return path


def test_the_next_run_marks_a_killed_run_interrupted_and_report_shows_it(store_path: Path, caplog) -> None:
    kill_a_run_half_way(store_path)
    with Store(store_path) as store:
        assert [r.status for r in RunLog(store).runs()] == ["ok", "running"]  # nothing could close it

    with run_lock(store_path), Store(store_path) as store, caplog.at_level(logging.WARNING, logger="tracker.store.runs"):
        runs = RunLog(store)
        as_of = dt.date(2024, 3, 26)
        next_run = runs.start(as_of=as_of, since=dt.date(2024, 3, 15), until=as_of, dry_run=False)
        killed = runs.runs()[1]
        assert [(r.id, r.status) for r in runs.runs()] == [(1, "ok"), (2, "interrupted"), (next_run, "running")]
        assert killed.error.startswith("interrupted: the process ended before the run recorded an outcome")
        assert runs.last_successful().id == 1  # the next run reads the killed run's window again
    assert [r.getMessage() for r in caplog.records] == ["earlier run 2 never finished (the process was killed): "
                                                        "marked interrupted"]
    with run_lock(store_path), Store(store_path) as store:  # that run was killed too: the one after marks it
        RunLog(store).start(as_of=dt.date(2024, 3, 27), since=dt.date(2024, 3, 15), until=dt.date(2024, 3, 27),
                            dry_run=False)

    text = report()
    assert "1 run scored 1 papers;" in text  # the interrupted run's score of 0.99 is not counted
    assert "| 2024-W13 |" not in text
    assert " 2 runs interrupted (listed below)." in text
    assert text.endswith("\n".join([
        "## Interrupted runs", "",
        "Killed before they finished; not counted above (a later run reads their window again).", "",
        "| Run | As of | Window |", "|--:|---|---|",
        "| 2 | 2024-03-25 | 2024-03-15..2024-03-25 |",
        "| 3 | 2024-03-26 | 2024-03-15..2024-03-26 |", ""]))


def test_a_store_with_only_an_interrupted_run_reports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kd.db"
    (tmp_path / "config.yaml").write_text(f"store:\n  path: {json.dumps(str(path))}\n")
    monkeypatch.chdir(tmp_path)
    kill_a_run_half_way(path)
    with run_lock(path), Store(path) as store:
        runs = RunLog(store)
        runs.start(as_of=dt.date(2024, 3, 26), since=dt.date(2024, 3, 15), until=dt.date(2024, 3, 26), dry_run=False)
    assert report() == "\n".join([
        "# kd-tracker record", "", "No finished runs and no reviewed pull requests in the store yet.", "",
        "## Interrupted runs", "",
        "Killed before they finished; not counted above (a later run reads their window again).", "",
        "| Run | As of | Window |", "|--:|---|---|", "| 1 | 2024-03-25 | 2024-03-15..2024-03-25 |", ""])
