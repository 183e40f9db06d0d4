"""GITHUB_TOKEN as people set it: a trailing newline is dropped; a token with whitespace inside is malformed."""

from __future__ import annotations

import pytest
import requests
from click.testing import CliRunner

from devservers.github_server import GithubServer
from tests.publish_sample import (
    EPSILON,
    REPO,
    TOKEN,
    context,
    publisher,
)
from tracker.cli.main import cli
from tracker.config import Config, GithubConfig, token_from_env
from tracker.errors import ConfigError, PublishError
from tracker.github.client import to_publish_error
from tracker.listdoc.proposals import write_proposals


@pytest.mark.parametrize("value", [f"{TOKEN}\n", f"  {TOKEN}\r\n", f"\t{TOKEN} "])
def test_surrounding_whitespace_is_dropped(value: str) -> None:
    assert token_from_env(Config(), {"GITHUB_TOKEN": value}) == TOKEN


def test_an_unset_or_blank_token_is_none() -> None:
    assert token_from_env(Config(), {}) is None
    assert token_from_env(Config(), {"GITHUB_TOKEN": " \n"}) is None


@pytest.mark.parametrize("value,kind", [
    (f"{TOKEN[:10]} {TOKEN[10:]}", "whitespace"),
    (f"{TOKEN[:10]}\n{TOKEN[10:]}", "whitespace"),
    (f"{TOKEN[:10]}\x00{TOKEN[10:]}", "a control character"),
    (f"{TOKEN[:10]}é{TOKEN[10:]}", "a non-ASCII character"),
])
def test_a_token_with_bad_characters_inside_is_malformed_and_never_shown(value: str, kind: str) -> None:
    config = Config(github=GithubConfig(token_env="KD_TOKEN"))
    with pytest.raises(ConfigError) as e:
        token_from_env(config, {"KD_TOKEN": value})
    assert str(e.value) == f"KD_TOKEN is malformed: the token has {kind} inside it; set KD_TOKEN to the token alone"
    assert TOKEN[:10] not in str(e.value) and TOKEN[10:] not in str(e.value)


def test_an_invalid_header_is_not_called_a_network_problem(github: GithubServer) -> None:
    with pytest.raises(PublishError) as e:
        publisher(github, token=f"{TOKEN[:10]}\n{TOKEN[10:]}").publish([EPSILON], context())
    message = str(e.value)
    assert message == ("could not read the repository for Tebmer/Awesome-KD: a request header is malformed, most "
                       "likely the token in GITHUB_TOKEN; set GITHUB_TOKEN to the token alone")
    assert "network" not in message and TOKEN[10:] not in message
    assert github.requests == []


def test_to_publish_error_maps_invalid_header() -> None:
    error = requests.exceptions.InvalidHeader(f"Invalid return character in header value: 'token {TOKEN}\\n'")
    message = str(to_publish_error(error, action="read the repository", repo=REPO, config=Config()))
    assert "malformed" in message and TOKEN not in message


def test_publish_works_with_a_token_ending_in_a_newline(github: GithubServer, tmp_path, monkeypatch) -> None:
    (tmp_path / "config.yaml").write_text(
        f"list:\n  repo: {REPO}\ngithub:\n  api_url: {github.url}\n  write_delay_seconds: 0\n")
    write_proposals([EPSILON], tmp_path / "PROPOSALS.jsonl")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "\n")

    result = CliRunner().invoke(cli, ["publish", "PROPOSALS.jsonl", "--as-of", "2024-03-19"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("created PR #1: ")
    assert all(r.headers["Authorization"] == f"token {TOKEN}" for r in github.requests)


def test_publish_with_a_malformed_token_is_one_line(github: GithubServer, tmp_path, monkeypatch) -> None:
    (tmp_path / "config.yaml").write_text(f"list:\n  repo: {REPO}\ngithub:\n  api_url: {github.url}\n")
    write_proposals([EPSILON], tmp_path / "PROPOSALS.jsonl")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_TOKEN", f"{TOKEN[:10]} {TOKEN[10:]}")

    result = CliRunner().invoke(cli, ["publish", "PROPOSALS.jsonl", "--as-of", "2024-03-19"])

    assert result.exit_code == 1
    assert result.stderr == ("Error: GITHUB_TOKEN is malformed: the token has whitespace inside it; "
                             "set GITHUB_TOKEN to the token alone\n")
    assert github.requests == []
