"""Every command that writes the store takes the run's lock: while a run holds it, they stop at once with one clear
line, and the run's own writes go on unharmed (before, `papers import` during a run ended in "database is locked")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from devservers.arxiv_server import ArxivServer
from tracker.cli.main import cli
from tracker.records import Paper, ScoredPaper
from tracker.sources.corpus import write_corpus
from tracker.store.papers import Store
from tracker.store.runs import RunLog
from tracker.weekly.lock import run_lock

AS_OF = dt.date(2024, 3, 18)
PAPERS = [Paper(arxiv_id=f"2403.0000{i}", title=f"Paper {i}", abstract="a distilled student", published="2024-03-12",
                primary_category="cs.CL", categories=("cs.CL",)) for i in range(1, 4)]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with ArxivServer() as arxiv:
        (tmp_path / "config.yaml").write_text(
            f"store:\n  path: {json.dumps(str(tmp_path / 'kd.db'))}\n"
            f"arxiv:\n  api_url: {arxiv.api_url}\n  rss_url: {arxiv.url}\n  delay_seconds: 0\n  backoff_seconds: 0\n"
            "  max_retries: 1\n  timeout_seconds: 5\n")
        write_corpus(PAPERS, tmp_path / "corpus.jsonl")
        (tmp_path / "history.jsonl").write_text("")
        monkeypatch.chdir(tmp_path)
        yield tmp_path


COMMANDS = {
    "papers import": ["papers", "import", "corpus.jsonl"],
    "fetch": ["fetch", "--source", "api", "--since", "2024-03-11", "--until", "2024-03-17"],
    "learn": ["learn", "--history", "history.jsonl"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_store_writer_stops_at_once_while_a_run_writes(workdir: Path, name: str) -> None:
    store_path = workdir / "kd.db"
    with run_lock(store_path, "run") as lock, Store(store_path) as store:
        runs = RunLog(store)
        run_id = runs.start(as_of=AS_OF, since=AS_OF - dt.timedelta(days=10), until=AS_OF, dry_run=False)
        with store.transaction("write to") as conn:  # the run is half-way through a write
            conn.execute("UPDATE runs SET papers_read = 1 WHERE id = ?", (run_id,))
            result = CliRunner().invoke(cli, COMMANDS[name])
        # the run goes on: its writes land
        runs.record_scores(run_id, [ScoredPaper(PAPERS[0], 0.4)], proposed=[])
        runs.finish(run_id, status="ok", outcome="created", papers_read=1)
        assert [(r.status, r.papers_read) for r in runs.runs()] == [("ok", 1)]
        assert store.papers() == []
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"Error: another kd-tracker run holds {lock}; wait for it to finish\n")


def test_the_lock_names_the_command_that_holds_it_and_is_free_after_it(workdir: Path) -> None:
    store_path = workdir / "kd.db"
    with run_lock(store_path, "papers import") as lock:
        assert lock.read_text().split(maxsplit=1)[1] == "papers import\n"
        refused = CliRunner().invoke(cli, ["learn", "--history", "history.jsonl"])
        with pytest.raises(Exception, match=rf"^another kd-tracker papers import holds {lock}; wait for it to finish$"):
            with run_lock(store_path):
                pass
    assert (refused.exit_code, refused.stderr) == (
        1, f"Error: another kd-tracker papers import holds {lock}; wait for it to finish\n")
    imported = CliRunner().invoke(cli, COMMANDS["papers import"])
    assert (imported.exit_code, imported.stdout) == (0, "imported 3 papers (3 new)\n")
    with Store(store_path) as store:
        assert [p.arxiv_id for p in store.papers()] == [p.arxiv_id for p in PAPERS]
