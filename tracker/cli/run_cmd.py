"""``kd-tracker run`` and ``kd-tracker schedule``: the weekly job, once or as a daemon."""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from pathlib import Path

import click

from tracker.cli.dates import utc_today
from tracker.cli.fetch_cmd import PageBar
from tracker.cli.options import as_of_option, config_option, dry_run_option, repo_option, since_option
from tracker.cli.result_file import (
    EXIT_BLOCKED,
    RunResult,
    failure_recorded,
    result_file_option,
    write_result,
)
from tracker.config import Config, token_from_env
from tracker.weekly import RunOptions, RunReport, run_weekly

log = logging.getLogger(__name__)

DEFAULT_PREVIEW = Path("kd-tracker-preview")


class StageBar:
    """A tqdm bar over the run's stages on stderr (fetch and training can take minutes)."""

    STAGES = ("list", "learn", "fetch", "train", "score", "publish")

    def __init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=len(self.STAGES), unit="stage", file=sys.stderr, leave=False)

    def __call__(self, stage: str) -> None:
        self.bar.n = self.STAGES.index(stage) if stage in self.STAGES else self.bar.n
        self.bar.set_description(stage)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _run_once(config: Config, *, as_of: date | None, since: date | None, outdir: Path | None,
              repo: str | None) -> RunReport:
    token = token_from_env(config, os.environ)
    if token is None and outdir is None:
        outdir = DEFAULT_PREVIEW
        log.warning("%s is not set: dry run, writing the proposed PR to %s/", config.github.token_env, outdir)
    today = utc_today()
    options = RunOptions(as_of=as_of or today, since=since, dry_run_dir=outdir, today=today)
    bar = PageBar() if sys.stderr.isatty() else None
    stages = StageBar() if sys.stderr.isatty() else None
    try:
        return run_weekly(config, options, token=token, repo=repo, progress=bar, on_stage=stages)
    finally:
        for progress in (bar, stages):
            if progress is not None:
                progress.close()


@click.command(name="run")
@as_of_option("Run as if today were this day (YYYY-MM-DD): the window, update log and PR text follow it; "
              "a past day reads the arXiv API only.")
@since_option("Read arXiv from this day instead of the last successful run (minus the overlap).")
@dry_run_option("Write README.md, README.diff and PR_BODY.md to OUTDIR instead of publishing "
                "(the default, to ./kd-tracker-preview, when no token is set).")
@repo_option
@result_file_option
@config_option
def run_command(config: Config, as_of: date | None, since: date | None, outdir: Path | None, repo: str | None,
                result_file: Path | None) -> None:
    """Run the weekly job once: learn, fetch, train if needed, score, publish.

    Reads the reviews of earlier PRs, fetches the window since the last
    successful run (with overlap; the first run backfills
    arxiv.backfill_days), retrains when the list or the labels changed,
    scores the window, and opens or updates the one pull request, or writes
    its preview with --dry-run (also when the token variable is unset).

    \b
    Exit codes:
        0  done
        1  failed: nothing published (the Error: line says why)
        2  done with warnings: gap days in arXiv's listings, or gap
           days given up (the PR is still good)
        3  blocked: the bot's branch has a commit kd-tracker did not
           make, so it only commented on the PR; add the take-over
           label (github.takeover_label) to the PR to let it rebuild

    --result-file FILE writes the exit code, the gap days, the PR and a
    markdown summary as JSON (the GitHub Action reads it).

    \b
    Example:
        kd-tracker run
        kd-tracker run --dry-run preview/
        kd-tracker run --as-of 2024-03-18 --dry-run preview/
    """
    with failure_recorded(result_file, "run"):
        report = _run_once(config, as_of=as_of, since=since, outdir=outdir, repo=repo)
    for line in report.summary():
        click.echo(line)
    code = run_exit_code(report)
    write_result(result_file, run_result(report, code, config))
    if code:
        raise click.exceptions.Exit(code)


def run_exit_code(report: RunReport) -> int:
    """3 when the branch was blocked (nothing published), else the report's 0 or 2 (gap days)."""
    if report.outcome is not None and report.outcome.status == "blocked":
        return EXIT_BLOCKED
    return report.exit_code


def run_result(report: RunReport, code: int, config: Config) -> RunResult:
    """What :func:`run_command` writes to ``--result-file``."""
    outcome = report.outcome
    return RunResult(
        "run", code,
        pr_number=outcome.pr_number if outcome else None,
        pr_url=(outcome.pr_url or "") if outcome else "",
        pr_status=outcome.status if outcome else "",
        takeover_label=config.github.takeover_label,
        gaps=[d.isoformat() for d in report.gaps],
        given_up_gaps=[d.isoformat() for d in report.given_up_gaps],
        proposals=len(report.selection.proposals) if report.selection else 0,
        dry_run=bool(outcome and outcome.dry_run),
        markdown=report.markdown(),
    )


@click.command(name="schedule")
@repo_option
@dry_run_option("Each run writes its preview to OUTDIR instead of publishing.")
@click.option("--next", "show_next", type=int, default=0, metavar="N",
              help="Print the next N run times and exit.")
@config_option
def schedule_command(config: Config, repo: str | None, outdir: Path | None, show_next: int) -> None:
    """Run the weekly job as a daemon on the schedule in config (APScheduler).

    Runs are coalesced, one at a time, and a run missed while the machine was
    down still starts within schedule.misfire_grace_hours. SIGTERM or SIGINT
    stops the daemon after the current run; a second one stops it at once
    (the next run marks the cut run interrupted). A failed run is logged and
    the daemon waits for the next one.

    \b
    Example:
        kd-tracker schedule --next 3
        kd-tracker schedule
    """
    from datetime import datetime, timezone

    from tracker.weekly import next_fire_times, serve

    if show_next:
        now = datetime.now(timezone.utc)  # the trigger gives its times in schedule.timezone
        for fire in next_fire_times(config.schedule, now, show_next):
            click.echo(fire.isoformat())
        return

    def job() -> str:
        report = _run_once(config, as_of=None, since=None, outdir=outdir, repo=repo)
        for line in report.summary():
            log.info("%s", line)
        return report.outcome.summary() if report.outcome else "no outcome"

    serve(config.schedule, job)
