"""The pull request a maintainer reads: title, body, and the metadata hidden in it for the learning step.

The body is built to be decided on in a minute: a summary line, one GitHub
task-list item per paper grouped under its section (ticked: keep; unticked:
drop; a ticked ``move to`` under it: move), each with a closed fold of its
abstract's first sentences, authors and the phrases that drove its score
(:mod:`tracker.publish.body_items`); the papers above the threshold past the
cap in a fold of ``add`` items; the near-misses folded in a ``<details>``
block; the coverage of the window and the thresholds in force. Every piece of text
that came from arXiv or a person goes through
:func:`~tracker.markdown_safe.escape_cell` and every link through
:func:`~tracker.markdown_safe.safe_url`, as in the README itself.

At the end, an HTML comment (invisible on GitHub) holds the same facts as JSON;
:func:`parse_pr_metadata` reads it back from a merged or closed PR::

    <!-- kd-tracker-metadata
    {"schema": 1, "model_version": "...", "papers": [{"arxiv_id": "2403.01234", "sections": [...], "score": 0.91}],
     "overflow": [...], "near_misses": [...]}
    -->

``papers`` and ``overflow`` (papers past ``model.proposals_per_pr``, named in
the body as not included) are what waits in an open PR: the next run carries
them (:func:`parse_pr_metadata`) whatever its own records say.

**What a maintainer edits is kept.** The publisher ends the body with
:func:`render_footer`: a visible line inviting review notes, the hash of the
title the bot set, and :data:`NOTES_MARKER`. The bot owns the body above the
marker and rewrites it each run; whatever a maintainer writes below it
(:func:`notes_of`) is carried into every rewrite. A title that no longer
matches the recorded hash was edited by a person (:func:`title_edited`) and is
left alone from then on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence

from tracker.github import PaperMetadata, PrMetadata, format_pr_metadata
from tracker.markdown_safe import escape_cell
from tracker.publish.body_items import (
    Item,
    arrange,
    arxiv_id_of,
    link,
    overflow_metadata,
    render_overflow,
    render_papers,
    threshold_of,
)
from tracker.publish.body_updates import render_updates
from tracker.publish.context import PublishContext
from tracker.publish.requested import render_requested, split_requested
from tracker.records import Proposal, format_score

log = logging.getLogger(__name__)

MAX_BODY = 65_000
"""GitHub refuses PR bodies over 65,536 characters; near-misses are cut first to stay under."""
NOTES_MARKER = "<!-- kd-tracker: your notes below are kept -->"
"""The line after which a PR body is the maintainers': kept verbatim when the bot rewrites the body."""
_TITLE_MARK = re.compile(r"<!-- kd-tracker:title (?P<hash>[0-9a-f]{16}) -->")


def render_title(template: str, count: int, window: str, updates: int = 0) -> str:
    """The PR title from ``github.pr_title`` (``{count}``, ``{window}``), on one line.

    A PR with no new paper but ``updates`` to listed papers says so instead
    (``Weekly update: 1 update to listed papers (window)``), not "0 new papers".
    """
    if not count and updates:
        return " ".join(f"Weekly update: {_updates_phrase(updates)} ({window})".split())
    return " ".join(template.format(count=count, window=window).split())


def _updates_phrase(updates: int) -> str:
    return f"{updates} update{'' if updates == 1 else 's'} to listed papers"


def _code(text: str) -> str:
    """A config value (branch, label) as inline code; backticks can't end it early."""
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def _score(score: float | None) -> str:
    return "–" if score is None else format_score(score)


def _near_misses(near: Sequence[Proposal], total: int) -> list[str]:
    if not near:
        return [f"Near misses: {total} papers, not shown (the body would be too long).", ""] if total else []
    lines = ["<details>", f"<summary>Near misses: {len(near)} best paper{'' if len(near) == 1 else 's'} under the "
             "threshold</summary>", ""]
    for p in near:
        section = f" · {escape_cell(p.sections[0])}" if p.sections else ""
        lines.append(f"- {link(p.title, p.url)} · {_score(p.score)}{section}")
    return lines + ["", "</details>", ""]


def _coverage(context: PublishContext) -> str:
    if context.days_read is None:
        read = "not reported"
    elif context.window_days is not None:
        read = f"{context.days_read} of {context.window_days} days read"
    else:
        read = f"{context.days_read} days read"
    gaps = ", ".join(escape_cell(g) for g in context.gaps) if context.gaps else "none"
    return f"**Coverage** of {escape_cell(context.window)}: {read}; gaps: {gaps}."


def _thresholds(context: PublishContext) -> str:
    if not context.thresholds:
        return "**Thresholds:** not reported."
    parts = [f"{escape_cell(name)} {value:g}" for name, value in context.thresholds.items()]
    return "**Thresholds:** " + " · ".join(parts) + "."


def _paper_metadata(p: Proposal, sections: Sequence[str]) -> PaperMetadata:
    return PaperMetadata(arxiv_id=arxiv_id_of(p), title=p.title, url=p.url, sections=tuple(sections), score=p.score)


def _metadata_block(groups: Sequence[Sequence[Item]], context: PublishContext, near_misses: Sequence[Proposal]) -> str:
    items = [item for group in groups for item in group]  # in body order: the next update keeps each place
    return format_pr_metadata(PrMetadata(
        papers=tuple(i.metadata() for i in items if not i.dropped),
        model_version=context.model_version,
        as_of=context.as_of.isoformat(),
        since=context.since.isoformat() if context.since else None,
        until=context.until.isoformat() if context.until else None,
        near_misses=tuple(_paper_metadata(p, p.sections[:1]) for p in near_misses),
        thresholds=dict(context.thresholds),
        overflow=overflow_metadata(context),
        dropped=tuple(i.metadata() for i in items if i.dropped),
        moves={i.arxiv_id: i.chosen for i in items if i.chosen and i.arxiv_id},
        requested={i.arxiv_id: context.requested[i.arxiv_id] for i in items
                   if not i.dropped and i.arxiv_id in context.requested},
        updates=tuple(context.updates),
        declined_updates=tuple(context.declined_updates),
    ))


TITLE_CUT = 80
"""The last resort of a body too long: titles cut to this many characters (their links stay)."""


def render_body(papers: Sequence[tuple[Proposal, Sequence[str]]], context: PublishContext, *,
                skipped: int = 0, takeover_label: str = "kd-tracker:take-over", limit: int = MAX_BODY) -> str:
    """The PR body for ``papers`` (each with the sections it was inserted into), in markdown.

    ``skipped`` counts proposals already in the list (mentioned, not shown).
    ``context.dropped`` papers are shown unticked, ``context.moves`` as ticked
    ``move to`` items, ``context.overflow`` in its fold (see
    :mod:`tracker.publish.body_items`). When the body would exceed ``limit``
    characters (GitHub's limit, less the footer and a maintainer's notes), the
    near-misses are cut first, then the papers' folds (from the last paper
    up), then the overflow items, then long titles; never an item line or
    its arXiv link, and the metadata block always names every paper.
    """
    groups = arrange(papers, context)
    count = sum(len(g) for g in groups)
    near = list(context.near_misses)
    folds, over, cut = count, len(context.overflow), None
    while True:
        body = _render(groups, context, near, skipped, takeover_label, folds, over, cut, len(papers))
        if len(body) <= limit or cut is not None:
            return body
        if near:
            near = near[: len(near) // 2]
        elif folds:
            folds //= 2
        elif over:
            over //= 2
        else:
            cut = TITLE_CUT


def _render(groups: Sequence[Sequence[Item]], context: PublishContext, near: Sequence[Proposal], skipped: int,
            takeover_label: str, folds: int, over: int, cut: int | None, count: int) -> str:
    what = (_updates_phrase(len(context.updates)) if not count and context.updates
            else f"{count} paper{'' if count == 1 else 's'}")
    summary = (f"**kd-tracker proposes {what}** from arXiv "
               f"{escape_cell(context.window)} · model {escape_cell(context.model_version)} · "
               f"as of {context.as_of.isoformat()}")
    if skipped:
        summary += f" · {skipped} already in the list, skipped"
    lines = [summary + ".", ""]
    asked, groups = split_requested(groups, context.requested)  # the "Requested" group comes first
    if asked or groups:
        lines += ["Untick a paper to drop it, tick a *move to* to move it: kd-tracker rebuilds the branch and "
                  "learns from each tick. Merge to accept.", ""]
        threshold = threshold_of(context)
        part = render_papers(groups, threshold, folds=max(folds - len(asked), 0), cut=cut)
        lines += [part[0], *render_requested(asked, context.requested, threshold, folds=folds, cut=cut), *part[1:]]
    lines += render_updates(context.updates)
    lines += render_overflow(context, over)
    lines += _near_misses(near, len(context.near_misses))
    lines += [_coverage(context), "", _thresholds(context), ""]
    lines += [f"Edit this branch yourself and kd-tracker leaves it alone and only comments, until the label "
              f"{_code(takeover_label)} lets it rebuild the branch. What you merge is what kd-tracker learns from.", ""]
    lines.append(_metadata_block([asked, *groups], context, near))
    return "\n".join(lines) + "\n"


def _title_hash(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:16]


def render_footer(title: str) -> str:
    """The end of a bot PR body: the notes invitation, the hash of the bot's ``title``, :data:`NOTES_MARKER`."""
    return (f"\n---\n\n_Review notes written below this line are kept when kd-tracker updates this pull request; "
            f"so is a title you edit._\n<!-- kd-tracker:title {_title_hash(title)} -->\n{NOTES_MARKER}")


def notes_of(body: str | None) -> str:
    """What maintainers wrote below :data:`NOTES_MARKER` in ``body``, verbatim ('' when nothing but blanks)."""
    _, marker, notes = (body or "").partition(NOTES_MARKER)
    return notes if marker and notes.strip() else ""


def with_notes(bot_body: str, notes: str) -> str:
    """``bot_body`` (ending with :func:`render_footer`) followed by the maintainers' ``notes``."""
    return bot_body + (notes if notes.strip() else "\n")


def title_edited(title: str | None, body: str | None) -> bool:
    """True when ``title`` is not the one the bot last set, as recorded by :func:`render_footer` in ``body``.

    A body without the record (a PR from before it, or a maintainer deleted it) counts as not edited.
    """
    above = (body or "").partition(NOTES_MARKER)[0]
    recorded = [m.group("hash") for m in _TITLE_MARK.finditer(above)]
    return bool(recorded) and recorded[-1] != _title_hash(title or "")


def render_blocked_comment(papers: Sequence[tuple[Proposal, Sequence[str]]], *, branch: str,
                           foreign: Sequence[str], base_branch: str, base_sha: str, takeover_label: str) -> str:
    """The one comment on a PR whose branch has others' commits: what the bot would have done, and how to let it."""
    commits = "\n".join(f"- {escape_cell(c)}" for c in foreign)
    rows = "\n".join(f"| {link(p.title, p.url)} | {'<br>'.join(escape_cell(s) for s in sections)} |"
                     for p, sections in papers)
    count = len(papers)
    return (f"kd-tracker did not update this pull request: branch {_code(branch)} has commits it did not "
            f"make, and it never overwrites them.\n\n{commits}\n\n"
            f"It would have rebuilt the branch as one commit on {_code(base_branch)} at {base_sha[:7]}, adding {count} "
            f"paper{'' if count == 1 else 's'}:\n\n| Paper | Sections |\n|---|---|\n{rows}\n\n"
            f"To let kd-tracker rebuild the branch (replacing the commits above), add the label "
            f"{_code(takeover_label)} to this pull request; it takes over on its next run.")


def render_closed_comment(base_branch: str, base_sha: str) -> str:
    """The comment on a bot PR closed because everything it proposed is already in the list."""
    return (f"Every paper this pull request proposed is now in the list on {_code(base_branch)} at {base_sha[:7]}, "
            f"so kd-tracker has nothing left to add and closes it.")
