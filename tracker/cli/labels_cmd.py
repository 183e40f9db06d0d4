"""``kd-tracker labels``: the store's review labels as a JSONL file (to replay with ``train --labels``)."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.options import config_option, output_option
from tracker.config import Config
from tracker.errors import StoreError
from tracker.store import LabelStore, Store, write_label_file


@click.group(name="labels")
def labels_group() -> None:
    """Export the maintainers' review labels (to replay offline with `kd-tracker train --labels`)."""


@labels_group.command(name="export")
@output_option("Labels file to write (JSONL).", required=True)
@config_option
def export(config: Config, output: str) -> None:
    """Write the store's review labels, one JSON line each: arxiv_id, label, section, week.

    label is accepted (the paper belongs, in section when given), moved (it
    belongs in section; the section it left is a rejected line with that
    section) or rejected (without section: the whole paper, a hard negative).
    `kd-tracker train --labels FILE` trains on it as the weekly run trains on
    the store's labels, with the same training key.

    \b
    Example:
        kd-tracker labels export -o labels.jsonl
    """
    if not Path(config.store.path).is_file():
        raise StoreError(f"no store at {config.store.path}; run `kd-tracker learn` (or a weekly run) first")
    with Store(config.store.path) as store:
        labels = LabelStore(store).all()
    n = write_label_file(labels, output)
    click.echo(f"exported {n} review labels to {output}")
