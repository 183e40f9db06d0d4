"""The list repository's open issues, and the bot's answers on them, each given once.

:class:`IssueDesk` reads the open issues (pull requests left out) and the
comments of one, and comments on an issue once per ``(kind, key)``: every
answer ends with a hidden marker ``<!-- kd-tracker:KIND KEY -->`` (for the
intake, ``<!-- kd-tracker:intake 2403.01234 -->``), and an issue whose comments
already hold it is not answered again, whatever the local store says. The
comment is a checked write (:func:`~tracker.github.writes.checked_write`): after
a lost answer the comments are read again before anything is resent.
GitHub's and the network's errors become one-line :class:`~tracker.errors.PublishError`\\ s.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import requests
from github import Github, GithubException
from github.Issue import Issue

from tracker.config import Config
from tracker.github.client import to_publish_error
from tracker.github.writes import checked_write

log = logging.getLogger(__name__)

_MARKER = re.compile(r"<!-- kd-tracker:(?P<kind>[a-z-]+) (?P<key>[^\s>]+) -->")


def answer_marker(kind: str, key: str) -> str:
    """The hidden line that tells the bot's answer of ``kind`` about ``key`` on an issue."""
    return f"<!-- kd-tracker:{kind} {_key(key)} -->"


def _key(key: str) -> str:
    """``key`` as a marker holds it: no spaces, no ``>``."""
    return "-".join(key.replace(">", "").split()) or "-"


@dataclass(frozen=True)
class OpenIssue:
    """An open issue of the repository (never a pull request), as read."""

    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    url: str
    """Its web page."""


class IssueDesk:
    """The issues of ``repo_name``: read the open ones, answer one once. ``bot_login``: whose markers count."""

    def __init__(self, github: Github, repo_name: str, config: Config, *, bot_login: str | None = None) -> None:
        self.github = github
        self.repo_name = repo_name
        self.config = config
        self.bot_login = bot_login
        self._step = "read the issues"
        self._issues: dict[int, Issue] = {}

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (GithubException, requests.RequestException) as e:
            raise to_publish_error(e, action=self._step, repo=self.repo_name, config=self.config) from e

    def _name(self, step: str) -> None:
        self._step = step

    def open_issues(self) -> list[OpenIssue]:
        """Every open issue, oldest first (GitHub lists pull requests as issues too: they are left out)."""
        self._step = "read the open issues"
        with self._errors():
            repo = self.github.get_repo(self.repo_name)
            found = [i for i in repo.get_issues(state="open", direction="asc") if i.pull_request is None]
            out = []
            for issue in found:
                self._issues[issue.number] = issue
                out.append(OpenIssue(issue.number, issue.title or "", issue.body or "",
                                     tuple(label.name for label in issue.labels), issue.html_url or ""))
        return sorted(out, key=lambda i: i.number)

    def answered(self, number: int, kind: str) -> set[str]:
        """The keys the bot's comments on issue ``number`` already answered, for answers of ``kind``."""
        self._step = f"read the comments of issue #{number}"
        with self._errors():
            return {m.group("key") for m in self._markers(number) if m.group("kind") == kind}

    def _markers(self, number: int) -> Iterator[re.Match[str]]:
        for comment in self._issue(number).get_comments():
            if self.bot_login is not None and comment.user.login != self.bot_login:
                continue
            yield from _MARKER.finditer(comment.body or "")

    def _issue(self, number: int) -> Issue:
        if number not in self._issues:
            self._issues[number] = self.github.get_repo(self.repo_name).get_issue(number)
        return self._issues[number]

    def comment_once(self, number: int, kind: str, key: str, text: str) -> bool:
        """Comment ``text`` on issue ``number`` unless the bot answered ``(kind, key)`` there; True when it commented."""
        marker, wanted = answer_marker(kind, key), _key(key)
        if wanted in self.answered(number, kind):
            return False
        self._step = f"comment on issue #{number}"
        issue = self._issue(number)
        with self._errors():
            checked_write(lambda: issue.create_comment(f"{text}\n\n{marker}"),
                          lambda: wanted in self.answered(number, kind), step=self._step, on_reread=self._name)
        log.info("answered issue #%d (%s %s)", number, kind, key)
        return True
