"""``kd-tracker review``: apply the reviewer's ticks in the open bot PR at once (no arXiv fetch, no retrain)."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
from tracker.publish import DashboardIssue, PublishContext, PublishOutcome
from tracker.store import LabelStore, Store
from tracker.weekly import (
    Applied,
    OpenReview,
    RefreshOutcome,
    applied,
    build_view,
    outcome_markdown,
    place_requested,
    read_dashboard,
    read_open_review,
    rebuild,
    record,
    record_requests,
    refresh_rows,
    run_lock,
    with_requests,
    write_dashboard,
)


@dataclass(frozen=True)
class Reviewed:
    """What :func:`_review` did: the line the command prints, what was published (None when nothing was to
    apply), what the ticks changed, and what was done to the dashboard issue ('' when nothing or it is off)."""

    line: str
    outcome: PublishOutcome | None = None
    counts: str = ""
    dashboard: str = ""


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
    and so does a paper ticked "propose" or "propose again" on the dashboard
    issue (which is then rewritten, or written to OUTDIR/DASHBOARD.md);
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
        done = _review(config, outdir, repo)
    click.echo(done.line)
    if done.dashboard:
        click.echo(f"dashboard: {done.dashboard}")
    outcome = done.outcome
    code = EXIT_BLOCKED if outcome is not None and outcome.status == "blocked" else 0
    markdown = f"### kd-tracker review\n\n{escape_cell(done.line)}\n"
    if outcome is not None:
        markdown = (f"### kd-tracker review\n\nTicks applied: {done.counts}.\n\n"
                    f"**Pull request:** {outcome_markdown(outcome)}\n")
    write_result(result_file, RunResult(
        "review", code, pr_number=outcome.pr_number if outcome else None,
        pr_url=(outcome.pr_url or "") if outcome else "", pr_status=outcome.status if outcome else "",
        takeover_label=config.github.takeover_label, dry_run=outdir is not None, markdown=markdown))
    if code:
        raise click.exceptions.Exit(code)


def _review(config: Config, outdir: Path | None, repo: str | None) -> Reviewed:
    """Apply the ticks of the PR and of the dashboard issue, then rewrite the dashboard."""
    repo_name = checked_repo(config, repo)
    publisher = publisher_for(config, repo_name, outdir,
                              needs=f"applying the ticks of the PR in {repo_name} needs a GitHub token")
    review = read_open_review(publisher)
    if review is None:
        return Reviewed(f"nothing to apply: no open kd-tracker PR with metadata in {repo_name}")
    issue = DashboardIssue(publisher.github, repo_name, config) if config.dashboard.enabled else None
    asked = read_dashboard(issue)
    review, ticks = with_requests(review, applied(review), asked)
    if not review.ticks.read and not ticks.added and not (review.metadata.updates and review.update_ticks.read):
        return Reviewed(f"nothing to apply: PR #{review.pr_number} shows no ticks kd-tracker can read")
    with run_lock(config.store.path, "review"), Store(config.store.path) as store:
        if outdir is None:
            record(LabelStore(store), review, utc_today())
            record_requests(LabelStore(store), asked, utc_today())
        if asked is not None and asked.requested:
            review, ticks = place_requested(review, ticks, store, config, publisher.read_lists())
        updates = refresh_rows(config, store, None, review, as_of=utc_today(), record=outdir is None)
        if not ticks.changes and not updates.newly_declined:
            return Reviewed(f"nothing to apply: the ticks of PR #{review.pr_number} are applied already")
        proposals, context = rebuild(review, ticks, store)
        context = replace(context, updates=updates.updates, declined_updates=updates.declined)
        if outdir is not None:
            outcome = publisher.preview(proposals, context, outdir)
        else:
            outcome = publisher.publish(proposals, context)
        dashboard = _dashboard(config, store, issue, review, ticks, outcome, len(proposals), context, outdir)
    counts = _counts(review, ticks, updates)
    wrote = f"; wrote {preview_files(outdir, outcome)}" if outdir is not None else ""
    return Reviewed(f"PR #{review.pr_number}: {counts}; {outcome.summary()}{wrote}", outcome, counts, dashboard)


def _dashboard(config: Config, store: Store, issue: DashboardIssue | None, review: OpenReview, ticks: Applied,
               outcome: PublishOutcome, inserted: int, context: PublishContext, outdir: Path | None) -> str:
    """Rewrite the dashboard (its applied ticks cleared) or write DASHBOARD.md; '' when it is off."""
    if issue is None:
        return ""
    meta = review.metadata
    view = build_view(config, store, issue.repo_name, utc_today(), outcome=outcome, inserted=inserted,
                      overflow=context.overflow, ticks=ticks,
                      in_pr={p.paper_id for p in (*meta.papers, *meta.dropped, *meta.overflow)})
    return write_dashboard(issue, view, outdir)


def _counts(review: OpenReview, ticks: Applied, updates: RefreshOutcome) -> str:
    """What this review changes: papers newly dropped, newly moved, added, ticked again after a drop; updates declined."""
    before = {p.arxiv_id for p in review.metadata.dropped}
    moved = sum(1 for k, v in ticks.moves.items() if review.metadata.moves.get(k) != v)
    back = len(before - ticks.dropped)
    declined = len(updates.newly_declined)
    return (f"{len(ticks.dropped - before)} dropped, {moved} moved, {len(ticks.added)} added"
            + (f", {back} ticked again" if back else "")
            + (f", {declined} update{'' if declined == 1 else 's'} declined" if declined else ""))
