"""``kd-tracker publish``: open or update the weekly pull request from a PROPOSALS.jsonl file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tracker.config import Config
from tracker.listdoc import read_proposals
from tracker.publish import PublishContext, thresholds_in_force
from tracker.store import LabelStore, Store
from tracker.weekly import run_lock, takeover_recorder

from .dates import utc_today
from .options import as_of_option, checked_repo, config_option, dry_run_option, repo_option
from .publishing import exit_if_blocked, preview_files, publisher_for


def _window(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    if not text:
        return None, None
    since, sep, until = text.partition("..")
    try:
        first, last = dt.date.fromisoformat(since.strip()), dt.date.fromisoformat(until.strip())
    except ValueError:
        first = last = None
    if not sep or first is None or last is None or last < first:
        raise click.BadParameter(f"{text!r} is not SINCE..UNTIL (YYYY-MM-DD..YYYY-MM-DD, SINCE first)",
                                 param_hint="--window")
    return first, last


@click.command(name="publish")
@click.argument("proposals_file", metavar="PROPOSALS.jsonl", type=click.Path(dir_okay=False, path_type=Path))
@dry_run_option("Write README.md, README.diff and PR_BODY.md to OUTDIR and call no write endpoint "
                "(needs no token for a public repo).")
@as_of_option("Date of the update-log line, YYYY-MM-DD (default: today).")
@click.option("--window", metavar="SINCE..UNTIL", default=None,
              help="Days of arXiv listings the proposals come from, shown in the PR (2024-03-11..2024-03-18).")
@click.option("--near-misses", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PROPOSALS.jsonl of the best papers under the threshold, folded in the PR body.")
@click.option("--model-version", default="unknown", show_default=True, help="Model version shown in the PR.")
@repo_option
@config_option
def publish_command(config: Config, proposals_file: Path, outdir: Path | None, as_of: dt.date | None,
                    window: str | None, near_misses: Path | None, model_version: str, repo: str | None) -> None:
    """Open or update the one kd-tracker pull request with the papers in PROPOSALS.jsonl.

    Rebuilds the branch github.branch as a single commit on the default branch
    and creates or updates its PR (title, body, labels); closes the PR when
    nothing is left to add. If someone else pushed to the branch, it only
    comments and exits 3 until the github.takeover_label label is added; the
    rows maintainers removed or moved on the branch are then kept as review
    labels in the store (when it exists) before the branch is rebuilt.
    The token is read from the variable named by github.token_env.

    Exit codes: 0 created, updated, unchanged or closed; 1 error; 3 blocked.

    \b
    Example:
        kd-tracker publish PROPOSALS.jsonl --window 2024-03-11..2024-03-18
        kd-tracker publish PROPOSALS.jsonl --dry-run preview/
    """
    since, until = _window(window)
    proposals = read_proposals(proposals_file)
    context = PublishContext(
        as_of=as_of or utc_today(),
        since=since,
        until=until,
        thresholds=thresholds_in_force(config.model),
        model_version=model_version,
        near_misses=read_proposals(near_misses) if near_misses else (),
    )
    repo_name = checked_repo(config, repo)
    publisher = publisher_for(config, repo_name, outdir, needs=f"publishing to {repo_name} needs a GitHub token "
                              "with contents and pull-request write access")
    if outdir is not None:
        outcome = publisher.preview(proposals, context, outdir)
        click.echo(f"{outcome.summary()}; wrote {preview_files(outdir, outcome)}")
    elif Path(config.store.path).is_file():  # a take-over first keeps the maintainers' edits as review labels
        with run_lock(config.store.path, "publish"), Store(config.store.path) as store:
            outcome = publisher.publish(proposals, context,
                                        on_takeover=takeover_recorder(LabelStore(store), config, context.as_of))
        click.echo(outcome.summary())
    else:
        outcome = publisher.publish(proposals, context)
        click.echo(outcome.summary())
    exit_if_blocked(outcome)
