"""``kd-tracker score``: one JSON line per paper from a saved model, nothing refitted; ``--select``; errors."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from classifiers.training import load_model
from tests.cli.test_train import setup
from tests.store_reads import ids_read, paper_reads, trace_statements, whole_table_reads
from tracker.cli.main import cli
from tracker.records import iso_week
from tracker.sources.corpus import write_corpus
from tracker.store.papers import Store


def test_score_writes_one_line_per_paper(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                               "--offline"]).exit_code == 0
    week = papers[:5] + papers[100:105]
    write_corpus(week, tmp_path / "week.jsonl")
    out = tmp_path / "scores.jsonl"
    result = runner.invoke(cli, ["score", "--model", str(tmp_path / "m"), "--papers", str(tmp_path / "week.jsonl"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"scored 10 papers -> {out}\n"
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == [p.arxiv_id for p in week]
    assert all(set(line) == {"id", "score", "sections", "terms"} for line in lines)
    assert min(line["score"] for line in lines[:5]) > max(line["score"] for line in lines[5:])
    assert lines[0]["sections"][0]["section"] == "KD Algorithms > Knowledge Elicitation > Labeling"
    assert [s["section"] for s in lines[1]["sections"]][0] == "KD Algorithms > Knowledge Elicitation > Feature"
    # the same numbers as the library gives with the saved pipeline
    expected = [s.to_json() for s in load_model(tmp_path / "m").score(week)]
    assert out.read_text().splitlines() == expected


def test_score_without_a_model_is_an_error(tmp_path: Path):
    write_corpus([], tmp_path / "week.jsonl")
    result = CliRunner().invoke(cli, ["score", "--model", str(tmp_path / "none"), "--papers", str(tmp_path / "week.jsonl"),
                                      "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: no model in {tmp_path / 'none'} (model.json, model.pkl and model.npz expected); "
                             "train one with `kd-tracker train`\n")


def test_score_select_marks_the_weekly_rule_within_each_iso_week(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                               "--offline"]).exit_code == 0
    write_corpus(papers, tmp_path / "all.jsonl")
    scored = load_model(tmp_path / "m").score(papers)
    by_week = defaultdict(list)
    for item in scored:
        by_week[iso_week(item.paper.day)].append(item)
    # a threshold that leaves some weeks with more papers above it than the cap, and others with fewer
    threshold = float(np.median([s.score for s in scored if s.paper.arxiv_id < "2401.00030"]))
    cap = 2
    (tmp_path / "c.yaml").write_text(f"model:\n  threshold: {threshold}\n  proposals_per_pr: {cap}\n")
    out = tmp_path / "scores.jsonl"
    result = runner.invoke(cli, ["score", "--model", str(tmp_path / "m"), "--papers", str(tmp_path / "all.jsonl"),
                                 "--out", str(out), "--select", "--config", str(tmp_path / "c.yaml")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(set(line) == {"id", "score", "sections", "terms", "proposed"} for line in lines)
    assert all(isinstance(line["proposed"], bool) for line in lines)
    # every existing field as without --select
    assert [{k: v for k, v in line.items() if k != "proposed"} for line in lines] == [json.loads(s.to_json()) for s in scored]
    proposed = {line["id"] for line in lines if line["proposed"]}
    assert result.stdout == f"scored {len(papers)} papers -> {out} ({len(proposed)} proposed)\n"
    over_cap = under_cap = 0
    for items in by_week.values():
        above = sorted((s for s in items if s.score >= threshold), key=lambda s: (-s.score, s.paper.arxiv_id))
        assert {s.paper.arxiv_id for s in items} & proposed == {s.paper.arxiv_id for s in above[:cap]}
        over_cap += len(above) > cap
        under_cap += 0 < len(above) < cap
    assert over_cap and under_cap
    assert "Example:" in runner.invoke(cli, ["score", "--help"]).output
    assert "--select" in runner.invoke(cli, ["score", "--help"]).output


def store_config(folder: Path) -> Path:
    path = folder / "config.yaml"
    path.write_text(f"store:\n  path: {json.dumps(str(folder / 'kd.db'))}\n", encoding="utf-8")
    return path


def test_score_reads_only_the_stores_papers_of_its_days(tmp_path: Path, monkeypatch):
    readme, corpus, papers = setup(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                               "--offline"]).exit_code == 0
    config = store_config(tmp_path)
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=date(2024, 4, 1))
    statements = trace_statements(monkeypatch, tmp_path / "kd.db")
    out = tmp_path / "scores.jsonl"
    result = runner.invoke(cli, ["--config", str(config), "score", "--model", str(tmp_path / "m"),
                                 "--since", "2024-01-15", "--until", "2024-01-21", "--out", str(out)])
    assert result.exit_code == 0, result.output
    week = sorted((p for p in papers if "2024-01-15" <= p.day <= "2024-01-21"), key=lambda p: (p.day, p.arxiv_id))
    assert 0 < len(week) < len(papers) / 5
    assert result.stdout == f"scored {len(week)} papers -> {out}\n"
    assert out.read_text().splitlines() == [s.to_json() for s in load_model(tmp_path / "m").score(week)]
    assert ids_read(tmp_path / "kd.db", statements) == {p.arxiv_id for p in week}
    assert paper_reads(statements) and whole_table_reads(tmp_path / "kd.db", statements) == []


def test_whole_table_reads_are_seen(tmp_path: Path, monkeypatch):
    """The check above can fail: an export without a range reads every row, one with a range does not."""
    _, _, papers = setup(tmp_path)
    config = store_config(tmp_path)
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=date(2024, 4, 1))
    statements = trace_statements(monkeypatch, tmp_path / "kd.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(config), "papers", "export", "-o", str(tmp_path / "all.jsonl")]).exit_code == 0
    assert len(whole_table_reads(tmp_path / "kd.db", statements)) == 1
    assert ids_read(tmp_path / "kd.db", statements) == {p.arxiv_id for p in papers}
    statements.clear()
    assert runner.invoke(cli, ["--config", str(config), "papers", "export", "--since", "2024-02-01",
                               "-o", str(tmp_path / "some.jsonl")]).exit_code == 0
    assert whole_table_reads(tmp_path / "kd.db", statements) == []


def test_score_with_papers_and_days_scores_the_files_papers_of_those_days(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                               "--offline"]).exit_code == 0
    out = tmp_path / "scores.jsonl"
    result = runner.invoke(cli, ["score", "--model", str(tmp_path / "m"), "--papers", corpus, "--since", "2024-03-01",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        p.arxiv_id for p in papers if p.day >= "2024-03-01"]


def test_score_without_papers_or_days_is_an_error(tmp_path: Path):
    config = store_config(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "score", "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == ("Error: pass --papers FILE, or --since DAY (and --until DAY) to score the store's papers "
                             "of those days\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "score", "--since", "2024-01-01",
                                      "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: no store at {tmp_path / 'kd.db'}; run `kd-tracker fetch` first or pass "
                             "--papers FILE\n")
