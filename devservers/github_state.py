"""The state of a small in-memory GitHub: git objects, refs, pull requests, labels, comments.

Objects are hashed exactly as git hashes them (``blob``/``tree``/``commit``
headers, SHA-1), so a tree or commit built twice from the same content gets
the same sha, as on GitHub. Trees nest by directory like real git trees.
:mod:`devservers.github_server` serves this state over HTTP; tests read it
directly to assert what a run left behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _git_hash(kind: str, data: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


@dataclass(frozen=True)
class Identity:
    """Author or committer of a commit."""

    name: str
    email: str
    date: str
    """ISO 8601 with ``Z``, as GitHub writes it."""

    def git_line(self) -> str:
        stamp = int(dt.datetime.fromisoformat(self.date.replace("Z", "+00:00")).timestamp())
        return f"{self.name} <{self.email}> {stamp} +0000"


@dataclass(frozen=True)
class TreeEntry:
    name: str
    mode: str
    type: str
    sha: str


@dataclass(frozen=True)
class CommitObject:
    sha: str
    tree: str
    parents: tuple[str, ...]
    message: str
    author: Identity
    committer: Identity
    order: int
    """Creation order, to list commits oldest first like ``compare`` does."""


class GitStore:
    """Blobs, trees and commits of one repository, keyed by their git sha."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, tuple[TreeEntry, ...]] = {}
        self.commits: dict[str, CommitObject] = {}
        self._order = itertools.count()

    def put_blob(self, data: bytes) -> str:
        sha = _git_hash("blob", data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, entries: list[TreeEntry]) -> str:
        # git sorts tree entries by name, directories as if they ended in "/"
        ordered = tuple(sorted(entries, key=lambda e: e.name + ("/" if e.type == "tree" else "")))
        data = b"".join(f"{e.mode} {e.name}\0".encode() + bytes.fromhex(e.sha) for e in ordered)
        sha = _git_hash("tree", data)
        self.trees[sha] = ordered
        return sha

    def put_commit(self, tree: str, parents: list[str], message: str, author: Identity, committer: Identity) -> str:
        lines = [f"tree {tree}", *(f"parent {p}" for p in parents),
                 f"author {author.git_line()}", f"committer {committer.git_line()}", "", message]
        sha = _git_hash("commit", "\n".join(lines).encode())
        if sha not in self.commits:
            self.commits[sha] = CommitObject(sha, tree, tuple(parents), message, author, committer, next(self._order))
        return sha

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, tuple[str, str]]:
        """Every blob under ``tree_sha``: path -> (mode, blob sha)."""
        files: dict[str, tuple[str, str]] = {}
        for entry in self.trees[tree_sha]:
            path = prefix + entry.name
            if entry.type == "tree":
                files.update(self.flatten(entry.sha, path + "/"))
            else:
                files[path] = (entry.mode, entry.sha)
        return files

    def build_tree(self, files: dict[str, tuple[str, str]]) -> str:
        """Store the nested trees for ``files`` (path -> (mode, blob sha)); return the root sha."""
        here: list[TreeEntry] = []
        subdirs: dict[str, dict[str, tuple[str, str]]] = {}
        for path, (mode, sha) in files.items():
            head, sep, rest = path.partition("/")
            if sep:
                subdirs.setdefault(head, {})[rest] = (mode, sha)
            else:
                here.append(TreeEntry(head, mode, "blob", sha))
        for name, sub in subdirs.items():
            here.append(TreeEntry(name, "040000", "tree", self.build_tree(sub)))
        return self.put_tree(here)

    def file_at(self, commit_sha: str, path: str) -> bytes | None:
        files = self.flatten(self.commits[commit_sha].tree)
        found = files.get(path.strip("/"))
        return None if found is None else self.blobs[found[1]]

    def ancestors(self, sha: str) -> set[str]:
        """``sha`` and every commit reachable from it."""
        seen: set[str] = set()
        stack = [sha]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.commits[current].parents)
        return seen


@dataclass
class Comment:
    id: int
    body: str
    user: str
    created_at: str


@dataclass
class Pull:
    number: int
    title: str
    body: str
    head: str
    """Head branch name (same repository)."""
    base: str
    user: str
    created_at: str
    updated_at: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    head_sha: str = ""
    """Last known head sha (kept when the branch is deleted)."""
    closed_at: str | None = None
    merged: bool = False


@dataclass
class Issue:
    """An issue (not a pull request); it shares its numbers with the pull requests, as on GitHub."""

    number: int
    title: str
    body: str
    user: str
    created_at: str
    updated_at: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    closed_at: str | None = None


@dataclass
class Repo:
    """One repository: its git objects, branches, pull requests and labels."""

    owner: str
    name: str
    id: int
    default_branch: str = "main"
    private: bool = False
    git: GitStore = field(default_factory=GitStore)
    refs: dict[str, str] = field(default_factory=dict)
    """Full ref name (``refs/heads/main``) -> commit sha."""
    pulls: dict[int, Pull] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    """Issues that are not pull requests, by number."""
    labels: dict[str, int] = field(default_factory=dict)
    """Label name -> label id."""
    label_details: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """Label name -> (colour, description), for labels created with them (others: ``ededed``, no description)."""
    next_number: int = 1

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def resolve(self, ref: str) -> str | None:
        """A commit sha for a branch name, ``refs/heads/x``, ``heads/x`` or a (full) sha."""
        for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}"):
            if candidate in self.refs:
                return self.refs[candidate]
        if ref in self.git.commits:
            return ref
        matches = [sha for sha in self.git.commits if len(ref) >= 7 and sha.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def open_pulls(self) -> list[Pull]:
        return [p for p in sorted(self.pulls.values(), key=lambda p: p.number) if p.state == "open"]

    def file(self, ref: str, path: str) -> str | None:
        """Text of ``path`` at ``ref`` (None when the ref or file is missing)."""
        sha = self.resolve(ref)
        if sha is None:
            return None
        data = self.git.file_at(sha, path)
        return None if data is None else data.decode("utf-8")

    def commits_ahead(self, branch: str, base: str | None = None) -> list[CommitObject]:
        """Commits on ``branch`` that are not on ``base`` (default branch), oldest first."""
        head_sha = self.resolve(branch)
        base_sha = self.resolve(base or self.default_branch)
        if head_sha is None or base_sha is None:
            return []
        behind = self.git.ancestors(base_sha)
        ahead = [self.git.commits[s] for s in self.git.ancestors(head_sha) - behind]
        return sorted(ahead, key=lambda c: c.order)

    def commit_files(self, parent_sha: str | None, files: dict[str, str | None], message: str,
                     author: Identity, committer: Identity | None = None) -> str:
        """Make a commit changing ``files`` (path -> text, None deletes) on top of ``parent_sha``."""
        current = self.git.flatten(self.git.commits[parent_sha].tree) if parent_sha else {}
        for path, text in files.items():
            if text is None:
                current.pop(path, None)
            else:
                current[path] = ("100644", self.git.put_blob(text.encode("utf-8")))
        tree = self.git.build_tree(current)
        return self.git.put_commit(tree, [parent_sha] if parent_sha else [], message, author, committer or author)

    def add_label(self, name: str, color: str = "ededed", description: str | None = None) -> int:
        """Create the repository label ``name`` (kept as it is when it exists); returns its id."""
        lid = self.labels.setdefault(name, 5000 + len(self.labels))
        self.label_details.setdefault(name, (color, description))
        return lid

    def merge_base(self, one: str, other: str) -> str | None:
        """The newest commit both reach (None: no common history)."""
        common = self.git.ancestors(one) & self.git.ancestors(other)
        return max(common, key=lambda s: self.git.commits[s].order) if common else None

    def merge_commit(self, head_sha: str, base_sha: str, message: str, author: Identity,
                     committer: Identity) -> str | None:
        """A merge of ``base_sha`` into ``head_sha`` with parents ``[head, base]`` (None: a conflict).

        Files changed on one side only take that side; a file changed on both is
        merged line by line with ``git merge-file``, as GitHub's "Update branch" does.
        """
        ancestor = self.merge_base(head_sha, base_sha)
        if ancestor is None:
            return None
        old, ours, theirs = (self.git.flatten(self.git.commits[s].tree) for s in (ancestor, head_sha, base_sha))
        merged: dict[str, tuple[str, str]] = {}
        for path in sorted(set(old) | set(ours) | set(theirs)):
            was, mine, other = old.get(path), ours.get(path), theirs.get(path)
            if was == other or mine == other:
                result = mine
            elif was == mine:
                result = other
            elif was is None or mine is None or other is None:
                return None  # added on both sides differently, or changed on one and deleted on the other
            else:
                text = _merge_file(self.git.blobs[was[1]], self.git.blobs[mine[1]], self.git.blobs[other[1]])
                if text is None:
                    return None
                result = (mine[0], self.git.put_blob(text))
            if result is not None:
                merged[path] = result
        tree = self.git.build_tree(merged)
        return self.git.put_commit(tree, [head_sha, base_sha], message, author, committer)


def _merge_file(base: bytes, ours: bytes, theirs: bytes) -> bytes | None:
    """``git merge-file`` of three versions of one file (None: they conflict)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp, name) for name in ("ours", "base", "theirs")]
        for path, data in zip(paths, (ours, base, theirs), strict=True):
            path.write_bytes(data)
        done = subprocess.run(["git", "merge-file", "-p", "-q", *map(str, paths)], capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None
