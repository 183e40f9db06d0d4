"""Carrying out a :class:`~tracker.publish.plan.PublishPlan` against GitHub: the only module that writes.

Writes are ordered so that a crash or a lost answer at any point leaves a state
the next run repairs: the commit exists before the ref points at it; the ref
exists before the PR; a PR whose creation "failed" with a 5xx or a dropped
connection is looked up by its head branch before anything is created again. No write is resent blindly:
after a 5xx or a lost answer on editing the PR, labelling, commenting, closing
or deleting the branch, the executor re-reads what GitHub holds
(:meth:`Executor.checked_write`); a write that had landed counts as done, one
that had not is sent once more. A branch that someone pushed to while the run
was writing it is not overwritten. Labels the repository lacks
(``github.labels``, ``github.takeover_label``) are created, with a description,
before they go on the PR; a 422 ``already_exists`` counts as done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Mapping

import requests
from github import GithubException, InputGitAuthor, InputGitTreeElement, UnknownObjectException
from github.GitRef import GitRef
from github.PullRequest import PullRequest
from github.Repository import Repository

from tracker.errors import PublishError
from tracker.github import checked_write
from tracker.publish.context import PublishOutcome, Status
from tracker.publish.plan import Change, PublishPlan, labels_for, pr_edits
from tracker.publish.snapshot import BOT_TRAILER, Handles, OpenPr, RepoReader, Snapshot

log = logging.getLogger(__name__)

LABEL_STYLE = {"labels": ("0e8a16", "kd-tracker: weekly paper proposals"),
               "takeover": ("d93f0b", "kd-tracker: let the bot rebuild a branch a human edited")}
"""Colour and description of the labels the bot creates: ``github.labels``, and the take-over label."""


class Executor:
    """Writes a plan to the repository ``reader`` reads; ``bot_login`` restricts the comments seen as the bot's."""

    def __init__(self, reader: RepoReader, *, bot_login: str | None = None) -> None:
        self.reader = reader
        self.config = reader.config
        self.steps = reader.steps
        self.bot_login = bot_login

    def execute(self, plan: PublishPlan, snap: Snapshot, handles: Handles) -> PublishOutcome:
        """Do the steps of ``plan``, in order; the outcome names the PR as GitHub now holds it."""
        gh = self.config.github
        if plan.comment is not None and handles.pr is not None:
            self._comment_once(handles.pr, *plan.comment)
        if plan.status == "blocked":
            log.warning("not overwriting %s: %s", gh.branch, "; ".join(snap.foreign))
        if plan.close_pr and handles.pr is not None:
            self._close(handles.repo, handles.pr)
        if plan.delete_branch and handles.branch is not None:
            self._delete_branch(handles.repo, handles.branch)
        return self._update(plan, snap, handles) if plan.update else plan.outcome()

    def _update(self, plan: PublishPlan, snap: Snapshot, handles: Handles) -> PublishOutcome:
        """The branch holds one bot commit with the change, and an open PR from it the current text and labels."""
        gh = self.config.github
        if plan.commit:
            self._write_branch(snap, handles, plan.change)
        else:
            log.info("branch %s already holds this list; no new commit", gh.branch)
        pr, created = self._write_pr(snap, handles, plan)
        self._write_labels(handles.repo, pr, plan)
        status: Status = "updated" if plan.open_pr and not created else plan.status  # found after a lost answer
        log.info("%s PR #%d: %s", status, pr.number, pr.html_url)
        note = (f"rebuilt branch {gh.branch}, left over from closed PR #{plan.rebuilt_from}"
                if plan.rebuilt_from is not None else "")
        return dataclasses.replace(plan.outcome(), status=status, pr_number=pr.number, pr_url=pr.html_url, note=note)

    def _close(self, repo: Repository, pr: PullRequest) -> None:
        self.steps.now = f"close PR #{pr.number}"
        self.checked_write(lambda: pr.edit(state="closed"), lambda: repo.get_pull(pr.number).state == "closed")
        log.info("closed PR #%d: nothing left to add", pr.number)

    def _delete_branch(self, repo: Repository, branch: GitRef) -> None:
        self.steps.now = f"delete branch {self.config.github.branch}"
        self.checked_write(branch.delete, lambda: self.reader.get_branch(repo) is None)
        log.info("deleted branch %s", self.config.github.branch)

    def _write_branch(self, snap: Snapshot, handles: Handles, change: Change) -> None:
        """Point the branch at one bot commit with the new list (every changed file of it) on top of the base."""
        gh = self.config.github
        self.steps.now = f"commit to {gh.branch}"
        me = InputGitAuthor(gh.committer_name, gh.committer_email)
        elements = [InputGitTreeElement(path, "100644", "blob", content=text) for path, text in change.files.items()]
        tree = handles.repo.create_git_tree(elements, base_tree=handles.base_commit.tree)  # every changed file, one commit
        message = (f"Add {len(change.papers)} paper{'' if len(change.papers) == 1 else 's'} to the list\n\n"
                   f"Proposed by kd-tracker; see the pull request for scores and sections.\n\n"
                   f"{BOT_TRAILER} {hashlib.sha256(change.fingerprint.encode()).hexdigest()[:12]}")
        commit = handles.repo.create_git_commit(message, tree, [handles.base_commit], author=me, committer=me)
        self._point_branch(snap, handles, commit.sha)
        log.info("branch %s -> %s (one commit on %s %s)", gh.branch, commit.sha[:7], snap.base_branch,
                 snap.base_sha[:7])

    def _point_branch(self, snap: Snapshot, handles: Handles, sha: str) -> None:
        """Create or force-move the branch to ``sha``; after a 409/422/5xx or lost answer, re-read and retry once."""
        gh = self.config.github
        self.steps.now = f"update branch {gh.branch}"
        try:
            self._set_ref(handles.repo, handles.branch, sha)
            return
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            if isinstance(e, GithubException) and status not in (409, 422) and status < 500:
                raise
            log.warning("updating %s failed (%s); re-reading it", gh.branch, status or type(e).__name__)
        current = self.reader.get_branch(handles.repo)
        if current is not None and current.object.sha == sha:
            return  # the write had landed; only its answer was lost
        unmoved = snap.branch_sha is not None and current is not None and current.object.sha == snap.branch_sha
        if current is not None and not snap.takeover and not (snap.stale_pr is not None and unmoved):
            foreign = self.reader.foreign_commits(handles.repo, snap.base_sha, current.object.sha)
            if foreign:
                raise PublishError(f"branch {gh.branch} of {self.reader.repo_name} changed while kd-tracker was "
                                   f"writing it ({'; '.join(foreign)}); re-run to comment instead of overwriting")
        self._set_ref(handles.repo, current, sha)

    def _set_ref(self, repo: Repository, ref: GitRef | None, sha: str) -> None:
        if ref is None:
            repo.create_git_ref(f"refs/heads/{self.config.github.branch}", sha)
        else:
            ref.edit(sha, force=True)

    def _write_pr(self, snap: Snapshot, handles: Handles, plan: PublishPlan) -> tuple[PullRequest, bool]:
        """The open PR with the current title and body: ``(pr, created)``."""
        repo, change = handles.repo, plan.change
        if handles.pr is not None and not plan.open_pr:
            self._edit_pr(repo, handles.pr, plan.pr_edits, change)
            return handles.pr, False
        gh = self.config.github
        self.steps.now = f"open a PR from {gh.branch}"
        try:
            return repo.create_pull(base=snap.base_branch, head=gh.branch, title=change.title, body=change.body), True
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            exists = status == 422 and "already exists" in str(getattr(e, "data", "")).lower()
            if isinstance(e, GithubException) and not exists and status < 500:
                raise
            log.warning("creating the PR failed (%s); looking it up by its head branch", status or type(e).__name__)
        self.steps.now = f"look up the open PR from {gh.branch}"
        found = self.reader.find_pr(repo)
        if found is None:
            self.steps.now = f"open a PR from {gh.branch}"
            return repo.create_pull(base=snap.base_branch, head=gh.branch, title=change.title, body=change.body), True
        self._edit_pr(repo, found, pr_edits(OpenPr.of(found), change), change)
        return found, not exists

    def _edit_pr(self, repo: Repository, pr: PullRequest, edits: Mapping[str, str], change: Change) -> None:
        if edits:
            self.steps.now = f"update PR #{pr.number}"
            self.checked_write(lambda: pr.edit(**edits),
                               lambda: not pr_edits(OpenPr.of(repo.get_pull(pr.number)), change))

    def checked_write(self, write: Callable[[], object], landed: Callable[[], bool]) -> None:
        """Send ``write``; after a 5xx or a lost answer, re-read with ``landed`` instead of failing or resending blindly.

        The write had taken effect: done. It had not: it is sent once more
        (the writes checked this way set a state, so sending one twice is harmless).
        See :func:`tracker.github.checked_write`.
        """

        def name(step: str) -> None:
            self.steps.now = step

        checked_write(write, landed, step=self.steps.now, on_reread=name)

    def _write_labels(self, repo: Repository, pr: PullRequest, plan: PublishPlan) -> None:
        wanted = labels_for([label.name for label in pr.labels], plan.labels, plan.drop_label)
        if wanted is None:
            return
        self._create_labels(repo, plan.labels)
        self.steps.now = f"label PR #{pr.number}"
        self.checked_write(lambda: pr.set_labels(*wanted), lambda: {lb.name for lb in pr.get_labels()} == set(wanted))

    def _create_labels(self, repo: Repository, labels: tuple[str, ...]) -> None:
        """Create the bot's labels the repository lacks, with a colour and description (else GitHub makes them grey)."""
        takeover = self.config.github.takeover_label
        for name in dict.fromkeys([*labels, takeover]):
            color, description = LABEL_STYLE["takeover" if name == takeover else "labels"]
            self.steps.now = f"read label {name!r}"
            if self._label_exists(repo, name):
                continue
            self.steps.now = f"create label {name!r}"
            self.checked_write(lambda n=name, c=color, d=description: _create_label(repo, n, c, d),  # type: ignore[misc]
                               lambda n=name: self._label_exists(repo, n))  # type: ignore[misc]
            log.info("created label %r in %s", name, self.reader.repo_name)

    @staticmethod
    def _label_exists(repo: Repository, name: str) -> bool:
        try:
            _ = repo.get_label(name).color  # a lazy label is read only here
        except UnknownObjectException:
            return False
        return True

    def _comment_once(self, pr: PullRequest, kind: str, text: str) -> None:
        """Comment ``text`` on ``pr`` unless the same comment (by its hidden marker) is already there."""
        marker = f"<!-- kd-tracker:{kind} {hashlib.sha256(text.encode()).hexdigest()[:16]} -->"
        self.steps.now = f"read the comments of PR #{pr.number}"
        for comment in pr.get_issue_comments():
            if marker in (comment.body or "") and (self.bot_login is None or comment.user.login == self.bot_login):
                return
        self.steps.now = f"comment on PR #{pr.number}"
        self.checked_write(lambda: pr.create_issue_comment(f"{text}\n\n{marker}"),
                           lambda: any(marker in (c.body or "") for c in pr.get_issue_comments()))


def _create_label(repo: Repository, name: str, color: str, description: str) -> None:
    """Create one label; one that exists already (another run, a lost answer) counts as created."""
    try:
        repo.create_label(name, color, description)
    except GithubException as e:
        if e.status == 422 and "already_exists" in str(e.data):
            return
        raise
