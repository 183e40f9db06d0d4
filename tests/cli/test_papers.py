"""``kd-tracker papers import/export``: corpus files in and out of the store, losslessly."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest
from click.testing import CliRunner

from tests.conftest import requires_shared
from tracker.cli.main import cli
from tracker.sources.corpus import read_corpus, write_corpus
from tracker.store.papers import Store

pytestmark = requires_shared

MON, SUN = date(2024, 3, 11), date(2024, 3, 17)


def run(config, *args):
    return CliRunner().invoke(cli, [*args[:2], "--config", str(config), *args[2:]])


def config_for(folder):
    path = folder / "config.yaml"
    path.write_text(f"store:\n  path: {json.dumps(str(folder / 'kd.db'))}\n")
    return path


@pytest.fixture(scope="module")
def slice_file(tmp_path_factory):
    """Two weeks of the shared corpus as a corpus file (written from the shared file, in tmp only)."""
    from devservers.arxiv_server import corpus_slice

    path = tmp_path_factory.mktemp("corpus") / "slice.jsonl.gz"
    write_corpus(corpus_slice(date(2024, 3, 4), SUN), path)
    return path


def test_import_counts_new_papers_and_a_second_import_adds_none(tmp_path, slice_file):
    config = config_for(tmp_path)
    n = sum(1 for _ in read_corpus(slice_file))
    first = run(config, "papers", "import", str(slice_file))
    assert (first.exit_code, first.stdout) == (0, f"imported {n} papers ({n} new)\n")
    second = run(config, "papers", "import", str(slice_file))
    assert (second.exit_code, second.stdout) == (0, f"imported {n} papers (0 new)\n")
    with Store(tmp_path / "kd.db") as store:
        assert store.count() == n


def test_export_then_import_gives_equal_papers(tmp_path, slice_file):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    assert run(config_for(a), "papers", "import", str(slice_file)).exit_code == 0
    out = tmp_path / "week.jsonl"
    result = run(config_for(a), "papers", "export", "--since", "2024-03-11", "--until", "2024-03-17", "-o", str(out))
    assert (result.exit_code, result.stdout) == (0, f"exported 382 papers to {out}\n")
    assert run(config_for(b), "papers", "import", str(out)).stdout == "imported 382 papers (382 new)\n"
    with Store(a / "kd.db") as store_a, Store(b / "kd.db") as store_b:
        assert store_b.papers() == store_a.papers(MON, SUN)
    first = json.loads(out.read_text().splitlines()[0])
    assert set(first) >= {"id", "title", "abstract", "categories", "primary_category", "published", "announced", "comment"}


def test_gzip_export_of_everything(tmp_path, slice_file):
    config = config_for(tmp_path)
    run(config, "papers", "import", str(slice_file))
    out = tmp_path / "all.jsonl.gz"
    result = run(config, "papers", "export", "-o", str(out))
    with gzip.open(out, "rt") as handle:
        lines = handle.read().splitlines()
    assert result.stdout == f"exported {len(lines)} papers to {out}\n"
    assert {json.loads(line)["id"] for line in lines} == {p.arxiv_id for p in read_corpus(slice_file)}


def test_a_bad_line_stores_nothing(tmp_path, slice_file):
    bad = tmp_path / "bad.jsonl"
    good = gzip.open(slice_file, "rt").readline()
    bad.write_text(good + "{not json\n")
    config = config_for(tmp_path)
    result = run(config, "papers", "import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}:2: not a corpus record (")
    with Store(tmp_path / "kd.db") as store:
        assert store.count() == 0


def test_a_missing_file_is_one_line(tmp_path):
    result = run(config_for(tmp_path), "papers", "import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope.jsonl'}: cannot open the corpus file (No such file or directory)\n"
