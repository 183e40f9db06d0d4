"""The step a publish run is at, named in the one-line error when GitHub or the network fails.

The reader (:mod:`tracker.publish.snapshot`) and the executor
(:mod:`tracker.publish.execute`) set :attr:`Steps.now` before each request;
:meth:`Steps.errors` turns a PyGithub or network error into a
:class:`~tracker.errors.PublishError` saying what could not be done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests
from github import GithubException

from tracker.config import Config
from tracker.github import to_publish_error


class Steps:
    """What the run is doing now, for ``repo_name`` with ``config``."""

    def __init__(self, repo_name: str, config: Config) -> None:
        self.repo_name = repo_name
        self.config = config
        self.now = "read the repository"

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """PyGithub and network errors as one-line :class:`PublishError`\\ s naming the step that failed."""
        try:
            yield
        except (GithubException, requests.RequestException) as e:
            raise to_publish_error(e, action=self.now, repo=self.repo_name, config=self.config) from e
