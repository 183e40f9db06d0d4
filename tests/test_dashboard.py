"""The dashboard issue's body and ticks (pure), its config keys, and the issue endpoints of the local GitHub."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github

from tests.publish_sample import REPO, TOKEN
from tracker.config import Config, parse_config
from tracker.config_rules import ConfigProblems
from tracker.github import PaperMetadata, read_dashboard_ticks
from tracker.publish import DashboardIssue, DashboardView, Rejection, render_dashboard

EVIL = "Evil](javascript:alert(1)) @team <img src=x> | col \u202e"


def view(**kw) -> DashboardView:
    base = dict(repo="o/list", as_of="2024-03-18",
                overflow=(PaperMetadata("2403.00001", "Distilling " + EVIL, "https://arxiv.org/abs/2403.00001",
                                        ("Survey",), 0.42),
                          PaperMetadata("2403.00002", "Second", "https://arxiv.org/abs/2403.00002", (), 0.1)),
                rejected=(Rejection("2401.00009", "Rejected " + EVIL, "removed", "commit", "abcdef0123", "2024-03-01"),))
    base.update(kw)
    return DashboardView(**base)


def test_untrusted_text_is_escaped():
    body = render_dashboard(view())
    shown = body.split("<!-- kd-tracker-dashboard")[0]
    assert "Evil\\]\\(javascript" in shown and "](javascript" not in shown, "no link of the title's own"
    assert " @team" not in shown and "`@`team" in shown, "no mention"
    assert "<img" not in body and "\u202e" not in body and "\\| col" in shown
    hidden = body.split("<!-- kd-tracker-dashboard")[1].split("\n---\n")[0]
    assert hidden.count("-->") == 1, "nothing in the hidden metadata closes its comment"


def test_ticks_read_back_by_arxiv_link_only():
    body = render_dashboard(view())
    assert read_dashboard_ticks(body).wanted == () and read_dashboard_ticks(body).read
    ticked = (body.replace("- [ ] propose [Second]", "- [x] propose [Second]")
              .replace("- [ ] propose again [", "- [X] propose again [")
              .replace("- [ ] run now", "- [x] run now"))
    ticks = read_dashboard_ticks(ticked.replace("\n", "\r\n"))
    assert ticks.proposed == ("2403.00002",) and ticks.proposed_again == ("2401.00009",) and ticks.run_now
    assert ticks.wanted == ("2401.00009", "2403.00002")


def test_a_body_edited_into_nonsense_reads_no_ticks():
    body = render_dashboard(view()).replace("- [ ] propose [Second]", "- [x] propose [Second]")
    assert not read_dashboard_ticks(body.replace("<!-- kd-tracker:dashboard-overflow -->\n", "")).read
    line = next(x for x in body.splitlines() if "2403.00002" in x)
    assert not read_dashboard_ticks(body + "\n" + line + "\n").read, "an item moved out of its part"
    # a paper the dashboard does not offer: ignored, the rest is read
    foreign = body.replace("2403.00002)", "2499.99999)", 1)
    assert read_dashboard_ticks(foreign).proposed == ()
    assert not read_dashboard_ticks("no dashboard here").read


def test_long_lists_are_cut_and_named():
    many = tuple(PaperMetadata(f"2403.{i:05d}", f"P{i}", "", (), 0.5) for i in range(1, 80))
    body = render_dashboard(view(overflow=many))
    assert body.count("- [ ] propose [") == 50 and "- and 29 more, not shown" in body


@pytest.mark.parametrize("text, message", [
    ("dashboard:\n  label: 'a,b'\n", "'dashboard.label' must be one label name, without a comma"),
    ("dashboard:\n  title: ' '\n", "'dashboard.title' must not be empty"),
    ("dashboard:\n  enabled: maybe\n", "dashboard.enabled"),
])
def test_config_is_validated(text, message):
    with pytest.raises(ConfigProblems) as e:
        parse_config(text)
    assert message in str(e.value)


def test_config_defaults():
    dash = parse_config("dashboard:\n  enabled: false\n").dashboard
    assert (dash.enabled, dash.title, dash.label) == (False, "kd-tracker dashboard", "kd-tracker")


def test_issue_endpoints_with_pygithub(github):
    client = Github(auth=Auth.Token(TOKEN), base_url=github.url, retry=None)
    repo = client.get_repo(REPO)
    issue = repo.create_issue(title="kd-tracker dashboard", body="x", labels=["kd-tracker"])
    assert issue.number == 1 and issue.pull_request is None
    issue.edit(body="y", state="closed")
    again = repo.get_issue(issue.number)
    assert (again.body, again.state, [lb.name for lb in again.labels]) == ("y", "closed", ["kd-tracker"])
    assert [i.number for i in repo.get_issues(state="all", labels=["kd-tracker"])] == [1]
    assert list(repo.get_issues(state="open", labels=["kd-tracker"])) == []
    again.create_comment("hello")
    assert [c.body for c in again.get_comments()] == ["hello"]


def test_a_closed_dashboard_is_reopened_not_duplicated(github):
    config = Config()
    client = Github(auth=Auth.Token(TOKEN), base_url=github.url, retry=None)
    dash = DashboardIssue(client, REPO, config)
    first = dash.write(render_dashboard(view()))
    assert first.status == "created"
    client.get_repo(REPO).get_issue(first.number).edit(state="closed")
    second = dash.write(render_dashboard(view(as_of="2024-03-25")))
    assert (second.status, second.number) == ("updated", first.number)
    assert [i.state for i in github.repo(REPO).issues.values()] == ["open"]
    assert dash.write(render_dashboard(view(as_of="2024-03-25"))).status == "unchanged"


def test_the_record_points_at_the_runs_report_artifact_never_a_local_path():
    from tracker.publish import (
        REPORT_ARTIFACT,
        DashboardView,
        actions_run_url,
        render_dashboard,
    )
    from tracker.records import WeekRecord

    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/list", "GITHUB_RUN_ID": "42"}
    url = actions_run_url(env)
    assert url == "https://github.com/o/list/actions/runs/42"
    assert actions_run_url({}) == "" and actions_run_url({**env, "GITHUB_RUN_ID": "4 2"}) == ""
    assert actions_run_url({**env, "GITHUB_SERVER_URL": "javascript:alert(1)"}) == ""
    weeks = (WeekRecord("2024-W11", 1, 10, 6, 1, 0, 3),)
    body = render_dashboard(DashboardView(repo="o/list", as_of="2024-03-18", weeks=weeks, run_url=url))
    assert "precision 0.60" in body
    assert f"the `{REPORT_ARTIFACT}` artifact of [this workflow run]({url})" in body
    assert ".png" not in body
    # the action uploads the record under that very name, with the plots `kd-tracker report` wrote
    import yaml

    root = Path(__file__).resolve().parent.parent
    steps = yaml.safe_load((root / "action.yml").read_text())["runs"]["steps"]
    uploads = [s["with"] for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert {"name": REPORT_ARTIFACT, "path": "kd-tracker-report/", "retention-days": 90} in uploads
    report = next(s for s in steps if " report " in str(s.get("run", "")))
    assert "--plots kd-tracker-report" in report["run"] and "always()" in report["if"]
