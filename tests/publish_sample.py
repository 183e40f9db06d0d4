"""The small list, proposals and settings for the publish tests (titles and links are made up).

The list itself is :data:`devservers.samples.README` (the publish bench uses it too); the ready GitHub
is the ``github`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from devservers.github_server import GithubServer
from devservers.samples import README as README  # re-exported: the list the publish tests publish to
from tracker.config import Config, GithubConfig, ListConfig
from tracker.github.client import build_github
from tracker.publish.publisher import PublishContext, Publisher
from tracker.records import Proposal, SectionScore

REPO = "Tebmer/Awesome-KD"
TOKEN = "ghp_kdTrackerTestToken0123456789abcdef"
"""A distinctive token: tests assert it appears nowhere but in the Authorization header."""
BOT = "kd-tracker-bot"
BRANCH = "kd-tracker/weekly"

LABELING = "KD Algorithms > Knowledge Elicitation > Labeling"
FEEDBACK = "KD Algorithms > Knowledge Elicitation > Feedback"

AS_OF = dt.date(2024, 3, 19)

EPSILON = Proposal(
    title="Epsilon: Distilling Rationales", url="https://arxiv.org/abs/2403.00005", sections=(LABELING, FEEDBACK),
    arxiv_id="2403.00005", date="2024-03", code=("https://github.com/x/epsilon",), score=0.91,
    alternatives=(SectionScore(FEEDBACK, 0.42),), terms=("rationale", "distill"),
)
ZETA = Proposal(title="Zeta Teachers", url="https://arxiv.org/abs/2403.00006", sections=(LABELING,),
                arxiv_id="2403.00006", date="2024-03", score=0.77, terms=("teacher",))
ALPHA_AGAIN = Proposal(title="Alpha Distillation", url="https://arxiv.org/abs/2402.00001v2", sections=(LABELING,),
                       arxiv_id="2402.00001", date="2024-02", score=0.99)
NEAR = Proposal(title="Eta, almost", url="https://arxiv.org/abs/2403.00009", sections=(FEEDBACK,),
                arxiv_id="2403.00009", date="2024-03", score=0.44)


def context(**changes: object) -> PublishContext:
    base = PublishContext(as_of=AS_OF, since=dt.date(2024, 3, 11), until=dt.date(2024, 3, 18), days_read=7,
                          gaps=("2024-03-16",), thresholds={"relevance": 0.5}, model_version="lr-2024-03-18",
                          near_misses=(NEAR,))
    return replace(base, **changes)


def config_for(server: GithubServer, **github: object) -> Config:
    settings = {"api_url": server.url, "write_delay_seconds": 0.0, "retries": 2,
                "rate_limit_max_wait_seconds": 5.0, "timeout_seconds": 5.0, **github}
    return Config(list=ListConfig(repo=REPO), github=GithubConfig(**settings))


def publisher(server: GithubServer, token: str | None = TOKEN, **github_settings: object) -> Publisher:
    """A :class:`Publisher` for the sample repository on ``server``, as the bot (or with ``token``)."""
    config = config_for(server, **github_settings)
    return Publisher(build_github(config, token), REPO, config)


def cli_workdir(folder: Path, server: GithubServer, monkeypatch: pytest.MonkeyPatch, settings: str, *,
                token: str | None = TOKEN) -> Path:
    """``folder`` as the working directory of a CLI run: a config.yaml for :data:`REPO` on ``server`` (``settings``:
    the YAML after ``github.api_url``), and ``token`` (unless None) in ``GITHUB_TOKEN``."""
    (folder / "config.yaml").write_text(f"list:\n  repo: {REPO}\ngithub:\n  api_url: {server.url}\n{settings}")
    monkeypatch.chdir(folder)
    if token is not None:
        monkeypatch.setenv("GITHUB_TOKEN", token)
    return folder
