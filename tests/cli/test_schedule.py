from __future__ import annotations

from datetime import datetime

from click.testing import CliRunner

from tracker.cli.main import cli


def test_schedule_next_prints_the_next_run_times(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("schedule:\n  day_of_week: thu\n  hour: 7\n  minute: 45\n  timezone: UTC\n")
    result = CliRunner().invoke(cli, ["schedule", "--config", str(config), "--next", "3"])
    assert result.exit_code == 0, result.output
    times = [datetime.fromisoformat(line) for line in result.stdout.splitlines()]
    assert len(times) == 3
    assert all((t.weekday(), t.hour, t.minute) == (3, 7, 45) for t in times)
    assert [(b - a).days for a, b in zip(times, times[1:], strict=False)] == [7, 7]


def test_schedule_refuses_day_numbers(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("schedule:\n  day_of_week: '1'\n")
    result = CliRunner().invoke(cli, ["schedule", "--config", str(config), "--next", "1"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: schedule.day_of_week: '1' is not a day name list")
