"""``kd-tracker coverage``: the per-day table and the exit code, on the corpus's known missing listings."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from devservers.arxiv_server import corpus_slice
from tests.conftest import requires_shared
from tracker.cli.main import cli
from tracker.store.papers import Store

pytestmark = requires_shared


def setup_store(folder) -> str:
    with Store(folder / "kd.db") as store:
        store.upsert_papers(corpus_slice(date(2025, 11, 24), date(2025, 11, 30)), seen=date(2025, 12, 1))
        store.log_fetch(date(2025, 11, 26), "cs.CL", "rss", 111)
        store.log_fetch(date(2025, 11, 26), "cs.AI", "rss", 54)
    config = folder / "config.yaml"
    config.write_text(f"arxiv:\n  categories: [cs.CL, cs.AI]\nstore:\n  path: {json.dumps(str(folder / 'kd.db'))}\n")
    return str(config)


def test_gap_days_are_listed_and_exit_1(tmp_path):
    config = setup_store(tmp_path)
    result = CliRunner().invoke(cli, ["coverage", "--config", config, "--since", "2025-11-24", "--until", "2025-11-30"])
    assert result.exit_code == 1
    assert result.stdout == (
        "day         wd   listing  papers    api    rss   cs.CL   cs.AI  missing\n"
        "2025-11-24  Mon  yes          66      -      -      47      15\n"
        "2025-11-25  Tue  yes          74      -      -       0      54  no cs.CL papers\n"
        "2025-11-26  Wed  yes         165      -    165     111      41\n"
        "2025-11-27  Thu  yes          88      -      -      46      29\n"
        "2025-11-28  Fri  yes           0      -      -       0       0  no papers\n"
        "2025-11-29  Sat  no            0      -      -       0       0\n"
        "2025-11-30  Sun  no            0      -      -       0       0\n"
        "gap days: 2025-11-25, 2025-11-28\n"
    )
    assert result.stderr == (
        "Error: 2 weekdays without papers in 2025-11-24..2025-11-30: 2025-11-25 (no cs.CL papers), 2025-11-28 (no papers); "
        "fetch them again with kd-tracker fetch --since 2025-11-25 --until 2025-11-28\n"
    )


def test_no_gap_exit_0_and_category_option(tmp_path):
    config = setup_store(tmp_path)
    result = CliRunner().invoke(
        cli, ["coverage", "--config", config, "--since", "2025-11-26", "--until", "2025-11-27", "--category", "cs.AI"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "day         wd   listing  papers    api    rss   cs.AI  missing\n"
        "2025-11-26  Wed  yes         165      -    165      41\n"
        "2025-11-27  Thu  yes          88      -      -      29\n"
        "gap days: none\n"
    )
