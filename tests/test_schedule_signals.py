"""``kd-tracker schedule`` on SIGTERM/SIGINT during a run: the run finishes and the daemon exits; a second signal
exits at once. The daemon runs in its own process (tests/schedule_daemon.py), so a hang is a timeout here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WAIT = 20.0
"""Seconds a step may take before the daemon counts as hung (each step takes well under one)."""


class Daemon:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.schedule_daemon"], cwd=ROOT, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def expect(self, word: str) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()  # the daemon writes each word as soon as it happens
        assert line == word, f"expected {word!r}, got {line!r}; stderr: {self.stderr()}"

    def signal(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def finish_run(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("finish\n")
        self.proc.stdin.flush()

    def wait(self) -> tuple[int, str, str]:
        try:
            self.proc.wait(timeout=WAIT)  # not communicate(): closing its stdin would end the run
        except subprocess.TimeoutExpired:
            pytest.fail(f"the daemon did not exit within {WAIT:g} s (hung); stderr:\n{self.stderr()}")
        assert self.proc.stdout is not None and self.proc.stderr is not None
        return self.proc.returncode, self.proc.stdout.read(), self.proc.stderr.read()

    def stderr(self) -> str:
        self.proc.kill()
        return self.proc.communicate()[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("attempt", range(5))
def test_a_signal_during_a_run_lets_it_finish_then_the_daemon_exits(sig: signal.Signals, attempt: int) -> None:
    daemon = Daemon()
    daemon.expect("run-started")
    daemon.signal(sig)
    daemon.expect("shutdown-waiting")  # the daemon joins the run holding APScheduler's job-store lock
    daemon.finish_run()  # the run ends now, and its listener fires on the worker thread
    code, out, err = daemon.wait()
    assert (code, out.split()) == (0, ["run-finished", "daemon-exited"]), err
    assert f"received {sig.name}; shutting down after the current run" in err
    assert "tracker.weekly.schedule: weekly run finished: ok" in err
    assert err.rstrip().endswith("tracker.weekly.schedule: scheduler stopped")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_second_signal_during_a_run_exits_at_once(sig: signal.Signals) -> None:
    daemon = Daemon()
    daemon.expect("run-started")
    daemon.signal(sig)
    daemon.expect("shutdown-waiting")
    daemon.signal(sig)  # the run never finishes: its stdin stays silent
    code, out, err = daemon.wait()
    assert (code, out.split()) == (128 + sig, []), err
    assert f"received {sig.name} again; exiting now, without waiting for the run in progress" in err
    assert "weekly run finished" not in err
