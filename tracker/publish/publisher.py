"""One pull request, always current: the branch, its single commit, the PR, its labels.

:class:`Publisher` reads the list at the head of the default branch, applies
the proposals with :class:`~tracker.listdoc.document.ListDocument`, and then brings
GitHub to one state, whatever earlier runs left behind:

- nothing to add: no branch and no PR (an open bot PR is closed with a comment, its branch deleted);
- otherwise the branch ``github.branch`` holds exactly one commit on top of the
  current base (git data API: tree, commit, force-updated ref), and one open PR
  from it has the current title, body and labels.

A run is three steps, each in its own module: read GitHub's state once
(:mod:`tracker.publish.snapshot`), decide with no requests
(:func:`tracker.publish.plan.plan`), then either carry the plan out
(:mod:`tracker.publish.execute`: ordered writes, re-read after a lost answer,
no blind resend) or, for a dry run, write it as files
(:mod:`tracker.publish.preview`). Both report the status the plan decided.

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

Only :mod:`~tracker.publish.snapshot` (reads) and :mod:`~tracker.publish.execute` (writes) make requests.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from github import Github

from tracker.config import Config
from tracker.errors import PublishError
from tracker.publish.context import PublishContext, PublishOutcome
from tracker.publish.execute import Executor
from tracker.publish.plan import PublishPlan, needs_branch_list, plan, propose
from tracker.publish.preview import write_preview
from tracker.publish.snapshot import BOT_TRAILER, Handles, RepoReader, Snapshot, TakeOver
from tracker.publish.steps import Steps
from tracker.records import Proposal

__all__ = ["BOT_TRAILER", "PublishContext", "PublishOutcome", "Publisher", "TakeOver", "TakeOverHook"]

TakeOverHook = Callable[[TakeOver], Collection[str]]
"""Called once before a take-over rebuild writes anything, with what the maintainers changed on the branch;
returns the arXiv ids of papers they removed, which the rebuild then leaves out."""


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
        self._steps = Steps(repo_name, config)
        self._reader = RepoReader(github, repo_name, config, self._steps)

    def publish(self, proposals: Sequence[Proposal], context: PublishContext, *,
                on_takeover: TakeOverHook | None = None) -> PublishOutcome:
        """Bring the branch and the PR up to date with ``proposals``; see the module docstring.

        When the take-over label lets the bot rebuild a branch a maintainer
        edited, ``on_takeover`` is first given what they changed (to record it
        as review labels); the papers it returns are left out of the rebuild.
        """
        with self._steps.errors():
            snap, handles, the_plan = self._plan(proposals, context, dry_run=False, on_takeover=on_takeover)
            return Executor(self._reader, bot_login=self.bot_login).execute(the_plan, snap, handles)

    def read_list(self) -> str:
        """The list file at the head of the default branch (reads only; no token needed for a public repo)."""
        with self._steps.errors():
            text = self._reader.default_list()
        if text is None:
            raise PublishError(f"{self.config.list.path} not found in {self.repo_name}; check list.path in the config")
        return text

    def read_lists(self) -> dict[str, str]:
        """Every file of the list (``list.path``) at the head of the default branch, by path, in order (reads only).

        For one file, ``{list.path: read_list()}``.
        """
        with self._steps.errors():
            files = self._reader.default_lists()
        missing = next((path for path, text in files.items() if text is None), None)
        if missing is not None:
            raise PublishError(f"{missing} not found in {self.repo_name}; check list.path in the config")
        return {path: text or "" for path, text in files.items()}

    def open_pr_body(self) -> tuple[int, str] | None:
        """The bot's open PR as ``(number, body)`` (None: there is none); reads only. The review step reads its ticks."""
        with self._steps.errors():
            pr = self._reader.open_pr()
        return (pr.number, pr.body or "") if pr is not None else None

    def preview(self, proposals: Sequence[Proposal], context: PublishContext, outdir: str | Path,
                readme_text: str | Mapping[str, str] | None = None) -> PublishOutcome:
        """A dry run: write README.md, README.diff and PR_BODY.md to ``outdir``; call no write endpoint.

        For a list split into files, each changed file is written at its own
        path under ``outdir`` instead of README.md, and README.diff holds the
        diff of every changed file.
        The status is what :meth:`publish` would do now, found with reads only
        (these work without a token on a public repository). With
        ``readme_text`` (or the list's files by path), that text stands for the list and GitHub is not asked
        at all: the status is then ``created`` when something would be
        inserted, else ``unchanged``.
        """
        if readme_text is not None:
            snap = Snapshot.offline(readme_text)
            outcome = plan(snap, propose(snap, proposals, context, self.config), self.config).outcome(dry_run=True)
        else:
            with self._steps.errors():
                outcome = self._plan(proposals, context, dry_run=True)[2].outcome(dry_run=True)
        write_preview(outcome, outdir)
        return outcome

    def _plan(self, proposals: Sequence[Proposal], context: PublishContext, *, dry_run: bool,
              on_takeover: TakeOverHook | None = None) -> tuple[Snapshot, Handles, PublishPlan]:
        """Read GitHub's state once and decide; the list on the bot's branch is read only when the plan needs it."""
        snap, handles = self._reader.read()
        if on_takeover is not None and not dry_run:
            takeover = self._reader.takeover(snap, handles)
            if takeover is not None:
                removed = set(on_takeover(takeover))
                proposals = [p for p in proposals if not (p.arxiv_id and p.arxiv_id in removed)]
        change = propose(snap, proposals, context, self.config)
        if needs_branch_list(snap, change, dry_run=dry_run):
            snap = self._reader.with_branch_list(snap, handles)
        return snap, handles, plan(snap, change, self.config)
