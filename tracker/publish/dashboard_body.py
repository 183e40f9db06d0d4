"""The dashboard issue's body, rendered from plain facts (:class:`DashboardView`); no requests.

Sections, in order: the open pull request (link, papers waiting, how many the
reviewer acted on by tick), the last runs (date, window, papers read,
proposals, outcome, exit code), gap days still missing and given up, the
**overflow** (papers above the threshold in no pull request, each a
``- [ ] propose`` item), the papers **rejected for good** (newest first, each a
``- [ ] propose again`` item), the ``- [ ] run now`` box, and the bot's record
(precision and acceptance of the last weeks, the ``kd-tracker report`` figures).
The tick parts and the hidden metadata are the contract of
:mod:`tracker.github.dashboard`. Everything that came from arXiv, a person or
the store goes through :mod:`tracker.markdown_safe`. The body ends with a
footer and :data:`~tracker.publish.body.NOTES_MARKER`: what a maintainer writes
below it is kept by every rewrite (:func:`~tracker.publish.body.with_notes`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.errors import ProposalError
from tracker.github import (
    DASH_OVERFLOW_END,
    DASH_OVERFLOW_START,
    DASH_PROPOSE,
    DASH_PROPOSE_AGAIN,
    DASH_REJECTED_END,
    DASH_REJECTED_START,
    DASH_RUN_END,
    DASH_RUN_NOW,
    DASH_RUN_START,
    DASHBOARD_MARK,
    DashboardMetadata,
    PaperMetadata,
    format_dashboard_metadata,
)
from tracker.markdown_safe import escape_cell, safe_url
from tracker.publish.body import NOTES_MARKER
from tracker.publish.body_items import abs_url, link
from tracker.records import WeekRecord, format_score

LIST_LIMIT = 50
"""At most this many papers in each tick list (the rest are counted; the newest rejections come first)."""


@dataclass(frozen=True)
class DashboardPr:
    """The bot's open pull request as the dashboard shows it."""

    number: int
    url: str
    inserted: int
    """Papers with a row in the PR."""
    overflow: int
    """Papers the PR names past the cap."""
    reviewed: int
    """Papers the reviewer acted on by tick (dropped, moved or added)."""


@dataclass(frozen=True)
class DashboardRun:
    """One run of the run log."""

    as_of: str
    window: str
    papers_read: int
    proposals: int
    outcome: str
    exit_code: int | None
    """What ``kd-tracker run`` exited with (None: unknown, e.g. interrupted)."""


@dataclass(frozen=True)
class Rejection:
    """A paper rejected for good, with its newest rejection."""

    arxiv_id: str
    title: str
    kind: str
    """The label kind that rejected it (``dropped``, ``removed``, ``rejected``)."""
    source: str
    """Where it was read (``tick``, ``pr``, ``commit``, ...)."""
    ref: str
    date: str


@dataclass(frozen=True)
class DashboardView:
    """Everything the dashboard shows, as plain data."""

    repo: str
    as_of: str
    pr: DashboardPr | None = None
    runs: tuple[DashboardRun, ...] = ()
    """The last runs, newest first."""
    gaps_missing: tuple[str, ...] = ()
    gaps_given_up: tuple[str, ...] = ()
    overflow: tuple[PaperMetadata, ...] = ()
    """Papers above the threshold in no pull request, best first."""
    rejected: tuple[Rejection, ...] = ()
    """Papers rejected for good, newest first."""
    weeks: tuple[WeekRecord, ...] = ()
    """The last weeks of the record, oldest first."""
    threshold: float = 0.0
    run_url: str = ""
    """The page of the workflow run that wrote the dashboard (its artifacts hold the record's plots); empty outside
    GitHub Actions."""


REPORT_ARTIFACT = "kd-tracker-report"
"""Name of the artifact the list's workflow uploads with the bot's record and plots (examples/workflows)."""


def actions_run_url(env: Mapping[str, str]) -> str:
    """The page of the current GitHub Actions run (``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``/actions/runs/
    ``GITHUB_RUN_ID``), or "" outside Actions or when it is not an http(s) link."""
    server, repo, run = (env.get(k, "").strip() for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    if not (server and repo and run.isdigit()):
        return ""
    try:
        return safe_url(f"{server.rstrip('/')}/{repo}/actions/runs/{run}")
    except ProposalError:
        return ""


def render_dashboard(view: DashboardView) -> str:
    """The bot's part of the dashboard body, ending with the footer and the notes marker."""
    lines = [DASHBOARD_MARK,
             f"**kd-tracker dashboard** of {escape_cell(view.repo)}, as of {escape_cell(view.as_of)}. "
             "kd-tracker rebuilds this text on every run; tick a box and the next `kd-tracker review` or run acts "
             "on it.", ""]
    lines += _pr(view.pr)
    lines += _runs(view.runs)
    lines += _gaps(view)
    overflow = view.overflow[:LIST_LIMIT]
    rejected = view.rejected[:LIST_LIMIT]
    lines += _overflow(overflow, len(view.overflow))
    lines += _rejected(rejected, len(view.rejected))
    lines += ["### Run now", "", DASH_RUN_START, f"- [ ] {DASH_RUN_NOW}", DASH_RUN_END, "",
              "Tick it and the workflow (on `issues: edited`) runs the weekly job now; the run unticks it.", ""]
    lines += _record(view.weeks, view.threshold, view.run_url)
    metadata = DashboardMetadata(
        overflow=overflow,
        rejected=tuple(PaperMetadata(arxiv_id=r.arxiv_id, title=r.title, url=abs_url(r.arxiv_id), sections=(),
                                     score=None) for r in rejected),
        as_of=view.as_of)
    lines += [format_dashboard_metadata(metadata), "", "---", "",
              "_Notes written below this line are kept when kd-tracker updates this issue._", NOTES_MARKER]
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _pr(pr: DashboardPr | None) -> list[str]:
    lines = ["### Open pull request", ""]
    if pr is None:
        return lines + ["No open kd-tracker pull request.", ""]
    waiting = pr.inserted + pr.overflow
    text = (f"{_pr_link(pr)}: {_plural(waiting, 'paper')} waiting ({pr.inserted} in its rows, "
            f"{pr.overflow} past the cap); {pr.reviewed} reviewed by tick.")
    return lines + [text, ""]


def _pr_link(pr: DashboardPr) -> str:
    """``[#N](url)``: the number is the bot's own (not escaped into code), the URL only when it is http(s)."""
    try:
        return f"[#{pr.number}]({safe_url(pr.url)})"
    except ProposalError:
        return f"#{pr.number}"


def _runs(runs: Sequence[DashboardRun]) -> list[str]:
    lines = ["### Last runs", ""]
    if not runs:
        return lines + ["No runs recorded yet.", ""]
    lines += ["| As of | Window | Papers read | Proposals | Outcome | Exit code |", "|---|---|--:|--:|---|--:|"]
    for r in runs:
        code = "–" if r.exit_code is None else str(r.exit_code)
        lines.append(f"| {escape_cell(r.as_of)} | {escape_cell(r.window)} | {r.papers_read} | {r.proposals} "
                     f"| {escape_cell(r.outcome) or '–'} | {code} |")
    return lines + [""]


def _gaps(view: DashboardView) -> list[str]:
    missing = ", ".join(escape_cell(d) for d in view.gaps_missing) or "none"
    given_up = ", ".join(escape_cell(d) for d in view.gaps_given_up) or "none"
    return ["### Gap days", "",
            f"Still missing (re-read by the next runs): {missing}. Given up (past `arxiv.gap_lookback_days`; "
            f"re-read with `kd-tracker fetch --since`): {given_up}.", ""]


def _more(shown: int, total: int) -> list[str]:
    return [f"- and {total - shown} more, not shown"] if total > shown else []


def _overflow(papers: Sequence[PaperMetadata], total: int) -> list[str]:
    lines = ["### Overflow", "", DASH_OVERFLOW_START]
    if not papers:
        lines.append("No paper above the threshold waits outside the pull request.")
    else:
        lines += [f"{_plural(total, 'paper')} above the threshold in no pull request (past the cap of papers "
                  "per PR). Tick one to put it in the PR at the next `kd-tracker review` or run.", ""]
        for p in papers:
            score = "–" if p.score is None else format_score(p.score)
            section = f" · {escape_cell(p.sections[0])}" if p.sections else ""
            lines.append(f"- [ ] {DASH_PROPOSE} {link(p.title or p.paper_id, abs_url(p.paper_id))} · {score}{section}")
        lines += _more(len(papers), total)
    return lines + [DASH_OVERFLOW_END, ""]


_WHERE = {"pr": "PR #", "tick": "PR #", "takeover": "PR #", "commit": "commit ", "history": "history ",
          "list": "list ", "file": "file ", "dashboard": "dashboard "}


def _rejected(rejected: Sequence[Rejection], total: int) -> list[str]:
    lines = ["### Rejected for good", "", DASH_REJECTED_START]
    if not rejected:
        lines.append("No paper is rejected for good.")
    else:
        lines += [f"{_plural(total, 'paper')}, newest first; kd-tracker never proposes them. Tick one to clear its "
                  "rejection: the model learns it as a positive and the paper goes in the PR at the next "
                  "`kd-tracker review` or run.", ""]
        for r in rejected:
            ref = r.ref[:7] if r.source == "commit" else r.ref
            where = f"{_WHERE.get(r.source, r.source + ' ')}{ref}"
            lines.append(f"- [ ] {DASH_PROPOSE_AGAIN} {link(r.title or r.arxiv_id, abs_url(r.arxiv_id))} · "
                         f"{escape_cell(r.kind)} · {escape_cell(where)} · {escape_cell(r.date)}")
        lines += _more(len(rejected), total)
    return lines + [DASH_REJECTED_END, ""]


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _record(weeks: Sequence[WeekRecord], threshold: float, run_url: str = "") -> list[str]:
    lines = ["### The bot's record", ""]
    if not weeks:
        return lines + ["No reviewed pull requests yet.", ""]
    proposed = sum(w.proposed for w in weeks)
    kept = sum(w.kept for w in weeks)
    moved = sum(w.moved for w in weeks)
    lines += [f"The last {_plural(len(weeks), 'week')} (threshold {threshold:g}): {proposed} rows proposed, {kept} "
              f"kept, {moved} moved: precision {_num(kept / proposed if proposed else None)}, acceptance "
              f"{_num((kept + moved) / proposed if proposed else None)}.", "",
              "| Week | PRs | Proposed | Kept | Moved | Removed | Rejected | Precision | Acceptance |",
              "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for w in weeks:
        lines.append(f"| {escape_cell(w.week)} | {w.prs} | {w.proposed} | {w.kept} | {w.moved} | {w.removed} "
                     f"| {w.rejected} | {_num(w.precision)} | {_num(w.acceptance)} |")
    where = (f"the `{REPORT_ARTIFACT}` artifact of [this workflow run]({run_url})" if run_url else
             "`kd-tracker report -o REPORT.md --plots DIR` (in a workflow, upload DIR as an artifact)")
    return lines + ["", "Precision: rows kept where proposed; acceptance: rows kept or moved. The whole record and "
                        f"its plots: {where}.", ""]
