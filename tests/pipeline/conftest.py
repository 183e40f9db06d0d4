"""The weekly job's fixtures: a local arXiv serving the real corpus, a local GitHub with the real list,
one model folder per test module (the list and labels are the same, so its first run's model is reused)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from devservers.arxiv_server import CORPUS, ArxivServer, corpus_slice
from devservers.github_server import GithubServer
from tests.pipeline.weekly_sample import BEFORE, BOT, PER_PR, REPO, TOKEN
from tracker.listdoc.document import ListDocument
from tracker.sources.corpus import read_corpus


@pytest.fixture(scope="module")
def served_papers() -> list:
    """cs.CL records of 2024-01-15..2024-03-31 plus every list paper (for id lookups)."""
    document = ListDocument.parse(BEFORE.read_text(encoding="utf-8"))
    list_ids = {row.arxiv_id for row in document.rows() if row.arxiv_id}
    window = list(corpus_slice(date(2024, 1, 15), date(2024, 3, 31)))
    have = {p.arxiv_id for p in window}
    extra = [p for p in read_corpus(CORPUS)
             if p.arxiv_id in list_ids and p.arxiv_id not in have]
    return window + extra


@pytest.fixture
def arxiv(served_papers):
    with ArxivServer(served_papers) as server:
        yield server


@pytest.fixture
def github(github_server: GithubServer) -> GithubServer:
    github_server.add_token(TOKEN, BOT)
    github_server.add_repo(REPO, {"README.md": BEFORE.read_text(encoding="utf-8")})
    return github_server


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model folder for the module: the list and labels are the same, so the first run's model is reused."""
    return tmp_path_factory.mktemp("model")


@pytest.fixture
def setup(tmp_path: Path, arxiv: ArxivServer, github: GithubServer, monkeypatch: pytest.MonkeyPatch, model_dir: Path):
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""
list:
  repo: {REPO}
arxiv:
  api_url: {arxiv.api_url}
  rss_url: {arxiv.url}
  categories: [cs.CL]
  delay_seconds: 0
  backoff_seconds: 0
  max_retries: 2
  timeout_seconds: 5
  backfill_days: 42
github:
  api_url: {github.url}
  write_delay_seconds: 0
  retries: 1
  timeout_seconds: 10
model:
  path: {model_dir}
  threshold: 0.3
  proposals_per_pr: {PER_PR}
store:
  path: {tmp_path / "kd.db"}
refresh:
  days: 0
"""
    )
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    return config
