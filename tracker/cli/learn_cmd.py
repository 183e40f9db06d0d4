"""``kd-tracker learn`` and ``kd-tracker report``: learn from the maintainers' review; show the bot's record."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tracker.cli.options import checked_repo, config_option, output_option, plots_option, repo_option
from tracker.config import Config, token_from_env
from tracker.errors import StoreError


@click.command(name="learn")
@repo_option
@click.option("--history", "history_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="List-history JSONL file (removed_in_commit, sections_ever, ...) to learn from too; "
                   "without --repo, only this file is read (offline).")
@config_option
def learn_command(config: Config, repo: str | None, history_path: str | None) -> None:
    """Read what maintainers did with the bot's PRs and the list, and store it as labels.

    For each merged or closed bot PR (branch github.branch, hidden metadata),
    the proposed rows are compared with the list now on the default branch:
    kept rows are positives, removed rows negatives, moved rows section
    corrections; a PR closed without merging rejects its papers. Commits of
    the list since the last learn count the same way, and papers added by hand
    that the bot scored below the threshold are misses. Running it twice adds
    nothing. Reads only: a token (from github.token_env) is needed only for a
    private repository.

    \b
    Example:
        kd-tracker learn
        kd-tracker learn --history list_history.jsonl
    """
    from tracker.review import learn
    from tracker.store import Store
    from tracker.weekly import run_lock

    github = None
    repo_name = repo or config.list.repo
    if repo is not None or history_path is None:
        repo_name = checked_repo(config, repo)
        from tracker.github import build_github

        github = build_github(config, token_from_env(config, os.environ))
    with run_lock(config.store.path, "learn"), Store(config.store.path) as store:
        report = learn(github, repo_name, config, store, history=history_path)
    click.echo(report.table())


@click.command(name="report")
@output_option("Markdown file to write (default: print the markdown).", path_type=Path)
@plots_option("Folder to write acceptance.png and scores.png to (linked from the report).", path_type=Path)
@config_option
def report_command(config: Config, output: Path | None, plots_dir: Path | None) -> None:
    """Write the bot's record: proposals, acceptance, misses and score distributions per week.

    Built from the store (runs, scores and what `kd-tracker learn` read), for
    the maintainers or a dashboard issue; needs no network.

    \b
    Example:
        kd-tracker report -o REPORT.md --plots plots/
    """
    from tracker.review import build_record, render_markdown, write_plots
    from tracker.store import Store

    if not Path(config.store.path).is_file():
        raise StoreError(f"no store at {config.store.path}; run `kd-tracker learn` (or a weekly run) first")
    with Store(config.store.path) as store:
        record = build_record(store, config.model.threshold)
    plots = write_plots(record, plots_dir) if plots_dir is not None and record.weeks else []
    base = output.parent if output is not None else Path(".")
    images = [os.path.relpath(p, base) for p in plots]
    text = render_markdown(record, images)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise StoreError(f"{output}: cannot write the report ({e.strerror or e})") from e
    for path in [output, *plots]:
        click.echo(f"wrote {path}")
