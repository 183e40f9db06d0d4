"""The bot's answer on a "please add our paper" issue, one text per verdict of :mod:`tracker.weekly.intake`.

Everything an issue, arXiv or the list gave is escaped (:func:`~tracker.markdown_safe.escape_cell`:
no link, no mention, no markup); the one link is the pull request's, through
:func:`~tracker.markdown_safe.safe_url`. Nobody is @-mentioned.
"""

from __future__ import annotations

from tracker.errors import ProposalError
from tracker.github import FORM_FIELDS
from tracker.markdown_safe import escape_cell, safe_url
from tracker.publish import PublishOutcome
from tracker.records import Proposal, format_score

EXAMPLE = "`https://arxiv.org/abs/2403.01234` or `2403.01234`"


def _sections(sections: tuple[str, ...] | list[str]) -> str:
    return " and ".join(f"“{escape_cell(s)}”" for s in sections) or "no section"


def _pr(outcome: PublishOutcome) -> str:
    try:
        return f"[pull request #{outcome.pr_number}]({safe_url(outcome.pr_url or '')})"
    except ProposalError:
        return f"pull request #{outcome.pr_number}"


def accepted(pid: str, placed: Proposal, outcome: PublishOutcome, threshold: float, *, asked_section: str = "",
             section_found: bool = True) -> str:
    """The paper is in the PR: where, with what score; and the section asked for, when the list has none such."""
    score = "–" if placed.score is None else format_score(placed.score)
    text = (f"kd-tracker added “{escape_cell(placed.title)}” (arXiv:{pid}) to the weekly {_pr(outcome)}, "
            f"in its *Requested* group: section {_sections(placed.sections)}, relevance score {score} "
            f"(the list's threshold is {threshold:g}; a requested paper is proposed whatever its score). "
            f"A maintainer reviews it there; merging the pull request adds it to the list and closes this issue.")
    if asked_section and not section_found:
        text += (f"\n\nThe list has no section “{escape_cell(asked_section[:100])}”, so the paper went where "
                 f"kd-tracker placed it; a maintainer can move it in the pull request.")
    return text


def listed(pid: str, section: str) -> str:
    return f"arXiv:{pid} is already in the list, in section {_sections([section])}: kd-tracker has nothing to add."


def rejected(pid: str) -> str:
    return (f"A maintainer of this list rejected arXiv:{pid} before, so kd-tracker does not propose it again. "
            f"A maintainer can still tick *propose again* for it on the kd-tracker dashboard issue, and the "
            f"next run puts it in the weekly pull request.")


def unknown(pid: str) -> str:
    return f"arXiv has no paper {pid}. Check the id and edit this issue; kd-tracker reads it again on its next run."


def malformed(written: str) -> str:
    """No arXiv id: how to write one (``written``: what the form's field held, shown escaped)."""
    shown = f" (it reads “{escape_cell(written)}”)" if written else ""
    return (f"kd-tracker found no arXiv id in this issue{shown}. Edit the issue and write the paper's arXiv link "
            f"or id under *{FORM_FIELDS['arxiv']}*, e.g. {EXAMPLE}; kd-tracker reads it again on its next run.")
