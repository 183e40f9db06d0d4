"""Options shared by several commands, defined once so a flag reads the same everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from tracker.config import Config, load_config


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config FILE`` and pass the loaded :class:`Config` as ``config``.

    Without ``--config`` on the command, the group's ``--config`` is used, then
    ``./config.yaml`` when it exists, then the packaged defaults.
    """

    @click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="Config file (default: ./config.yaml, then the packaged defaults).",
    )
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
