"""Reading GitHub's state before a publish run writes anything: the :class:`Snapshot` a plan is made from.

:class:`RepoReader` makes only reads (they work without a token on a public
repository): the default branch and the list at its head, the bot's branch,
its open PR, and whose commits are on the branch. It hands back the
:class:`Snapshot` (plain data, what :func:`~tracker.publish.plan.plan` decides
from) and the :class:`Handles` (the PyGithub objects the executor writes through).

**Whose branch is it.** The branch belongs to the bot when every commit on it
that the default branch lacks (``compare base...branch``) was made by the bot
(:meth:`RepoReader.is_bot_commit`): author and committer e-mail equal
``github.committer_email`` and the message carries the :data:`BOT_TRAILER`.
A branch that still points where a merged or closed PR from it left it, with
no open PR, is a stale leftover: its commits are not counted as anyone's.

**"Update branch" is not an edit.** A merge commit of the default branch into
the bot's branch (parents: the bot's side, then a commit of the default
branch) whose list equals the three-way merge of the two sides
(:func:`~tracker.publish.merges.merge3`) and that changes no other file adds
nothing of its own: the bot rebuilds over it (:attr:`Snapshot.rebuild`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from github import Github
from github.GitCommit import GitCommit
from github.GithubException import UnknownObjectException
from github.GitRef import GitRef
from github.PullRequest import PullRequest
from github.Repository import Repository

from tracker.config import Config
from tracker.errors import ListFormatError, PublishError
from tracker.listdoc import list_fingerprint
from tracker.publish.merges import merge3
from tracker.publish.steps import Steps

log = logging.getLogger(__name__)

BOT_TRAILER = "Kd-Tracker-Run:"
"""Trailer line in every commit the bot makes; part of the rule that tells its commits from others'."""


@dataclass(frozen=True)
class OpenPr:
    """The bot's open pull request as read: what the plan compares the new title, body and labels with."""

    number: int
    url: str
    title: str
    body: str
    labels: tuple[str, ...]

    @classmethod
    def of(cls, pr: PullRequest) -> OpenPr:
        return cls(pr.number, pr.html_url, pr.title or "", pr.body or "", tuple(label.name for label in pr.labels))


@dataclass(frozen=True)
class Snapshot:
    """What the repository looks like before a run writes anything (plain data; no requests)."""

    base_branch: str
    base_sha: str
    readme_text: str
    """The list at the head of the default branch."""
    branch_sha: str | None = None
    """Where ``github.branch`` points (None: no such branch)."""
    pr: OpenPr | None = None
    """The bot's open PR from that branch."""
    foreign: tuple[str, ...] = ()
    """Commits on the branch not made by the bot, as ``abc1234 by Name: subject``."""
    takeover: bool = False
    """The open PR carries the take-over label: the bot may overwrite others' commits."""
    stale_pr: int | None = None
    """The merged or closed PR the branch is left over from (no open PR; others' commits may be on it)."""
    branch_list: str | None = None
    """The list on the bot's own branch, read only when the plan needs it (:func:`~tracker.publish.plan.needs_branch_list`)."""
    from_github: bool = True
    """False for :meth:`offline`: GitHub was not asked, nothing is known of a branch or PR."""
    rebuild: bool = False
    """The branch holds "Update branch" merges of the base: rebuild it as one commit even if its list is current."""
    own_head: str | None = None
    """The newest commit on the branch that is the bot's (or an "Update branch" merge on it): what the bot last wrote."""
    list_files: tuple[tuple[str, str], ...] = ()
    """Every list file ``(path, text)`` at the head of the default branch when ``list.path`` names several
    (:attr:`readme_text` is the first); empty for one file. :attr:`branch_list` is then their
    :func:`~tracker.listdoc.list_fingerprint` on the branch."""

    @classmethod
    def offline(cls, readme_text: str | Mapping[str, str]) -> Snapshot:
        """A snapshot of ``readme_text`` alone (or of the list's files, by path), for a preview that does not ask GitHub."""
        if isinstance(readme_text, str):
            return cls("", "", readme_text, from_github=False)
        files = tuple(readme_text.items())
        return cls("", "", files[0][1], from_github=False, list_files=files if len(files) > 1 else ())

    def texts(self, paths: tuple[str, ...]) -> dict[str, str]:
        """The list's files at the head of the default branch, by path (``paths``: ``list.path``'s files)."""
        return dict(self.list_files) if self.list_files else {paths[0]: self.readme_text}


@dataclass(frozen=True)
class TakeOver:
    """The branch a maintainer edited, as the bot found it when it was let rebuild it (the take-over label)."""

    pr_number: int
    own_list: str | Mapping[str, str]
    """The list as the bot last wrote it on the branch (its newest commit there); its files by path when
    ``list.path`` names several."""
    edited_list: str | Mapping[str, str]
    """The list at the branch's head, with the maintainers' edits (likewise)."""
    own_sha: str
    branch_sha: str


@dataclass(frozen=True)
class BranchCommits:
    """Whose commits are on the branch, beyond the base."""

    foreign: tuple[str, ...] = ()
    """Commits not made by the bot, as ``abc1234 by Name: subject``."""
    merges: int = 0
    """"Update branch" merges of the base into the bot's commits (not foreign)."""
    own_head: str | None = None
    """The newest bot commit or "Update branch" merge on the bot's side."""


@dataclass(frozen=True)
class Handles:
    """The PyGithub objects behind a :class:`Snapshot`, which the executor writes through."""

    repo: Repository
    base_commit: GitCommit
    branch: GitRef | None
    pr: PullRequest | None


class RepoReader:
    """Reads of ``repo_name`` for the publisher; each names its step in ``steps`` first."""

    def __init__(self, github: Github, repo_name: str, config: Config, steps: Steps) -> None:
        self.github = github
        self.repo_name = repo_name
        self.config = config
        self.steps = steps

    def read(self) -> tuple[Snapshot, Handles]:
        """The state of the default branch, the bot's branch and its open PR."""
        gh = self.config.github
        self.steps.now = "read the repository"
        repo = self.github.get_repo(self.repo_name)
        base_branch = repo.default_branch
        self.refuse_default_branch(base_branch)
        self.steps.now = f"read branch {base_branch}"
        base_sha = repo.get_git_ref(f"heads/{base_branch}").object.sha
        base_commit = repo.get_git_commit(base_sha)
        self.steps.now = f"read {self.config.list.shown} at {base_branch}"
        files = self.read_files(repo, base_sha)
        missing = next((path for path, text in files.items() if text is None), None)
        if missing is not None:
            raise PublishError(f"{missing} not found in {self.repo_name} at {base_branch}; "
                               f"check list.path in the config")
        texts = {path: text or "" for path, text in files.items()}
        readme = texts[self.config.list.files[0]]
        self.steps.now = f"read branch {gh.branch}"
        branch = self.get_branch(repo)
        self.steps.now = f"look up the open PR from {gh.branch}"
        pr = self.find_pr(repo)
        foreign: tuple[str, ...] = ()
        stale_pr: int | None = None
        commits = BranchCommits()
        if branch is not None:
            self.steps.now = f"compare {gh.branch} with {base_branch}"
            commits = self.branch_commits(repo, base_sha, branch.object.sha)
            foreign = commits.foreign
            if foreign and pr is None:
                self.steps.now = f"look up the closed PRs from {gh.branch}"
                stale_pr = self.closed_pr_at(repo, branch.object.sha)
                if stale_pr is not None:
                    log.info("branch %s is left over from closed PR #%d (%s); kd-tracker rebuilds it",
                             gh.branch, stale_pr, "; ".join(foreign))
                    foreign = ()
        open_pr = OpenPr.of(pr) if pr is not None else None
        log.info("%s: %s at %s (%s); branch %s %s; %s", self.repo_name, self.config.list.shown, base_branch,
                 base_sha[:7], gh.branch, "absent" if branch is None else f"at {branch.object.sha[:7]}",
                 f"open PR #{pr.number}" if pr else "no open PR")
        takeover = open_pr is not None and gh.takeover_label in open_pr.labels
        if commits.merges:
            log.info("branch %s holds %d \"Update branch\" merge(s) of %s; kd-tracker rebuilds over them",
                     gh.branch, commits.merges, base_branch)
        return (Snapshot(base_branch, base_sha, readme, branch.object.sha if branch else None, open_pr, foreign,
                         takeover, stale_pr, rebuild=commits.merges > 0, own_head=commits.own_head,
                         list_files=tuple(texts.items()) if len(texts) > 1 else ()),
                Handles(repo, base_commit, branch, pr))

    def with_branch_list(self, snapshot: Snapshot, handles: Handles) -> Snapshot:
        """``snapshot`` with the list as it is on the bot's branch."""
        self.steps.now = f"read {self.config.list.shown} on {self.config.github.branch}"
        return replace(snapshot, branch_list=self.read_list(handles.repo, snapshot.branch_sha or "", fingerprint=True))

    def takeover(self, snapshot: Snapshot, handles: Handles) -> TakeOver | None:
        """What the maintainers changed on a branch being taken over (None: no take-over, or nothing to compare)."""
        if not (snapshot.takeover and snapshot.foreign and snapshot.pr and snapshot.own_head and snapshot.branch_sha):
            return None
        self.steps.now = f"read {self.config.list.shown} as kd-tracker last wrote it on {self.config.github.branch}"
        own = self.read_list(handles.repo, snapshot.own_head)
        self.steps.now = f"read {self.config.list.shown} on {self.config.github.branch}"
        edited = self.read_list(handles.repo, snapshot.branch_sha)
        if own is None or edited is None:
            return None
        return TakeOver(snapshot.pr.number, own, edited, snapshot.own_head, snapshot.branch_sha)

    def default_list(self) -> str | None:
        """The list file at the head of the default branch (None: no such file)."""
        self.steps.now = "read the repository"
        repo = self.github.get_repo(self.repo_name)
        self.refuse_default_branch(repo.default_branch)
        self.steps.now = f"read {self.config.list.files[0]} at {repo.default_branch}"
        return self.read_file(repo, repo.default_branch)

    def open_pr(self) -> PullRequest | None:
        """The bot's open PR (None: there is none)."""
        self.steps.now = "read the repository"
        repo = self.github.get_repo(self.repo_name)
        self.steps.now = f"look up the open PR from {self.config.github.branch}"
        return self.find_pr(repo)

    def refuse_default_branch(self, default_branch: str) -> None:
        """The bot force-moves ``github.branch`` each run: never the repository's default branch."""
        branch = self.config.github.branch
        if branch == default_branch:
            raise PublishError(f"github.branch is {branch!r}, the default branch of {self.repo_name}: kd-tracker "
                               f"force-moves that branch to its own commit every run; set github.branch to a "
                               f"branch of its own, e.g. 'kd-tracker/weekly'")

    def default_lists(self) -> dict[str, str | None]:
        """Every list file at the head of the default branch, by path (None: no such file)."""
        self.steps.now = "read the repository"
        repo = self.github.get_repo(self.repo_name)
        self.refuse_default_branch(repo.default_branch)
        self.steps.now = f"read {self.config.list.shown} at {repo.default_branch}"
        return self.read_files(repo, repo.default_branch)

    def read_file(self, repo: Repository, ref: str, path: str | None = None) -> str | None:
        """The list file ``path`` (default: the first of ``list.path``) at ``ref`` (None: no such file)."""
        path = path or self.config.list.files[0]
        try:
            found = repo.get_contents(path, ref=ref)
        except UnknownObjectException:
            return None
        if isinstance(found, list):
            raise ListFormatError(f"{path} in {self.repo_name} is a directory; "
                                  f"set list.path to the list's markdown file")
        return found.decoded_content.decode("utf-8")

    def read_files(self, repo: Repository, ref: str) -> dict[str, str | None]:
        """Every list file at ``ref``, by path, in ``list.path`` order (None: no such file)."""
        return {path: self.read_file(repo, ref, path) for path in self.config.list.files}

    def read_list(self, repo: Repository, ref: str, *, fingerprint: bool = False) -> str | dict[str, str] | None:
        """The list at ``ref``: its text for one file, its files by path for several (None: a file is missing);
        with ``fingerprint``, one text either way (:func:`~tracker.listdoc.list_fingerprint`)."""
        if len(self.config.list.files) == 1:
            return self.read_file(repo, ref)
        files = self.read_files(repo, ref)
        if any(text is None for text in files.values()):
            return None
        texts = {path: text or "" for path, text in files.items()}
        return list_fingerprint(texts) if fingerprint else texts

    def get_branch(self, repo: Repository) -> GitRef | None:
        try:
            ref = repo.get_git_ref(f"heads/{self.config.github.branch}")
            _ = ref.object.sha  # a lazy client reads the ref only here
        except UnknownObjectException:
            return None
        return ref

    def find_pr(self, repo: Repository) -> PullRequest | None:
        head = f"{repo.owner.login}:{self.config.github.branch}"
        pulls = sorted(repo.get_pulls(state="open", head=head), key=lambda p: p.number)
        if len(pulls) > 1:
            log.warning("%d open PRs from %s; kd-tracker keeps #%d up to date", len(pulls), head, pulls[0].number)
        return pulls[0] if pulls else None

    def closed_pr_at(self, repo: Repository, branch_sha: str) -> int | None:
        """The newest merged or closed PR from the branch whose head is ``branch_sha``, i.e. left as it closed."""
        head = f"{repo.owner.login}:{self.config.github.branch}"
        newest_first = repo.get_pulls(state="closed", sort="created", direction="desc", head=head)
        return next((pull.number for pull in newest_first if pull.head.sha == branch_sha), None)  # stops paging early

    def is_bot_commit(self, commit: GitCommit) -> bool:
        email = self.config.github.committer_email.lower()
        trailer = any(line.startswith(BOT_TRAILER) for line in commit.message.splitlines())
        return trailer and commit.author.email.lower() == email and commit.committer.email.lower() == email

    def foreign_commits(self, repo: Repository, base_sha: str, branch_sha: str) -> tuple[str, ...]:
        return self.branch_commits(repo, base_sha, branch_sha).foreign

    def branch_commits(self, repo: Repository, base_sha: str, branch_sha: str) -> BranchCommits:
        """The commits of the branch the base lacks, oldest first: the bot's, "Update branch" merges, others'."""
        ahead = repo.compare(base_sha, branch_sha).commits
        ahead_shas = {commit.sha for commit in ahead}
        anchors: dict[str, str] = {}
        """A bot-side commit -> the base commit its list was built on (the ancestor of a later merge)."""
        foreign, merges, own_head = [], 0, None
        for commit in ahead:
            git, parents = commit.commit, [parent.sha for parent in commit.parents]
            if self.is_bot_commit(git):
                own_head = commit.sha
                if len(parents) == 1:
                    anchors[commit.sha] = parents[0]
                continue
            if self.is_update_merge(repo, commit.sha, parents, anchors, ahead_shas):
                anchors[commit.sha], own_head = parents[1], commit.sha
                merges += 1
                continue
            subject = git.message.splitlines()[0] if git.message else ""
            foreign.append(f"{commit.sha[:7]} by {git.author.name}: {subject}")
        return BranchCommits(tuple(foreign), merges, own_head)

    def is_update_merge(self, repo: Repository, sha: str, parents: list[str], anchors: dict[str, str],
                        ahead: set[str]) -> bool:
        """Commit ``sha`` merges a commit of the base into a bot-side commit and adds nothing of its own."""
        if len(parents) != 2:
            return False
        ours, theirs = parents
        if ours not in anchors or theirs in ahead:  # not on the bot's side, or not on the base
            return False
        changed = {f.filename for f in repo.compare(theirs, sha).files}
        if not changed <= {path.strip("/") for path in self.config.list.files}:
            return False
        for path in self.config.list.files:
            texts = [self.read_file(repo, ref, path) for ref in (anchors[ours], ours, theirs, sha)]
            if any(text is None for text in texts):
                return False
            ancestor, mine, other, merged = (text or "" for text in texts)
            if merge3(ancestor, mine, other) != merged:
                return False
        return True
