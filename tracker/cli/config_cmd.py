"""``kd-tracker config``: check and show the configuration."""

from __future__ import annotations

import dataclasses
import json

import click

from tracker.cli.options import config_path_option
from tracker.config import Config, ConfigProblems, load_config
from tracker.logs import REDACT


@click.group(name="config")
def config_group() -> None:
    """Check and show the configuration (config.yaml)."""


_CONFIG_OPTION = config_path_option("Config file, as FILE (default: ./config.yaml, then the packaged defaults).")


def _config_file(file: str | None, config_path: str | None) -> str | None:
    """FILE, else this command's or the group's ``--config``; None: ./config.yaml when it exists, else the defaults."""
    return file or config_path or click.get_current_context().find_root().params.get("config_path")


@config_group.command(name="check")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@_CONFIG_OPTION
def check(file: str | None, config_path: str | None) -> None:
    """Validate a config file; exit 1 with every problem in it, one line each, naming the line and key.

    Without FILE or --config it checks ./config.yaml, or reports the packaged
    defaults when there is none.

    \b
    Example:
        kd-tracker config check config.yaml
    """
    try:
        config = load_config(_config_file(file, config_path))
    except ConfigProblems as e:
        for problem in e.problems:
            click.echo(f"Error: {REDACT.redact(problem)}", err=True)
        raise click.exceptions.Exit(1) from e
    click.echo(f"{config.source}: ok")


@config_group.command(name="show")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@_CONFIG_OPTION
def show(file: str | None, config_path: str | None) -> None:
    """Print the effective configuration (file values over defaults) as JSON.

    \b
    Example:
        kd-tracker config show config.yaml
    """
    config: Config = load_config(_config_file(file, config_path))
    click.echo(json.dumps(dataclasses.asdict(config), indent=2))
