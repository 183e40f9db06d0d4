"""The one dashboard issue of a list repository: found again on GitHub, created once, rewritten every run.

**Found, never remembered.** The issue is looked up on GitHub each time, by the
label ``dashboard.label`` and then by its title (``dashboard.title``) or the
:data:`~tracker.github.DASHBOARD_MARK` line the bot writes at the top of its
body; no issue number is kept in the store. Pull requests (which GitHub's issue
list holds too) are skipped. When several match (made by hand, or by an older
version), the oldest is the dashboard. A closed dashboard is reopened rather
than duplicated.

**Never two.** Creating the issue is the one write that cannot simply be sent
again: after a 5xx or a dropped connection on the create, the issue is looked up
again (:meth:`DashboardIssue.find`) and only when GitHub holds none is it created
once more. Edits go through :func:`~tracker.github.checked_write`.

**The maintainers' notes are kept**: the bot owns the body above
:data:`~tracker.publish.body.NOTES_MARKER`; what is written below it is carried
into every rewrite.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import requests
from github import Github, GithubException, UnknownObjectException
from github.Issue import Issue
from github.Repository import Repository

from tracker.config import Config
from tracker.errors import PublishError
from tracker.github import checked_write, is_dashboard_body
from tracker.publish.body import notes_of, with_notes
from tracker.publish.steps import Steps

log = logging.getLogger(__name__)

LABEL_COLOR = "0e8a16"
LABEL_DESCRIPTION = "kd-tracker: weekly paper proposals and its dashboard"


@dataclass(frozen=True)
class FoundDashboard:
    """The dashboard issue as read."""

    number: int
    url: str
    body: str
    open: bool


@dataclass(frozen=True)
class DashboardWrite:
    """What writing the dashboard did."""

    status: str
    """``created``, ``updated`` or ``unchanged``."""
    number: int
    url: str

    def summary(self) -> str:
        return f"{self.status} issue #{self.number}: {self.url}"


class DashboardIssue:
    """The dashboard issue of ``repo_name``, through a ready PyGithub client."""

    def __init__(self, github: Github, repo_name: str, config: Config) -> None:
        self.github = github
        self.repo_name = repo_name
        self.config = config
        self.steps = Steps(repo_name, config)

    def read(self) -> FoundDashboard | None:
        """The dashboard issue (None: there is none yet); reads only."""
        with self.steps.errors():
            self.steps.now = "read the repository"
            issue = self._find(self.github.get_repo(self.repo_name))
        return None if issue is None else _found(issue)

    def write(self, bot_body: str) -> DashboardWrite:
        """Make the dashboard hold ``bot_body`` above the maintainers' notes: edit it, or create it once."""
        with self.steps.errors():
            self.steps.now = "read the repository"
            repo = self.github.get_repo(self.repo_name)
            issue = self._find(repo)
            if issue is None:
                self._ensure_label(repo)
                issue, created = self._create(repo, bot_body)
                if created:
                    log.info("created the dashboard issue #%d: %s", issue.number, issue.html_url)
                    return DashboardWrite("created", issue.number, issue.html_url)
            return self._edit(repo, issue, bot_body)

    # -- reading ----------------------------------------------------------------------------------------------
    def _find(self, repo: Repository) -> Issue | None:
        dash = self.config.dashboard
        self.steps.now = f"look up the dashboard issue (label {dash.label!r})"
        matches = [i for i in repo.get_issues(state="all", labels=[dash.label], sort="created", direction="asc")
                   if i.pull_request is None and (i.title == dash.title or is_dashboard_body(i.body))]
        if not matches:
            return None
        matches.sort(key=lambda i: (i.state != "open", i.number))
        if len(matches) > 1:
            log.warning("%d issues look like the dashboard in %s (%s); using #%d", len(matches), self.repo_name,
                        ", ".join(f"#{i.number}" for i in matches), matches[0].number)
        return matches[0]

    # -- writing ----------------------------------------------------------------------------------------------
    def _create(self, repo: Repository, body: str) -> tuple[Issue, bool]:
        """``(issue, created)``: after a lost answer, the issue found again counts as not created by this call."""
        dash = self.config.dashboard
        self.steps.now = "create the dashboard issue"
        full = with_notes(body, "")
        try:
            return repo.create_issue(title=dash.title, body=full, labels=[dash.label]), True
        except (GithubException, requests.RequestException) as e:
            status = getattr(e, "status", 0)
            if isinstance(e, GithubException) and status < 500:
                raise
            log.warning("creating the dashboard issue failed (%s); looking it up before creating it again",
                        status or type(e).__name__)
        found = self._find(repo)
        if found is not None:
            log.info("the dashboard issue #%d had been created; only the answer was lost", found.number)
            return found, False
        self.steps.now = "create the dashboard issue"
        return repo.create_issue(title=dash.title, body=full, labels=[dash.label]), True

    def _edit(self, repo: Repository, issue: Issue, bot_body: str) -> DashboardWrite:
        dash = self.config.dashboard
        wanted = with_notes(bot_body, notes_of(issue.body))
        edits: dict[str, str] = {}
        if (issue.body or "").replace("\r\n", "\n") != wanted:
            edits["body"] = wanted
        if issue.state != "open":
            edits["state"] = "open"
        if dash.label not in {label.name for label in issue.labels}:
            self._ensure_label(repo)
            edits["labels"] = [*(label.name for label in issue.labels), dash.label]  # type: ignore[assignment]
        if not edits:
            log.info("the dashboard issue #%d is current", issue.number)
            return DashboardWrite("unchanged", issue.number, issue.html_url)
        self.steps.now = f"update the dashboard issue #{issue.number}"
        number = issue.number

        def landed() -> bool:
            now = repo.get_issue(number)
            return ((now.body or "").replace("\r\n", "\n") == wanted and now.state == "open"
                    and dash.label in {label.name for label in now.labels})

        def name(step: str) -> None:
            self.steps.now = step

        checked_write(lambda: issue.edit(**edits), landed, step=self.steps.now, on_reread=name)
        log.info("updated the dashboard issue #%d", number)
        return DashboardWrite("updated", number, issue.html_url)

    def _ensure_label(self, repo: Repository) -> None:
        """Create ``dashboard.label`` with a colour and description when the repository lacks it."""
        name = self.config.dashboard.label
        self.steps.now = f"read label {name!r}"
        try:
            _ = repo.get_label(name).color
            return
        except UnknownObjectException:
            pass
        self.steps.now = f"create label {name!r}"
        try:
            repo.create_label(name, LABEL_COLOR, LABEL_DESCRIPTION)
        except GithubException as e:
            if not (e.status == 422 and "already_exists" in str(e.data)):
                raise


DASHBOARD_FILE = "DASHBOARD.md"
"""What a dry run writes beside the PR preview instead of the dashboard issue."""


def write_dashboard_preview(bot_body: str, outdir: str | Path) -> Path:
    """Write the dashboard body a run would set to ``outdir``/:data:`DASHBOARD_FILE`; returns its path."""
    out = Path(outdir)
    path = out / DASHBOARD_FILE
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(with_notes(bot_body, ""), encoding="utf-8", newline="")
    except OSError as e:
        raise PublishError(f"{path}: cannot write the dashboard preview ({e.strerror or e})") from e
    log.info("dry run: wrote %s", path)
    return path


def _found(issue: Issue) -> FoundDashboard:
    return FoundDashboard(issue.number, issue.html_url, issue.body or "", issue.state == "open")
