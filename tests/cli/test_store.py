"""``kd-tracker store prune``: one summary line, ``--dry-run`` writes nothing, errors are one line."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from tests.test_store_prune import NEAR, NEGATIVES, SEED, THRESHOLD, _fill
from tracker.cli.main import cli
from tracker.paper_ids import normalise_title
from tracker.store import plan_prune
from tracker.store.papers import Store
from tracker.weekly.prune_step import MARGIN_DAYS


def _setup(tmp_path: Path, *, negatives: int = NEGATIVES):
    store_path = tmp_path / "kd.db"
    with Store(store_path) as store:
        fx = _fill(store)
    listed = sorted(fx.list_ids)
    readme = tmp_path / "README.md"
    readme.write_text("# List\n\n## Distillation\n\n| Title | Venue | Date | Code |\n|:--|:--:|:--:|:--:|\n"
                      + "".join(f"| [{fx.papers[pid].title}](https://arxiv.org/abs/{pid}) | ACL | 2024-01 | |\n"
                                for pid in listed)
                      + f"| {fx.list_title} | arXiv | 2024-01 | |\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"list:\n  path: {readme}\narxiv:\n  window_days: 10\n  gap_lookback_days: 0\n"
                      f"model:\n  negatives: {negatives}\n  random_state: {SEED}\n  near_misses: {NEAR}\n"
                      f"  threshold: {THRESHOLD}\nstore:\n  path: {store_path}\n", encoding="utf-8")
    as_of = (fx.cut + timedelta(days=10 + MARGIN_DAYS)).isoformat()
    return config, store_path, fx, as_of


def _expected_plan(store_path: Path, fx):
    with Store(store_path) as store:
        return plan_prune(store, before=fx.cut, negatives=NEGATIVES, random_state=SEED, keep_ids=fx.list_ids,
                          keep_titles={normalise_title(fx.list_title)}, near_misses=NEAR, threshold=THRESHOLD)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dry_run_says_what_it_would_free_and_writes_nothing(tmp_path):
    config, store_path, fx, as_of = _setup(tmp_path)
    plan = _expected_plan(store_path, fx)
    digest = _digest(store_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--dry-run", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"would prune {len(plan.ids)} papers dated before {fx.cut}, freeing "
                             f"{plan.text_bytes / 1024:.1f} kB of text; would vacuum the "
                             f"{plan.file_bytes / 1024:.1f} kB file\n")
    assert _digest(store_path) == digest
    assert not Path(f"{store_path}.lock").exists()


def test_prune_prints_one_line_and_prunes_the_store(tmp_path):
    config, store_path, fx, as_of = _setup(tmp_path)
    plan = _expected_plan(store_path, fx)
    assert len(plan.ids) > 100
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    after = store_path.stat().st_size
    assert result.stdout == (f"pruned {len(plan.ids)} papers dated before {fx.cut}, freed "
                             f"{(plan.file_bytes - after) / 1024:.1f} kB; vacuumed: {plan.file_bytes / 1024:.1f} kB"
                             f" -> {after / 1024:.1f} kB\n")
    with Store(store_path) as store:
        pruned = {pid for pid, p in store.get(fx.papers).items() if not p.abstract}
    assert pruned == set(plan.ids)
    assert not pruned & (fx.list_ids | fx.labelled | fx.proposed)
    again = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--as-of", as_of])
    assert again.stdout == f"pruned 0 papers dated before {fx.cut}, freed 0 bytes of text inside the file; not vacuumed\n"


def test_the_list_option_replaces_list_path(tmp_path):
    config, store_path, fx, as_of = _setup(tmp_path)
    other = tmp_path / "other.md"
    other.write_text("# Empty list\n\n## Distillation\n\n| Title | Venue |\n|:--|:--:|\n", encoding="utf-8")
    with_list = set(_expected_plan(store_path, fx).ids)
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--as-of", as_of, "--list", str(other)])
    assert result.exit_code == 0, result.output
    with Store(store_path) as store:
        pruned = {pid for pid, p in store.get(fx.papers).items() if not p.abstract}
    assert with_list < pruned, "without the list, its old papers are pruned like any"
    assert pruned - with_list <= fx.list_ids | {pid for pid, p in fx.papers.items() if p.title == fx.list_title}


def test_without_a_store_or_a_list_it_is_one_error_line(tmp_path):
    config, store_path, fx, as_of = _setup(tmp_path)
    missing = tmp_path / "nowhere.md"
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--list", str(missing)])
    assert result.exit_code == 1
    assert result.output == f"Error: {missing}: cannot read the list (No such file or directory)\n"
    config.write_text(config.read_text().replace(str(store_path), str(tmp_path / "none.db")), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune"])
    assert result.exit_code == 1
    assert result.output == f"Error: no store at {tmp_path / 'none.db'}; check store.path\n"
    assert not (tmp_path / "none.db").exists()


def test_with_negatives_zero_nothing_is_pruned(tmp_path):
    config, store_path, fx, as_of = _setup(tmp_path, negatives=0)
    digest = _digest(store_path)
    result = CliRunner().invoke(cli, ["--config", str(config), "store", "prune", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"pruned 0 papers dated before {fx.cut}, freed 0 bytes of text inside the file; not vacuumed\n"
    assert _digest(store_path) == digest
