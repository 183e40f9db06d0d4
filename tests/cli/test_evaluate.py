"""``kd-tracker evaluate``: the cross-validation table, the replay with --truth, plots."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.cli.test_train import setup
from tracker.cli import cli


def test_evaluate_prints_cv_and_replay_and_writes_plots(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path)
    later = [p for p in papers[:30] if p.day >= "2024-02-19"]
    first = tmp_path / "README.first.md"
    text = Path(readme).read_text()
    first.write_text("\n".join(line for line in text.splitlines() if not any(p.arxiv_id in line for p in later)) + "\n")
    history = tmp_path / "history.jsonl"
    history.write_text("".join(
        json.dumps({"arxiv_id": p.arxiv_id, "title": p.title,
                    "first_seen_date": "2024-03-19" if p in later else "2024-02-18"}) + "\n" for p in papers[:30]))
    result = CliRunner().invoke(cli, ["evaluate", "--list", str(first), "--papers", corpus, "--truth", str(history),
                                      "--plots", str(tmp_path / "plots"), "--folds", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    n = 30 - len(later)
    assert lines[0] == f"cross-validation: 3 folds, {n} list papers, {150 + len(later)} others; sections: {n} papers in 2 sections"
    # the later additions count as "others" here, so the list papers are not perfectly separated
    assert lines[3].split()[:3] == ["average", "precision", "0.684"]
    assert any(line.startswith("recommended threshold: ") for line in lines)
    replay = lines.index("") + 1
    assert lines[replay].startswith(f"temporal replay: trained until 2024-02-18 ({n} list papers, ")
    overall = next(line for line in lines if line.startswith("overall"))
    assert overall.split()[2:6] == [str(len(later)), "1.00", "1.00", "1.00"]
    assert lines[-3:] == [f"wrote {tmp_path / 'plots' / name}" for name in
                          ("precision_recall.png", "score_histogram.png", "recall_vs_proposals.png")]


def test_evaluate_with_a_history_that_misses_the_list_is_an_error(tmp_path: Path):
    readme, corpus, _ = setup(tmp_path)
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps({"arxiv_id": "9999.99999", "title": "Other", "first_seen_date": "2024-01-01"}) + "\n")
    result = CliRunner().invoke(cli, ["evaluate", "--list", readme, "--papers", corpus, "--truth", str(history),
                                      "--folds", "3"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {history}: none of the list's papers is in this history file; pass --train-until DATE\n"
