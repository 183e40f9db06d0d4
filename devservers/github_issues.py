"""The issue endpoints of the small GitHub: list (``state``, ``labels``, ``creator``, ``direction``), get, create and edit.

As on GitHub, issues and pull requests share their numbers, and listing issues
lists the pull requests too (each with a ``pull_request`` key), so a client
that wants issues alone must skip them. An issue's labels and comments are
served by :mod:`devservers.github_routes` (``/issues/{number}/labels``,
``/issues/{number}/comments``), for issues and pull requests alike.
Importing this module registers its routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devservers import github_shapes as shapes
from devservers.github_routes import Request, Result, created, edit_thread, not_found, ok, route, thread
from devservers.github_state import Issue, Pull, Repo

if TYPE_CHECKING:
    from devservers.github_server import GithubServer


def _threads(r: Repo) -> list[Issue | Pull]:
    return sorted([*r.issues.values(), *r.pulls.values()], key=lambda i: i.number)


@route("GET", r"/issues")
def list_issues(server: GithubServer, r: Repo, req: Request) -> Result:
    """Issues and pull requests, newest first unless ``direction=asc``; ``labels``: all of these (comma-separated)."""
    state = req.query.get("state", "open")
    wanted = [name for name in req.query.get("labels", "").split(",") if name]
    found = [i for i in _threads(r) if (state == "all" or i.state == state) and all(n in i.labels for n in wanted)]
    if "creator" in req.query:
        found = [i for i in found if i.user == req.query["creator"]]
    if req.query.get("direction", "desc") == "desc":
        found.reverse()
    return ok([shapes.issue(server.url, r, i) for i in found])


@route("GET", r"/issues/(?P<number>\d+)")
def get_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    found = thread(r, req)
    return not_found() if found is None else ok(shapes.issue(server.url, r, found))


@route("POST", r"/issues")
def create_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    body = req.body if isinstance(req.body, dict) else {}
    if not body.get("title"):
        return 422, shapes.validation_failed("Issue", field="title", code="missing_field"), {}
    labels = [str(name) for name in body.get("labels") or []]
    for name in labels:  # GitHub creates a label the repository lacks (grey, no description)
        r.add_label(name)
    now = server.now_iso()
    issue = Issue(r.next_number, str(body["title"]), str(body.get("body") or ""), req.login or "ghost",
                  now, now, labels=labels)
    r.issues[issue.number] = issue
    r.next_number += 1
    return created(shapes.issue(server.url, r, issue))


@route("PATCH", r"/issues/(?P<number>\d+)")
def edit_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    """Title, body, labels (replaced) and state (``open``/``closed``) of an issue or a pull request."""
    item = thread(r, req)
    if item is None:
        return not_found()
    body = req.body if isinstance(req.body, dict) else {}
    if "labels" in body:
        item.labels = [str(n) for n in body["labels"] or []]
        for name in item.labels:
            r.add_label(name)
    edit_thread(server, item, body)
    return ok(shapes.issue(server.url, r, item))
