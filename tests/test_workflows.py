"""The GitHub Actions files parse and carry the keys Actions requires.

``examples/workflows/kd-tracker.yml`` is the template a list copies; kd-tracker's own ``.github/workflows/``
holds only its CI, so the weekly job never runs in kd-tracker's repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tracker.config import DashboardConfig, ScheduleConfig
from tracker.weekly.schedule import build_trigger

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "examples/workflows/kd-tracker.yml"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


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
    data = load(TEMPLATE)
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
    # pip is cached by the action (keyed on its constraints file); the template keeps the store only
    cached = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache")]
    assert cached == [".kd-tracker", ".kd-tracker"]  # restored, then saved (test_the_store_cache_...)
    assert "hashFiles('kd-tracker.yaml')" not in (ROOT / TEMPLATE).read_text()
    (run,) = [s for s in steps if s.get("uses", "").startswith("kd-tracker/")]
    assert run["with"]["token"] == "${{ secrets.GITHUB_TOKEN }}"


def test_the_store_cache_restores_the_newest_and_saves_only_a_changed_store_outside_pr_edits():
    """Issue 17: not a new multi-hundred-MB entry per run. An entry is keyed on the store's contents (a run that
    changed nothing adds none), a PR edit never saves, and only the newest entry is ever restored (GitHub evicts
    the rest after 7 days unused): a bounded number of entries without `actions: write` to delete any."""
    data = load(TEMPLATE)
    steps = data["jobs"]["weekly"]["steps"]
    names = [s.get("uses", "").split("@")[0] for s in steps]
    restore, save = (steps[names.index(f"actions/cache/{kind}")] for kind in ("restore", "save"))
    run = steps[names.index("kd-tracker/kd-tracker")]
    assert "actions/cache" not in names  # no step that both restores and saves under one key
    assert steps.index(restore) < steps.index(run) < steps.index(save)
    assert restore["uses"] == "actions/cache/restore@v4" and save["uses"] == "actions/cache/save@v4"
    prefix = "kd-tracker-store-"
    assert restore["with"]["restore-keys"] == prefix
    assert save["with"]["key"] == prefix + "${{ hashFiles('.kd-tracker/**') }}"
    # the restore key never names a saved entry: the prefix finds the newest, whatever saved it
    assert restore["with"]["key"].startswith(prefix) and "github.run_id" in restore["with"]["key"]
    assert "run_id" not in save["with"]["key"] and "run_number" not in save["with"]["key"]
    # saved after a failed run too (what it fetched), never after a cancelled one nor for a PR edit
    assert save["if"] == "${{ !cancelled() && github.event_name != 'pull_request' }}"
    assert "actions" not in data["permissions"]
    text = (ROOT / TEMPLATE).read_text()
    assert "300 MB" in text and "7 days" in text


def test_weekly_cron_matches_default_schedule():
    data = load(TEMPLATE)
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
    data = load(TEMPLATE)
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
    assert 'args+=(run --repo "$GITHUB_REPOSITORY" --if-run-now)' in script


def test_an_issue_edit_runs_only_for_the_dashboards_body():
    """`issues: edited` runs the job only for an issue labelled as the dashboard (dashboard.label) whose body
    changed; every other event still runs."""
    job = load(TEMPLATE)["jobs"]["weekly"]
    condition = " ".join(job["if"].split())
    assert ("(github.event_name == 'issues' && contains(github.event.issue.labels.*.name, 'kd-tracker') && "
            "github.event.changes.body != null)") in condition
    assert "(github.event_name != 'pull_request' && github.event_name != 'issues')" in condition
    assert f"labels.*.name, '{DashboardConfig().label}')" in condition  # the config's default label


def test_the_repositorys_own_workflows_are_ci_only():
    """The list template lives in examples/: kd-tracker's own repository never runs the weekly job."""
    assert sorted(p.name for p in (ROOT / ".github" / "workflows").iterdir()) == ["ci.yml"]
    assert (ROOT / TEMPLATE).is_file()
    ci = load(".github/workflows/ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    assert ci["permissions"] == {"contents": "read"}


def test_the_template_asks_for_least_privilege_and_the_four_triggers():
    data = load(TEMPLATE)
    assert set(data["on"]) == {"schedule", "workflow_dispatch", "pull_request", "issues"}
    assert data["on"]["pull_request"] == {"types": ["edited"]}
    # an edit of the dashboard issue (its "run now" box) runs the job; no other issue event does
    assert data["on"]["issues"] == {"types": ["edited"]}
    # the PR's branch, body, labels and comments, the dashboard issue and the answers on "please add our paper"
    # issues need no more: no actions, no admin scope
    assert data["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    job = data["jobs"]["weekly"]
    assert "permissions" not in job
    assert job["timeout-minutes"] <= 120
    steps = job["steps"]
    assert steps[0]["uses"] == "actions/checkout@v4"
    # no script step at all in the template: the action runs kd-tracker, with its inputs through env
    assert [s for s in steps if "run" in s] == []
    (run,) = [s for s in steps if s.get("uses", "").startswith("kd-tracker/")]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(run["with"]) <= set(action["inputs"])
    assert {name for name, spec in action["inputs"].items() if spec.get("required")} <= set(run["with"])


def _expressions_in_run_lines(steps: list) -> list[str]:
    return [e.strip() for step in steps if "run" in step for e in EXPRESSION.findall(step["run"])]


def test_no_expression_is_spliced_into_a_run_line():
    """Secrets, inputs and event text reach scripts through env only: a ${{ }} in a script is an injection."""
    workflows = [load(TEMPLATE), load(".github/workflows/ci.yml")]
    steps = [s for w in workflows for job in w["jobs"].values() for s in job["steps"]]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps += action["runs"]["steps"]
    assert any("run" in s for s in steps)
    assert _expressions_in_run_lines(steps) == []
    # the check itself catches each kind
    bad = [{"run": "echo ${{ secrets.TOKEN }}"}, {"run": "x=${{inputs.since}}"},
           {"run": 'echo "${{ github.event.pull_request.title }}"'}]
    assert _expressions_in_run_lines(bad) == ["secrets.TOKEN", "inputs.since", "github.event.pull_request.title"]
    # the token reaches kd-tracker through env, from the token input
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
    assert step["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"
    assert all(v.startswith("${{ inputs.") for v in step["env"].values())


def test_the_action_declares_its_inputs_and_outputs():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["inputs"]) == {"token", "command", "config", "dry-run", "since", "python-version"}
    assert all("description" in spec for spec in action["inputs"].values())
    assert {k: v["value"] for k, v in action["outputs"].items()} == {
        name: f"${{{{ steps.run.outputs.{name} }}}}" for name in ("exit-code", "pr-number", "pr-url", "proposals")}
    assert "3 blocked" in action["outputs"]["exit-code"]["description"]


def test_the_action_installs_the_tested_versions_and_keys_the_pip_cache_on_them():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    (install,) = [s for s in steps if "pip install" in s.get("run", "")]
    assert install["run"].strip() == ('python -m pip install --quiet -c "$GITHUB_ACTION_PATH/tracker/constraints.txt" '
                                      '"$GITHUB_ACTION_PATH"')
    (cache,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert steps.index(cache) < steps.index(install)
    (pins,) = [s for s in steps if s.get("id") == "pins"]
    assert 'sha256sum "$GITHUB_ACTION_PATH/tracker/constraints.txt"' in pins["run"]
    assert cache["with"]["key"] == ("kd-tracker-pip-${{ runner.os }}-py${{ steps.pins.outputs.python }}-"
                                    "${{ steps.pins.outputs.constraints }}")
    assert cache["with"]["path"] == "${{ steps.pins.outputs.dir }}"
    assert (ROOT / "tracker" / "constraints.txt").is_file()
