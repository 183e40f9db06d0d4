"""``kd-tracker store``: upkeep of the SQLite store (``store prune``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import as_of_option, config_option
from tracker.config import Config
from tracker.errors import ListFormatError, StoreError
from tracker.listdoc import ListSet
from tracker.store import Store, drop_texts
from tracker.textfile import read_utf8
from tracker.weekly import plan_store_prune, prune_summary, run_lock


@click.group(name="store")
def store_group() -> None:
    """Keep the paper store small."""


@store_group.command(name="prune")
@click.option("--dry-run", is_flag=True, help="Say what it would prune and free; change nothing.")
@click.option("--list", "list_paths", multiple=True, type=click.Path(dir_okay=False),
              help="The list's file, whose papers keep their texts (repeatable; default: list.path).")
@as_of_option("Prune for runs as of this day or later (default: today, UTC).")
@config_option
def prune_cmd(config: Config, dry_run: bool, list_paths: tuple[str, ...], as_of: date | None) -> None:
    """Drop the abstracts of papers no run can propose again and training does not sample.

    A paper keeps its id, title, day, categories and links (duplicate checks,
    coverage and the report need them) and loses its abstract, authors and
    comment when it is dated before the earliest day a later run scores (the
    window, the gap look-back, the open PR's first day, minus 14 days), is not
    in the list, was never labelled, proposed or a near-miss, and is not in the
    training sample of model.negatives (0: nothing is pruned). VACUUM once the
    texts dropped since the last VACUUM reach 5 % of the file or 50 MB. The
    weekly run does this after each successful run (store.prune). Prints one
    line.

    \b
    Example:
        kd-tracker store prune --dry-run
        kd-tracker store prune --list README.md
    """
    if not Path(config.store.path).is_file():
        raise StoreError(f"no store at {config.store.path}; check store.path")
    paths = list_paths or config.list.files
    rows = ListSet.parse([(path, read_utf8(path, "list", ListFormatError)) for path in dict.fromkeys(paths)]).rows()
    as_of = as_of or utc_today()
    if dry_run:
        with Store(config.store.path) as store:
            click.echo(prune_summary(plan_store_prune(config, store, rows, as_of=as_of)))
        return
    with run_lock(config.store.path, "store prune"), Store(config.store.path) as store:
        result = drop_texts(store, plan_store_prune(config, store, rows, as_of=as_of))
    click.echo(prune_summary(result))
