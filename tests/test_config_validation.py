"""`config check` passes only what a run can use: ranges, forms, templates and duplicate keys, one line each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.config import Config, load_config, parse_config
from tracker.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("text,message", [
    ("github:\n  pr_title: 'Weekly {cnt} papers'\n",
     "c.yaml:2: 'github.pr_title' uses {cnt}, which kd-tracker does not fill in; use only {count} and {window}, "
     "got 'Weekly {cnt} papers'"),
    ("list:\n  update_log_template: '**{day}**: Add {count} papers.'\n",
     "c.yaml:2: 'list.update_log_template' uses {day}, which kd-tracker does not fill in; use only {date} and "
     "{count}, got '**{day}**: Add {count} papers.'"),
    ("model:\n  threshold: 50\n", "c.yaml:2: 'model.threshold' must be from 0 to 1, got 50.0"),
    ("model:\n  threshold: .nan\n", "c.yaml:2: 'model.threshold' must be a finite number, got nan"),
    ("arxiv:\n  page_size: 0\n", "c.yaml:2: 'arxiv.page_size' must be from 1 to 2000, got 0"),
    ("github:\n  retries: -1\n", "c.yaml:2: 'github.retries' must be at least 0, got -1"),
    ("arxiv:\n  window_days: 0\n", "c.yaml:2: 'arxiv.window_days' must be at least 1, got 0"),
    ("arxiv:\n  categories: []\n",
     "c.yaml:2: 'arxiv.categories' must list at least one arXiv category, e.g. [cs.CL], got []"),
    ("list:\n  repo: kdlist\n",
     "c.yaml:2: 'list.repo' must be the repository as owner/name, e.g. 'Tebmer/Awesome-KD', got 'kdlist'"),
    ("schedule:\n  timezone: Mars/Base\n",
     "c.yaml:2: 'schedule.timezone' is not a known time zone; use an IANA name such as 'UTC' or 'Europe/Berlin', "
     "got 'Mars/Base'"),
    ("schedule:\n  hour: 25\n", "c.yaml:2: 'schedule.hour' must be from 0 to 23, got 25"),
    ("schedule:\n  minute: 60\n", "c.yaml:2: 'schedule.minute' must be from 0 to 59, got 60"),
    ("schedule:\n  day_of_week: monday\n",
     "schedule.day_of_week: 'monday' is not a day name list; use names such as 'mon' or 'mon,thu' "
     "(numbers are refused: APScheduler 3 counts Monday as 0) (c.yaml:2)"),
    ("arxiv:\n  api_url: export.arxiv.org/api/query\n",
     "c.yaml:2: 'arxiv.api_url' must be an http(s):// URL, got 'export.arxiv.org/api/query'"),
    ("github:\n  branch: 'kd tracker'\n",
     "c.yaml:2: 'github.branch' must be a valid git branch name, e.g. 'kd-tracker/weekly', got 'kd tracker'"),
    ("github:\n  committer_email: nobody\n", "c.yaml:2: 'github.committer_email' must be an e-mail address, got 'nobody'"),
    ("arxiv:\n  rss_announce_types: [new, fresh]\n",
     "c.yaml:2: 'arxiv.rss_announce_types' has 'fresh'; RSS announcement types are new, cross, replace, "
     "replace-cross, got ['new', 'fresh']"),
    ("github:\n  pr_title: '  '\n", "c.yaml:2: 'github.pr_title' must not be empty, got '  '"),
    ("github:\n  pr_title: 'Weekly {count'\n",
     "c.yaml:2: 'github.pr_title' is not a valid template (expected '}' before end of string); use only {count} "
     "and {window}, and {{ }} for a literal brace, got 'Weekly {count'"),
])
def test_a_value_a_run_cannot_use_is_refused_at_load_time(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(text, "c.yaml")
    assert str(e.value) == message


def test_a_duplicate_key_names_both_lines() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("arxiv:\n  delay_seconds: 3\n  page_size: 10\n  delay_seconds: 4\n", "c.yaml")
    assert str(e.value) == "c.yaml:4: duplicate key 'arxiv.delay_seconds', already set on line 2; keep one of them"
    with pytest.raises(ConfigError) as e:
        parse_config("model:\n  threshold: 0.4\narxiv:\n  page_size: 10\nmodel:\n  threshold: 0.6\n", "c.yaml")
    assert str(e.value) == "c.yaml:5: duplicate key 'model', already set on line 1; keep one of them"


def test_a_token_pasted_into_token_env_is_refused_without_being_shown() -> None:
    token = "ghp_abcdefghijklmnop1234567890ABCD"
    with pytest.raises(ConfigError) as e:
        parse_config(f"github:\n  token_env: {token}\n", "c.yaml")
    assert str(e.value) == ("c.yaml:2: 'github.token_env' must be the NAME of the variable that holds the token "
                            "(e.g. GITHUB_TOKEN), not the token")
    assert "abcdefghijklmnop" not in str(e.value)


def test_edges_of_the_ranges_and_forms_are_accepted() -> None:
    config = parse_config(
        "list:\n  repo: some-owner/awesome.list_2\n  update_log_template: '{date}: {count} papers {{new}}'\n"
        "arxiv:\n  page_size: 2000\n  categories: [cs.CL, hep-th, q-bio.NC]\n  delay_seconds: 0\n  max_retries: 1\n"
        "  api_url: http://127.0.0.1:8081/api/query\n"  # no politeness delay: not arXiv's own API
        "github:\n  pr_title: '{count:>3} papers, {window}'\n  retries: 0\n  api_url: http://127.0.0.1:8080\n"
        "model:\n  threshold: 0\n  section_min_score: 1\n"
        "schedule:\n  day_of_week: mon-fri,sun\n  hour: 23\n  minute: 0\n  timezone: Europe/Berlin\n", "c.yaml")
    assert config.arxiv.categories == ("cs.CL", "hep-th", "q-bio.NC")
    assert config.arxiv.delay_seconds == 0
    assert config.schedule.day_of_week == "mon-fri,sun"


def test_the_shipped_config_still_loads() -> None:
    assert load_config(ROOT / "config.yaml") == Config(source=str(ROOT / "config.yaml"))


def test_config_check_prints_one_line_for_a_template_typo(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("github:\n  pr_title: 'Weekly {cnt} papers'\n")
    result = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {path}:2: 'github.pr_title' uses {{cnt}}, which kd-tracker does not fill in; "
                             "use only {count} and {window}, got 'Weekly {cnt} papers'\n")


def test_a_negative_gap_look_back_is_refused() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("arxiv:\n  gap_lookback_days: -1\n", "c.yaml")
    assert str(e.value) == "c.yaml:2: 'arxiv.gap_lookback_days' must be at least 0, got -1"


@pytest.fixture
def no_time_zone_database(tmp_path, monkeypatch):
    """A machine without the system time-zone files or the tzdata package (a slim container)."""
    import importlib.util
    import zoneinfo

    if importlib.util.find_spec("tzdata") is not None:
        pytest.skip("the tzdata package is installed here")
    zoneinfo.reset_tzpath(to=[str(tmp_path)])
    zoneinfo.ZoneInfo.clear_cache()
    yield
    zoneinfo.reset_tzpath()
    zoneinfo.ZoneInfo.clear_cache()


def test_the_shipped_config_loads_and_schedules_without_a_time_zone_database(no_time_zone_database, tmp_path) -> None:
    import datetime

    from tracker.weekly.schedule import next_fire_times

    config = load_config(ROOT / "config.yaml")
    assert config.schedule.timezone == "UTC"
    fires = next_fire_times(config.schedule, datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc), 1)
    assert fires[0].utcoffset() == datetime.timedelta(0)
    # another zone can't be checked here: it loads, and the scheduler says what is missing when it needs it
    parse_config("schedule:\n  timezone: Europe/Berlin\n", "c.yaml")
    with pytest.raises(ConfigError, match="unknown time zone 'Europe/Berlin'"):
        next_fire_times(parse_config("schedule:\n  timezone: Europe/Berlin\n", "c.yaml").schedule,
                        datetime.datetime(2026, 11, 25, tzinfo=datetime.timezone.utc), 1)
