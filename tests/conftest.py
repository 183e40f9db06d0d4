"""Shared fixtures: where ../shared is, a clean environment for every test, the local GitHub, a small model.

Test files use these fixtures by naming them as arguments; they never import them.
The servers themselves and the shared-data path live in ``devservers/`` (the benches use them too).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifiers.training import train
from devservers.github_server import GithubServer
from devservers.paths import SHARED
from devservers.samples import README
from tests.publish_sample import BOT, REPO, TOKEN
from tests.training_sample import make_papers, make_readme
from tracker.config import ModelConfig
from tracker.listdoc.document import ListDocument
from tracker.records import Paper

requires_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent (public clone)")


@pytest.fixture
def shared() -> Path:
    """Path to ../shared; skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (public clone)")
    return SHARED


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Results must not depend on the machine: drop GitHub and proxy variables."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith("GITHUB_") or upper.endswith("_PROXY") or upper == "KD_TRACKER_TOKEN":
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def github_server() -> Iterator[GithubServer]:
    """A fresh :class:`GithubServer` per test, stopped afterwards."""
    server = GithubServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def github(github_server: GithubServer) -> GithubServer:
    """The local GitHub with the list repository and the bot's token."""
    github_server.add_token(TOKEN, BOT)
    github_server.add_repo(REPO, {"README.md": README, "LICENSE": "MIT\n"})
    return github_server


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Paper], list]:
    papers, section_of = make_papers()
    rows = ListDocument.parse(make_readme(papers, section_of)).rows()
    return papers, rows


@pytest.fixture(scope="module")
def model(corpus):
    papers, rows = corpus
    return train(rows, papers, config=ModelConfig(min_section_papers=2), list_file="README.md", list_text="x")
