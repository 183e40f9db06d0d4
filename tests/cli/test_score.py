"""``kd-tracker score``: one JSON line per paper from a saved model, nothing refitted; ``--select``; errors."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from classifiers.training import load_model
from tests.cli.test_train import setup
from tracker.cli.main import cli
from tracker.records import iso_week
from tracker.sources.corpus import write_corpus


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
