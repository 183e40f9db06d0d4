"""One pull request, always current: the branch, its single commit, the PR, its labels.

:class:`Publisher` reads the list at the head of the default branch, applies
the proposals with :class:`~tracker.listdoc.document.ListDocument`, and then brings
GitHub to one state, whatever earlier runs left behind:

- nothing to add: no branch and no PR (an open bot PR is closed with a comment, its branch deleted);
- otherwise the branch ``github.branch`` holds exactly one commit on top of the
  current base (git data API: tree, commit, force-updated ref), and one open PR
  from it has the current title, body and labels.

Writes are ordered so that a crash or a lost answer at any point leaves a state
the next run repairs: the commit exists before the ref points at it; the ref
exists before the PR; a PR whose creation "failed" with a 5xx or a dropped
connection is looked up by its head branch before anything is created again. No write is resent blindly:
after a 5xx or a lost answer on editing the PR, labelling, commenting, closing
or deleting the branch, the bot re-reads what GitHub holds; a write that had
landed counts as done, one that had not is sent once more.

**Whose branch is it.** The branch belongs to the bot when every commit on it
that the default branch lacks (``compare base...branch``) was made by the bot:
author and committer e-mail equal ``github.committer_email`` and the message
carries the ``Kd-Tracker-Run:`` trailer. A commit pushed by anyone else (a
maintainer's fix, a web edit, an amend or rebase, which re-commit under another
committer) makes the branch theirs: the bot leaves branch and PR as they are,
comments once what it would have changed, and reports ``blocked``, until a
maintainer adds the ``github.takeover_label`` label to the PR. A branch with no
commits of its own (already merged) is the bot's to rebuild.

**Whose PR text is it.** The bot owns the body above
:data:`~tracker.publish.body.NOTES_MARKER` and rewrites it each run; what a
maintainer writes below the marker is kept in every rewrite. A title a
maintainer edited (it no longer matches the one the bot recorded in the body)
is left alone. See :mod:`tracker.publish.body`.

**A stale branch is rebuilt.** Only the branch of an *open* PR is protected.
When there is no open PR and the branch still points where a merged or closed
PR from it left it, the maintainers' commits on it are either in the default
branch already (a squash merge never makes them its ancestors) or were closed
on purpose: the branch is force-moved to a fresh bot commit on the base and a
new PR is opened. A branch pushed to after its PR closed, or one that never had
a PR, is still someone's work: ``blocked`` until it is deleted.

This module and :mod:`tracker.github.client` are the only ones importing ``github``.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests
from github import Github, GithubException, InputGitAuthor, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GithubException import UnknownObjectException
from github.GitRef import GitRef
from github.PullRequest import PullRequest
from github.Repository import Repository

from tracker.config import Config
from tracker.errors import ListFormatError, PublishError
from tracker.github import PrMetadata, parse_pr_metadata, to_publish_error
from tracker.listdoc import ApplyResult, ListDocument
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
from tracker.records import Proposal

__all__ = ["BOT_TRAILER", "PublishContext", "PublishOutcome", "Publisher"]

log = logging.getLogger(__name__)

BOT_TRAILER = "Kd-Tracker-Run:"
"""Trailer line in every commit the bot makes; part of the rule that tells its commits from others'."""


@dataclass
class _Snapshot:
    """What the repository looks like before a run writes anything."""

    repo: Repository
    base_branch: str
    base_commit: GitCommit
    readme_text: str
    branch: GitRef | None
    pr: PullRequest | None
    foreign: tuple[str, ...]
    """Commits on the branch not made by the bot, as ``abc1234 by Name: subject``."""
    takeover: bool
    """The open PR carries the take-over label: the bot may overwrite others' commits."""
    stale_pr: int | None = None
    """The merged or closed PR the branch is left over from (no open PR; others' commits may be on it)."""


@dataclass(frozen=True)
class _Change:
    """The list after applying the proposals, and the PR text that describes it."""

    result: ApplyResult
    base_text: str
    papers: tuple[tuple[Proposal, tuple[str, ...]], ...]
    title: str
    body: str
    diff: str


class Publisher:
    """Publish proposals to ``repo_name`` as the bot's single pull request.

    ``github`` is a ready client (:func:`tracker.github.client.build_github`);
    ``bot_login``, when given, restricts the comments the bot recognises as
    its own to that user's.
    """

    def __init__(self, github: Github, repo_name: str, config: Config, *, bot_login: str | None = None) -> None:
        self.github = github
        self.repo_name = repo_name
        self.config = config
        self.bot_login = bot_login
        self._step = "read the repository"

    # -- public API ----------------------------------------------------------------------------------------
    def publish(self, proposals: Sequence[Proposal], context: PublishContext) -> PublishOutcome:
        """Bring the branch and the PR up to date with ``proposals``; see the module docstring."""
        with self._publish_errors():
            return self._publish(proposals, context)

    def read_list(self) -> str:
        """The list file at the head of the default branch (reads only; no token needed for a public repo)."""
        with self._publish_errors():
            self._step = "read the repository"
            repo = self.github.get_repo(self.repo_name)
            self._refuse_default_branch(repo.default_branch)
            self._step = f"read {self.config.list.path} at {repo.default_branch}"
            text = self._read_file(repo, repo.default_branch)
        if text is None:
            raise PublishError(f"{self.config.list.path} not found in {self.repo_name}; check list.path in the config")
        return text

    def open_pr_metadata(self) -> PrMetadata | None:
        """What waits in the bot's open PR, from its metadata (None: no open PR, or none readable); reads only."""
        with self._publish_errors():
            self._step = "read the repository"
            repo = self.github.get_repo(self.repo_name)
            self._step = f"look up the open PR from {self.config.github.branch}"
            pr = self._find_pr(repo)
        return parse_pr_metadata(pr.body) if pr is not None else None

    def preview(self, proposals: Sequence[Proposal], context: PublishContext, outdir: str | Path,
                readme_text: str | None = None) -> PublishOutcome:
        """A dry run: write README.md, README.diff and PR_BODY.md to ``outdir``; call no write endpoint.

        The status is what :meth:`publish` would do now, found with reads only
        (these work without a token on a public repository). With
        ``readme_text``, that text stands for the list and GitHub is not asked
        at all: the status is then ``created`` when something would be
        inserted, else ``unchanged``.
        """
        with self._publish_errors():
            outcome = self._preview(proposals, context, readme_text)
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        for name, text in (("README.md", outcome.readme_text), ("README.diff", outcome.diff),
                           ("PR_BODY.md", outcome.body)):
            (out / name).write_text(text, encoding="utf-8", newline="")
        log.info("dry run: wrote README.md, README.diff and PR_BODY.md to %s", out)
        return outcome

    @contextlib.contextmanager
    def _publish_errors(self) -> Iterator[None]:
        """PyGithub and network errors as one-line :class:`PublishError`\\ s naming the step that failed."""
        try:
            yield
        except (GithubException, requests.RequestException) as e:
            raise to_publish_error(e, action=self._step, repo=self.repo_name, config=self.config) from e

    # -- reading -------------------------------------------------------------------------------------------
    def _snapshot(self) -> _Snapshot:
        gh = self.config.github
        self._step = "read the repository"
        repo = self.github.get_repo(self.repo_name)
        base_branch = repo.default_branch
        self._refuse_default_branch(base_branch)
        self._step = f"read branch {base_branch}"
        base_sha = repo.get_git_ref(f"heads/{base_branch}").object.sha
        base_commit = repo.get_git_commit(base_sha)
        self._step = f"read {self.config.list.path} at {base_branch}"
        readme = self._read_file(repo, base_sha)
        if readme is None:
            raise PublishError(f"{self.config.list.path} not found in {self.repo_name} at {base_branch}; "
                               f"check list.path in the config")
        self._step = f"read branch {gh.branch}"
        branch = self._get_branch(repo)
        self._step = f"look up the open PR from {gh.branch}"
        pr = self._find_pr(repo)
        foreign: tuple[str, ...] = ()
        stale_pr: int | None = None
        if branch is not None:
            self._step = f"compare {gh.branch} with {base_branch}"
            foreign = self._foreign_commits(repo, base_sha, branch.object.sha)
            if foreign and pr is None:
                self._step = f"look up the closed PRs from {gh.branch}"
                stale_pr = self._closed_pr_at(repo, branch.object.sha)
                if stale_pr is not None:
                    log.info("branch %s is left over from closed PR #%d (%s); kd-tracker rebuilds it",
                             gh.branch, stale_pr, "; ".join(foreign))
                    foreign = ()
        takeover = pr is not None and any(label.name == gh.takeover_label for label in pr.labels)
        snapshot = _Snapshot(repo, base_branch, base_commit, readme, branch, pr, foreign, takeover, stale_pr)
        log.info("%s: %s at %s (%s); branch %s %s; %s", self.repo_name, self.config.list.path, base_branch,
                 base_sha[:7], gh.branch, "absent" if branch is None else f"at {branch.object.sha[:7]}",
                 f"open PR #{pr.number}" if pr else "no open PR")
        return snapshot

    def _refuse_default_branch(self, default_branch: str) -> None:
        """The bot force-moves ``github.branch`` each run: never the repository's default branch."""
        branch = self.config.github.branch
        if branch == default_branch:
            raise PublishError(f"github.branch is {branch!r}, the default branch of {self.repo_name}: kd-tracker "
                               f"force-moves that branch to its own commit every run; set github.branch to a "
                               f"branch of its own, e.g. 'kd-tracker/weekly'")

    def _read_file(self, repo: Repository, ref: str) -> str | None:
        try:
            found = repo.get_contents(self.config.list.path, ref=ref)
        except UnknownObjectException:
            return None
        if isinstance(found, list):
            raise ListFormatError(f"{self.config.list.path} in {self.repo_name} is a directory; "
                                  f"set list.path to the list's markdown file")
        return found.decoded_content.decode("utf-8")

    def _get_branch(self, repo: Repository) -> GitRef | None:
        try:
            ref = repo.get_git_ref(f"heads/{self.config.github.branch}")
            _ = ref.object.sha  # a lazy client reads the ref only here
        except UnknownObjectException:
            return None
        return ref

    def _find_pr(self, repo: Repository) -> PullRequest | None:
        head = f"{repo.owner.login}:{self.config.github.branch}"
        pulls = sorted(repo.get_pulls(state="open", head=head), key=lambda p: p.number)
        if len(pulls) > 1:
            log.warning("%d open PRs from %s; kd-tracker keeps #%d up to date", len(pulls), head, pulls[0].number)
        return pulls[0] if pulls else None

    def _closed_pr_at(self, repo: Repository, branch_sha: str) -> int | None:
        """The newest merged or closed PR from the branch whose head is ``branch_sha``, i.e. left as it closed."""
        head = f"{repo.owner.login}:{self.config.github.branch}"
        newest_first = repo.get_pulls(state="closed", sort="created", direction="desc", head=head)
        return next((pull.number for pull in newest_first if pull.head.sha == branch_sha), None)  # stops paging early

    def _is_bot_commit(self, commit: GitCommit) -> bool:
        email = self.config.github.committer_email.lower()
        trailer = any(line.startswith(BOT_TRAILER) for line in commit.message.splitlines())
        return trailer and commit.author.email.lower() == email and commit.committer.email.lower() == email

    def _foreign_commits(self, repo: Repository, base_sha: str, branch_sha: str) -> tuple[str, ...]:
        foreign = []
        for commit in repo.compare(base_sha, branch_sha).commits:
            if not self._is_bot_commit(commit.commit):
                subject = commit.commit.message.splitlines()[0] if commit.commit.message else ""
                foreign.append(f"{commit.sha[:7]} by {commit.commit.author.name}: {subject}")
        return tuple(foreign)

    # -- the change ----------------------------------------------------------------------------------------
    def _change(self, base_text: str, proposals: Sequence[Proposal], context: PublishContext,
                pr: PullRequest | None = None) -> _Change:
        """The new list and the PR text; the body keeps the notes maintainers wrote at the end of ``pr``'s."""
        listing = self.config.list
        result = ListDocument.parse(base_text, listing.path).apply(
            proposals, log_date=context.as_of if listing.update_log else None, log_template=listing.update_log_template)
        sections: dict[Proposal, list[str]] = {}
        for proposal, section in result.inserted:
            sections.setdefault(proposal, []).append(section)
        papers = tuple((p, tuple(s)) for p, s in sections.items())
        skipped = len({p for p, _ in result.skipped} - set(sections))
        title = render_title(self.config.github.pr_title, len(papers), context.window)
        notes = notes_of(pr.body) if pr is not None else ""
        footer = render_footer(title)
        body = with_notes(render_body(papers, context, skipped=skipped, takeover_label=self.config.github.takeover_label,
                                      limit=MAX_BODY - len(footer) - len(notes)) + footer, notes)
        diff = "".join(difflib.unified_diff(base_text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                                            f"a/{listing.path}", f"b/{listing.path}")) if result.changed else ""
        log.info("%d of %d proposals inserted (%d rows); %d already in the list",
                 len(papers), len(proposals), len(result.inserted), skipped)
        return _Change(result, base_text, papers, title, body, diff)

    def _outcome(self, status: Status, change: _Change, pr: PullRequest | None, *, note: str = "",
                 dry_run: bool = False) -> PublishOutcome:
        return PublishOutcome(status, pr.number if pr else None, pr.html_url if pr else None, len(change.papers),
                              change.result.text, change.diff, change.body, note, dry_run)

    def _blocked_note(self, snap: _Snapshot) -> str:
        gh = self.config.github
        how = (f"add the label '{gh.takeover_label}' to PR #{snap.pr.number} to let kd-tracker rebuild it"
               if snap.pr else "delete the branch to let kd-tracker rebuild it")
        return f"branch {gh.branch} has {len(snap.foreign)} commit(s) not made by kd-tracker; {how}"

    # -- publish -------------------------------------------------------------------------------------------
    def _publish(self, proposals: Sequence[Proposal], context: PublishContext) -> PublishOutcome:
        snap = self._snapshot()
        change = self._change(snap.readme_text, proposals, context, snap.pr)
        if snap.foreign and not snap.takeover:
            if not change.result.changed:
                return self._outcome("unchanged", change, snap.pr, note="nothing to add; the branch is not kd-tracker's")
            if snap.pr is not None:
                self._comment_once(snap.pr, "blocked", self._blocked_comment(snap, change))
            log.warning("not overwriting %s: %s", self.config.github.branch, "; ".join(snap.foreign))
            return self._outcome("blocked", change, snap.pr, note=self._blocked_note(snap))
        if not change.result.changed:
            return self._withdraw(snap, change)
        committed = self._write_branch(snap, change)
        pr, created, edited = self._write_pr(snap, change)
        relabelled = self._write_labels(pr, drop_takeover=bool(snap.foreign))
        status: Status = "created" if created else "updated" if (committed or edited or relabelled) else "unchanged"
        log.info("%s PR #%d: %s", status, pr.number, pr.html_url)
        note = (f"rebuilt branch {self.config.github.branch}, left over from closed PR #{snap.stale_pr}"
                if snap.stale_pr is not None else "")
        return self._outcome(status, change, pr, note=note)

    def _withdraw(self, snap: _Snapshot, change: _Change) -> PublishOutcome:
        """Nothing to add: close the bot's PR (with a comment) and delete its branch."""
        pr = snap.pr
        if pr is not None:
            self._comment_once(pr, "closed", render_closed_comment(snap.base_branch, snap.base_commit.sha))
            self._step = f"close PR #{pr.number}"
            self._checked_write(lambda: pr.edit(state="closed"),
                                lambda: snap.repo.get_pull(pr.number).state == "closed")
            log.info("closed PR #%d: nothing left to add", pr.number)
        if snap.branch is not None:
            self._step = f"delete branch {self.config.github.branch}"
            self._checked_write(snap.branch.delete, lambda: self._get_branch(snap.repo) is None)
            log.info("deleted branch %s", self.config.github.branch)
        if pr is not None:
            return self._outcome("closed", change, pr, note="nothing left to add")
        return self._outcome("unchanged", change, None, note="nothing to add")

    def _write_branch(self, snap: _Snapshot, change: _Change) -> bool:
        """Point the branch at one bot commit with the new list on top of the base; False if it already is."""
        gh = self.config.github
        if snap.branch is not None and not snap.foreign and snap.stale_pr is None:
            self._step = f"read {self.config.list.path} on {gh.branch}"
            if self._read_file(snap.repo, snap.branch.object.sha) == change.result.text:
                log.info("branch %s already holds this list; no new commit", gh.branch)
                return False
        self._step = f"commit to {gh.branch}"
        me = InputGitAuthor(gh.committer_name, gh.committer_email)
        element = InputGitTreeElement(self.config.list.path, "100644", "blob", content=change.result.text)
        tree = snap.repo.create_git_tree([element], base_tree=snap.base_commit.tree)
        message = (f"Add {len(change.papers)} paper{'' if len(change.papers) == 1 else 's'} to the list\n\n"
                   f"Proposed by kd-tracker; see the pull request for scores and sections.\n\n"
                   f"{BOT_TRAILER} {hashlib.sha256(change.result.text.encode()).hexdigest()[:12]}")
        commit = snap.repo.create_git_commit(message, tree, [snap.base_commit], author=me, committer=me)
        self._point_branch(snap, commit.sha)
        log.info("branch %s -> %s (one commit on %s %s)", gh.branch, commit.sha[:7], snap.base_branch,
                 snap.base_commit.sha[:7])
        return True

    def _point_branch(self, snap: _Snapshot, sha: str) -> None:
        """Create or force-move the branch to ``sha``; after a 409/422/5xx or lost answer, re-read and retry once."""
        gh = self.config.github
        self._step = f"update branch {gh.branch}"
        try:
            self._set_ref(snap.repo, snap.branch, sha)
            return
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            if isinstance(e, GithubException) and status not in (409, 422) and status < 500:
                raise
            log.warning("updating %s failed (%s); re-reading it", gh.branch, status or type(e).__name__)
        current = self._get_branch(snap.repo)
        if current is not None and current.object.sha == sha:
            return  # the write had landed; only its answer was lost
        unmoved = snap.branch is not None and current is not None and current.object.sha == snap.branch.object.sha
        if current is not None and not snap.takeover and not (snap.stale_pr is not None and unmoved):
            foreign = self._foreign_commits(snap.repo, snap.base_commit.sha, current.object.sha)
            if foreign:
                raise PublishError(f"branch {gh.branch} of {self.repo_name} changed while kd-tracker was writing it "
                                   f"({'; '.join(foreign)}); re-run to comment instead of overwriting")
        self._set_ref(snap.repo, current, sha)

    def _set_ref(self, repo: Repository, ref: GitRef | None, sha: str) -> None:
        if ref is None:
            repo.create_git_ref(f"refs/heads/{self.config.github.branch}", sha)
        else:
            ref.edit(sha, force=True)

    def _write_pr(self, snap: _Snapshot, change: _Change) -> tuple[PullRequest, bool, bool]:
        """The open PR with the current title and body: ``(pr, created, edited)``."""
        if snap.pr is not None:
            return snap.pr, False, self._edit_pr(snap.repo, snap.pr, change)
        gh = self.config.github
        self._step = f"open a PR from {gh.branch}"
        try:
            pr = snap.repo.create_pull(base=snap.base_branch, head=gh.branch, title=change.title, body=change.body)
            return pr, True, True
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            exists = status == 422 and "already exists" in str(getattr(e, "data", "")).lower()
            if isinstance(e, GithubException) and not exists and status < 500:
                raise
            log.warning("creating the PR failed (%s); looking it up by its head branch", status or type(e).__name__)
        self._step = f"look up the open PR from {gh.branch}"
        found = self._find_pr(snap.repo)
        if found is None:
            self._step = f"open a PR from {gh.branch}"
            return snap.repo.create_pull(base=snap.base_branch, head=gh.branch, title=change.title,
                                         body=change.body), True, True
        self._edit_pr(snap.repo, found, change)
        return found, not exists, True

    @staticmethod
    def _pr_edits(pr: PullRequest, change: _Change) -> dict[str, str]:
        """Title and body changes for ``pr``; a title a maintainer edited is theirs and left alone."""
        edits = {}
        if (pr.title or "") != change.title:
            if title_edited(pr.title, pr.body):
                log.info("PR #%d: keeping the title a maintainer set (%r)", pr.number, pr.title)
            else:
                edits["title"] = change.title
        if (pr.body or "") != change.body:
            edits["body"] = change.body
        return edits

    def _edit_pr(self, repo: Repository, pr: PullRequest, change: _Change) -> bool:
        edits = self._pr_edits(pr, change)
        if edits:
            self._step = f"update PR #{pr.number}"
            self._checked_write(lambda: pr.edit(**edits), lambda: not self._pr_edits(repo.get_pull(pr.number), change))
        return bool(edits)

    def _checked_write(self, write: Callable[[], object], landed: Callable[[], bool]) -> None:
        """Send ``write``; after a 5xx or a lost answer, re-read with ``landed`` instead of failing or resending blindly.

        The write had taken effect: done. It had not: it is sent once more
        (the writes checked this way set a state, so sending one twice is harmless).
        """
        step = self._step
        try:
            write()
            return
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            if isinstance(e, GithubException) and status < 500:
                raise
            log.warning("%s: %s; re-reading what GitHub holds", step, status or type(e).__name__)
        self._step = f"re-read after trying to {step}"
        if landed():
            log.info("%s: GitHub had done it; only its answer was lost", step)
            return
        self._step = step
        log.info("%s: not done on GitHub; sending it once more", step)
        write()

    def _write_labels(self, pr: PullRequest, *, drop_takeover: bool) -> bool:
        gh = self.config.github
        current = [label.name for label in pr.labels]
        wanted = current + [name for name in gh.labels if name not in current]
        if drop_takeover:  # taken over: later human pushes are protected again
            wanted = [name for name in wanted if name != gh.takeover_label]
        if set(wanted) == set(current):
            return False
        self._step = f"label PR #{pr.number}"
        self._checked_write(lambda: pr.set_labels(*wanted), lambda: {lb.name for lb in pr.get_labels()} == set(wanted))
        return True

    def _comment_once(self, pr: PullRequest, kind: str, text: str) -> bool:
        """Comment ``text`` on ``pr`` unless the same comment (by its hidden marker) is already there."""
        marker = f"<!-- kd-tracker:{kind} {hashlib.sha256(text.encode()).hexdigest()[:16]} -->"
        self._step = f"read the comments of PR #{pr.number}"
        for comment in pr.get_issue_comments():
            if marker in (comment.body or "") and (self.bot_login is None or comment.user.login == self.bot_login):
                return False
        self._step = f"comment on PR #{pr.number}"
        self._checked_write(lambda: pr.create_issue_comment(f"{text}\n\n{marker}"),
                            lambda: any(marker in (c.body or "") for c in pr.get_issue_comments()))
        return True

    def _blocked_comment(self, snap: _Snapshot, change: _Change) -> str:
        return render_blocked_comment(change.papers, branch=self.config.github.branch, foreign=snap.foreign,
                                      base_branch=snap.base_branch, base_sha=snap.base_commit.sha,
                                      takeover_label=self.config.github.takeover_label)

    # -- preview -------------------------------------------------------------------------------------------
    def _preview(self, proposals: Sequence[Proposal], context: PublishContext,
                 readme_text: str | None) -> PublishOutcome:
        if readme_text is not None:
            change = self._change(readme_text, proposals, context)
            return self._outcome("created" if change.result.changed else "unchanged", change, None, dry_run=True)
        snap = self._snapshot()
        change = self._change(snap.readme_text, proposals, context, snap.pr)
        if snap.foreign and not snap.takeover:
            status: Status = "blocked" if change.result.changed else "unchanged"
            note = self._blocked_note(snap) if change.result.changed else "nothing to add; the branch is not kd-tracker's"
            return self._outcome(status, change, snap.pr, note=note, dry_run=True)
        if not change.result.changed:
            return self._outcome("closed" if snap.pr else "unchanged", change, snap.pr, dry_run=True,
                                 note="nothing left to add" if snap.pr else "nothing to add")
        if snap.pr is None:
            return self._outcome("created", change, None, dry_run=True)
        same_branch = (snap.branch is not None and not snap.foreign
                       and self._read_file(snap.repo, snap.branch.object.sha) == change.result.text)
        same_pr = not self._pr_edits(snap.pr, change)
        current = {label.name for label in snap.pr.labels}
        same_labels = set(self.config.github.labels) <= current and not (snap.foreign and snap.takeover)
        status = "unchanged" if same_branch and same_pr and same_labels else "updated"
        return self._outcome(status, change, snap.pr, dry_run=True)
