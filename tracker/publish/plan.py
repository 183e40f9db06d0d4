"""Deciding what a publish run does: a pure :class:`PublishPlan`, computed once from a :class:`Snapshot`.

:func:`propose` applies the proposals to the list and renders the PR text
(:class:`Change`); :func:`plan` then walks the one decision tree, with no
requests:

- the branch holds commits not made by the bot and the PR lacks the take-over
  label: ``blocked`` (comment once on the open PR), or ``unchanged`` when
  nothing would be added anyway;
- nothing to add: ``closed`` (comment, close the PR, delete the branch), or
  ``unchanged`` when no PR is open (the branch, if any, is deleted);
- otherwise the branch gets one bot commit on the base (unless it already
  holds this list as the bot's own commit, not through an "Update branch" merge) and the PR is opened (``created``) or brought to the new
  title, body and labels (``updated``, or ``unchanged`` when all was current).

The executor (:mod:`tracker.publish.execute`) carries a plan out against
GitHub; a preview writes its outcome as files. Both report the same status.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from tracker.config import Config, GithubConfig
from tracker.listdoc import ListSet, ListSetResult, list_fingerprint
from tracker.publish.body import (
    MAX_BODY,
    notes_of,
    render_blocked_comment,
    render_body,
    render_closed_comment,
    render_footer,
    render_title,
    title_edited,
    with_notes,
)
from tracker.publish.context import PublishContext, PublishOutcome, Status
from tracker.publish.snapshot import OpenPr, Snapshot
from tracker.records import Proposal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """The list after applying the proposals, and the PR text that describes it."""

    result: ListSetResult
    """The list's files after the proposals (one file: ``result.text`` is the list)."""
    papers: tuple[tuple[Proposal, tuple[str, ...]], ...]
    """Each inserted paper with the sections it went to."""
    title: str
    body: str
    diff: str
    """Unified diff of the list (empty when nothing changed); of every changed file, one after the other, when the
    list is split into files."""
    multi: bool = False
    """``list.path`` names several files."""

    @property
    def files(self) -> dict[str, str]:
        """The files the bot's commit writes, by path: the list's one file, or each file that changed."""
        if self.multi:
            return self.result.changed_files
        path, result = self.result.results[0]
        return {path: result.text}

    @property
    def fingerprint(self) -> str:
        """The new list as one text (:func:`~tracker.listdoc.list_fingerprint`): compared with the branch's."""
        return list_fingerprint(self.result.texts())


@dataclass(frozen=True)
class PublishPlan:
    """What a run does, and what it reports: the steps are done in the order of the fields."""

    status: Status
    """What a run reports (a "create" whose answer was lost and whose PR was found reports ``updated``)."""
    change: Change
    pr: OpenPr | None
    """The open PR the steps act on (None: none is open; ``open_pr`` creates one)."""
    note: str = ""
    """The outcome's one line on why."""
    comment: tuple[str, str] | None = None
    """``(kind, text)``: comment once on the open PR (``blocked``, ``closed``)."""
    close_pr: bool = False
    delete_branch: bool = False
    update: bool = False
    """The branch and an open PR carry the change; the fields below say what that takes."""
    commit: bool = False
    """Write one bot commit with the new list on the base and point the branch at it."""
    open_pr: bool = False
    """Create the PR (none is open)."""
    pr_edits: Mapping[str, str] = field(default_factory=dict)
    """Title and body changes for the open PR."""
    labels: tuple[str, ...] = ()
    """Labels the PR must carry (``github.labels``); the PR's other labels stay..."""
    drop_label: str | None = None
    """... except this one: the take-over label, once a take-over is done."""
    rebuilt_from: int | None = None
    """The closed PR the rebuilt branch was left over from."""

    def outcome(self, *, dry_run: bool = False) -> PublishOutcome:
        """The outcome this plan reports (a run replaces the PR and status by what it wrote)."""
        pr, change = self.pr, self.change
        return PublishOutcome(self.status, pr.number if pr else None, pr.url if pr else None, len(change.papers),
                              change.result.text, change.diff, change.body, self.note, dry_run,
                              files=change.result.changed_files if change.multi else {})


def propose(snapshot: Snapshot, proposals: Sequence[Proposal], context: PublishContext, config: Config) -> Change:
    """The new list and the PR text; the body keeps the notes maintainers wrote at the end of the open PR's."""
    listing = config.list
    base = snapshot.texts(listing.files)
    result = ListSet.parse(base).apply(
        proposals, log_date=context.as_of if listing.update_log else None, log_template=listing.update_log_template,
        updates=context.updates)
    context = replace(context, updates=result.updated)  # the body shows the updates the list could take
    sections: dict[Proposal, list[str]] = {}
    for proposal, section in result.inserted:
        sections.setdefault(proposal, []).append(section)
    papers = tuple((p, tuple(s)) for p, s in sections.items())
    skipped = len({p for p, _ in result.skipped} - set(sections))
    title = render_title(config.github.pr_title, len(papers), context.window, len(context.updates))
    notes = notes_of(snapshot.pr.body) if snapshot.pr is not None else ""
    footer = render_footer(title)
    body = with_notes(render_body(papers, context, skipped=skipped, takeover_label=config.github.takeover_label,
                                  limit=MAX_BODY - len(footer) - len(notes)) + footer, notes)
    diff = "".join(
        "".join(difflib.unified_diff(base[path].splitlines(keepends=True), text.splitlines(keepends=True),
                                     f"a/{path}", f"b/{path}"))
        for path, text in result.changed_files.items()) if result.changed else ""
    log.info("%d of %d proposals inserted (%d rows); %d already in the list",
             len(papers), len(proposals), len(result.inserted), skipped)
    return Change(result, papers, title, body, diff, multi=len(base) > 1)


def _own_branch(snapshot: Snapshot) -> bool:
    """The branch exists and is the bot's to keep as it is (no one else's commits, no stale leftover)."""
    return snapshot.branch_sha is not None and not snapshot.foreign and snapshot.stale_pr is None


def needs_branch_list(snapshot: Snapshot, change: Change, *, dry_run: bool = False) -> bool:
    """Whether :func:`plan` needs the list on the bot's branch: to skip a commit the branch already holds.

    A dry run with no open PR reports ``created`` whatever the branch holds, and skips the read.
    """
    return (change.result.changed and _own_branch(snapshot) and not snapshot.rebuild
            and (not dry_run or snapshot.pr is not None))


def plan(snapshot: Snapshot, change: Change, config: Config) -> PublishPlan:
    """What to do with GitHub in ``snapshot`` to publish ``change``; see the module docstring."""
    gh, pr = config.github, snapshot.pr
    if snapshot.foreign and not snapshot.takeover:
        if not change.result.changed:
            return PublishPlan("unchanged", change, pr, note="nothing to add; the branch is not kd-tracker's")
        comment = ("blocked", render_blocked_comment(
            change.papers, branch=gh.branch, foreign=snapshot.foreign, base_branch=snapshot.base_branch,
            base_sha=snapshot.base_sha, takeover_label=gh.takeover_label)) if pr is not None else None
        return PublishPlan("blocked", change, pr, note=blocked_note(snapshot, gh), comment=comment)
    has_branch = snapshot.branch_sha is not None
    if not change.result.changed and pr is not None:
        return PublishPlan("closed", change, pr, note="nothing left to add", close_pr=True, delete_branch=has_branch,
                           comment=("closed", render_closed_comment(snapshot.base_branch, snapshot.base_sha)))
    if not change.result.changed:
        return PublishPlan("unchanged", change, None, note="nothing to add" if snapshot.from_github else "",
                           delete_branch=has_branch)
    commit = snapshot.rebuild or not (_own_branch(snapshot) and snapshot.branch_list == change.fingerprint)
    drop_label = gh.takeover_label if snapshot.foreign else None  # taken over: later human pushes are protected again
    create = PublishPlan("created", change, None, update=True, commit=commit, open_pr=True, labels=tuple(gh.labels),
                         drop_label=drop_label, rebuilt_from=snapshot.stale_pr)
    if pr is None:
        return create
    edits = pr_edits(pr, change)
    relabel = labels_for(pr.labels, create.labels, drop_label) is not None
    status: Status = "updated" if commit or edits or relabel else "unchanged"
    return replace(create, status=status, pr=pr, open_pr=False, pr_edits=edits)


def blocked_note(snapshot: Snapshot, gh: GithubConfig) -> str:
    """The outcome's note when others' commits block the branch: how to let the bot rebuild it."""
    how = (f"add the label '{gh.takeover_label}' to PR #{snapshot.pr.number} to let kd-tracker rebuild it"
           if snapshot.pr else "delete the branch to let kd-tracker rebuild it")
    return f"branch {gh.branch} has {len(snapshot.foreign)} commit(s) not made by kd-tracker; {how}"


def pr_edits(pr: OpenPr, change: Change) -> dict[str, str]:
    """Title and body changes for ``pr``; a title a maintainer edited is theirs and left alone."""
    edits = {}
    if pr.title != change.title:
        if title_edited(pr.title, pr.body):
            log.info("PR #%d: keeping the title a maintainer set (%r)", pr.number, pr.title)
        else:
            edits["title"] = change.title
    if pr.body != change.body:
        edits["body"] = change.body
    return edits


def labels_for(current: Sequence[str], labels: Sequence[str], drop_label: str | None) -> list[str] | None:
    """The labels a PR carrying ``current`` must be set to (None: it already carries the right ones)."""
    wanted = [*current, *(name for name in labels if name not in current)]
    if drop_label is not None:
        wanted = [name for name in wanted if name != drop_label]
    return None if set(wanted) == set(current) else wanted
