"""The REST endpoints of the small GitHub: repos, contents, git data, pulls, issue labels and comments, compare.

Issues themselves (list, get, create, edit) are in :mod:`devservers.github_issues`.

Each handler takes the parsed request and the repository and returns
``(status, body, headers)``; :mod:`devservers.github_server` does the HTTP,
authentication, rate limits and fault injection around them. Status codes and
error bodies are GitHub's own (404 ``Not Found``, 409/422 with the real messages).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from devservers import github_shapes as shapes
from devservers.github_state import Comment, Identity, Issue, Pull, Repo

if TYPE_CHECKING:
    from devservers.github_server import GithubServer


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    login: str | None
    """Authenticated user (None when anonymous)."""
    match: dict[str, str] = field(default_factory=dict)


Result = tuple[int, Any, dict[str, str]]
Handler = Callable[["GithubServer", Repo, Request], Result]
ROUTES: list[tuple[str, re.Pattern[str], Handler, bool]] = []
"""(method, path pattern below /repos/{owner}/{repo}, handler, is_write)."""


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        ROUTES.append((method, re.compile(pattern), func, method != "GET"))
        return func

    return register


def not_found() -> Result:
    return 404, shapes.error("Not Found"), {}


def ok(body: Any, status: int = 200, location: str | None = None) -> Result:
    return status, body, ({"Location": location} if location else {})


def created(body: dict[str, Any]) -> Result:
    """201 with ``Location`` set to the new object's API url."""
    return ok(body, 201, body["url"])


def unprocessable(message: str) -> Result:
    return 422, shapes.error(message), {}


def _committer(server: GithubServer, obj: Any, fallback: str | None) -> Identity:
    now = server.now_iso()
    if isinstance(obj, dict) and obj.get("name") and obj.get("email"):
        return Identity(obj["name"], obj["email"], obj.get("date") or now)
    login = fallback or "ghost"
    return Identity(login, f"{login}@users.noreply.github.com", now)


@route("GET", r"")
def get_repo(server: GithubServer, r: Repo, req: Request) -> Result:
    return ok(shapes.repo(server.url, r))


@route("GET", r"/git/refs?/(?P<ref>.+)")
def get_ref(server: GithubServer, r: Repo, req: Request) -> Result:
    name = "refs/" + req.match["ref"]
    if name not in r.refs:
        return not_found()
    return ok(shapes.ref(server.url, r, name))


@route("POST", r"/git/refs")
def create_ref(server: GithubServer, r: Repo, req: Request) -> Result:
    name, sha = str(req.body.get("ref", "")), str(req.body.get("sha", ""))
    if not name.startswith("refs/") or name.count("/") < 2:
        return unprocessable("Reference name must start with 'refs/' and have at least two slashes.")
    if name in r.refs:
        return unprocessable("Reference already exists")
    if sha not in r.git.commits:
        return unprocessable("Object does not exist")
    r.refs[name] = sha
    return created(shapes.ref(server.url, r, name))


@route("PATCH", r"/git/refs/(?P<ref>.+)")
def update_ref(server: GithubServer, r: Repo, req: Request) -> Result:
    name = "refs/" + req.match["ref"]
    if name not in r.refs:
        return unprocessable("Reference does not exist")
    sha = str(req.body.get("sha", ""))
    if sha not in r.git.commits:
        return unprocessable("Object does not exist")
    if not req.body.get("force") and r.refs[name] not in r.git.ancestors(sha):
        return unprocessable("Update is not a fast forward")
    r.refs[name] = sha
    return ok(shapes.ref(server.url, r, name))


@route("DELETE", r"/git/refs/(?P<ref>.+)")
def delete_ref(server: GithubServer, r: Repo, req: Request) -> Result:
    name = "refs/" + req.match["ref"]
    if name not in r.refs:
        return unprocessable("Reference does not exist")
    sha = r.refs.pop(name)
    branch = name.removeprefix("refs/heads/")
    for pull in r.open_pulls():  # GitHub closes the open pulls of a deleted head branch
        if pull.head == branch:
            pull.state, pull.head_sha, pull.closed_at = "closed", sha, server.now_iso()
    return 204, None, {}


@route("GET", r"/git/commits/(?P<sha>[0-9a-f]{40})")
def get_commit(server: GithubServer, r: Repo, req: Request) -> Result:
    commit = r.git.commits.get(req.match["sha"])
    return not_found() if commit is None else ok(shapes.git_commit(server.url, r, commit))


@route("POST", r"/git/commits")
def create_commit(server: GithubServer, r: Repo, req: Request) -> Result:
    tree, parents = str(req.body.get("tree", "")), [str(p) for p in req.body.get("parents") or []]
    if tree not in r.git.trees:
        return unprocessable("Tree SHA does not exist")
    if any(p not in r.git.commits for p in parents):
        return unprocessable("Parent SHA does not exist or is not a commit object")
    author = _committer(server, req.body.get("author"), req.login)
    committer = _committer(server, req.body.get("committer"), None) if req.body.get("committer") else author
    sha = r.git.put_commit(tree, parents, str(req.body.get("message", "")), author, committer)
    return created(shapes.git_commit(server.url, r, r.git.commits[sha]))


@route("GET", r"/git/trees/(?P<sha>[0-9a-f]{40})")
def get_tree(server: GithubServer, r: Repo, req: Request) -> Result:
    return not_found() if req.match["sha"] not in r.git.trees else ok(shapes.tree(server.url, r, req.match["sha"]))


@route("POST", r"/git/trees")
def create_tree(server: GithubServer, r: Repo, req: Request) -> Result:
    base_tree = req.body.get("base_tree")
    if base_tree and base_tree not in r.git.trees:
        return unprocessable("Invalid tree info")
    files = r.git.flatten(base_tree) if base_tree else {}
    for item in req.body.get("tree") or []:
        path = str(item.get("path", ""))
        if "content" in item:
            files[path] = (str(item.get("mode", "100644")), r.git.put_blob(str(item["content"]).encode("utf-8")))
        elif item.get("sha") is None:  # "sha": null deletes the path
            files.pop(path, None)
        elif item["sha"] in r.git.blobs:
            files[path] = (str(item.get("mode", "100644")), item["sha"])
        else:
            return unprocessable("Invalid tree info")
    sha = r.git.build_tree(files)
    return created(shapes.tree(server.url, r, sha))


@route("GET", r"/git/blobs/(?P<sha>[0-9a-f]{40})")
def get_blob(server: GithubServer, r: Repo, req: Request) -> Result:
    return not_found() if req.match["sha"] not in r.git.blobs else ok(shapes.blob(server.url, r, req.match["sha"]))


@route("POST", r"/git/blobs")
def create_blob(server: GithubServer, r: Repo, req: Request) -> Result:
    raw = str(req.body.get("content", ""))
    data = base64.b64decode(raw) if req.body.get("encoding") == "base64" else raw.encode("utf-8")
    return created(shapes.blob(server.url, r, r.git.put_blob(data), with_content=False))


@route("GET", r"/contents/(?P<path>.*)")
def get_contents(server: GithubServer, r: Repo, req: Request) -> Result:
    ref_name = req.query.get("ref") or r.default_branch
    sha = r.resolve(ref_name)
    if sha is None:
        return 404, shapes.error(f"No commit found for the ref {ref_name}"), {}
    path = req.match["path"].strip("/")
    files = r.git.flatten(r.git.commits[sha].tree)
    if path in files:
        blob_sha = files[path][1]
        return ok(shapes.content(server.url, r, path, ref_name, blob_sha, r.git.blobs[blob_sha]))
    return not_found()


@route("PUT", r"/contents/(?P<path>.+)")
def put_contents(server: GithubServer, r: Repo, req: Request) -> Result:
    path, branch = req.match["path"].strip("/"), req.body.get("branch") or r.default_branch
    parent = r.branch_sha(branch)
    if parent is None:
        return 404, shapes.error(f"Branch {branch} not found"), {}
    existing = r.git.flatten(r.git.commits[parent].tree).get(path)
    if existing and not req.body.get("sha"):
        return unprocessable('Invalid request.\n\n"sha" wasn\'t supplied.')
    if existing and req.body["sha"] != existing[1]:
        return 409, shapes.error(f"{path} does not match {req.body['sha']}"), {}
    text = base64.b64decode(str(req.body.get("content", ""))).decode("utf-8")
    author = _committer(server, req.body.get("committer"), req.login)
    sha = r.commit_files(parent, {path: text}, str(req.body.get("message", "")), author)
    r.refs[f"refs/heads/{branch}"] = sha
    blob_sha = r.git.flatten(r.git.commits[sha].tree)[path][1]
    return ok({"content": shapes.content(server.url, r, path, branch, blob_sha, text.encode()),
               "commit": shapes.git_commit(server.url, r, r.git.commits[sha])}, 200 if existing else 201)


@route("GET", r"/compare/(?P<base>.+?)\.\.\.(?P<head>.+)")
def compare(server: GithubServer, r: Repo, req: Request) -> Result:
    base_ref, head_ref = req.match["base"], req.match["head"]
    base_sha, head_sha = r.resolve(base_ref), r.resolve(head_ref)
    if base_sha is None or head_sha is None:
        return not_found()
    if not r.git.ancestors(base_sha) & r.git.ancestors(head_sha):
        return 404, shapes.error(f"No common ancestor between {base_ref} and {head_ref}."), {}
    return ok(shapes.compare(server.url, r, base_ref, head_ref, base_sha, head_sha))


def _head_branch(r: Repo, head: str) -> str | None:
    owner, sep, branch = head.rpartition(":")
    if sep and owner != r.owner:
        return None
    return branch


@route("GET", r"/pulls")
def list_pulls(server: GithubServer, r: Repo, req: Request) -> Result:
    state = req.query.get("state", "open")
    newest_first = req.query.get("direction") == "desc"
    pulls = [p for p in sorted(r.pulls.values(), key=lambda p: p.number, reverse=newest_first)
             if state == "all" or p.state == state]
    if "head" in req.query:
        branch = _head_branch(r, req.query["head"])
        pulls = [p for p in pulls if p.head == branch]
    if "base" in req.query:
        pulls = [p for p in pulls if p.base == req.query["base"]]
    return ok([shapes.pull(server.url, r, p) for p in pulls])


@route("POST", r"/pulls")
def create_pull(server: GithubServer, r: Repo, req: Request) -> Result:
    head = _head_branch(r, str(req.body.get("head", "")))
    base = str(req.body.get("base", ""))
    if not req.body.get("title"):
        return 422, shapes.validation_failed("PullRequest", field="title", code="missing_field"), {}
    if head is None or r.branch_sha(head) is None:
        return 422, shapes.validation_failed("PullRequest", field="head", code="invalid"), {}
    if r.branch_sha(base) is None:
        return 422, shapes.validation_failed("PullRequest", field="base", code="invalid"), {}
    if any(p.head == head and p.base == base for p in r.open_pulls()):
        return 422, shapes.validation_failed("PullRequest", f"A pull request already exists for {r.owner}:{head}."), {}
    if not r.commits_ahead(head, base):
        return 422, shapes.validation_failed("PullRequest", f"No commits between {base} and {head}"), {}
    now = server.now_iso()
    pull = Pull(r.next_number, str(req.body["title"]), str(req.body.get("body") or ""), head, base,
                req.login or "ghost", now, now, head_sha=r.branch_sha(head) or "")
    r.pulls[pull.number] = pull
    r.next_number += 1
    return created(shapes.pull(server.url, r, pull))


def _pull(r: Repo, req: Request) -> Pull | None:
    return r.pulls.get(int(req.match["number"]))


def thread(r: Repo, req: Request) -> Pull | Issue | None:
    """The pull request or issue numbered in the path: both have labels and comments."""
    number = int(req.match["number"])
    return r.pulls.get(number) or r.issues.get(number)


def edit_thread(server: GithubServer, item: Pull | Issue, body: dict[str, Any]) -> None:
    """Title, body and state (``open``/``closed``) of a pull request or an issue, as a ``PATCH`` sets them."""
    for key in ("title", "body"):
        if key in body:
            setattr(item, key, str(body[key] or ""))
    if body.get("state") in ("open", "closed"):
        item.state = body["state"]
        item.closed_at = server.now_iso() if item.state == "closed" else None
    item.updated_at = server.now_iso()


@route("GET", r"/pulls/(?P<number>\d+)")
def get_pull(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = _pull(r, req)
    return not_found() if pull is None else ok(shapes.pull(server.url, r, pull))


@route("PATCH", r"/pulls/(?P<number>\d+)")
def edit_pull(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = _pull(r, req)
    if pull is None:
        return not_found()
    edit_thread(server, pull, req.body)
    return ok(shapes.pull(server.url, r, pull))


def _label_names(body: Any) -> list[str]:
    items = body.get("labels", []) if isinstance(body, dict) else body or []
    return [str(i["name"] if isinstance(i, dict) else i) for i in items]


def _labels_result(server: GithubServer, r: Repo, pull: Pull | Issue) -> Result:
    return ok([shapes.label(server.url, r, n) for n in pull.labels])


@route("GET", r"/issues/(?P<number>\d+)/labels")
def get_labels(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = thread(r, req)
    return not_found() if pull is None else _labels_result(server, r, pull)


@route("PUT", r"/issues/(?P<number>\d+)/labels")
@route("POST", r"/issues/(?P<number>\d+)/labels")
def set_labels(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = thread(r, req)
    if pull is None:
        return not_found()
    names = _label_names(req.body)
    for name in names:  # GitHub creates a label the repository lacks (grey, no description)
        r.add_label(name)
    pull.labels = names if req.method == "PUT" else pull.labels + [n for n in names if n not in pull.labels]
    return _labels_result(server, r, pull)


@route("DELETE", r"/issues/(?P<number>\d+)/labels/(?P<name>[^/]+)")
def remove_label(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = thread(r, req)
    name = unquote(req.match["name"])
    if pull is None or name not in pull.labels:
        return 404, shapes.error("Label does not exist"), {}
    pull.labels.remove(name)
    return _labels_result(server, r, pull)


@route("GET", r"/labels/(?P<name>[^/]+)")
def get_repo_label(server: GithubServer, r: Repo, req: Request) -> Result:
    name = unquote(req.match["name"])
    return not_found() if name not in r.labels else ok(shapes.label(server.url, r, name))


@route("POST", r"/labels")
def create_repo_label(server: GithubServer, r: Repo, req: Request) -> Result:
    body = req.body if isinstance(req.body, dict) else {}
    name = str(body.get("name") or "")
    if not name:
        return 422, shapes.validation_failed("Label", field="name", code="missing_field"), {}
    if name in r.labels:
        return 422, shapes.validation_failed("Label", field="name", code="already_exists"), {}
    color = str(body.get("color") or "ededed").lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
        return 422, shapes.validation_failed("Label", field="color", code="invalid"), {}
    description = body.get("description")
    r.add_label(name, color, None if description is None else str(description))
    return created(shapes.label(server.url, r, name))


@route("PUT", r"/pulls/(?P<number>\d+)/update-branch")
def update_branch(server: GithubServer, r: Repo, req: Request) -> Result:
    """GitHub's "Update branch" button: merge the base into the head branch, authored by who clicked."""
    pull = _pull(r, req)
    if pull is None or pull.state != "open":
        return not_found()
    head_sha, base_sha = r.branch_sha(pull.head), r.branch_sha(pull.base)
    if head_sha is None or base_sha is None:
        return unprocessable("merge conflict between base and head")
    expected = (req.body or {}).get("expected_head_sha") if isinstance(req.body, dict) else None
    if expected and expected != head_sha:
        return unprocessable("expected head sha didn’t match current head ref.")
    if base_sha in r.git.ancestors(head_sha):
        return unprocessable("There are no new commits on the base branch.")
    now = server.now_iso()
    login = req.login or "ghost"
    author = Identity(login, f"{login}@users.noreply.github.com", now)
    sha = r.merge_commit(head_sha, base_sha, f"Merge branch '{pull.base}' into {pull.head}", author,
                         Identity("GitHub", "noreply@github.com", now))
    if sha is None:
        return unprocessable("merge conflict between base and head")
    r.refs[f"refs/heads/{pull.head}"] = sha
    pull.head_sha = sha
    pull.updated_at = now
    return ok({"message": "Updating pull request branch.",
               "url": f"{server.url}/{r.full_name}/pull/{pull.number}"}, 202)


@route("GET", r"/issues/(?P<number>\d+)/comments")
def list_comments(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = thread(r, req)
    if pull is None:
        return not_found()
    return ok([shapes.comment(server.url, r, pull.number, c) for c in pull.comments])


@route("POST", r"/issues/(?P<number>\d+)/comments")
def create_comment(server: GithubServer, r: Repo, req: Request) -> Result:
    pull = thread(r, req)
    if pull is None:
        return not_found()
    if not req.body.get("body"):
        return 422, shapes.validation_failed("IssueComment", field="body", code="missing_field"), {}
    comment = Comment(server.next_id(), str(req.body["body"]), req.login or "ghost", server.now_iso())
    pull.comments.append(comment)
    return created(shapes.comment(server.url, r, pull.number, comment))


@route("GET", r"/commits")
def list_commits(server: GithubServer, r: Repo, req: Request) -> Result:
    """Commits reachable from ``sha`` (default branch), newest first; ``path`` keeps those that changed it."""
    ref_name = req.query.get("sha") or r.default_branch
    head = r.resolve(ref_name)
    if head is None:
        return 404, shapes.error(f"No commit found for SHA: {ref_name}"), {}
    commits = sorted((r.git.commits[s] for s in r.git.ancestors(head)), key=lambda c: c.order, reverse=True)
    path = req.query.get("path", "").strip("/")
    if path:
        def blob(sha: str | None) -> bytes | None:
            return None if sha is None else r.git.file_at(sha, path)

        commits = [c for c in commits if blob(c.sha) != blob(c.parents[0] if c.parents else None)]
    since, until = req.query.get("since"), req.query.get("until")
    commits = [c for c in commits if (not since or c.committer.date >= since) and (not until or c.committer.date <= until)]
    return ok([shapes.rest_commit(server.url, r, c) for c in commits])
