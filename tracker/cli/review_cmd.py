"""``kd-tracker review``: apply the reviewer's ticks in the open bot PR at once (no arXiv fetch, no retrain)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import checked_repo, config_option, dry_run_option, repo_option
from tracker.cli.publishing import preview_files, publisher_for
from tracker.cli.result_file import (
    EXIT_BLOCKED,
    RunResult,
    failure_recorded,
    result_file_option,
    write_result,
)
from tracker.config import Config
from tracker.markdown_safe import escape_cell
from tracker.publish import PublishOutcome
from tracker.store import LabelStore, Store
from tracker.weekly import (
    Applied,
    OpenReview,
    RefreshOutcome,
    applied,
    outcome_markdown,
    read_open_review,
    rebuild,
    record,
    refresh_rows,
    run_lock,
)


@click.command(name="review")
@dry_run_option("Write README.md, README.diff and PR_BODY.md of the rebuilt PR to OUTDIR; record no label, "
                "call no write endpoint.")
@repo_option
@result_file_option
@config_option
def review_command(config: Config, outdir: Path | None, repo: str | None, result_file: Path | None) -> None:
    """Apply the ticks of the open kd-tracker pull request now.

    An unticked paper is dropped (rejected: never proposed again), a ticked
    "move to" item moves the paper to that section (the last ticked one wins),
    a ticked "add" item of the overflow fold adds that paper above the cap,
    an unticked update to a listed paper is reverted and never proposed again.
    Each tick is recorded as a review label at once; the branch is rebuilt as
    one commit on the default branch and the body keeps the ticks as they are.
    No arXiv fetch, no retraining. A body whose markers or items were edited
    away reads as no ticks: nothing is dropped.

    Exit codes: 0 applied, or nothing to apply; 1 error; 3 blocked (someone
    else pushed to the branch: add the take-over label to the PR).
    --result-file FILE writes them with the PR and a markdown summary as JSON.

    \b
    Example:
        kd-tracker review
        kd-tracker review --repo Tebmer/Awesome-KD --dry-run preview/
    """
    with failure_recorded(result_file, "review"):
        line, outcome, counts = _review(config, outdir, repo)
    click.echo(line)
    code = EXIT_BLOCKED if outcome is not None and outcome.status == "blocked" else 0
    markdown = f"### kd-tracker review\n\n{escape_cell(line)}\n"
    if outcome is not None:
        markdown = (f"### kd-tracker review\n\nTicks applied: {counts}.\n\n"
                    f"**Pull request:** {outcome_markdown(outcome)}\n")
    write_result(result_file, RunResult(
        "review", code, pr_number=outcome.pr_number if outcome else None,
        pr_url=(outcome.pr_url or "") if outcome else "", pr_status=outcome.status if outcome else "",
        takeover_label=config.github.takeover_label, dry_run=outdir is not None, markdown=markdown))
    if code:
        raise click.exceptions.Exit(code)


def _review(config: Config, outdir: Path | None, repo: str | None) -> tuple[str, PublishOutcome | None, str]:
    """Apply the ticks: the line the command prints, what was published (None when nothing was to apply)
    and what the ticks changed."""
    repo_name = checked_repo(config, repo)
    publisher = publisher_for(config, repo_name, outdir,
                              needs=f"applying the ticks of the PR in {repo_name} needs a GitHub token")
    review = read_open_review(publisher)
    if review is None:
        return f"nothing to apply: no open kd-tracker PR with metadata in {repo_name}", None, ""
    ticks = applied(review)
    if not review.ticks.read and not (review.metadata.updates and review.update_ticks.read):
        return f"nothing to apply: PR #{review.pr_number} shows no ticks kd-tracker can read", None, ""
    with run_lock(config.store.path, "review"), Store(config.store.path) as store:
        if outdir is None:
            record(LabelStore(store), review, utc_today())
        updates = refresh_rows(config, store, None, review, as_of=utc_today(), record=outdir is None)
        if not ticks.changes and not updates.newly_declined:
            return f"nothing to apply: the ticks of PR #{review.pr_number} are applied already", None, ""
        proposals, context = rebuild(review, ticks, store)
        context = replace(context, updates=updates.updates, declined_updates=updates.declined)
    counts = _counts(review, ticks, updates)
    if outdir is not None:
        outcome = publisher.preview(proposals, context, outdir)
        return f"PR #{review.pr_number}: {counts}; {outcome.summary()}; wrote {preview_files(outdir, outcome)}", outcome, counts
    outcome = publisher.publish(proposals, context)
    return f"PR #{review.pr_number}: {counts}; {outcome.summary()}", outcome, counts


def _counts(review: OpenReview, ticks: Applied, updates: RefreshOutcome) -> str:
    """What this review changes: papers newly dropped, newly moved, added, ticked again after a drop; updates declined."""
    before = {p.arxiv_id for p in review.metadata.dropped}
    moved = sum(1 for k, v in ticks.moves.items() if review.metadata.moves.get(k) != v)
    back = len(before - ticks.dropped)
    declined = len(updates.newly_declined)
    return (f"{len(ticks.dropped - before)} dropped, {moved} moved, {len(ticks.added)} added"
            + (f", {back} ticked again" if back else "")
            + (f", {declined} update{'' if declined == 1 else 's'} declined" if declined else ""))
