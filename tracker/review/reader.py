"""Reads the review signals come from, on GitHub: the bot's earlier PRs and the list file's commits.

Reads only (they work without a token on a public repository). Bot PRs are
the PRs from ``github.branch`` in any state (``GET /pulls?state=all&head=
owner:branch``: many weekly PRs share that branch name) whose body carries
kd-tracker's hidden metadata; open ones are not reviewed yet. The list's
history is the commits of ``list.path`` (of any of its files, when it names several) on the default branch, newest first,
read back to the commit the previous ``learn`` stopped at (or at most
``max_commits`` on the first one). A walk that does not meet that commit
says so (:attr:`ListHistory.found_stop`), and :meth:`ReviewReader.on_branch`
tells a commit still in the branch's history from one a re-created repository
or a rewritten history no longer has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import requests
from github import Github, GithubException
from github.GithubException import RateLimitExceededException, UnknownObjectException
from github.Repository import Repository

from tracker.config import Config
from tracker.errors import ListFormatError, PublishError
from tracker.github import PrMetadata, github_message, parse_pr_metadata, to_publish_error

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class BotPull:
    """An earlier bot PR, merged or closed, with its metadata."""

    number: int
    state: str
    """``merged`` or ``closed`` (without merging)."""
    date: str
    """Merge or close date, ``YYYY-MM-DD``."""
    metadata: PrMetadata


@dataclass(frozen=True)
class ListCommit:
    """One commit of the list file on the default branch."""

    sha: str
    date: str
    """Commit date, ``YYYY-MM-DD``."""


@dataclass(frozen=True)
class ListHistory:
    """The list file's commits read by one walk of the default branch."""

    commits: tuple[ListCommit, ...]
    """Oldest first."""
    found_stop: bool
    """The walk met the commit it was to stop at."""
    complete: bool
    """The walk read the file's whole history on the branch (it stopped neither at the commit nor at the cap)."""


class ReviewReader:
    """Reads bot PRs, list commits and list versions of ``repo_name``; GitHub errors become one-line errors."""

    def __init__(self, github: Github, repo_name: str, config: Config) -> None:
        self.github = github
        self.repo_name = repo_name
        self.config = config
        self._repo: Repository | None = None

    def _call(self, action: str, func: Callable[[], T]) -> T:
        try:
            return func()
        except (GithubException, requests.RequestException) as e:
            raise self._error(e, action) from e

    def _error(self, error: Exception, action: str) -> PublishError:
        if isinstance(error, RateLimitExceededException) or getattr(error, "status", 0) in (401, 403, 404):
            return to_publish_error(error, action=action, repo=self.repo_name, config=self.config)
        if isinstance(error, GithubException):
            return PublishError(f"GitHub answered {error.status} while trying to {action} for {self.repo_name} "
                                f"({github_message(error)}); re-run learn: it adds nothing twice")
        return PublishError(f"no answer from GitHub ({self.config.github.api_url}) while trying to {action} for "
                            f"{self.repo_name} ({type(error).__name__}); check the network and github.api_url, "
                            f"then re-run learn")

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            self._repo = self._call("read the repository", lambda: self.github.get_repo(self.repo_name))
        return self._repo

    @property
    def default_branch(self) -> str:
        return self._call("read the repository", lambda: self.repo.default_branch)

    def head_sha(self) -> str:
        branch = self.default_branch
        return self._call(f"read branch {branch}", lambda: self.repo.get_git_ref(f"heads/{branch}").object.sha)

    def list_text(self, ref: str) -> str | dict[str, str] | None:
        """The list file at ``ref`` (None when it does not exist there).

        When ``list.path`` names several files: their texts by path (a file
        missing at ``ref`` reads as empty; None when all are).
        """
        files = self.config.list.files
        if len(files) > 1:
            texts = {path: self._file_text(path, ref) for path in files}
            if all(text is None for text in texts.values()):
                return None
            return {path: text or "" for path, text in texts.items()}
        return self._file_text(files[0], ref)

    def _file_text(self, path: str, ref: str) -> str | None:
        def read() -> str | None:
            try:
                found = self.repo.get_contents(path, ref=ref)
            except UnknownObjectException:
                return None
            if isinstance(found, list):
                raise ListFormatError(f"{path} in {self.repo_name} is a directory; set list.path to the list's markdown file")
            return found.decoded_content.decode("utf-8")

        return self._call(f"read {path} at {ref[:12]}", read)

    def bot_pulls(self) -> tuple[list[BotPull], int]:
        """Merged and closed bot PRs with readable metadata, oldest first; and how many open ones were skipped."""
        branch = self.config.github.branch
        head = f"{self.repo.owner.login}:{branch}"

        def read() -> tuple[list[BotPull], int]:
            found, still_open = [], 0
            for pr in self.repo.get_pulls(state="all", head=head, sort="created", direction="asc"):
                if pr.state == "open":
                    still_open += 1
                    continue
                metadata = parse_pr_metadata(pr.body)
                if metadata is None:
                    log.info("PR #%d from %s has no kd-tracker metadata; not a bot PR", pr.number, branch)
                    continue
                when = pr.merged_at or pr.closed_at  # list answers carry merged_at, not merged
                found.append(BotPull(pr.number, "merged" if pr.merged_at is not None else "closed",
                                     when.date().isoformat() if when else "", metadata))
            return sorted(found, key=lambda p: p.number), still_open

        return self._call(f"list the PRs from {branch}", read)

    def list_commits(self, stop_at: str | None, max_commits: int) -> ListHistory:
        """Commits of the list file on the default branch after ``stop_at``, oldest first (at most ``max_commits``)."""
        if len(self.config.list.files) > 1:
            return self._files_commits(stop_at, max_commits)
        branch, path = self.default_branch, self.config.list.files[0]

        def read() -> ListHistory:
            out: list[ListCommit] = []
            for commit in self.repo.get_commits(sha=branch, path=path):
                if commit.sha == stop_at:
                    return ListHistory(tuple(out[::-1]), found_stop=True, complete=False)
                if len(out) >= max_commits:
                    return ListHistory(tuple(out[::-1]), found_stop=False, complete=False)
                date = commit.commit.committer.date or commit.commit.author.date
                out.append(ListCommit(commit.sha, date.date().isoformat() if date else ""))
            return ListHistory(tuple(out[::-1]), found_stop=False, complete=True)

        return self._call(f"list the commits of {path} on {branch}", read)

    def _files_commits(self, stop_at: str | None, max_commits: int) -> ListHistory:
        """:meth:`list_commits` of a list split into files: the commits of any of them, newest ``max_commits``.

        Each file's walk stops at ``stop_at`` or at a commit not newer than it
        (read by an earlier learn through another file).
        """
        branch, files = self.default_branch, self.config.list.files

        def read() -> ListHistory:
            stop_date = None
            if stop_at:
                try:
                    stop_date = self.repo.get_git_commit(stop_at).committer.date
                except GithubException as e:
                    if e.status not in (404, 422):
                        raise
            found: dict[str, tuple[object, str]] = {}
            found_stop, capped = False, False
            for path in files:
                read_here = 0
                for commit in self.repo.get_commits(sha=branch, path=path):
                    if commit.sha == stop_at:
                        found_stop = True
                        break
                    date = commit.commit.committer.date or commit.commit.author.date
                    if stop_date is not None and date is not None and date <= stop_date:
                        break
                    if read_here >= max_commits:
                        capped = True
                        break
                    read_here += 1
                    found.setdefault(commit.sha, (date, date.date().isoformat() if date else ""))
            newest_first = sorted(found.items(), key=lambda item: item[1][0] or 0, reverse=True)  # type: ignore[arg-type, return-value]
            capped = capped or len(newest_first) > max_commits
            out = [ListCommit(sha, day) for sha, (_, day) in newest_first[:max_commits]]
            return ListHistory(tuple(out[::-1]), found_stop=found_stop, complete=not found_stop and not capped)

        return self._call(f"list the commits of {', '.join(files)} on {branch}", read)

    def on_branch(self, sha: str) -> bool:
        """Whether commit ``sha`` exists and is in the history of the default branch (GitHub's compare)."""
        branch = self.default_branch

        def read() -> bool:
            try:
                status = self.repo.compare(sha, branch).status
            except GithubException as e:
                if e.status == 404:  # no such commit, or no common ancestor with the branch
                    return False
                raise
            return status in ("ahead", "identical")

        return self._call(f"compare commit {sha[:7]} with {branch}", read)

    def parent_text(self, sha: str) -> str | None:
        """The list file just before commit ``sha`` (at its first parent)."""
        parents = self._call(f"read commit {sha[:7]}", lambda: self.repo.get_git_commit(sha).parents)
        return self.list_text(parents[0].sha) if parents else None
