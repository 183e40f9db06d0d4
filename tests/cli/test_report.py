"""``kd-tracker report``: the bot's record from the store, as markdown and PNG."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from tests.hidden_text import HIDDEN, forbidden_in
from tracker.cli.main import cli
from tracker.records import Paper, ScoredPaper
from tracker.store.labels import Label, LabelStore, StoredReview
from tracker.store.papers import Store
from tracker.store.runs import RunLog

LABELING = "KD Algorithms > Knowledge Elicitation > Labeling"


def scored(pid: str, score: float, title: str = "") -> ScoredPaper:
    return ScoredPaper(Paper(arxiv_id=pid, title=title or f"Paper {pid}"), score)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A store with two weekly runs, two reviewed PRs, a miss and rejections."""
    (tmp_path / "config.yaml").write_text(f"store:\n  path: {tmp_path / 'kd.db'}\nmodel:\n  threshold: 0.5\n")
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "kd.db") as store:
        log = RunLog(store)
        for as_of, scores, proposed in (
            (dt.date(2024, 3, 18), [("2403.00001", 0.9), ("2403.00002", 0.7), ("2403.00003", 0.2), ("2403.00004", 0.1)],
             ["2403.00001", "2403.00002"]),
            (dt.date(2024, 3, 25), [("2403.00005", 0.8), ("2403.00006", 0.3)], ["2403.00005"]),
        ):
            run = log.start(as_of=as_of, since=as_of - dt.timedelta(days=10), until=as_of, dry_run=False)
            log.record_scores(run, [scored(pid, s) for pid, s in scores], proposed)
            log.finish(run, status="ok", outcome="created", proposals=len(proposed))
        labels = LabelStore(store)
        labels.save_review(StoredReview(1, "merged", "2024-03-20", "2024-03-18", "m1", 3, 1, 1, 1, 0, (0.9, 0.7)))
        labels.save_review(StoredReview(2, "closed", "2024-03-27", "2024-03-25", "m1", 1, 0, 0, 0, 1, (0.8,)))
        labels.add([
            Label("2403.00002", 0, "", "removed", "pr", "1", "2024-03-20", "Paper | Two"),
            Label("2403.00005", 0, "", "rejected", "pr", "2", "2024-03-27", "Paper Five"),
            Label("2403.00003", 1, LABELING, "miss", "list", "", "2024-04-01", "Paper Three"),
        ])
    return tmp_path


REPORT = """\
# kd-tracker record

2024-W12 to 2024-W13: 2 runs scored 6 papers; 2 reviewed pull requests proposed 4 rows: 1 kept (precision 0.25), \
1 moved to another section, 1 removed, 1 rejected with a closed PR. 1 papers added by hand were scored below the \
threshold (0.5); 2 papers are rejected for good.

| Week | Runs | Scored | PRs | Proposed | Kept | Moved | Removed | Rejected | Precision | Misses | Median score | p90 | Max | ≥ 0.5 |
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
| 2024-W12 | 1 | 4 | 1 | 3 | 1 | 1 | 1 | 0 | 0.33 | 1 | 0.45 | 0.84 | 0.90 | 2 |
| 2024-W13 | 1 | 2 | 1 | 1 | 0 | 0 | 0 | 1 | 0.00 | 0 | 0.55 | 0.75 | 0.80 | 1 |
{images}
## Misses

| Paper | Section | Best score | Week |
|---|---|--:|---|
| [Paper Three](https://arxiv.org/abs/2403.00003) | KD Algorithms &gt; Knowledge Elicitation &gt; Labeling | 0.20 | 2024-W12 |

## Rejected for good

| Paper | How | Where | Date |
|---|---|---|---|
| [Paper \\| Two](https://arxiv.org/abs/2403.00002) | removed | PR #1 | 2024-03-20 |
| [Paper Five](https://arxiv.org/abs/2403.00005) | rejected | PR #2 | 2024-03-27 |
"""


def test_report_prints_markdown(workdir) -> None:
    result = CliRunner().invoke(cli, ["report"], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, REPORT.format(images=""))


def test_report_writes_markdown_and_plots(workdir) -> None:
    result = CliRunner().invoke(cli, ["report", "-o", "out/REPORT.md", "--plots", "out/plots"], catch_exceptions=False)
    assert (result.exit_code, result.stdout) == (0, "wrote out/REPORT.md\nwrote out/plots/acceptance.png\n"
                                                    "wrote out/plots/scores.png\n")
    images = "\n![acceptance](plots/acceptance.png)\n![scores](plots/scores.png)\n"
    assert (workdir / "out" / "REPORT.md").read_text(encoding="utf-8") == REPORT.format(images=images)
    for name in ("acceptance.png", "scores.png"):
        data = (workdir / "out" / "plots" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_report_on_an_empty_store_and_without_one(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.yaml").write_text(f"store:\n  path: {tmp_path / 'kd.db'}\n")
    missing = CliRunner().invoke(cli, ["report"])
    assert (missing.exit_code, missing.stderr) == (
        1, f"Error: no store at {tmp_path / 'kd.db'}; run `kd-tracker learn` (or a weekly run) first\n")
    Store(tmp_path / "kd.db").close()
    empty = CliRunner().invoke(cli, ["report", "--plots", "plots"])
    assert (empty.exit_code, empty.stdout) == (
        0, "# kd-tracker record\n\nNothing recorded yet: no runs and no reviewed pull requests in the store.\n")
    assert not (tmp_path / "plots").exists()


def test_one_run_is_not_runs() -> None:
    from tracker.review.record import _plural

    assert (_plural(1, "run"), _plural(2, "run"), _plural(0, "run")) == ("1 run", "2 runs", "0 runs")


@pytest.mark.parametrize("name", sorted(set(HIDDEN) - {"lone surrogate"}))  # SQLite keeps no lone surrogate
def test_report_holds_no_hidden_character_and_adds_no_link(workdir, name) -> None:
    chars = HIDDEN[name]
    text = f"Evil{chars} \u202eTitle{chars} by kd{chars}@uni.example.edu"
    with Store(workdir / "kd.db") as store:
        LabelStore(store).add([
            Label("2403.00004", 0, "", "removed", "pr", f"3{chars}", f"2024-03-21{chars}", text),
            Label("2403.00006", 1, f"{LABELING}{chars} > www.x.io", "miss", "list", "", "2024-04-01", text),
        ])
    result = CliRunner().invoke(cli, ["report"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert forbidden_in(result.stdout, newlines=True) == []
    gap = " " if any(ch.isspace() for ch in chars) else ""
    shown = f"Evil Title by kd{gap}`@`uni.example.edu"
    assert f"| [{shown}](https://arxiv.org/abs/2403.00004) | removed | PR #3 | 2024-03-21 |\n" in result.stdout
    assert f"| [{shown}](https://arxiv.org/abs/2403.00006) | {LABELING.replace('>', '&gt;')} &gt; www\\.x.io |" \
        in result.stdout
