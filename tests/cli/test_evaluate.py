"""``kd-tracker evaluate``: the cross-validation table, the replay with --truth, plots."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.cli.test_train import setup
from tracker.cli.main import cli


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
    assert lines[3].split()[:3] == ["average", "precision", "0.672"]
    assert any(line.startswith("recommended threshold: ") for line in lines)
    assert f"note: {n} list papers: one paper moves a recall by {1 / n:.2f}; read these figures as rough" in lines
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


def test_evaluate_with_model_records_the_figures_in_model_json(tmp_path: Path):
    readme, corpus, _ = setup(tmp_path)
    model = tmp_path / "m"
    trained = CliRunner().invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(model), "--offline"])
    assert trained.exit_code == 0, trained.output
    before = json.loads((model / "model.json").read_text())
    assert before["evaluation"] == {}
    result = CliRunner().invoke(cli, ["evaluate", "--list", readme, "--papers", corpus, "--folds", "3", "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"recorded the evaluation in {model / 'model.json'}"
    after = json.loads((model / "model.json").read_text())
    # only the evaluation changed: the model file and its version stay
    assert {k: v for k, v in after.items() if k != "evaluation"} == {k: v for k, v in before.items() if k != "evaluation"}
    evaluation = after["evaluation"]
    assert sorted(evaluation) == ["cv", "recommended_threshold"]
    cv = evaluation["cv"]
    assert (cv["folds"], cv["positives"], cv["negatives"]) == (3, 30, 150)
    assert sorted(cv["recall_at"]) == ["10", "20", "5"]
    printed = next(line for line in result.stdout.splitlines() if line.startswith("average precision"))
    assert printed.split()[2] == f"{cv['average_precision']:.3f}"
    assert evaluation["recommended_threshold"]["limit"] == 15


def test_evaluate_with_a_folder_without_a_model_is_an_error(tmp_path: Path):
    readme, corpus, _ = setup(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "--list", readme, "--papers", corpus, "--folds", "3",
                                      "--model", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: no model in {tmp_path / 'none'} (model.json expected); "
                             "train one with `kd-tracker train`\n")


def test_evaluate_on_the_store_reads_the_training_sample_and_says_so(tmp_path: Path):
    from tests.cli.test_train import _store_with_budget

    readme, config, papers, sample, hard = _store_with_budget(tmp_path, 60)
    result = CliRunner().invoke(cli, ["evaluate", "--config", str(config), "--list", readme, "--folds", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("note: ranked within the store's training sample (60 of 180 stored papers): weeks hold fewer "
                        "papers than they did, so ranks and proposals per week are optimistic; pass --papers FILE, "
                        "or model.negatives: 0, for whole weeks")
    negatives = len(sample - {p.arxiv_id for p in papers[:30]}) + len(hard)
    assert lines[1] == f"cross-validation: 3 folds, 30 list papers, {negatives} others; sections: 30 papers in 2 sections"
