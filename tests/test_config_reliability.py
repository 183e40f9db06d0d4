"""Config files that used to traceback or pass: one line per problem, every problem at once, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.arxiv_categories import CATEGORIES, closest_category
from tracker.cli.main import cli
from tracker.config import ConfigProblems, load_config, parse_config
from tracker.errors import ConfigError


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["config", "check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_a_config_that_is_not_utf8_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes("store:\n  path: caf\xe9.db\n".encode("latin-1"))
    assert check(path) == (1, f"Error: {path}:2: byte 0xe9 is not UTF-8; save the config file as UTF-8\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "list", "lint", str(path)])
    assert (result.exit_code, result.stderr) == (1, f"Error: {path}:2: byte 0xe9 is not UTF-8; save the config "
                                                    "file as UTF-8\n")


@pytest.mark.parametrize("value", [
    "!!python/object/apply:builtins.open ['{marker}', 'w']",
    "!!python/name:builtins.open",
    "[1, !!python/object/apply:builtins.open ['{marker}', 'w']]",
    "!custom 3",
])
def test_a_yaml_python_tag_is_refused_and_never_run(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "c.yaml"
    path.write_text("model:\n  threshold: 0.4\n  near_misses: " + value.format(marker=marker) + "\n")
    code, stderr = check(path)
    assert code == 1
    assert stderr.startswith(f"Error: {path}:3: 'model.near_misses' has the YAML tag '")
    assert stderr.endswith("', which a config file may not use; write a plain value\n")
    assert stderr.count("\n") == 1
    assert not marker.exists()


def test_a_tag_on_a_section_or_the_whole_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("model: !!python/object:tracker.config.ModelConfig {threshold: 0.4}\n", "c.yaml")
    assert str(e.value) == ("c.yaml:1: 'model' has the YAML tag '!!python/object:tracker.config.ModelConfig', "
                            "which a config file may not use; write a plain value")
    with pytest.raises(ConfigError) as e:
        parse_config("!!python/object:tracker.config.Config\nmodel: {threshold: 0.4}\n", "c.yaml")
    assert str(e.value).startswith("c.yaml:1: the config has the YAML tag '!!python/object:tracker.config.Config'")


@pytest.mark.parametrize("text", ["[" * 50000, "model:\n  path: " + "[" * 3000 + "]" * 3000 + "\n"])
def test_deeply_nested_yaml_is_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    code, stderr = check(path)
    assert code == 1
    assert stderr.startswith(f"Error: {path}") and stderr.count("\n") == 1
    assert "nested too deeply" in stderr


def test_a_control_character_names_its_line() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("model:\n  path: a\x01b\n", "c.yaml")
    assert str(e.value) == "c.yaml:2: invalid YAML: character U+0001 is not allowed in YAML; remove it"


def test_a_complex_or_multi_line_key_is_an_unknown_key_on_one_line() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("? [a, b]\n: 1\n", "c.yaml")
    assert str(e.value) == ("c.yaml:1: unknown key '<sequence on line 1>'; valid keys: arxiv, dashboard, github, intake, "
                            "list, model, refresh, schedule, store")
    with pytest.raises(ConfigError) as e:
        parse_config('model:\n  "thres\\nhold": 1\n', "c.yaml")
    assert str(e.value) == "c.yaml:2: unknown key 'model.thres\\nhold'; did you mean 'threshold'?"


@pytest.mark.parametrize("branch", ["main", "master", "Main", "refs/heads/master"])
def test_the_default_branch_names_are_refused_as_the_bots_branch(tmp_path: Path, branch: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(f"github:\n  branch: {branch}\n", "c.yaml")
    assert str(e.value) == ("c.yaml:2: 'github.branch' must be a branch of the bot's own, not a usual default "
                            "branch: the bot rebuilds it as a single commit each run; use e.g. 'kd-tracker/weekly', "
                            f"got {branch!r}")
    assert parse_config("github:\n  branch: maintenance/bot\n", "c.yaml").github.branch == "maintenance/bot"


@pytest.mark.parametrize("command", [["publish", "PROPOSALS.jsonl", "--dry-run", "out"], ["run", "--dry-run", "out"]])
def test_publish_and_run_refuse_a_config_whose_branch_is_main(tmp_path: Path, monkeypatch, command) -> None:
    monkeypatch.chdir(tmp_path)
    Path("config.yaml").write_text("github:\n  branch: main\n")
    Path("PROPOSALS.jsonl").write_text("")
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: config.yaml:2: 'github.branch' must be a branch of the bot's own")
    assert result.stderr.count("\n") == 1


def test_an_unknown_category_is_refused_with_the_closest_real_one() -> None:
    with pytest.raises(ConfigError) as e:
        parse_config("arxiv:\n  categories: [cs.CL, cs.cl, zz.top, hep_th]\n", "c.yaml")
    assert str(e.value) == ("c.yaml:2: 'arxiv.categories' has 'cs.cl' (did you mean 'cs.CL'?), 'zz.top' and "
                            "'hep_th' (did you mean 'hep-th'?), which are not arXiv categories, "
                            "got ['cs.CL', 'cs.cl', 'zz.top', 'hep_th']")
    with pytest.raises(ConfigError) as e:
        parse_config("arxiv:\n  categories: [cs.CLL]\n", "c.yaml")
    assert str(e.value) == ("c.yaml:2: 'arxiv.categories' has 'cs.CLL' (did you mean 'cs.CL'?), which is not an "
                            "arXiv category, got ['cs.CLL']")


def test_the_category_list_holds_the_taxonomy() -> None:
    for name in ("cs.CL", "cs.AI", "cs.LG", "stat.ML", "math.OC", "eess.AS", "econ.EM", "q-fin.ST", "q-bio.NC",
                 "astro-ph.CO", "cond-mat.stat-mech", "physics.comp-ph", "nlin.AO", "gr-qc", "hep-ex", "hep-lat",
                 "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"):
        assert name in CATEGORIES
    assert "cs" not in CATEGORIES and "cs.cl" not in CATEGORIES
    assert closest_category("quant_ph") == "quant-ph"
    assert closest_category("zzzz") is None


def test_arxivs_own_api_needs_the_3_second_delay(tmp_path: Path) -> None:
    for text in ("arxiv:\n  delay_seconds: 1\n",
                 "arxiv:\n  delay_seconds: 2.9\n  api_url: http://export.arxiv.org/api/query\n"):
        with pytest.raises(ConfigError) as e:
            parse_config(text, "c.yaml")
        assert str(e.value).startswith("c.yaml:2: 'arxiv.delay_seconds' must be at least 3 while 'arxiv.api_url' "
                                       "is arXiv's own (")
    with pytest.raises(ConfigError) as e:  # the line of the delay, wherever api_url is
        parse_config("arxiv:\n  api_url: https://arxiv.org/api/query\n  delay_seconds: 0\n", "c.yaml")
    assert str(e.value).startswith("c.yaml:3: 'arxiv.delay_seconds' must be at least 3")
    # mirrors and the tests' local servers may go faster; arXiv at 3 seconds is fine
    assert parse_config("arxiv:\n  delay_seconds: 0\n  api_url: http://127.0.0.1:8080/api/query\n").arxiv.delay_seconds == 0
    assert parse_config("arxiv:\n  delay_seconds: 0\n  api_url: https://notarxiv.org/api\n").arxiv.delay_seconds == 0
    assert parse_config("arxiv:\n  delay_seconds: 3\n").arxiv.delay_seconds == 3
    # a wrong api_url is reported alone: its default (arXiv) says nothing about the delay the user meant
    with pytest.raises(ConfigProblems) as e:
        parse_config("arxiv:\n  delay_seconds: 0\n  api_url: mirror.example/api\n", "c.yaml")
    assert e.value.problems == ["c.yaml:3: 'arxiv.api_url' must be an http(s):// URL, got 'mirror.example/api'"]


BAD = """\
arxiv:
  categories: [cs.CLL]
  delay_seconds: 1
  page_size: 0
  page_size: 10
github:
  branch: master
  tresh: 1
modle:
  threshold: 2
schedule:
  hour: 25
"""


def test_config_check_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(BAD)
    code, stderr = check(path)
    assert code == 1
    lines = stderr.splitlines()
    assert [line.removeprefix(f"Error: {path}:").split(":")[0] for line in lines] == \
        ["2", "3", "4", "5", "7", "8", "9", "12"]
    assert "'arxiv.categories' has 'cs.CLL'" in lines[0]
    assert "'arxiv.delay_seconds' must be at least 3" in lines[1]
    assert "'arxiv.page_size' must be from 1 to 2000" in lines[2]
    assert "duplicate key 'arxiv.page_size', already set on line 4" in lines[3]
    assert "'github.branch' must be a branch of the bot's own" in lines[4]
    assert "unknown key 'github.tresh'" in lines[5]
    assert "unknown key 'modle'; did you mean 'model'?" in lines[6]
    assert "'schedule.hour' must be from 0 to 23" in lines[7]


def test_other_commands_name_the_first_problem_and_how_many_more(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(BAD)
    with pytest.raises(ConfigProblems) as e:
        load_config(path)
    assert len(e.value.problems) == 8
    result = CliRunner().invoke(cli, ["--config", str(path), "list", "lint", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {e.value.problems[0]} (and 7 more; `kd-tracker config check {path}` lists "
                             "them all)\n")
