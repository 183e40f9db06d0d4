"""A small GitHub on 127.0.0.1 for tests: real HTTP, in-memory repositories, fault injection.

PyGithub talks to it exactly as to api.github.com (``Github(base_url=server.url)``):
the routes in :mod:`devservers.github_routes` implement the endpoints a PR bot
uses, with GitHub's status codes, error bodies, ``X-RateLimit-*`` headers and
``Link`` pagination. Around them this module adds what tests need:

- tokens: ``add_token(token, login)``; an unknown token gets 401 ``Bad credentials``,
  an anonymous write gets 401 ``Requires authentication``, a private repo is 404 to anonymous readers;
- a log of every request (``server.requests``, ``server.writes``);
- faults: ``fail(method, path, status, after=...)`` answers the next matching request with
  an error, before or after applying it ("502 on POST /pulls after creating it");
  ``drop(...)`` closes the connection without an answer (a crash mid-run);
  ``drip(...)`` applies the request and sends its answer a byte at a time (a stalled network);
  ``on_request(...)`` runs a callback after a request;
- ``rate_limit(reset_in)``: every request gets GitHub's 403 rate-limit answer until the reset time;
- ``push_commit(...)``: someone else pushes a commit to a branch; ``merge_pull(...)`` squash-merges a PR
  (closing the issues its body names with ``Closes #N``); ``add_issue(...)`` opens an issue;
- ``rewrite_history(...)``: every commit re-made with a new sha and every branch force-pushed; with
  ``drop_old`` the old commits are gone too (a repository deleted and re-created from a rewritten clone).

Paths in fault patterns are regular expressions matched against the whole
decoded path (``/repos/o/r/pulls``).
"""

from __future__ import annotations

import datetime as dt
import http
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from devservers import github_issues as _issue_routes  # noqa: F401 - registers the issue endpoints
from devservers import github_shapes as shapes
from devservers.github_routes import ROUTES, Request
from devservers.github_state import Identity, Issue, Repo
from devservers.local_http import LocalHttpServer

RATE_LIMIT_MESSAGE = ("API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
                      "please include the request ID 0000:0000:0000000:0000000:00000000.")


@dataclass
class RecordedRequest:
    """One request as the server received it, and the status it answered (0: connection dropped)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    """Parsed JSON body, else the raw text, else None."""
    status: int = 0
    drip: float = 0.0
    """Bytes per second the answer was dripped at (0: sent at once)."""

    @property
    def is_write(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int | None = None
    body: Any = None
    after: bool = False
    drop: bool = False
    times: int = 1
    callback: Callable[[GithubServer, RecordedRequest], None] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    drip: float = 0.0
    """Bytes per second of a dripped answer (0: answered at once)."""

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and self.method == method and bool(self.pattern.fullmatch(path))


class GithubServer:
    """An in-memory GitHub served over HTTP on 127.0.0.1 (start/stop, ``.url``)."""

    def __init__(self) -> None:
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, tuple[str, bool]] = {}
        """token -> (login, may write)."""
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.limited_until: float | None = None
        self.lock = threading.RLock()
        self._clock = itertools.count()
        self._ids = itertools.count(100001)
        self._used: dict[str | None, int] = {}
        self._reset = int(time.time()) + 3600
        self._http: LocalHttpServer | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> GithubServer:
        self._http = LocalHttpServer(type("GithubHandler", (_Handler,), {"github": self}), "github-server")
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()

    @property
    def url(self) -> str:
        assert self._http is not None, "start() the server first"
        return self._http.url

    # -- set-up helpers --------------------------------------------------------------------------------------
    def now_iso(self) -> str:
        """A server clock that advances one second per reading (deterministic commit shas)."""
        moment = dt.datetime(2024, 3, 19, 6, 0, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=next(self._clock))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def next_id(self) -> int:
        return next(self._ids)

    def add_token(self, token: str, login: str, *, write: bool = True) -> None:
        self.tokens[token] = (login, write)

    def add_repo(self, full_name: str, files: dict[str, str], *, default_branch: str = "main",
                 private: bool = False) -> Repo:
        owner, name = full_name.split("/")
        repo = Repo(owner, name, 1000 + len(self.repos), default_branch, private)
        author = Identity(owner, f"{owner}@users.noreply.github.com", self.now_iso())
        repo.refs[f"refs/heads/{default_branch}"] = repo.commit_files(None, files, "Initial commit", author)
        self.repos[full_name] = repo
        return repo

    def repo(self, full_name: str) -> Repo:
        return self.repos[full_name]

    def push_commit(self, full_name: str, branch: str, files: dict[str, str | None], *, message: str = "Edit",
                    author: tuple[str, str] = ("Alice Maintainer", "alice@example.com")) -> str:
        """Someone else pushes a commit changing ``files`` on ``branch`` (created from the default branch)."""
        with self.lock:
            repo = self.repos[full_name]
            parent = repo.branch_sha(branch) or repo.branch_sha(repo.default_branch)
            who = Identity(author[0], author[1], self.now_iso())
            sha = repo.commit_files(parent, files, message, who)
            repo.refs[f"refs/heads/{branch}"] = sha
            return sha

    def merge_pull(self, full_name: str, number: int, *, by: str = "alice") -> str:
        """Squash-merge pull ``number`` into its base branch, as the web button does."""
        with self.lock:
            repo = self.repos[full_name]
            pull = repo.pulls[number]
            head, base = repo.branch_sha(pull.head), repo.branch_sha(pull.base)
            assert head and base, "both branches must exist"
            who = Identity(by, f"{by}@users.noreply.github.com", self.now_iso())
            sha = repo.git.put_commit(repo.git.commits[head].tree, [base], f"{pull.title} (#{number})", who,
                                      Identity("GitHub", "noreply@github.com", who.date))
            repo.refs[f"refs/heads/{pull.base}"] = sha
            pull.state, pull.merged, pull.closed_at, pull.head_sha = "closed", True, who.date, head
            for number in _closing_refs(pull.body):  # GitHub closes the issues a merged PR's body says it closes
                issue = repo.issues.get(number)
                if issue is not None and issue.state == "open":
                    issue.state, issue.closed_at = "closed", who.date
            return sha

    def add_issue(self, full_name: str, title: str, body: str, *, labels: tuple[str, ...] = (),
                  by: str = "author") -> int:
        """Someone opens an issue (its labels created when the repository lacks them); returns its number."""
        with self.lock:
            repo = self.repos[full_name]
            for name in labels:
                repo.add_label(name)
            now = self.now_iso()
            issue = Issue(repo.next_number, title, body, by, now, now, labels=list(labels))
            repo.issues[issue.number] = issue
            repo.next_number += 1
            return issue.number

    def rewrite_history(self, full_name: str, *, drop_old: bool = True) -> dict[str, str]:
        """Re-make every commit of every branch (same trees, a changed message: new shas) and force-push them.

        ``drop_old`` forgets the old commits (a re-created repository: their shas answer 404); without it
        they stay readable by sha but on no branch, as GitHub keeps force-pushed commits. Returns old -> new sha.
        """
        with self.lock:
            repo = self.repos[full_name]
            reachable: set[str] = set()
            for sha in [*repo.refs.values(), *(p.head_sha for p in repo.pulls.values() if p.head_sha in repo.git.commits)]:
                reachable |= repo.git.ancestors(sha)
            new: dict[str, str] = {}
            for old in sorted((repo.git.commits[s] for s in reachable), key=lambda c: c.order):
                new[old.sha] = repo.git.put_commit(old.tree, [new[p] for p in old.parents],
                                                   old.message + "\n\n(history rewritten)", old.author, old.committer)
            repo.refs = {name: new[sha] for name, sha in repo.refs.items()}
            for pull in repo.pulls.values():
                pull.head_sha = new.get(pull.head_sha, pull.head_sha)
            if drop_old:
                for sha in new:
                    del repo.git.commits[sha]
            return new

    # -- faults ----------------------------------------------------------------------------------------------
    def fail(self, method: str, path: str, status: int, body: Any = None, *, after: bool = False,
             times: int = 1, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` requests matching ``method`` + ``path`` with ``status``.

        ``after=True`` applies the request first (the state changes) and only then answers with the error.
        """
        body = body if body is not None else shapes.error(http.HTTPStatus(status).phrase)
        self.faults.append(Fault(method, re.compile(path), status, body, after, False, times, None, headers or {}))

    def drop(self, method: str, path: str, *, after: bool = True, times: int = 1) -> None:
        """Close the connection without answering (after applying the request when ``after``)."""
        self.faults.append(Fault(method, re.compile(path), None, None, after, True, times))

    def drip(self, method: str, path: str, *, bytes_per_second: float = 1.0, times: int = 1) -> None:
        """Apply the next ``times`` matching requests, then send each answer's body ``bytes_per_second``.

        The status line and headers (with the full ``Content-Length``) go at once; every single read of the
        body gets a byte in time, so only a bound on the whole request ends it.
        """
        self.faults.append(Fault(method, re.compile(path), after=True, times=times, drip=bytes_per_second))

    def on_request(self, method: str, path: str, callback: Callable[[GithubServer, RecordedRequest], None],
                   *, times: int = 1) -> None:
        """Run ``callback(server, request)`` after the next matching request was handled."""
        self.faults.append(Fault(method, re.compile(path), after=True, times=times, callback=callback))

    def rate_limit(self, reset_in: float) -> None:
        """Answer every request with GitHub's 403 rate-limit error until ``reset_in`` seconds from now."""
        self.limited_until = time.time() + reset_in

    @property
    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.is_write]

    # -- request handling ------------------------------------------------------------------------------------
    def _take(self, method: str, path: str, after: bool) -> Fault | None:
        for fault in self.faults:
            if fault.after == after and fault.matches(method, path):
                fault.times -= 1
                return fault
        return None

    def _rate_headers(self, login: str | None, limited: bool = False) -> dict[str, str]:
        limit = 5000 if login else 60
        used = self._used.get(login, 0)
        reset = math.ceil(self.limited_until) if limited and self.limited_until else self._reset
        return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0" if limited else str(max(limit - used, 0)),
                "X-RateLimit-Reset": str(reset), "X-RateLimit-Used": str(limit if limited else used),
                "X-RateLimit-Resource": "core"}

    def handle(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        query = dict(parse_qsl(parts.query))
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        record = RecordedRequest(h.command, path, query, dict(h.headers.items()), body)
        with self.lock:
            self.requests.append(record)
            status, payload, headers, drop, callbacks = self._dispatch(record)
        for callback in callbacks:
            callback(self, record)
        if drop:
            h.close_connection = True
            return
        record.status = status
        h.reply(status, payload, headers, drip=record.drip)

    def _dispatch(self, rec: RecordedRequest) -> tuple[int, Any, dict[str, str], bool, list[Callable[..., None]]]:
        token = rec.headers.get("Authorization", "").partition(" ")[2].strip() or None
        if token is not None and token not in self.tokens:
            return 401, shapes.error("Bad credentials"), self._rate_headers(None), False, []
        login, may_write = self.tokens[token] if token else (None, False)
        self._used[login] = self._used.get(login, 0) + 1
        if self.limited_until is not None and time.time() < self.limited_until:
            return 403, shapes.error(RATE_LIMIT_MESSAGE, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"), \
                self._rate_headers(login, limited=True), False, []
        rate = self._rate_headers(login)
        fault = self._take(rec.method, rec.path, after=False)
        if fault is not None:
            return fault.status or 0, fault.body, {**rate, **fault.headers}, fault.drop, []
        status, payload, headers = self._route(rec, login, may_write)
        headers = {**rate, **headers}
        callbacks: list[Callable[..., None]] = []
        fault = self._take(rec.method, rec.path, after=True)
        if fault is not None:
            if fault.callback is not None:
                callbacks.append(fault.callback)
            elif fault.drip:
                rec.drip = fault.drip
            elif fault.drop:
                return 0, None, headers, True, []
            else:
                status, payload, headers = fault.status or status, fault.body, {**rate, **fault.headers}
        return status, payload, headers, False, callbacks

    def _route(self, rec: RecordedRequest, login: str | None, may_write: bool) -> tuple[int, Any, dict[str, str]]:
        if rec.path == "/user":
            return (200, shapes.user(self.url, login), {}) if login else \
                (401, shapes.error("Requires authentication"), {})
        if rec.path == "/rate_limit":
            core = {"limit": 5000 if login else 60, "used": self._used.get(login, 0), "reset": self._reset}
            core["remaining"] = core["limit"] - core["used"]
            return 200, {"resources": {"core": core}, "rate": core}, {}
        match = re.fullmatch(r"/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>(/.*)?)", rec.path)
        repo = self.repos.get(f"{match['owner']}/{match['name']}") if match else None
        if match is None or repo is None or (repo.private and login is None):
            return 404, shapes.error("Not Found"), {}
        for method, pattern, handler, is_write in ROUTES:
            found = pattern.fullmatch(match["rest"]) if method == rec.method else None
            if found is None:
                continue
            if is_write and login is None:
                return 401, shapes.error("Requires authentication"), {}
            if is_write and not may_write:
                return 403, shapes.error("Resource not accessible by personal access token"), {}
            request = Request(rec.method, rec.path, rec.query, rec.body if rec.body is not None else {}, login,
                              found.groupdict())
            status, payload, headers = handler(self, repo, request)
            if isinstance(payload, list):
                payload, link = _paginate(self.url, rec, payload)
                headers = {**headers, **({"Link": link} if link else {})}
            return status, payload, headers
        return 404, shapes.error("Not Found"), {}


_CLOSING = re.compile(r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b", re.IGNORECASE)
"""GitHub's closing keywords before an issue number in a pull request's body."""


def _closing_refs(body: str) -> list[int]:
    return [int(number) for number in _CLOSING.findall(body or "")]


def _paginate(base: str, rec: RecordedRequest, items: list[Any]) -> tuple[list[Any], str]:
    """One page of ``items`` (``page``/``per_page``, default 30) and its ``Link`` header."""
    per_page = int(rec.query.get("per_page", 30))
    page = int(rec.query.get("page", 1))
    pages = max(1, math.ceil(len(items) / per_page))
    links = []
    for rel, number in (("next", page + 1), ("last", pages)):
        if number <= pages and number != page:
            query = urlencode({**rec.query, "page": str(number)})
            links.append(f'<{base}{rec.path}?{query}>; rel="{rel}"')
    return items[(page - 1) * per_page: page * per_page], ", ".join(links)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave together: no 40 ms delayed-ACK stall per request
    wbufsize = -1
    github: GithubServer

    def do_GET(self) -> None:
        self.github.handle(self)

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def reply(self, status: int, payload: Any, headers: dict[str, str], *, drip: float = 0.0) -> None:
        data = b"" if status == 204 or payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        self.send_header("X-GitHub-Request-Id", f"0000:{id(self) % 10**8:08d}")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not drip:
            self.wfile.write(data)
            return
        self.wfile.flush()
        self.close_connection = True
        for i in range(len(data)):  # a client that gave up closes the socket: the write then fails
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(1 / drip)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        return
