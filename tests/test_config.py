from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.config import Config, all_keys, load_config, parse_config
from tracker.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_repo_config_yaml_is_valid_and_equals_defaults():
    config = load_config(ROOT / "config.yaml")
    assert config == Config(source=str(ROOT / "config.yaml"))


def test_repo_config_yaml_documents_every_key():
    text = (ROOT / "config.yaml").read_text()
    for key in all_keys():
        assert f"{key.split('.')[-1]}:" in text, key


def test_partial_file_keeps_defaults():
    config = parse_config("model:\n  threshold: 0.7\narxiv:\n  delay_seconds: 5\n", "c.yaml")
    assert config.model.threshold == 0.7
    assert config.arxiv.delay_seconds == 5.0
    assert config.model.proposals_per_pr == Config().model.proposals_per_pr
    assert config.list.repo == Config().list.repo


def test_contract_keys_exist():
    keys = set(all_keys())
    for key in ["list.repo", "list.path", "arxiv.api_url", "arxiv.rss_url", "arxiv.categories",
                "arxiv.delay_seconds", "github.api_url", "github.token_env", "store.path"]:
        assert key in keys
    assert Config().arxiv.api_url == "https://export.arxiv.org/api/query"
    assert Config().arxiv.rss_url == "https://rss.arxiv.org"
    assert Config().arxiv.delay_seconds == 3
    assert Config().github.api_url == "https://api.github.com"
    assert Config().github.token_env == "GITHUB_TOKEN"


def test_typo_in_key_names_line_and_suggestion():
    with pytest.raises(ConfigError) as e:
        parse_config("list:\n  repo: a/b\nmodel:\n  path: m\n  treshold: 0.6\n", "my.yaml")
    assert str(e.value) == "my.yaml:5: unknown key 'model.treshold'; did you mean 'threshold'?"


def test_unknown_section_names_line_and_suggestion():
    with pytest.raises(ConfigError) as e:
        parse_config("\narxv:\n  delay_seconds: 1\n", "my.yaml")
    assert str(e.value) == "my.yaml:2: unknown key 'arxv'; did you mean 'arxiv'?"


def test_unknown_key_without_close_match_lists_valid_keys():
    with pytest.raises(ConfigError) as e:
        parse_config("store:\n  zzz: 1\n", "my.yaml")
    assert str(e.value) == "my.yaml:2: unknown key 'store.zzz'; valid keys: path, prune"


def test_wrong_type_names_key_and_expected_type():
    with pytest.raises(ConfigError) as e:
        parse_config("model:\n  threshold: high\n", "my.yaml")
    assert str(e.value) == "my.yaml:2: 'model.threshold' must be a number, got 'high'"


def test_wrong_type_bool_and_int():
    with pytest.raises(ConfigError, match=r"my.yaml:2: 'list.update_log' must be true or false"):
        parse_config("list:\n  update_log: 3\n", "my.yaml")
    with pytest.raises(ConfigError, match=r"my.yaml:3: 'model.proposals_per_pr' must be an integer"):
        parse_config("model:\n  threshold: 0.5\n  proposals_per_pr: 2.5\n", "my.yaml")


def test_wrong_type_list():
    with pytest.raises(ConfigError) as e:
        parse_config("arxiv:\n  categories: [1, 2]\n", "my.yaml")
    assert str(e.value) == "my.yaml:2: 'arxiv.categories' must be a list of a string, got [1, 2]"


def test_comma_string_is_a_list():
    assert parse_config("arxiv:\n  categories: cs.CL, cs.LG\n").arxiv.categories == ("cs.CL", "cs.LG")


def test_invalid_yaml_names_line():
    with pytest.raises(ConfigError, match=r"^my.yaml:3: invalid YAML: "):
        parse_config("list:\n  repo: a/b\n\tpath: x\n", "my.yaml")


def test_section_must_be_mapping():
    with pytest.raises(ConfigError) as e:
        parse_config("model: 3\n", "my.yaml")
    assert str(e.value) == "my.yaml:1: 'model' must be a mapping of settings"


def test_empty_file_is_defaults():
    assert parse_config("", "e.yaml") == Config(source="e.yaml")


def test_cli_config_check_ok_and_error(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("model:\n  threshold: 0.4\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  treshold: 0.4\n")
    runner = CliRunner()
    result = runner.invoke(cli, ["config", "check", str(good)])
    assert result.exit_code == 0
    assert result.output == f"{good}: ok\n"
    result = runner.invoke(cli, ["config", "check", str(bad)])
    assert result.exit_code == 1
    assert result.output == f"Error: {bad}:2: unknown key 'model.treshold'; did you mean 'threshold'?\n"


def test_cli_config_check_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = CliRunner().invoke(cli, ["config", "check", str(missing)])
    assert result.exit_code == 1
    assert result.output == f"Error: {missing}: cannot read the config file (No such file or directory)\n"


def test_cli_config_check_takes_config_option_and_falls_back_to_defaults(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("model:\n  treshold: 0.4\n")
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(bad)])
    assert (result.exit_code, result.output) == (1, f"Error: {bad}:2: unknown key 'model.treshold'; did you mean 'threshold'?\n")
    monkeypatch.chdir(tmp_path)  # no ./config.yaml here: the packaged defaults are what every command uses
    result = CliRunner().invoke(cli, ["config", "check"])
    assert (result.exit_code, result.output) == (0, "<defaults>: ok\n")
    (tmp_path / "config.yaml").write_text("model:\n  threshold: 0.4\n")
    result = CliRunner().invoke(cli, ["config", "check"])
    assert (result.exit_code, result.output) == (0, "config.yaml: ok\n")


def test_cli_config_show(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("store:\n  path: x.db\n")
    result = CliRunner().invoke(cli, ["config", "show", str(f)])
    assert result.exit_code == 0
    assert '"path": "x.db"' in result.output
