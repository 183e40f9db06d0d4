"""The GitHub Actions files parse and carry the keys Actions requires."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tracker.config import ScheduleConfig
from tracker.weekly.schedule import build_trigger

ROOT = Path(__file__).resolve().parent.parent


def load(path: str) -> dict:
    data = yaml.safe_load((ROOT / path).read_text())
    # YAML 1.1 reads the bare key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def check_steps(steps: list) -> None:
    assert steps, "a job needs steps"
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert re.match(r"^[\w.-]+/[\w./-]+@[\w.-]+$|^\./", step["uses"]), step["uses"]


def check_workflow(data: dict) -> None:
    assert {"name", "on", "jobs"} <= set(data)
    for name, job in data["jobs"].items():
        assert re.match(r"^[A-Za-z_][\w-]*$", name)
        assert "runs-on" in job
        check_steps(job["steps"])


def test_weekly_workflow():
    data = load(".github/workflows/kd-tracker.yml")
    check_workflow(data)
    (cron,) = [entry["cron"] for entry in data["on"]["schedule"]]
    minute, hour, dom, month, dow = cron.split()
    assert minute != "0", "not on the hour"
    assert (dom, month) == ("*", "*")
    inputs = data["on"]["workflow_dispatch"]["inputs"]
    assert inputs["dry_run"]["type"] == "boolean"
    assert inputs["since"]["type"] == "string"
    assert data["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    assert data["concurrency"]["cancel-in-progress"] is False
    steps = data["jobs"]["weekly"]["steps"]
    cached = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cached == ["~/.cache/pip", ".kd-tracker"]
    (run,) = [s for s in steps if s.get("uses", "").startswith("kd-tracker/")]
    assert run["with"]["token"] == "${{ secrets.GITHUB_TOKEN }}"


def test_weekly_cron_matches_default_schedule():
    data = load(".github/workflows/kd-tracker.yml")
    minute, hour, _, _, dow = data["on"]["schedule"][0]["cron"].split()
    schedule = ScheduleConfig()
    assert (int(minute), int(hour)) == (schedule.minute, schedule.hour)
    # cron counts Sunday as 0 and Monday as 1; the config uses names
    assert dow == "1" and schedule.day_of_week == "mon"
    build_trigger(schedule)


def test_ci_workflow_runs_ruff_and_tests():
    data = load(".github/workflows/ci.yml")
    check_workflow(data)
    runs = [s.get("run", "") for s in data["jobs"]["test"]["steps"]]
    assert "ruff check ." in runs
    assert "python -m pytest -q" in runs


def test_composite_action():
    data = yaml.safe_load((ROOT / "action.yml").read_text())
    assert {"name", "description", "inputs", "runs"} <= set(data)
    assert data["runs"]["using"] == "composite"
    assert data["inputs"]["token"]["required"] is True
    check_steps(data["runs"]["steps"])
    for step in data["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # untrusted inputs never spliced into the script text
            assert "${{ inputs." not in step["run"], step["run"]


def test_a_pr_edit_runs_review_on_the_bots_branch_only():
    """Ticks in the bot's PR body are applied at once: `pull_request: edited` runs `kd-tracker review`."""
    data = load(".github/workflows/kd-tracker.yml")
    assert data["on"]["pull_request"] == {"types": ["edited"]}
    job = data["jobs"]["weekly"]
    assert "github.event.pull_request.head.ref == 'kd-tracker/weekly'" in job["if"]
    (run,) = [s for s in job["steps"] if s.get("uses", "").startswith("kd-tracker/")]
    assert run["with"]["command"] == ("${{ github.event_name == 'pull_request' && 'review' || "
                                      "github.event_name == 'issues' && 'run-now' || 'run' }}")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["inputs"]["command"]["default"] == "run"
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "run")
    assert 'args+=(review --repo "$GITHUB_REPOSITORY")' in script
