"""The issue endpoints of the small GitHub: list, create, get and edit issues (the dashboard issue lives here).

As on GitHub, issues and pull requests share one number sequence, and the issue
list holds the pull requests too (each with a ``pull_request`` key), so a
client that wants issues alone must skip them. Labels and comments of an issue
go through the ``/issues/{number}/labels`` and ``/issues/{number}/comments``
routes of :mod:`devservers.github_routes`, which serve issues and pull requests alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devservers import github_shapes as shapes
from devservers.github_routes import Request, Result, created, not_found, ok, route
from devservers.github_state import Comment, Pull, Repo

if TYPE_CHECKING:
    from devservers.github_server import GithubServer


@dataclass
class Issue:
    """One issue (not a pull request)."""

    number: int
    title: str
    body: str
    user: str
    created_at: str
    updated_at: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    closed_at: str | None = None


def issue_shape(base: str, r: Repo, item: Issue | Pull) -> dict[str, Any]:
    """An issue as GitHub's issues API shows it; a pull request gets its ``pull_request`` key."""
    api = f"{base}/repos/{r.full_name}"
    is_pull = isinstance(item, Pull)
    html = f"{base}/{r.full_name}/{'pull' if is_pull else 'issues'}/{item.number}"
    data: dict[str, Any] = {
        "url": f"{api}/issues/{item.number}", "repository_url": api, "id": 3000 + item.number,
        "node_id": f"I_{item.number}", "number": item.number, "title": item.title, "body": item.body,
        "user": shapes.user(base, item.user), "labels": [shapes.label(base, r, n) for n in item.labels],
        "state": item.state, "locked": False, "assignee": None, "assignees": [], "milestone": None,
        "comments": len(item.comments), "created_at": item.created_at, "updated_at": item.updated_at,
        "closed_at": item.closed_at, "author_association": "OWNER", "active_lock_reason": None,
        "html_url": html, "labels_url": f"{api}/issues/{item.number}/labels{{/name}}",
        "comments_url": f"{api}/issues/{item.number}/comments", "events_url": f"{api}/issues/{item.number}/events",
        "state_reason": None,
    }
    if is_pull:
        data["pull_request"] = {"url": f"{api}/pulls/{item.number}", "html_url": html,
                                "diff_url": f"{html}.diff", "patch_url": f"{html}.patch"}
    return data


def _issues(r: Repo) -> dict[int, Issue]:
    return r.issues  # type: ignore[no-any-return]


@route("GET", r"/issues")
def list_issues(server: GithubServer, r: Repo, req: Request) -> Result:
    """Issues and pull requests, newest first (GitHub's default sort), filtered by ``state`` and ``labels``."""
    state = req.query.get("state", "open")
    wanted = [name for name in req.query.get("labels", "").split(",") if name]
    items: list[Issue | Pull] = [*_issues(r).values(), *r.pulls.values()]
    items = [i for i in items if (state == "all" or i.state == state) and all(n in i.labels for n in wanted)]
    if "creator" in req.query:
        items = [i for i in items if i.user == req.query["creator"]]
    newest_first = req.query.get("direction", "desc") == "desc"
    items.sort(key=lambda i: i.number, reverse=newest_first)
    return ok([issue_shape(server.url, r, i) for i in items])


@route("POST", r"/issues")
def create_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    body = req.body if isinstance(req.body, dict) else {}
    if not body.get("title"):
        return 422, shapes.validation_failed("Issue", field="title", code="missing_field"), {}
    now = server.now_iso()
    labels = [str(n) for n in body.get("labels") or []]
    for name in labels:  # GitHub creates a label the repository lacks (grey, no description)
        r.add_label(name)
    issue = Issue(r.next_number, str(body["title"]), str(body.get("body") or ""), req.login or "ghost", now, now,
                  labels=labels)
    _issues(r)[issue.number] = issue
    r.next_number += 1
    return created(issue_shape(server.url, r, issue))


def _item(r: Repo, req: Request) -> Issue | Pull | None:
    number = int(req.match["number"])
    return _issues(r).get(number) or r.pulls.get(number)


@route("GET", r"/issues/(?P<number>\d+)")
def get_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    item = _item(r, req)
    return not_found() if item is None else ok(issue_shape(server.url, r, item))


@route("PATCH", r"/issues/(?P<number>\d+)")
def edit_issue(server: GithubServer, r: Repo, req: Request) -> Result:
    item = _item(r, req)
    if item is None:
        return not_found()
    body = req.body if isinstance(req.body, dict) else {}
    for key in ("title", "body"):
        if key in body:
            setattr(item, key, str(body[key] or ""))
    if "labels" in body:
        item.labels = [str(n) for n in body["labels"] or []]
        for name in item.labels:
            r.add_label(name)
    if body.get("state") in ("open", "closed"):
        item.state = body["state"]
        item.closed_at = server.now_iso() if item.state == "closed" else None
    item.updated_at = server.now_iso()
    return ok(issue_shape(server.url, r, item))
