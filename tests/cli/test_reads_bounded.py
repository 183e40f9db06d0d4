"""``coverage`` and ``report`` never read the whole papers table (issue 17): coverage counts its days' rows through
the day index, the report reads runs, scores and labels only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from tests.store_reads import paper_reads, trace_statements, whole_table_reads
from tests.training_sample import make_papers
from tracker.cli.main import cli
from tracker.store.papers import Store


def store_with_papers(folder: Path) -> Path:
    papers, _ = make_papers()
    with Store(folder / "kd.db") as store:
        store.upsert_papers(papers, seen=date(2024, 4, 1))
    config = folder / "config.yaml"
    config.write_text(f"store:\n  path: {json.dumps(str(folder / 'kd.db'))}\n", encoding="utf-8")
    return config


def test_coverage_counts_only_its_days(tmp_path: Path, monkeypatch):
    config = store_with_papers(tmp_path)
    statements = trace_statements(monkeypatch, tmp_path / "kd.db")
    result = CliRunner().invoke(cli, ["--config", str(config), "coverage", "--since", "2024-01-08", "--until",
                                      "2024-01-14", "--category", "cs.CL"])
    assert "2024-01-08" in result.output, result.output
    assert paper_reads(statements) and whole_table_reads(tmp_path / "kd.db", statements) == []


def test_report_reads_no_paper_rows(tmp_path: Path, monkeypatch):
    config = store_with_papers(tmp_path)
    statements = trace_statements(monkeypatch, tmp_path / "kd.db")
    result = CliRunner().invoke(cli, ["--config", str(config), "report"])
    assert result.exit_code == 0, result.output
    assert statements and paper_reads(statements) == []
