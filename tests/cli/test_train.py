"""``kd-tracker train``: summary lines, the model folder, list papers looked up on a local arXiv, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from devservers.arxiv_server import ArxivServer
from tests.training_sample import make_papers, make_readme
from tracker.cli.main import cli
from tracker.sources.corpus import write_corpus


def setup(folder: Path, skip: int = 0) -> tuple[str, str, list]:
    papers, section_of = make_papers()
    readme = folder / "README.md"
    readme.write_text(make_readme(papers, section_of), encoding="utf-8")
    write_corpus(papers[skip:], folder / "corpus.jsonl.gz")
    return str(readme), str(folder / "corpus.jsonl.gz"), papers


def test_train_writes_the_model_and_prints_a_summary(tmp_path: Path):
    readme, corpus, _ = setup(tmp_path)
    result = CliRunner().invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                                      "--offline"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "trained on 30 list papers and 150 other papers"
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert re.fullmatch(rf"sections: 2, vocabulary: {meta['vocabulary']} terms, \d+\.\d s", lines[1])
    assert lines[2] == f"model {meta['version']} saved to {tmp_path / 'm'}"
    assert len(lines) == 3
    assert meta["sections"] == {"KD Algorithms > Knowledge Elicitation > Feature": 15,
                                "KD Algorithms > Knowledge Elicitation > Labeling": 15}
    assert meta["list_file"] == readme and meta["train_until"] is None


def test_train_until_keeps_only_earlier_negatives(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path)
    result = CliRunner().invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                                      "--offline", "--train-until", "2024-02-01"])
    assert result.exit_code == 0, result.output
    expected = sum(1 for p in papers[30:] if p.day < "2024-02-01")
    assert result.stdout.splitlines()[0] == f"trained on 30 list papers and {expected} other papers"
    assert json.loads((tmp_path / "m" / "model.json").read_text())["train_until"] == "2024-02-01"


def test_missing_list_papers_are_looked_up_on_the_arxiv_api(tmp_path: Path):
    readme, corpus, papers = setup(tmp_path, skip=3)
    with ArxivServer(papers[:3]) as server:
        config = tmp_path / "config.yaml"
        config.write_text(f"arxiv:\n  api_url: {server.api_url}\n  delay_seconds: 0\n")
        result = CliRunner().invoke(cli, ["train", "--config", str(config), "--list", readme, "--papers", corpus,
                                          "--model", str(tmp_path / "m")])
        requests = server.api_requests()
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "trained on 30 list papers and 150 other papers"
    assert len(requests) == 1
    assert requests[0].params["id_list"] == "2401.00000,2401.00002,2401.00001"


def test_offline_training_leaves_missing_list_papers_out(tmp_path: Path):
    readme, corpus, _ = setup(tmp_path, skip=3)
    result = CliRunner().invoke(cli, ["train", "--list", readme, "--papers", corpus, "--model", str(tmp_path / "m"),
                                      "--offline"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "trained on 27 list papers and 150 other papers (3 list papers not found)"


def test_train_without_papers_and_without_a_store_is_an_error(tmp_path: Path):
    readme, _, _ = setup(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  path: {json.dumps(str(tmp_path / 'none.db'))}\n")
    result = CliRunner().invoke(cli, ["train", "--config", str(config), "--list", readme, "--offline"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: no store at {tmp_path / 'none.db'}; run `kd-tracker fetch` first or pass --papers FILE\n"


def test_train_on_a_file_without_tables_is_an_error(tmp_path: Path):
    (tmp_path / "empty.md").write_text("# nothing here\n")
    result = CliRunner().invoke(cli, ["train", "--list", str(tmp_path / "empty.md"), "--papers", "x.jsonl", "--offline"])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'empty.md'}: no paper rows found; pass the list's README.md "
                             "(tables of papers under headings)\n")


def _store_with_budget(tmp_path: Path, budget: int) -> tuple[str, Path, list, set[str], set[str]]:
    """The sample corpus in a store, a rejected paper and an earlier run's near-miss outside the budget's sample,
    and a config with ``model.negatives: budget``; returns (readme, config, papers, sample, hard)."""
    import datetime

    from tracker.records import ScoredPaper
    from tracker.store import Label, LabelStore, RunLog, Store, training_negative_ids

    readme, _, papers = setup(tmp_path)
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=datetime.date(2024, 4, 1))
        sample = set(training_negative_ids(store, budget, 0))
        rejected, near_miss = [p.arxiv_id for p in papers[30:] if p.arxiv_id not in sample][:2]
        LabelStore(store).add([Label(rejected, 0, "", "rejected", "pr", "1", "2024-03-01")])
        runs = RunLog(store)
        run_id = runs.start(as_of=datetime.date(2024, 3, 4), since=datetime.date(2024, 3, 1),
                            until=datetime.date(2024, 3, 4), dry_run=False)
        runs.record_scores(run_id, [ScoredPaper(p, 0.01) for p in papers if p.arxiv_id == near_miss], [])
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  path: {json.dumps(str(tmp_path / 'kd.db'))}\nmodel:\n  negatives: {budget}\n")
    return readme, config, papers, sample, {rejected, near_miss}


def test_train_on_the_store_reads_only_the_budget_the_list_and_the_hard_negatives(tmp_path: Path, monkeypatch):
    from tests.test_store_training import CountingStore

    opened: list[CountingStore] = []

    class Recorded(CountingStore):
        def __init__(self, path):
            super().__init__(path)
            opened.append(self)

    readme, config, papers, sample, hard = _store_with_budget(tmp_path, 40)
    monkeypatch.setattr("tracker.store.Store", Recorded)
    result = CliRunner().invoke(cli, ["train", "--config", str(config), "--list", readme, "--model",
                                      str(tmp_path / "m"), "--offline"])
    assert result.exit_code == 0, result.output
    (store,) = opened
    list_ids = {p.arxiv_id for p in papers[:30]}
    assert store.whole_table_reads == 0
    assert sorted(store.read) == sorted(sample | hard | list_ids)  # each once, nothing else
    negatives = len(sample - list_ids) + len(hard)
    assert result.stdout.splitlines()[0] == f"trained on 30 list papers and {negatives} other papers"
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert (meta["negatives_budget"], meta["hard_negatives"]) == (40, 2)
