"""``kd-tracker labels export`` and ``kd-tracker train --labels``: the store's labels replayed offline, same model key."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from classifiers.training_set import training_key
from tests.labels_sample import STORED
from tests.training_sample import make_papers, make_readme
from tracker.cli.main import cli
from tracker.config import load_config
from tracker.listdoc import ListDocument
from tracker.sources.corpus import write_corpus
from tracker.store import LabelStore, Store
from tracker.weekly import Pipeline, RunReport


def test_labels_exported_from_a_store_and_replayed_give_the_weekly_runs_model_key(tmp_path: Path) -> None:
    papers, section_of = make_papers()
    text = make_readme(papers, section_of)
    (tmp_path / "README.md").write_text(text, encoding="utf-8")
    write_corpus(papers, tmp_path / "corpus.jsonl.gz")
    config_path = tmp_path / "config.yaml"
    config_path.write_text(f"store:\n  path: {tmp_path / 'kd.db'}\nmodel:\n  path: {tmp_path / 'model'}\n"
                           f"  min_section_papers: 2\narxiv:\n  api_url: http://127.0.0.1:9/api/query\n")
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=date(2024, 3, 25))
        LabelStore(store).add(STORED)

    runner = CliRunner()
    result = runner.invoke(cli, ["labels", "export", "--config", str(config_path), "-o", str(tmp_path / "labels.jsonl")])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"exported {len(STORED)} review labels to {tmp_path / 'labels.jsonl'}\n"
    result = runner.invoke(cli, ["train", "--config", str(config_path), "--list", str(tmp_path / "README.md"),
                                 "--papers", str(tmp_path / "corpus.jsonl.gz"), "--labels", str(tmp_path / "labels.jsonl"),
                                 "--offline"])
    assert result.exit_code == 0, result.output
    # 30 list papers + 5 accepted or moved (00100, 00101, 00103 added back, 00105, 00106); the kept-then-removed
    # 00104 a negative; 9 training labels (the lifted rejections of 00103 and 00105 left out, 00106 read twice)
    assert result.stdout.splitlines()[0] == (f"trained on 35 list papers and 145 other papers, with 9 review labels "
                                             f"from {tmp_path / 'labels.jsonl'}")
    meta = json.loads((tmp_path / "model" / "model.json").read_text())

    config = load_config(config_path)
    document = ListDocument.parse(text, name="README.md")
    with Store(tmp_path / "kd.db") as store:
        labels = LabelStore(store)
        assert meta["training_key"] == training_key(text, document.rows(), labels.training_labels())
        # the weekly run takes the model as its own: same list, same labels, no retraining
        report = RunReport(as_of=date(2024, 3, 25), since=date(2024, 3, 18), until=date(2024, 3, 24),
                           score_since=date(2024, 3, 18))
        model = Pipeline(config, store, None, labels=labels)._model(document, text, report)  # type: ignore[arg-type]
    assert not report.trained and report.model_version == meta["version"] == model.version


def test_train_refuses_a_bad_labels_file_with_one_line(tmp_path: Path) -> None:
    papers, section_of = make_papers()
    (tmp_path / "README.md").write_text(make_readme(papers, section_of), encoding="utf-8")
    write_corpus(papers, tmp_path / "corpus.jsonl.gz")
    (tmp_path / "labels.jsonl").write_text('{"arxiv_id": "2401.00100", "label": "liked", "week": "2024-W12"}\n')
    result = CliRunner().invoke(cli, ["train", "--list", str(tmp_path / "README.md"), "--papers",
                                      str(tmp_path / "corpus.jsonl.gz"), "--labels", str(tmp_path / "labels.jsonl"),
                                      "--model", str(tmp_path / "m"), "--offline"])
    assert result.exit_code == 1
    assert result.output == (f"Error: {tmp_path / 'labels.jsonl'}:1: 'label' must be one of accepted, moved, rejected, "
                             "got 'liked'\n")
    assert not (tmp_path / "m").exists()


def test_export_without_a_store_is_one_error(tmp_path: Path) -> None:
    config_path = tmp_path / "config.yaml"
    config_path.write_text(f"store:\n  path: {tmp_path / 'kd.db'}\n")
    result = CliRunner().invoke(cli, ["labels", "export", "--config", str(config_path), "-o", str(tmp_path / "l.jsonl")])
    assert result.exit_code == 1
    assert result.output == (f"Error: no store at {tmp_path / 'kd.db'}; run `kd-tracker learn` (or a weekly run) first\n")
