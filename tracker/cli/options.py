"""Options shared by several commands, defined once so a flag reads the same everywhere.

An option whose meaning differs a little from command to command (``--since``
of a fetch window or of an export) takes its help text as an argument; its
name, type and default are the same in every command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.cli.dates import DATE
from tracker.config import Config, load_config
from tracker.errors import ConfigError

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

CONFIG_HELP = "Config file (default: ./config.yaml, then the packaged defaults)."
PAPERS_HELP = "Corpus file (JSONL or JSONL.gz); without it, the store's papers."


def config_path_option(help: str = CONFIG_HELP) -> Decorator:
    """``--config FILE``, passed as ``config_path`` (the path, not loaded)."""
    return click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help=help)


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config FILE`` and pass the loaded :class:`Config` as ``config``.

    Without ``--config`` on the command, the group's ``--config`` is used, then
    ``./config.yaml`` when it exists, then the packaged defaults.
    """

    @config_path_option()
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: str | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        path = config_path or (ctx.obj or {}).get("config_path")
        return func(*args, config=load_config_cached(ctx, path), **kwargs)

    return wrapper


def load_config_cached(ctx: click.Context, path: str | None) -> Config:
    """Load the config once per invocation."""
    root = ctx.find_root()
    cache = root.meta.setdefault("kd_tracker.configs", {})
    if path not in cache:
        cache[path] = load_config(path)
    return cache[path]


repo_option = click.option("--repo", default=None, help="owner/name of the list's repository (default: list.repo).")
"""``--repo owner/name``, passed as ``repo``; :func:`checked_repo` resolves it."""


def checked_repo(config: Config, repo: str | None) -> str:
    """``--repo``, else ``list.repo``; :class:`ConfigError` unless it is ``owner/name``."""
    name = repo or config.list.repo
    if "/" not in name:
        raise ConfigError(f"repository {name!r} is not owner/name; fix list.repo or --repo")
    return name


def as_of_option(help: str) -> Decorator:
    """``--as-of DATE``, passed as ``as_of`` (None: :func:`~tracker.cli.dates.utc_today`)."""
    return click.option("--as-of", type=DATE, default=None, help=help)


def since_option(help: str) -> Decorator:
    """``--since DATE``, passed as ``since``: the first day of a range."""
    return click.option("--since", type=DATE, default=None, help=help)


def until_option(help: str) -> Decorator:
    """``--until DATE``, passed as ``until``: the last day of a range, inclusive."""
    return click.option("--until", type=DATE, default=None, help=help)


def train_until_option(help: str) -> Decorator:
    """``--train-until DATE``, passed as ``train_until``."""
    return click.option("--train-until", type=DATE, default=None, help=help)


def dry_run_option(help: str) -> Decorator:
    """``--dry-run OUTDIR``, passed as ``outdir``: write the preview there instead of publishing."""
    return click.option("--dry-run", "outdir", metavar="OUTDIR", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help=help)


list_option = click.option("--list", "list_path", required=True, type=click.Path(dir_okay=False),
                           help="The list's README (markdown tables under section headings).")
"""``--list FILE``, passed as ``list_path``."""


def papers_option(help: str = PAPERS_HELP, *, required: bool = False) -> Decorator:
    """``--papers FILE``, passed as ``papers_path``: a corpus file."""
    return click.option("--papers", "papers_path", type=click.Path(dir_okay=False), required=required,
                        default=None, help=help)


def model_option(help: str) -> Decorator:
    """``--model DIRECTORY``, passed as ``model_dir`` (None: ``model.path``)."""
    return click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None, help=help)


def output_option(help: str, *, required: bool = False, path_type: type | None = None) -> Decorator:
    """``-o/--output FILE``, passed as ``output``."""
    return click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=path_type),
                        required=required, default=None, help=help)


def plots_option(help: str, *, path_type: type | None = None) -> Decorator:
    """``--plots DIRECTORY``, passed as ``plots_dir``: a folder for PNG plots."""
    return click.option("--plots", "plots_dir", type=click.Path(file_okay=False, path_type=path_type),
                        default=None, help=help)
