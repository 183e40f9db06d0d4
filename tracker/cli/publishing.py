"""What ``kd-tracker publish`` and ``kd-tracker review`` share: the token check, the preview line, the exit code."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tracker.cli.result_file import EXIT_BLOCKED
from tracker.config import Config, token_from_env
from tracker.errors import PublishError
from tracker.github import build_github
from tracker.publish import PREVIEW_FILES, Publisher, PublishOutcome, preview_names


def publisher_for(config: Config, repo_name: str, outdir: Path | None, *, needs: str) -> Publisher:
    """A publisher on ``repo_name`` with the token of ``github.token_env``; :class:`PublishError` when it is unset
    and no ``--dry-run OUTDIR`` was given (``needs``: what the token is needed for, said in the error)."""
    token = token_from_env(config, os.environ)
    if token is None and outdir is None:
        raise PublishError(f"{config.github.token_env} is not set: {needs}; --dry-run OUTDIR previews without one")
    return Publisher(build_github(config, token), repo_name, config)


def preview_files(outdir: Path, outcome: PublishOutcome | None = None) -> str:
    """The files a dry run wrote to ``outdir`` (``outcome``'s, for a list split into files), for the line the
    command prints."""
    return ", ".join(str(outdir / name) for name in (preview_names(outcome) if outcome else PREVIEW_FILES))


def exit_if_blocked(outcome: PublishOutcome) -> None:
    """Exit :data:`EXIT_BLOCKED` when someone else pushed to the branch and the bot only commented."""
    if outcome.status == "blocked":
        raise click.exceptions.Exit(EXIT_BLOCKED)
