"""Issue 19, part 1 end to end: the dashboard issue, driven by real weekly runs, ``kd-tracker review`` and the
workflow's command, against the local GitHub through the real PyGithub client.

A maintainer's ticks are made on the RENDERED body (a checkbox flipped, nothing else) and PATCHed through PyGithub,
as GitHub's web page does.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner
from github import Auth, Github

from devservers.arxiv_server import corpus_slice
from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BRANCH, REPO, TOKEN, branch_readme, run
from tracker.cli.main import cli
from tracker.github.dashboard import parse_dashboard_metadata, read_dashboard_ticks
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.document import ListDocument
from tracker.markdown_safe import escape_cell
from tracker.store.labels import Label, LabelStore
from tracker.store.papers import Store

pytestmark = requires_shared

ROOT = Path(__file__).resolve().parents[2]
TITLE = "kd-tracker dashboard"
NOTES = "<!-- kd-tracker: your notes below are kept -->"
PROPOSE = re.compile(r"^- \[(?P<mark>[ x])\] propose \[.*?\]\(https://arxiv\.org/abs/(?P<id>[^)\s]+)\)")
AGAIN = re.compile(r"^- \[(?P<mark>[ x])\] propose again \[.*?\]\(https://arxiv\.org/abs/(?P<id>[^)\s]+)\)")


def client() -> Github:
    return Github(auth=Auth.Token(TOKEN), base_url=GITHUB_URL[0], retry=None)


GITHUB_URL: list[str] = [""]


def dashboards(github: GithubServer) -> list:
    """Every issue (not PR) of the repository labelled and titled as the dashboard."""
    return [i for i in github.repo(REPO).issues.values() if i.title == TITLE and "kd-tracker" in i.labels]


def the_dashboard(github: GithubServer):
    (issue,) = dashboards(github)
    return issue


def edit_dashboard(github: GithubServer, body: str) -> None:
    """PATCH the dashboard body through PyGithub, as a maintainer's browser does (CRLF line ends)."""
    GITHUB_URL[0] = github.url
    issue = client().get_repo(REPO).get_issue(the_dashboard(github).number)
    issue.edit(body=body.replace("\r\n", "\n").replace("\n", "\r\n"))


def items(body: str, pattern: re.Pattern[str]) -> dict[str, bool]:
    return {m.group("id"): m.group("mark") == "x" for line in body.splitlines() if (m := pattern.match(line))}


def tick(body: str, pattern: re.Pattern[str], ids: tuple[str, ...], verb: str) -> str:
    lines = body.split("\n")
    for n, line in enumerate(lines):
        m = pattern.match(line)
        if m and m.group("id") in ids:
            lines[n] = line.replace(f"- [ ] {verb} [", f"- [x] {verb} [", 1)
    edited = "\n".join(lines)
    assert edited != body
    return edited


def open_pr_body(github: GithubServer) -> str:
    (pull,) = github.repo(REPO).open_pulls()
    return pull.body


def set_threshold(config: Path, threshold: float) -> None:
    config.write_text(re.sub(r"(?m)^  threshold: .*$", f"  threshold: {threshold}", config.read_text()))


def test_created_on_the_first_run_and_updated_not_duplicated_on_the_second(setup, github):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    issue = the_dashboard(github)
    assert f"  dashboard:  created issue #{issue.number}: " in first.output
    body = issue.body
    assert body.startswith(f"<!-- kd-tracker:dashboard -->\n**kd-tracker dashboard** of {REPO}, as of 2024-03-18.")
    for heading in ("### Open pull request", "### Last runs", "### Gap days", "### Overflow",
                    "### Rejected for good", "### Run now", "### The bot's record"):
        assert heading in body, heading
    (pull,) = github.repo(REPO).open_pulls()
    meta = parse_pr_metadata(pull.body)
    waiting = len(meta.papers) + len(meta.overflow)
    assert (f"[#{pull.number}]({github.url}/{REPO}/pull/{pull.number}): {waiting} paper{'' if waiting == 1 else 's'} "
            f"waiting ({len(meta.papers)} in its rows, {len(meta.overflow)} past the cap); ") in body
    assert "| 2024-03-18 | 2024-02-05..2024-03-18 |" in body
    assert "\n- [ ] run now\n" in body and body.rstrip().endswith(NOTES)
    assert "<!-- kd-tracker-dashboard\n" in body
    # a maintainer writes notes below the marker
    edit_dashboard(github, body + "\nOur notes: check the venue column.\n")
    writes = len(github.writes)

    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert len(dashboards(github)) == 1, "updated, never a second dashboard"
    again = the_dashboard(github)
    assert again.number == issue.number
    assert f"  dashboard:  updated issue #{issue.number}: " in second.output
    assert "| 2024-03-25 |" in again.body and again.body.index("| 2024-03-25 |") < again.body.index("| 2024-03-18 |")
    assert again.body.replace("\r\n", "\n").endswith(NOTES + "\n\nOur notes: check the venue column.\n"), \
        "the notes are kept (verbatim, with the line ends the browser sent)"
    issue_posts = [w for w in github.writes[writes:] if w.method == "POST" and w.path.endswith("/issues")]
    assert issue_posts == []


def test_a_lost_answer_on_the_create_never_yields_two_dashboards(setup, github):
    # GitHub creates the issue, then the answer is a 502
    github.fail("POST", rf"/repos/{REPO}/issues$", 502, after=True)
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert len(dashboards(github)) == 1
    number = the_dashboard(github).number
    assert f"  dashboard:  updated issue #{number}: " in first.output or \
        f"  dashboard:  unchanged issue #{number}: " in first.output
    posts = [w for w in github.writes if w.method == "POST" and w.path.endswith("/issues")]
    assert len(posts) == 1, "the create is not sent again once the re-read found the issue"
    # and a dropped connection on the next create (none is needed: found by label and title)
    github.drop("POST", rf"/repos/{REPO}/issues$")
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert len(dashboards(github)) == 1 and the_dashboard(github).number == number


def test_a_lost_answer_when_nothing_was_created_creates_it_once(setup, github):
    github.fail("POST", rf"/repos/{REPO}/issues$", 502)  # answered before anything is created
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert len(dashboards(github)) == 1
    assert f"  dashboard:  created issue #{the_dashboard(github).number}: " in first.output


def _week_paper_outside_the_list() -> tuple[str, str]:
    """A real paper of the week before 2024-03-18 that is not in the list."""
    from tests.pipeline.weekly_sample import BEFORE

    known = ListDocument.parse(BEFORE.read_text(encoding="utf-8")).papers()
    for paper in corpus_slice(date(2024, 3, 11), date(2024, 3, 15)):
        if not known.has(paper.arxiv_id, paper.title):
            return paper.arxiv_id, paper.title
    raise AssertionError("the corpus week has no paper outside the list")


def test_ticking_propose_and_propose_again_puts_both_papers_in_the_pr_at_the_next_review(setup, github):
    rejected_id, rejected_title = _week_paper_outside_the_list()
    with Store(setup.parent / "kd.db") as store:  # a maintainer removed its row from the list in an earlier commit
        LabelStore(store).add([Label(rejected_id, 0, "", "removed", "commit", "c0ffee" * 6 + "abcd", "2024-03-01",
                                     rejected_title)])
    set_threshold(setup, 0.0043)  # more papers of the real week over it than the PR holds: 15 in it, the rest past the cap
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    meta = parse_pr_metadata(open_pr_body(github))
    assert len(meta.papers) == 15 and len(meta.overflow) > 5, (len(meta.papers), len(meta.overflow))
    assert rejected_id not in {p.arxiv_id for p in (*meta.papers, *meta.overflow)}
    body = the_dashboard(github).body
    offered = items(body, PROPOSE)
    assert set(offered) == {p.arxiv_id for p in meta.overflow} and not any(offered.values())
    assert items(body, AGAIN) == {rejected_id: False}
    assert "removed · commit c0ffeec · 2024-03-01" in body
    chosen = meta.overflow[5].arxiv_id
    edited = tick(tick(body, PROPOSE, (chosen,), "propose"), AGAIN, (rejected_id,), "propose again")
    edit_dashboard(github, edited)

    result = CliRunner().invoke(cli, ["--config", str(setup), "review"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 0 dropped, 0 moved, 2 added; updated PR #1"), result.stdout
    assert "dashboard: updated issue #" in result.stdout
    after = parse_pr_metadata(open_pr_body(github))
    assert {chosen, rejected_id} <= set(after.arxiv_ids) and len(after.papers) == 17
    rows = {row.arxiv_id for row in ListDocument.parse(branch_readme(github)).rows()}
    assert {chosen, rejected_id} <= rows, "both papers get their rows on the branch"
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 1
    with Store(setup.parent / "kd.db") as store:
        labels = LabelStore(store)
        assert rejected_id not in labels.rejected_ids(), "the rejection is cleared"
        learned = [lb for lb in labels.all() if lb.arxiv_id == rejected_id and lb.source == "dashboard"]
        assert [(lb.label, lb.kind, lb.section) for lb in learned] == [(1, "proposed_again", "")]
        assert any(x.arxiv_id == rejected_id and x.label == 1 for x in labels.training_labels()), \
            "the model learns it as a positive"
    now = the_dashboard(github).body
    assert chosen not in items(now, PROPOSE) and rejected_id not in items(now, AGAIN), "the ticks are cleared"
    assert read_dashboard_ticks(now).wanted == ()

    # the next week's run keeps both papers in the PR
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert {chosen, rejected_id} <= set(parse_pr_metadata(open_pr_body(github)).arxiv_ids)


def test_a_ticked_propose_is_applied_by_the_next_run_too(setup, github):
    set_threshold(setup, 0.0043)
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    body = the_dashboard(github).body
    chosen = next(iter(items(body, PROPOSE)))
    edit_dashboard(github, tick(body, PROPOSE, (chosen,), "propose"))
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert chosen in parse_pr_metadata(open_pr_body(github)).arxiv_ids
    assert chosen not in items(the_dashboard(github).body, PROPOSE)


def _evaluate(expression: str, event: str) -> str:
    """The value of a workflow expression of the form ``a == 'x' && 'y' || … || 'z'`` for ``event``."""
    inner = expression.strip().removeprefix("${{").removesuffix("}}").strip()
    for alternative in inner.split("||"):
        parts = [p.strip() for p in alternative.split("&&")]
        value = parts[-1].strip("'")
        conditions = parts[:-1]
        if all(c == f"github.event_name == '{event}'" for c in conditions):
            return value
    raise AssertionError(f"no value of {expression!r} for {event}")


def _workflow_command(event: str) -> list[str]:
    """The kd-tracker arguments the workflow runs on ``event``: its step's command through the action's script."""
    workflow = yaml.safe_load((ROOT / "examples/workflows/kd-tracker.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["issues"] == {"types": ["edited"]}
    job = workflow["jobs"]["weekly"]
    assert "github.event_name == 'issues' && contains(github.event.issue.labels.*.name, 'kd-tracker')" in \
        " ".join(job["if"].split())
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith("kd-tracker/")]
    return [_evaluate(step["with"]["command"], event)]


def _action_script() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    return next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "run")


def _run_action(tmp_path: Path, config: Path, command: str) -> tuple[int, str, str, str]:
    """Run the action's bash script as the workflow does, with ``kd-tracker`` this worktree's CLI:
    (exit code, stdout, the step's outputs, the job summary)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "kd-tracker"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m tracker \"$@\"\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    output, summary, runner = tmp_path / "github_output", tmp_path / "summary.md", tmp_path / "runner"
    output.write_text("")
    summary.write_text("")
    runner.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPO, "GITHUB_OUTPUT": str(output),
           "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(runner), "KD_CONFIG": str(config),
           "KD_COMMAND": command, "KD_DRY_RUN": "false", "KD_SINCE": ""}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _action_script()], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    text = summary.read_text()
    summary.write_text("")
    return done.returncode, done.stdout, output.read_text(), text


def test_run_now_runs_the_weekly_job_from_the_workflow_and_is_unticked(setup, github, tmp_path):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    (command,) = _workflow_command("issues")
    assert command == "run-now"
    assert _workflow_command("schedule") == ["run"] and _workflow_command("pull_request") == ["review"]

    # an edit of the dashboard without the box: the workflow's command runs nothing
    body = the_dashboard(github).body
    edit_dashboard(github, body + "\nJust a note.\n")
    writes = len(github.writes)
    code, out, outputs, summary = _run_action(tmp_path, setup, command)
    assert code == 0, out
    why = f"not running: the run now box of dashboard issue #{the_dashboard(github).number} is not ticked"
    assert why in out
    assert len(github.writes) == writes and "exit-code=0" in outputs
    # the result file says so: the job is green and its summary tells why nothing ran
    assert summary == f"**kd-tracker run-now: exit 0, done.**\n\n### kd-tracker run\n\n{escape_cell(why)}\n\n"
    assert "::error" not in out and "::warning" not in out

    # the box ticked: the weekly job runs (its runs table gets a row) and the box is unticked
    edit_dashboard(github, the_dashboard(github).body.replace("- [ ] run now", "- [x] run now"))
    assert read_dashboard_ticks(the_dashboard(github).body).run_now
    with Store(setup.parent / "kd.db") as store:
        before = store.query("SELECT COUNT(*) FROM runs")[0][0]
    code, out, outputs, summary = _run_action(tmp_path, setup, command)
    assert code == 0, out
    assert f"dashboard issue #{the_dashboard(github).number} asks to run now" in out
    assert "kd-tracker run as of " in out and re.search(r"exit-code=[02]\n", outputs)
    assert re.match(r"\*\*kd-tracker run-now: exit [02], done", summary) and "### kd-tracker run as of" in summary
    with Store(setup.parent / "kd.db") as store:
        assert store.query("SELECT COUNT(*) FROM runs")[0][0] == before + 1
    now = the_dashboard(github).body
    assert "\n- [ ] run now\n" in now and "- [x] run now" not in now
    assert not read_dashboard_ticks(now).run_now
    assert now.replace("\r\n", "\n").endswith(NOTES + "\n\nJust a note.\n")
    assert len(dashboards(github)) == 1


def test_dry_run_writes_dashboard_md_beside_the_pr_preview(setup, github, tmp_path):
    out = tmp_path / "preview"
    result = run(setup, "--as-of", "2024-03-18", "--dry-run", str(out))
    assert result.exit_code in (0, 2), result.output
    assert sorted(p.name for p in out.iterdir()) == ["DASHBOARD.md", "PR_BODY.md", "README.diff", "README.md"]
    text = (out / "DASHBOARD.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- kd-tracker:dashboard -->\n") and "- [ ] run now" in text
    assert parse_dashboard_metadata(text) is not None
    assert f"  dashboard:  wrote {out / 'DASHBOARD.md'}" in result.output
    assert dashboards(github) == [] and not [w for w in github.writes if "/issues" in w.path]


def test_the_dashboard_off_is_never_read_nor_written(setup, github):
    setup.write_text(setup.read_text() + "dashboard:\n  enabled: false\n")
    result = run(setup, "--as-of", "2024-03-18")
    assert result.exit_code in (0, 2), result.output
    # the issues are read for "please add our paper" requests only, never by the dashboard's label
    reads = [r for r in github.requests if r.path.endswith("/issues")]
    assert reads and all("labels" not in r.query for r in reads)
    pulls = set(github.repo(REPO).pulls)
    to_issues = [w for w in github.writes
                 if (m := re.search(r"/issues(?:/(\d+))?(?:/|$)", w.path)) and (not m[1] or int(m[1]) not in pulls)]
    assert dashboards(github) == [] and to_issues == [] and github.repo(REPO).issues == {}
    assert "dashboard:" not in result.output
