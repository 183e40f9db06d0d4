"""What a weekly run did, stage by stage: :class:`RunReport`, and its one-screen summary (text, and markdown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.errors import ProposalError
from tracker.markdown_safe import escape_cell, safe_url
from tracker.publish import PublishOutcome
from tracker.records import Proposal, format_score
from tracker.weekly.fetch import HarvestReport
from tracker.weekly.selection import Selection


@dataclass
class RunReport:
    """What a run did, stage by stage: the CLI prints it as the summary."""

    as_of: date
    since: date
    until: date
    score_since: date
    """First day of the papers scored (the first run fetches a backfill but scores only the last window)."""
    run_id: int = 0
    harvest: HarvestReport | None = None
    papers_in_window: int = 0
    trained: bool = False
    model_version: str = ""
    selection: Selection | None = None
    outcome: PublishOutcome | None = None
    learned: Any = None
    """The learning step's report, when it ran."""
    intake: Any = None
    """The "please add our paper" issues read and answered (:class:`~tracker.weekly.intake.Intake`)."""
    refresh: Any = None
    """The listed papers looked up again and their updates (:class:`~tracker.weekly.refresh.RefreshOutcome`)."""
    given_up_gaps: list[date] = field(default_factory=list)
    """Earlier runs' gap days still missing that fall out of ``arxiv.gap_lookback_days`` with this run."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each stage."""
    dashboard: str = ""
    """What the run did to the dashboard issue, in one line ('' when it is off)."""
    prune: str = ""
    """What pruning the store after the run did, in one line ('' when it did not run: a dry run, store.prune off)."""

    @property
    def gaps(self) -> list[date]:
        return self.harvest.gap_days if self.harvest else []

    @property
    def exit_code(self) -> int:
        """0 done, 2 done with warnings (gap days in the window, or earlier ones given up)."""
        return 2 if self.gaps or self.given_up_gaps else 0

    def summary(self) -> list[str]:
        """The one-screen summary printed at the end of a run."""
        lines = [f"kd-tracker run as of {self.as_of}: window {self.since}..{self.until}"
                 + (f", scoring from {self.score_since}" if self.score_since != self.since else "")]
        if self.learned is not None:
            r = self.learned
            lines.append(
                f"  learned:    {r.prs} PRs read; rows kept {r.kept}, moved {r.moved}, removed {r.removed},"
                f" rejected {r.rejected}; {len(r.misses)} misses; {r.rejected_for_good} papers rejected for good"
            )
        if self.harvest:
            fetched = ", ".join(
                f"{s.source} {s.papers} ({s.new} new)" if not s.error else f"{s.source} failed"
                for s in self.harvest.sources
            )
            lines.append(f"  fetched:    {fetched}; {self.harvest.requests} requests")
        lines.append(f"  papers:     {self.papers_in_window} in the window")
        gaps = ", ".join(d.isoformat() for d in self.gaps)
        lines.append(f"  gaps:       {gaps or 'none'}")
        if self.given_up_gaps:
            lost = ", ".join(d.isoformat() for d in self.given_up_gaps)
            lines.append(f"  gaps given up: {lost} (past arxiv.gap_lookback_days;"
                         " re-read with `kd-tracker fetch --since`)")
        lines.append(f"  model:      {self.model_version} ({'retrained' if self.trained else 'unchanged'})")
        if self.selection is not None:
            s = self.selection
            lines.append(
                f"  proposals:  {len(s.proposals)} (skipped: {s.in_list} in the list, {s.rejected} rejected before,"
                f" {s.over_limit} over the limit)"
            )
            for p in s.proposals:
                lines.append(f"    {format_score(p.score):>6}  {p.arxiv_id}  {p.title[:60]}  -> {p.sections[0] if p.sections else '?'}")
            best_miss = f"best {format_score(s.near_misses[0].score)}" if s.near_misses else "none"
            lines.append(f"  near-misses: {len(s.near_misses)} ({best_miss})")
        if self.outcome is not None:
            lines.append(f"  PR:         {self.outcome.summary()}")
        if self.intake is not None and self.intake.decisions:
            lines.append(f"  requests:   {self.intake.counts()}")
        if self.refresh is not None and (self.refresh.looked_up or self.refresh.updates or self.refresh.newly_declined):
            lines.append(f"  updates:    {self.refresh_counts()}")
        if self.dashboard:
            lines.append(f"  dashboard:  {self.dashboard}")
        if self.prune:
            lines.append(f"  store:      {self.prune}")
        timing = ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items())
        lines.append(f"  time:       {timing}")
        return lines

    def refresh_counts(self) -> str:
        """``2 to listed papers in the PR (1 venue, 1 code link); 40 papers looked up on arXiv; 1 declined``."""
        r = self.refresh
        venues = sum(u.field == "venue" for u in r.updates)
        text = (f"{len(r.updates)} to listed papers in the PR ({venues} venue{'' if venues == 1 else 's'}, "
                f"{len(r.updates) - venues} code link{'' if len(r.updates) - venues == 1 else 's'})")
        text += f"; {r.looked_up} papers looked up on arXiv" if r.looked_up else "; no look-up this run"
        return text + (f"; {len(r.newly_declined)} declined" if r.newly_declined else "")

    def markdown(self) -> str:
        """The one-screen summary as markdown (a GitHub job summary): the PR, the gaps, the proposals.

        Titles, sections, the PR's note and its link are untrusted text, escaped (:mod:`tracker.markdown_safe`).
        """
        scoring = f", scoring from {self.score_since}" if self.score_since != self.since else ""
        lines = [f"### kd-tracker run as of {self.as_of}", "",
                 f"Window {self.since}..{self.until}{scoring}: {self.papers_in_window} papers; "
                 f"model {escape_cell(self.model_version or '?')} ({'retrained' if self.trained else 'unchanged'}).", ""]
        if self.outcome is not None:
            lines += [f"**Pull request:** {outcome_markdown(self.outcome)}", ""]
        gaps = ", ".join(d.isoformat() for d in self.gaps)
        lines.append(f"**Gaps:** {gaps + ' (the next runs re-read them)' if gaps else 'none'}")
        if self.given_up_gaps:
            lost = ", ".join(d.isoformat() for d in self.given_up_gaps)
            lines.append(f"**Gaps given up:** {lost} (past `arxiv.gap_lookback_days`; "
                         "re-read with `kd-tracker fetch --since`)")
        lines.append("")
        if self.selection is not None:
            s = self.selection
            lines.append(f"**Proposals:** {len(s.proposals)} (skipped: {s.in_list} in the list, {s.rejected} "
                         f"rejected before, {s.over_limit} over the limit)")
            if s.proposals:
                lines += ["", "| Score | Paper | Section |", "|---:|---|---|"]
                lines += [_proposal_row(p) for p in s.proposals]
            best = f", best {format_score(s.near_misses[0].score or 0.0)}" if s.near_misses else ""
            lines += ["", f"Near-misses: {len(s.near_misses)}{best}."]
        if self.refresh is not None and (self.refresh.looked_up or self.refresh.updates or self.refresh.newly_declined):
            lines += ["", f"**Updates to listed papers:** {self.refresh_counts()}."]
        return "\n".join(lines).rstrip("\n") + "\n"


def outcome_markdown(outcome: PublishOutcome) -> str:
    """What a publish did, as markdown: ``[#7](url) created (3 papers)``, the note escaped."""
    papers = f"({outcome.inserted_count} paper{'' if outcome.inserted_count == 1 else 's'})"
    pr = "no PR"
    if outcome.pr_number is not None:
        pr = f"PR #{outcome.pr_number}"
        try:
            pr = f"[{pr}]({safe_url(outcome.pr_url or '')})"
        except ProposalError:
            pass  # a PR without a web link is named by its number alone
    status = f"dry run, {outcome.status}" if outcome.dry_run else outcome.status
    line = f"{pr}: {status} {papers}"
    return f"{line}; {escape_cell(outcome.note)}" if outcome.note else line


def _proposal_row(p: Proposal) -> str:
    title = escape_cell(p.title)
    try:
        title = f"[{title}]({safe_url(p.url)})"
    except ProposalError:
        pass  # shown as text, not as a link
    section = escape_cell(p.sections[0]) if p.sections else "?"
    score = format_score(p.score) if p.score is not None else ""
    return f"| {score} | {title} | {section} |"
