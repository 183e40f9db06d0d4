"""The action's shell step, run with bash and a fake ``kd-tracker`` on PATH: exit codes, annotations, outputs, summary.

The fake exits with the code it is given and writes the result file the real
command writes (:class:`tracker.cli.result_file.RunResult`); the step's script
is taken verbatim from ``action.yml``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from tracker.cli.result_file import RunResult

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SCRIPT = next(s["run"] for s in ACTION["runs"]["steps"] if s.get("id") == "run")
URL = "https://github.com/owner/list/pull/7"

FAKE = f"""#!{sys.executable}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_ARGS"], "w") as f:
    json.dump(args, f)
result = os.environ.get("FAKE_RESULT")
if result is not None and "--result-file" in args:
    with open(args[args.index("--result-file") + 1], "w") as f:
        f.write(result)
print("kd-tracker run as of 2024-03-18: window 2024-03-08..2024-03-18")
sys.exit(int(os.environ["FAKE_EXIT"]))
"""


def result(code: int, **kwargs) -> str:
    """The JSON the real command writes for ``RunResult("run", code, **kwargs)``."""
    return json.dumps(RunResult("run", code, **kwargs).to_json())


def step(tmp_path: Path, code: int, result_json: str | None, *, command: str = "run", since: str = "",
         dry_run: str = "false", config: str = "kd-tracker.yaml") -> tuple[subprocess.CompletedProcess, dict, str, list]:
    """Run the step: (process, its outputs, the job summary, the fake's argv)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "kd-tracker"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    (bin_dir / "python").unlink(missing_ok=True)
    (bin_dir / "python").symlink_to(sys.executable)
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    output.write_text("")
    summary.write_text("")
    (tmp_path / "runner").mkdir(exist_ok=True)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path / "runner"),
        "GITHUB_REPOSITORY": "owner/list", "GITHUB_TOKEN": "ghs_secret_token_value",
        "KD_CONFIG": config, "KD_COMMAND": command, "KD_DRY_RUN": dry_run, "KD_SINCE": since,
        "FAKE_EXIT": str(code), "FAKE_ARGS": str(tmp_path / "args.json"),
    }
    if result_json is not None:
        env["FAKE_RESULT"] = result_json
    script = tmp_path / "step.sh"
    script.write_text(SCRIPT)
    # the command line GitHub runs a composite step's `shell: bash` with
    proc = subprocess.run([shutil.which("bash") or "bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    args = json.loads((tmp_path / "args.json").read_text())
    return proc, outputs, summary.read_text(), args


def annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("::")]


def test_done_is_green_with_no_annotation_and_a_summary(tmp_path):
    markdown = "### kd-tracker run as of 2024-03-18\n\n**Pull request:** [PR #7](https://x/7): created (2 papers)\n"
    proc, outputs, summary, args = step(tmp_path, 0, result(0, pr_number=7, pr_url=URL, pr_status="created",
                                                               proposals=2, markdown=markdown))
    assert proc.returncode == 0, proc.stderr
    assert annotations(proc.stdout) == []
    assert outputs == {"exit-code": "0", "pr-number": "7", "pr-url": URL, "proposals": "2"}
    assert summary == f"**kd-tracker run: exit 0, done.**\n\n{markdown}\n"
    result_file = args[args.index("--result-file") + 1]
    assert args == ["run", "--repo", "owner/list", "--result-file", result_file]
    assert Path(result_file).parent == tmp_path / "runner"


def test_gaps_keep_the_job_green_with_one_warning_per_gap_day(tmp_path):
    proc, outputs, summary, _ = step(tmp_path, 2, result(2, gaps=["2024-03-12", "2024-03-13"],
                                                         given_up_gaps=["2024-02-01"], markdown="gaps\n"))
    assert proc.returncode == 0, proc.stderr
    assert annotations(proc.stdout) == [
        "::warning title=kd-tracker gap::arXiv listing of 2024-03-12 could not be read; the next runs re-read it",
        "::warning title=kd-tracker gap::arXiv listing of 2024-03-13 could not be read; the next runs re-read it",
        "::warning title=kd-tracker gap given up::2024-02-01 is still missing and past arxiv.gap_lookback_days; "
        "re-read it with kd-tracker fetch --since 2024-02-01",
    ]
    assert outputs["exit-code"] == "2"
    assert summary.startswith("**kd-tracker run: exit 2, done with warnings (gap days): the job stays green.**\n\ngaps\n")


def test_a_blocked_pr_fails_the_job_with_an_error_naming_the_pr_and_the_take_over_label(tmp_path):
    proc, outputs, summary, _ = step(tmp_path, 3, result(3, pr_number=7, pr_url=URL, pr_status="blocked",
                                                         takeover_label="kd-tracker:take-over", gaps=["2024-03-12"],
                                                         markdown="blocked\n"))
    assert proc.returncode == 3
    assert annotations(proc.stdout) == [
        "::warning title=kd-tracker gap::arXiv listing of 2024-03-12 could not be read; the next runs re-read it",
        f"::error title=kd-tracker blocked::PR #7 ({URL}) has a commit kd-tracker did not make, so nothing was "
        f"published; check the branch, then add the label 'kd-tracker:take-over' to PR #7 ({URL}) to let "
        "kd-tracker rebuild it",
    ]
    assert outputs == {"exit-code": "3", "pr-number": "7", "pr-url": URL, "proposals": "0"}
    assert summary.startswith("**kd-tracker run: exit 3, blocked: nothing published, the job fails until a "
                              "maintainer acts.**\n\nblocked\n")


def test_a_failed_run_is_red_with_its_one_line_error_escaped(tmp_path):
    error = "config.yaml:3: list.repo 100% wrong\n::add-mask::x"
    proc, outputs, summary, _ = step(tmp_path, 1, json.dumps({**RunResult("run", 1, error=error).to_json()}))
    assert proc.returncode == 1
    assert annotations(proc.stdout) == [
        "::error title=kd-tracker failed::config.yaml:3: list.repo 100%25 wrong%0A::add-mask::x"]
    assert outputs["exit-code"] == "1" and outputs["pr-number"] == ""
    assert summary.startswith("**kd-tracker run: exit 1, failed: nothing published.**\n\n")


def test_no_result_file_still_maps_the_exit_code_and_says_to_read_the_log(tmp_path):
    proc, outputs, summary, _ = step(tmp_path, 1, None, command="review")
    assert proc.returncode == 1
    assert annotations(proc.stdout) == ["::error title=kd-tracker failed::kd-tracker review exited 1; see the log"]
    assert summary == "**kd-tracker review: exit 1, failed: nothing published.**\n\nSee the job's log.\n\n"
    proc, outputs, _, _ = step(tmp_path, 3, "not json")
    assert proc.returncode == 3
    assert annotations(proc.stdout) == [
        "::warning title=kd-tracker::no readable result file (JSONDecodeError); see the log",
        "::error title=kd-tracker blocked::the bot's PR has a commit kd-tracker did not make, so nothing was "
        "published; check the branch, then add the label 'the take-over label (github.takeover_label)' to the "
        "bot's PR to let kd-tracker rebuild it",
    ]
    assert outputs["exit-code"] == "3"


@pytest.mark.parametrize("code", [4, 120])
def test_any_other_code_fails_the_job(tmp_path, code):
    proc, outputs, _, _ = step(tmp_path, code, None)
    assert proc.returncode == code and outputs["exit-code"] == str(code)


def test_the_inputs_reach_kd_tracker_as_arguments(tmp_path):
    (tmp_path / "kd.yaml").write_text("list: {}\n")
    _, _, _, args = step(tmp_path, 0, result(0), command="run", since="2024-03-01", dry_run="true", config="kd.yaml")
    assert args[:8] == ["--config", "kd.yaml", "run", "--repo", "owner/list", "--since", "2024-03-01", "--dry-run"]
    assert args[8:10] == ["kd-tracker-preview", "--result-file"]
    _, _, _, args = step(tmp_path, 0, result(0), command="review", since="2024-03-01")
    assert args[:3] == ["review", "--repo", "owner/list"] and "--since" not in args


def test_the_step_reads_only_fields_the_result_file_has():
    """The action's reader and :class:`RunResult` agree on the field names (a renamed field fails here)."""
    read = set(re.findall(r"result\.get\(['\"](\w+)['\"]", SCRIPT))
    assert read == {"pr_number", "pr_url", "gaps", "given_up_gaps", "takeover_label", "error", "proposals", "markdown"}
    assert read <= {f.name for f in fields(RunResult)}


def test_the_pip_cache_key_step_hashes_the_constraints_file(tmp_path):
    """The cache key's parts come from the shipped constraints file and the Python that runs kd-tracker."""
    script = tmp_path / "pins.sh"
    script.write_text(next(s["run"] for s in ACTION["runs"]["steps"] if s.get("id") == "pins"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to(sys.executable)
    output = tmp_path / "output"
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(output)}
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert set(outputs) == {"constraints", "python", "dir"}
    assert outputs["constraints"] == hashlib.sha256((ROOT / "tracker" / "constraints.txt").read_bytes()).hexdigest()
    assert outputs["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert outputs["dir"]
