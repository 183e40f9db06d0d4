"""JSON shapes of the GitHub REST API, as in the real exchanges of ``../shared/fixtures/github/``.

Each function turns a piece of :mod:`devservers.github_state` into the
object GitHub returns for it, with ``url``/``html_url`` fields pointing back to
the local server (``base``), so PyGithub follows them to the same server.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import quote

from devservers.github_state import CommitObject, Identity, Issue, Pull, Repo

DOCS = "https://docs.github.com/rest"


def error(message: str, docs: str = DOCS, **extra: Any) -> dict[str, Any]:
    """GitHub's error body: ``{"message": ..., "documentation_url": ...}`` (plus ``errors`` for 422)."""
    return {"message": message, **extra, "documentation_url": docs}


def validation_failed(resource: str, message: str | None = None, field: str | None = None,
                      code: str = "custom") -> dict[str, Any]:
    item: dict[str, Any] = {"resource": resource, "code": code}
    if field:
        item["field"] = field
    if message:
        item["message"] = message
    return error("Validation Failed", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request", errors=[item])


def user(base: str, login: str) -> dict[str, Any]:
    uid = int(hashlib.sha1(login.encode()).hexdigest()[:6], 16)
    return {
        "login": login, "id": uid, "node_id": f"MDQ6VXNlcj{uid}",
        "avatar_url": f"{base}/avatars/u/{uid}", "gravatar_id": "",
        "url": f"{base}/users/{login}", "html_url": f"{base}/{login}",
        "type": "Bot" if login.endswith("[bot]") else "User", "site_admin": False,
        **{f"{name}_url": f"{base}/users/{login}/{name}{suffix}" for name, suffix in (
            ("followers", ""), ("following", "{/other_user}"), ("gists", "{/gist_id}"),
            ("starred", "{/owner}{/repo}"), ("subscriptions", ""), ("organizations", ""), ("repos", ""),
            ("events", "{/privacy}"), ("received_events", ""))},
    }


_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}", "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}", "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}", "commits_url": "/commits{/sha}", "contributors_url": "/contributors",
    "deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events", "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}", "git_tags_url": "/git/tags{/sha}", "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}", "issue_events_url": "/issues/events{/number}",
    "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}", "languages_url": "/languages",
    "merges_url": "/merges", "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}", "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}", "subscribers_url": "/subscribers",
    "subscription_url": "/subscription", "tags_url": "/tags", "teams_url": "/teams", "trees_url": "/git/trees{/sha}",
}
"""The ``*_url`` templates of a repository, relative to its API URL."""


def repo(base: str, r: Repo) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    return {
        **{key: api + suffix for key, suffix in _REPO_URLS.items()},
        "git_url": f"git://127.0.0.1/{r.full_name}.git", "ssh_url": f"git@127.0.0.1:{r.full_name}.git",
        "svn_url": f"{base}/{r.full_name}", "mirror_url": None, "homepage": None, "language": "Markdown",
        "size": 100, "forks": 0, "forks_count": 0, "network_count": 0, "open_issues": len(r.open_pulls()),
        "stargazers_count": 0, "subscribers_count": 1, "watchers": 0, "watchers_count": 0, "topics": [],
        "license": None, "organization": None, "permissions": {"admin": False, "maintain": False, "push": True,
                                                                "triage": True, "pull": True},
        "allow_auto_merge": False, "allow_forking": True, "allow_merge_commit": True, "allow_rebase_merge": True,
        "allow_squash_merge": True, "allow_update_branch": False, "delete_branch_on_merge": False,
        "use_squash_pr_title_as_default": False, "merge_commit_message": "PR_TITLE", "merge_commit_title": "MERGE_MESSAGE",
        "squash_merge_commit_message": "COMMIT_MESSAGES", "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
        "has_discussions": False, "has_downloads": True, "has_pages": False, "has_projects": True, "has_wiki": True,
        "is_template": False, "web_commit_signoff_required": False, "custom_properties": {},
        "security_and_analysis": None, "temp_clone_token": None,
        "id": r.id, "node_id": f"MDEwOlJlcG9zaXRvcnk{r.id}", "name": r.name, "full_name": r.full_name,
        "private": r.private, "owner": user(base, r.owner), "html_url": f"{base}/{r.full_name}",
        "description": None, "fork": False, "url": api,
        "pulls_url": f"{api}/pulls{{/number}}", "issues_url": f"{api}/issues{{/number}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}", "contents_url": f"{api}/contents/{{+path}}",
        "compare_url": f"{api}/compare/{{base}}...{{head}}",
        "clone_url": f"{base}/{r.full_name}.git", "default_branch": r.default_branch,
        "visibility": "private" if r.private else "public", "archived": False, "disabled": False,
        "has_issues": True, "open_issues_count": len(r.open_pulls()),
        "created_at": "2024-02-20T00:00:00Z", "updated_at": "2024-03-19T00:00:00Z", "pushed_at": "2024-03-19T00:00:00Z",
    }


def ref(base: str, r: Repo, name: str) -> dict[str, Any]:
    sha = r.refs[name]
    api = f"{base}/repos/{r.full_name}"
    return {
        "ref": name, "node_id": f"MDM6UmVm{abs(hash(name)) % 10**8}", "url": f"{api}/git/{name}",
        "object": {"sha": sha, "type": "commit", "url": f"{api}/git/commits/{sha}"},
    }


def _identity(i: Identity) -> dict[str, str]:
    return {"name": i.name, "email": i.email, "date": i.date}


def git_commit(base: str, r: Repo, c: CommitObject) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    return {
        "sha": c.sha, "node_id": f"C_{c.sha[:20]}", "url": f"{api}/git/commits/{c.sha}",
        "html_url": f"{base}/{r.full_name}/commit/{c.sha}",
        "author": _identity(c.author), "committer": _identity(c.committer), "message": c.message,
        "tree": {"sha": c.tree, "url": f"{api}/git/trees/{c.tree}"},
        "parents": [{"sha": p, "url": f"{api}/git/commits/{p}", "html_url": f"{base}/{r.full_name}/commit/{p}"}
                    for p in c.parents],
        "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
    }


def rest_commit(base: str, r: Repo, c: CommitObject) -> dict[str, Any]:
    """A commit as ``/commits`` and ``/compare`` list it (git commit nested under ``commit``)."""
    api = f"{base}/repos/{r.full_name}"
    inner = git_commit(base, r, c)
    inner.pop("sha")
    inner.pop("node_id")
    inner.pop("html_url")
    inner.pop("parents")
    inner["comment_count"] = 0
    return {
        "sha": c.sha, "node_id": f"C_{c.sha[:20]}", "commit": inner, "url": f"{api}/commits/{c.sha}",
        "html_url": f"{base}/{r.full_name}/commit/{c.sha}", "comments_url": f"{api}/commits/{c.sha}/comments",
        "author": None, "committer": None,
        "parents": [{"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{base}/{r.full_name}/commit/{p}"}
                    for p in c.parents],
    }


def tree(base: str, r: Repo, sha: str) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    entries = []
    for e in r.git.trees[sha]:
        item: dict[str, Any] = {"path": e.name, "mode": e.mode, "type": e.type, "sha": e.sha,
                                "url": f"{api}/git/{'trees' if e.type == 'tree' else 'blobs'}/{e.sha}"}
        if e.type == "blob":
            item["size"] = len(r.git.blobs[e.sha])
        entries.append(item)
    return {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": entries, "truncated": False}


def blob(base: str, r: Repo, sha: str, with_content: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"sha": sha, "url": f"{base}/repos/{r.full_name}/git/blobs/{sha}"}
    if with_content:
        data = r.git.blobs[sha]
        out.update(content=_b64(data), encoding="base64", size=len(data), node_id=f"B_{sha[:20]}")
    return out


def _b64(data: bytes) -> str:
    # GitHub wraps base64 content at 60 characters, with a trailing newline
    text = base64.b64encode(data).decode("ascii")
    return "".join(text[i:i + 60] + "\n" for i in range(0, len(text), 60))


def content(base: str, r: Repo, path: str, ref_name: str, blob_sha: str, data: bytes) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    name = path.rsplit("/", 1)[-1]
    return {
        "type": "file", "encoding": "base64", "size": len(data), "name": name, "path": path,
        "content": _b64(data), "sha": blob_sha,
        "url": f"{api}/contents/{path}?ref={ref_name}", "git_url": f"{api}/git/blobs/{blob_sha}",
        "html_url": f"{base}/{r.full_name}/blob/{ref_name}/{path}",
        "download_url": f"{base}/raw/{r.full_name}/{ref_name}/{path}",
        "_links": {"self": f"{api}/contents/{path}?ref={ref_name}", "git": f"{api}/git/blobs/{blob_sha}",
                   "html": f"{base}/{r.full_name}/blob/{ref_name}/{path}"},
    }


def label(base: str, r: Repo, name: str) -> dict[str, Any]:
    lid = r.labels[name]
    color, description = r.label_details.get(name, ("ededed", None))
    return {"id": lid, "node_id": f"LA_{lid}", "url": f"{base}/repos/{r.full_name}/labels/{quote(name)}",
            "name": name, "color": color, "default": False, "description": description}


def comment(base: str, r: Repo, number: int, c: Any) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    kind = "issues" if number in r.issues else "pull"
    return {
        "id": c.id, "node_id": f"IC_{c.id}", "url": f"{api}/issues/comments/{c.id}",
        "html_url": f"{base}/{r.full_name}/{kind}/{number}#issuecomment-{c.id}",
        "issue_url": f"{api}/issues/{number}", "body": c.body, "user": user(base, c.user),
        "created_at": c.created_at, "updated_at": c.created_at, "author_association": "NONE",
    }


def issue(base: str, r: Repo, i: Issue | Pull) -> dict[str, Any]:
    """An issue as ``GET /repos/{owner}/{repo}/issues/{number}`` returns it; a pull request has ``pull_request`` too."""
    api = f"{base}/repos/{r.full_name}"
    is_pull = isinstance(i, Pull)
    html = f"{base}/{r.full_name}/{'pull' if is_pull else 'issues'}/{i.number}"
    out: dict[str, Any] = {
        "url": f"{api}/issues/{i.number}", "repository_url": api, "id": 5000 + i.number,
        "node_id": f"I_{i.number}", "html_url": html, "number": i.number, "title": i.title,
        "user": user(base, i.user), "labels": [label(base, r, n) for n in i.labels], "state": i.state,
        "state_reason": None, "locked": False, "assignee": None, "assignees": [], "milestone": None,
        "comments": len(i.comments), "comments_url": f"{api}/issues/{i.number}/comments",
        "events_url": f"{api}/issues/{i.number}/events", "labels_url": f"{api}/issues/{i.number}/labels{{/name}}",
        "created_at": i.created_at, "updated_at": i.updated_at, "closed_at": i.closed_at,
        "author_association": "NONE", "active_lock_reason": None, "body": i.body,
    }
    if is_pull:
        out["pull_request"] = {"url": f"{api}/pulls/{i.number}", "html_url": html,
                               "diff_url": f"{html}.diff", "patch_url": f"{html}.patch"}
    return out


def _branch_end(base: str, r: Repo, branch: str, sha: str) -> dict[str, Any]:
    return {"label": f"{r.owner}:{branch}", "ref": branch, "sha": sha, "user": user(base, r.owner),
            "repo": repo(base, r)}


def pull(base: str, r: Repo, p: Pull) -> dict[str, Any]:
    api = f"{base}/repos/{r.full_name}"
    # as on GitHub, a closed PR's head stays where its branch was when it closed
    head_sha = p.head_sha if p.state == "closed" and p.head_sha else r.branch_sha(p.head) or p.head_sha
    base_sha = r.branch_sha(p.base) or ""
    html = f"{base}/{r.full_name}/pull/{p.number}"
    return {
        "url": f"{api}/pulls/{p.number}", "id": 1000 + p.number, "node_id": f"PR_{p.number}",
        "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
        "issue_url": f"{api}/issues/{p.number}", "comments_url": f"{api}/issues/{p.number}/comments",
        "commits_url": f"{api}/pulls/{p.number}/commits",
        "number": p.number, "state": p.state, "locked": False, "title": p.title, "user": user(base, p.user),
        "body": p.body, "labels": [label(base, r, n) for n in p.labels],
        "created_at": p.created_at, "updated_at": p.updated_at, "closed_at": p.closed_at,
        "merged_at": p.closed_at if p.merged else None, "merge_commit_sha": None, "assignees": [], "requested_reviewers": [],
        "head": _branch_end(base, r, p.head, head_sha), "base": _branch_end(base, r, p.base, base_sha),
        "draft": False, "merged": p.merged, "mergeable": None, "comments": len(p.comments),
        "commits": len(r.commits_ahead(p.head, p.base)) if r.branch_sha(p.head) else 0,
        "maintainer_can_modify": False, "author_association": "CONTRIBUTOR",
        "additions": 0, "deletions": 0, "changed_files": 1, "review_comments": 0, "merged_by": None,
        "active_lock_reason": None, "assignee": None, "auto_merge": None, "milestone": None, "rebaseable": None,
        "mergeable_state": "unknown", "requested_teams": [], "statuses_url": f"{api}/statuses/{head_sha}",
        "review_comments_url": f"{api}/pulls/{p.number}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "_links": {"self": {"href": f"{api}/pulls/{p.number}"}, "html": {"href": html},
                   "issue": {"href": f"{api}/issues/{p.number}"}},
    }


def compare(base: str, r: Repo, base_ref: str, head_ref: str, base_sha: str, head_sha: str) -> dict[str, Any]:
    git = r.git
    head_anc, base_anc = git.ancestors(head_sha), git.ancestors(base_sha)
    ahead = sorted((git.commits[s] for s in head_anc - base_anc), key=lambda c: c.order)
    behind = len(base_anc - head_anc)
    common = head_anc & base_anc
    merge_base = max((git.commits[s] for s in common), key=lambda c: c.order)
    status = ("identical" if not ahead and not behind else "ahead" if not behind
              else "behind" if not ahead else "diverged")
    old, new = git.flatten(git.commits[merge_base.sha].tree), git.flatten(git.commits[head_sha].tree)
    files = []
    for path in sorted(set(old) | set(new)):
        if old.get(path) != new.get(path):
            kind = "added" if path not in old else "removed" if path not in new else "modified"
            files.append({"sha": (new.get(path) or old[path])[1], "filename": path, "status": kind,
                          "additions": 0, "deletions": 0, "changes": 0})
    api = f"{base}/repos/{r.full_name}"
    return {
        "url": f"{api}/compare/{base_ref}...{head_ref}",
        "html_url": f"{base}/{r.full_name}/compare/{base_ref}...{head_ref}",
        "permalink_url": f"{base}/{r.full_name}/compare/{r.owner}:{base_sha[:7]}...{r.owner}:{head_sha[:7]}",
        "diff_url": f"{base}/{r.full_name}/compare/{base_ref}...{head_ref}.diff",
        "patch_url": f"{base}/{r.full_name}/compare/{base_ref}...{head_ref}.patch",
        "base_commit": rest_commit(base, r, git.commits[base_sha]),
        "merge_base_commit": rest_commit(base, r, merge_base),
        "status": status, "ahead_by": len(ahead), "behind_by": behind, "total_commits": len(ahead),
        "commits": [rest_commit(base, r, c) for c in ahead], "files": files,
    }
