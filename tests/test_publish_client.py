"""The GitHub client: deliberate retries (reads with backoff, writes never resent), token redaction, error lines."""

from __future__ import annotations

import logging

import pytest
from github import Auth, Github, GithubException

from devservers.github_server import GithubServer
from tests.publish_sample import EPSILON, REPO, TOKEN, config_for, context
from tracker.config import Config
from tracker.errors import PublishError
from tracker.github.client import READ_METHODS, ReadRetry, build_github, make_retry
from tracker.logs import REDACT
from tracker.publish.publisher import Publisher

BLOBS = f"/repos/{REPO}/git/blobs"


@pytest.fixture
def server(github_server: GithubServer) -> GithubServer:
    github_server.add_token(TOKEN, "kd-tracker-bot")
    github_server.add_repo(REPO, {"README.md": "# list\n"})
    return github_server


def test_retry_policy_retries_only_reads() -> None:
    retry = make_retry(Config())
    assert isinstance(retry, ReadRetry)
    assert retry.allowed_methods == READ_METHODS == frozenset({"GET", "HEAD", "OPTIONS"})
    assert "POST" not in retry.allowed_methods and "PATCH" not in retry.allowed_methods
    assert (retry.total, retry.backoff_factor, retry.raise_on_status) == (3, 0.5, False)
    assert {500, 502, 503, 504} <= set(retry.status_forcelist)
    assert retry.max_rate_limit_wait == 900.0
    assert retry.is_retry("GET", 502) and not retry.is_retry("POST", 502) and not retry.is_retry("PATCH", 503)
    assert retry.is_retry("POST", 403)  # a rate-limited write did nothing: it may be waited out and resent


def test_client_settings_come_from_the_config(server: GithubServer) -> None:
    config = config_for(server, timeout_seconds=7.5)
    gh = build_github(config, TOKEN)
    assert gh.requester.base_url == server.url
    assert gh.get_repo(REPO).full_name == REPO
    assert server.requests[0].headers["User-Agent"].startswith("kd-tracker/")
    assert REDACT.redact(f"token={TOKEN}") == "token=***"


def test_a_read_is_retried_after_5xx(server: GithubServer) -> None:
    server.fail("GET", f"/repos/{REPO}", 502, times=2)
    repo = build_github(config_for(server, retries=2), TOKEN).get_repo(REPO)
    assert repo.full_name == REPO
    assert [r.status for r in server.requests] == [502, 502, 200]


def test_a_write_is_never_resent(server: GithubServer) -> None:
    repo = build_github(config_for(server), TOKEN).get_repo(REPO)
    server.fail("POST", BLOBS, 502)
    with pytest.raises(GithubException) as e:
        repo.create_git_blob("x", "utf-8")
    assert e.value.status == 502
    assert [r.status for r in server.requests if r.method == "POST"] == [502]


def test_pygithub_default_retry_would_resend_the_write(server: GithubServer) -> None:
    """Why the retry is configured: the library default sends a failed POST again (a duplicate-PR risk)."""
    repo = Github(base_url=server.url, auth=Auth.Token(TOKEN), seconds_between_requests=None,
                  seconds_between_writes=None).get_repo(REPO)
    server.fail("POST", BLOBS, 502, times=2)
    repo.create_git_blob("x", "utf-8")
    assert [r.status for r in server.requests if r.method == "POST"] == [502, 502, 201]


@pytest.mark.parametrize("private", [False, True])
def test_unknown_or_hidden_repo_is_a_404_line(server: GithubServer, private: bool) -> None:
    server.add_repo("Tebmer/Hidden", {"README.md": "x\n"}, private=True)
    name = "Tebmer/Hidden" if private else "Tebmer/Nope"
    config = config_for(server)
    with pytest.raises(PublishError) as e:
        Publisher(build_github(config, None), name, config).publish([EPSILON], context())
    assert str(e.value) == (f"GitHub found nothing while trying to read the repository for {name} (404 Not Found); "
                            "check list.repo and that the token in GITHUB_TOKEN can see the repository")


def test_log_lines_with_the_token_are_redacted(server: GithubServer, caplog) -> None:
    build_github(config_for(server), TOKEN)
    handler = logging.StreamHandler()
    handler.addFilter(REDACT)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "sent %s", (TOKEN,), None)
    handler.filter(record)
    assert record.getMessage() == "sent ***"


def test_pygithub_records_reach_only_the_redacting_root_handler(capsys) -> None:
    """PyGithub's own StreamHandler printed each github.* record a second time, unformatted and unredacted."""
    from tracker.logs import redact_secret, setup_logging

    root = logging.getLogger()
    saved = (root.level, list(root.handlers), logging.getLogger("github").level)
    setup_logging(2)
    redact_secret(TOKEN)
    try:
        logging.getLogger("github.Requester").debug("GET /repos/o/r/pulls ==> 200 body %s", TOKEN)
        assert logging.getLogger("github").handlers == []
        lines = capsys.readouterr().err.splitlines()
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        logging.getLogger("github").setLevel(saved[2])
    assert [line.split(" ", 1)[1] for line in lines] == ["DEBUG github.Requester: GET /repos/o/r/pulls ==> 200 body ***"]
