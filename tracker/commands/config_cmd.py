"""``kd-tracker config``: check and show the configuration."""

from __future__ import annotations

import dataclasses
import json

import click

from tracker.config import DEFAULT_CONFIG_NAME, Config, load_config


@click.group(name="config")
def config_group() -> None:
    """Check and show the configuration (config.yaml)."""


@config_group.command(name="check")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
def check(file: str | None) -> None:
    """Validate a config file; exit 1 with a one-line error naming the key and line.

    \b
    Example:
        kd-tracker config check config.yaml
    """
    path = file or (click.get_current_context().find_root().params.get("config_path")) or DEFAULT_CONFIG_NAME
    config = load_config(path)
    click.echo(f"{config.source}: ok")


@config_group.command(name="show")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
def show(file: str | None) -> None:
    """Print the effective configuration (file values over defaults) as JSON.

    \b
    Example:
        kd-tracker config show config.yaml
    """
    path = file or click.get_current_context().find_root().params.get("config_path")
    config: Config = load_config(path)
    click.echo(json.dumps(dataclasses.asdict(config), indent=2))
