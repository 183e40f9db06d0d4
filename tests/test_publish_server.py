"""The local GitHub answers in GitHub's shapes: every field of the real recorded exchanges is there.

The recordings are PyGithub's own (``../shared/fixtures/github/``, read in place);
each test asks the local server the same kind of request and compares field names,
error bodies and headers.
"""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest
import requests

from devservers.github_server import GithubServer
from devservers.paths import SHARED
from tests.conftest import requires_shared

FIXTURES = SHARED / "fixtures" / "github"
HEADERS = {"Authorization": "token t0ken-for-shape-tests"}


def exchanges(name: str) -> list[dict[str, Any]]:
    """The recorded exchanges of one fixture file (10 lines each, optional blank lines between)."""
    lines = (FIXTURES / name).read_text().split("\n")
    found, i = [], 0
    while i < len(lines):
        if lines[i] not in ("http", "https"):
            i += 1
            continue
        group, i = lines[i:i + 10], i + 10
        found.append({"method": group[1], "path": group[4], "status": int(group[7]),
                      "headers": {k.lower(): v for k, v in ast.literal_eval(group[8])},
                      "body": json.loads(group[9]) if group[9] else None})
    return found


@pytest.fixture
def server(github_server: GithubServer) -> GithubServer:
    github_server.add_token(HEADERS["Authorization"].split()[1], "bot")
    github_server.add_repo("o/r", {"README.md": "# list\n", "doc/a.md": "a\n"})
    return github_server


def call(server: GithubServer, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None) -> requests.Response:
    return requests.request(method, server.url + path, json=body, headers=HEADERS if headers is None else headers,
                            timeout=5)


def build_pull(server: GithubServer) -> dict[str, str]:
    """A branch ``b`` with one commit and PR #1 from it; returns the shas."""
    main = server.repo("o/r").branch_sha("main")
    tree = call(server, "POST", "/repos/o/r/git/trees",
                {"base_tree": server.repo("o/r").git.commits[main].tree,
                 "tree": [{"path": "README.md", "mode": "100644", "type": "blob", "content": "# new\n"}]}).json()
    commit = call(server, "POST", "/repos/o/r/git/commits",
                  {"message": "m", "tree": tree["sha"], "parents": [main]}).json()
    call(server, "POST", "/repos/o/r/git/refs", {"ref": "refs/heads/b", "sha": commit["sha"]})
    call(server, "POST", "/repos/o/r/pulls", {"title": "T", "body": "B", "head": "b", "base": "main"})
    return {"main": main, "tree": tree["sha"], "commit": commit["sha"]}


def missing(theirs: Any, ours: Any, where: str = "") -> list[str]:
    """Field paths present in the recorded answer and absent from ours (objects compared one level deep)."""
    if isinstance(theirs, list) and isinstance(ours, list) and theirs and ours:
        return missing(theirs[0], ours[0], where + "[0]")
    if not isinstance(theirs, dict) or not isinstance(ours, dict):
        return []
    gone = [where + "." + key for key in theirs if key not in ours]
    for key in ("object", "tree", "head", "base", "user", "commit", "content"):
        if key in theirs and key in ours and where.count(".") < 1:
            gone += missing(theirs[key], ours[key], f"{where}.{key}")
    return gone


@requires_shared
@pytest.mark.parametrize(("fixture", "index", "method", "path", "body"), [
    ("Repository.setUp.txt", 0, "GET", "/repos/o/r", None),
    ("Repository.testGetGitRef.txt", 0, "GET", "/repos/o/r/git/ref/heads/main", None),
    ("Repository.testCreateGitRef.txt", 0, "POST", "/repos/o/r/git/refs", {"ref": "refs/heads/c", "sha": "{main}"}),
    ("GitRef.testEditWithForce.txt", 0, "PATCH", "/repos/o/r/git/refs/heads/b", {"sha": "{main}", "force": True}),
    ("Repository.testCreateGitBlob.txt", 0, "POST", "/repos/o/r/git/blobs", {"content": "x", "encoding": "utf-8"}),
    ("Repository.testCreateGitTree.txt", 0, "POST", "/repos/o/r/git/trees",
     {"tree": [{"path": "F", "mode": "100644", "type": "blob", "content": "x"}]}),
    ("Repository.testCreateGitCommit.txt", 0, "GET", "/repos/o/r/git/trees/{tree}", None),
    ("Repository.testCreateGitCommitWithParents.txt", 0, "GET", "/repos/o/r/git/commits/{commit}", None),
    ("Repository.testCreateGitCommit.txt", 1, "POST", "/repos/o/r/git/commits",
     {"tree": "{tree}", "parents": ["{main}"], "message": "x"}),
    ("Repository.testGetContents.txt", 1, "GET", "/repos/o/r/contents/doc/a.md", None),
    ("Repository.testCreatePull.txt", 0, "GET", "/repos/o/r/pulls/1", None),
    ("PullRequest.setUp.txt", 1, "GET", "/repos/o/r/pulls/1", None),
    ("PullRequest.testEditWithAllArguments.txt", 0, "PATCH", "/repos/o/r/pulls/1", {"title": "T2", "body": "B2"}),
    ("Repository.testGetPulls.txt", 0, "GET", "/repos/o/r/pulls?state=open", None),
    ("Issue.testCreateComment.txt", 0, "POST", "/repos/o/r/issues/1/comments", {"body": "hello"}),
    ("Repository.testCompare.txt", 0, "GET", "/repos/o/r/compare/main...b", None),
    ("Repository.testUpdateFile.txt", 1, "PUT", "/repos/o/r/contents/doc/a.md",
     {"message": "m", "content": "Yg==", "sha": "{blob}", "branch": "main"}),
])
def test_answers_have_every_recorded_field(server: GithubServer, fixture: str, index: int, method: str, path: str,
                                           body: Any) -> None:
    shas = build_pull(server)
    repo = server.repo("o/r")
    shas["blob"] = repo.git.flatten(repo.git.commits[shas["main"]].tree)["doc/a.md"][1]
    text = json.dumps(body).replace("{main}", shas["main"]).replace("{tree}", shas["tree"]).replace("{blob}", shas["blob"])
    recorded = exchanges(fixture)[index]
    answer = call(server, method, path.format(**shas), json.loads(text))
    if recorded["method"] == method:
        assert answer.status_code == recorded["status"]
    assert missing(recorded["body"], answer.json()) == []
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert set(answer.headers) >= {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    first = answer.json()[0] if isinstance(answer.json(), list) else answer.json()
    if answer.status_code == 201:
        assert answer.headers["Location"] == first["url"]
    assert first.get("url", server.url).startswith(server.url)


@requires_shared
def test_error_bodies_are_githubs(server: GithubServer) -> None:
    bad = call(server, "GET", "/repos/o/r", headers={"Authorization": "token nope"})
    assert (bad.status_code, bad.json()["message"]) == (401, exchanges("Exceptions.testBadAuthentication.txt")[0]
                                                        ["body"]["message"])
    gone = call(server, "GET", "/repos/o/missing")
    assert (gone.status_code, gone.json()["message"]) == (404, exchanges("Exceptions.testUnknownObject.txt")[1]
                                                          ["body"]["message"])
    build_pull(server)
    again = call(server, "POST", "/repos/o/r/pulls", {"title": "T", "head": "b", "base": "main"})
    recorded = exchanges("Exceptions.testInvalidInput.txt")[0]["body"]
    assert again.status_code == 422
    assert set(again.json()) == set(recorded) | {"documentation_url"}
    assert again.json()["errors"] == [{"resource": "PullRequest", "code": "custom",
                                       "message": "A pull request already exists for o:b."}]


@requires_shared
def test_rate_limit_answer_is_githubs(server: GithubServer) -> None:
    server.rate_limit(30)
    limited = call(server, "GET", "/repos/o/r")
    recorded = exchanges("SpecificExceptions.testRateLimitExceeded.txt")[1]
    assert limited.status_code == recorded["status"] == 403
    assert limited.json()["message"].lower().startswith(recorded["body"]["message"].lower()[:23])
    assert limited.headers["X-RateLimit-Remaining"] == recorded["headers"]["x-ratelimit-remaining"] == "0"
    assert int(limited.headers["X-RateLimit-Reset"]) >= int(server.limited_until)


def test_pagination_follows_link_headers(server: GithubServer) -> None:
    build_pull(server)
    for n in range(5):
        call(server, "POST", "/repos/o/r/issues/1/comments", {"body": f"c{n}"})
    first = call(server, "GET", "/repos/o/r/issues/1/comments?per_page=2")
    assert [c["body"] for c in first.json()] == ["c0", "c1"]
    assert first.headers["Link"] == (f'<{server.url}/repos/o/r/issues/1/comments?per_page=2&page=2>; rel="next", '
                                     f'<{server.url}/repos/o/r/issues/1/comments?per_page=2&page=3>; rel="last"')


def test_objects_are_hashed_as_git_hashes_them(server: GithubServer) -> None:
    blob = call(server, "POST", "/repos/o/r/git/blobs", {"content": "hello\n", "encoding": "utf-8"}).json()
    assert blob["sha"] == "ce013625030ba8dba906f756967f9e9ca394464a"  # git hash-object of "hello\n"
    empty = server.repo("o/r").git.put_tree([])
    assert empty == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree


def test_anonymous_writes_and_private_reads_are_refused(server: GithubServer) -> None:
    server.add_repo("o/private", {"README.md": "x\n"}, private=True)
    assert call(server, "GET", "/repos/o/private", headers={}).status_code == 404
    assert call(server, "GET", "/repos/o/r", headers={}).headers["X-RateLimit-Limit"] == "60"
    refused = call(server, "POST", "/repos/o/r/git/blobs", {"content": "x"}, headers={})
    assert (refused.status_code, refused.json()["message"]) == (401, "Requires authentication")
