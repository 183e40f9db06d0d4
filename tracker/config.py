"""config.yaml -> a frozen :class:`Config` of dataclasses.

Every user-tunable setting lives here with its default, so a config file may
set only some keys. Unknown keys, typos, wrong types, duplicate keys and
values out of range or of the wrong form (a template field that is never filled
in, a repository that is not ``owner/name``, an hour of 25, an arXiv category that
does not exist, ``main`` as the bot's branch, less than 3 s between requests to arXiv's
own API) are a :class:`~tracker.errors.ConfigError` naming the file, line and key, with the
closest valid key or category when there is one: ``config check`` passes only what a run can use,
and lists every problem of a file at once (:class:`ConfigProblems`). The file is
read as UTF-8 and built by PyYAML's safe constructors only: a ``!!python/...`` tag is refused.
This module reads the file and builds the dataclasses; the rules each key and value is checked
against are in :mod:`tracker.config_rules`.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracker.config_rules import (
    ConfigProblems,
    Problems,
    check_section,
    check_value,
    coerce,
    duplicate_keys,
    foreign_tag,
    key_text,
    unknown_key,
)
from tracker.config_rules import time_zone as time_zone  # re-exported: the scheduler reads zones from here
from tracker.errors import ConfigError
from tracker.textfile import read_utf8

DEFAULT_CONFIG_NAME = "config.yaml"


@dataclass(frozen=True)
class ListConfig:
    repo: str = "Tebmer/Awesome-Knowledge-Distillation-of-LLMs"
    """The list's GitHub repository, ``owner/name``."""
    path: str | tuple[str, ...] = "README.md"
    """Path of the list file inside the repository, or a list of paths (a list split by topic into files)."""
    update_log: bool = True
    """Add a ``- **YYYY-M-D**: Add N papers.`` line under the News heading's Update Log."""
    update_log_template: str = "**{date}**: Add {count} papers."
    """Text of the update-log line; ``{date}`` is written without zero padding (2024-3-19)."""

    @property
    def files(self) -> tuple[str, ...]:
        """The list's files, in the order :attr:`path` names them (one for a single path)."""
        return (self.path,) if isinstance(self.path, str) else tuple(self.path)

    @property
    def shown(self) -> str:
        """:attr:`path` as messages name it: the file, or the files joined by ``, ``."""
        return ", ".join(self.files)


@dataclass(frozen=True)
class ArxivConfig:
    api_url: str = "https://export.arxiv.org/api/query"
    """arXiv API endpoint (tests and mirrors point it elsewhere)."""
    rss_url: str = "https://rss.arxiv.org"
    """arXiv RSS base; feeds are read from ``{rss_url}/rss/{categories}``."""
    categories: tuple[str, ...] = ("cs.CL", "cs.AI", "cs.LG")
    """Watched arXiv categories (names of :data:`tracker.arxiv_categories.CATEGORIES`)."""
    delay_seconds: float = 3.0
    """Politeness: at least this many seconds between two requests to arXiv (at least 3 for arXiv's own API)."""
    page_size: int = 2000
    """Results per API page (2000 is the most the API serves)."""
    timeout_seconds: float = 60.0
    """Time limit of each whole HTTP request to arXiv (connect, headers and the entire body)."""
    max_retries: int = 5
    """Tries per request on 429, 503, connection errors and timeouts before giving up."""
    backoff_seconds: float = 5.0
    """First backoff wait; doubled on each retry, with jitter."""
    max_backoff_seconds: float = 120.0
    """Longest single backoff wait (a Retry-After above it is capped too)."""
    result_cap: int = 30000
    """The API's cap on one query's results; a larger window is split by day."""
    window_days: int = 10
    """A weekly run reads this many days back, so late-indexed papers are not lost."""
    backfill_days: int = 60
    """The first run (no earlier successful run) reads this many days back; the days before the
    window give the first model its negatives."""
    gap_lookback_days: int = 28
    """A run's window reaches back to earlier runs' gap days still missing, at most this many days."""
    rss_announce_types: tuple[str, ...] = ("new", "cross")
    """RSS announcement types kept; ``replace`` and ``replace-cross`` are skipped."""


@dataclass(frozen=True)
class GithubConfig:
    api_url: str = "https://api.github.com"
    """GitHub REST API base URL (GitHub Enterprise: ``https://HOST/api/v3``)."""
    token_env: str = "GITHUB_TOKEN"
    """Name of the environment variable holding the token (never the token itself)."""
    branch: str = "kd-tracker/weekly"
    """The one branch the bot owns; rebuilt as a single commit each run (never ``main`` or ``master``)."""
    labels: tuple[str, ...] = ("kd-tracker",)
    """Labels put on the bot's pull request."""
    takeover_label: str = "kd-tracker:take-over"
    """Label a maintainer adds to let the bot overwrite a branch a human pushed to."""
    pr_title: str = "Weekly update: {count} new papers ({window})"
    """Title of the pull request."""
    committer_name: str = "kd-tracker"
    """Name on the bot's commits."""
    committer_email: str = "kd-tracker@users.noreply.github.com"
    """E-mail on the bot's commits."""
    rate_limit_max_wait_seconds: float = 900.0
    """On a 403/429 rate limit, wait for the reset at most this long, then fail."""
    retries: int = 3
    """Retries of idempotent reads (GET) on 5xx, with backoff; writes are never resent blindly."""
    timeout_seconds: float = 30.0
    """Time limit of each whole request to GitHub (connect, headers and the entire body)."""
    write_delay_seconds: float = 1.0
    """Pause between two write requests (GitHub's advice against secondary rate limits)."""


@dataclass(frozen=True)
class ModelConfig:
    path: str = ".kd-tracker/model"
    """Folder of the trained model (joblib + JSON metadata)."""
    threshold: float = 0.012
    """Relevance probability at or above which a paper is proposed (probabilities at the base rate of
    :data:`classifiers.base_rate.BASE_RATE`, 1 list paper in 500 arXiv papers)."""
    proposals_per_pr: int = 15
    """At most this many papers in one pull request."""
    near_misses: int = 10
    """How many of the best papers under the threshold the PR body lists."""
    alternatives: int = 3
    """Alternative sections shown per proposal."""
    max_sections: int = 2
    """A paper is inserted into at most this many sections."""
    section_min_score: float = 0.35
    """A second section is added only if its probability is at least this."""
    min_section_papers: int = 4
    """Sections with fewer papers roll up to the nearest heading above them that has a table (else they stay)."""
    negatives: int = 40000
    """The training budget: at most this many unlabeled negatives, a sample of the papers dated before the
    training cut stratified by ISO week (:func:`tracker.week_sample.stratified_sample`, seeded by
    ``random_state``); hard negatives (rejected and removed papers, earlier runs' near-misses) come on top.
    Training reads only these from the store, so its time and memory stay flat as the store grows; 0 uses
    every paper."""
    random_state: int = 0
    """Seed of every random choice in training and evaluation, the negatives' sample included."""
    top_terms: int = 5
    """Terms shown as the reason for a score."""


@dataclass(frozen=True)
class StoreConfig:
    path: str = ".kd-tracker/papers.db"
    """SQLite file holding papers, the fetch log, runs and review labels."""
    prune: bool = True
    """After each successful run (not a dry run), drop the abstracts of papers no run can propose again and training
    does not sample (``kd-tracker store prune``); ``VACUUM`` when that frees much."""


@dataclass(frozen=True)
class ScheduleConfig:
    day_of_week: str = "mon"
    """Day(s) of the weekly run, by name (``mon``, ``mon,thu``): APScheduler 3 counts Monday as 0."""
    hour: int = 6
    """Hour of the run (in ``timezone``)."""
    minute: int = 17
    """Minute of the run; not on the hour, to spread load."""
    timezone: str = "UTC"
    """Time zone of the schedule."""
    jitter_seconds: int = 300
    """Random delay added to each run."""
    misfire_grace_hours: float = 12.0
    """A run missed (machine down) still starts if it is less than this late."""


@dataclass(frozen=True)
class DashboardConfig:
    enabled: bool = True
    """Keep the dashboard issue of the list repository current on every run (false: never read nor write it)."""
    title: str = "kd-tracker dashboard"
    """Title of the dashboard issue; with ``label``, how a run finds it again."""
    label: str = "kd-tracker"
    """Label on the dashboard issue (the workflow answers ``run now`` on edits of issues with this label)."""


@dataclass(frozen=True)
class IntakeConfig:
    enabled: bool = True
    """Answer "please add our paper" issues: put the paper in the weekly PR, or say why not."""
    label: str = "add-paper"
    """An open issue with this label is a request (the issue form puts it on)."""
    keywords: tuple[str, ...] = ("add", "include", "our paper")
    """An open issue without the label is a request when its text holds an arXiv link or id and one of these."""


@dataclass(frozen=True)
class RefreshConfig:
    days: int = 30
    """Look the list's papers up on arXiv by id at most once in this many days (new venue, new code link); 0: never."""


@dataclass(frozen=True)
class Config:
    list: ListConfig = field(default_factory=ListConfig)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    github: GithubConfig = field(default_factory=GithubConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    dashboard: DashboardConfig = field(default_factory=DashboardConfig)
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    source: str = "<defaults>"
    """Where this config came from (a file path, or ``<defaults>``)."""


def all_keys(cls: type = Config, prefix: str = "") -> list[str]:
    """Every dotted key a config file may set, for docs and suggestions."""
    keys = []
    for f in dataclasses.fields(cls):
        if f.name == "source":
            continue
        if dataclasses.is_dataclass(f.default_factory if f.default_factory is not dataclasses.MISSING else None):
            keys.extend(all_keys(f.default_factory, f"{prefix}{f.name}."))
        else:
            keys.append(prefix + f.name)
    return keys


def load_config(path: str | Path | None = None) -> Config:
    """Load ``path`` (or ``./config.yaml`` when it exists, else the defaults)."""
    if path is None:
        default = Path(DEFAULT_CONFIG_NAME)
        if not default.is_file():
            return Config()
        path = default
    return parse_config(read_utf8(path, "config file", ConfigError), str(path))


def parse_config(text: str, source: str = "config.yaml") -> Config:
    """Parse YAML ``text`` into a :class:`Config`.

    Every problem in the file is collected (each names ``source``:line and the key) and raised together as
    :class:`ConfigProblems`; a file that is not YAML at all is a single :class:`ConfigError`.
    """
    node = _compose(text, source)
    if node is None:
        return Config(source=source)
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{source}:{node.start_mark.line + 1}: the config must be a mapping of sections")
    section_fields = {f.name: f for f in dataclasses.fields(Config) if f.name != "source"}
    sections = {}
    problems, duplicates = duplicate_keys(node, "", source)
    problems += foreign_tag(node, "the config", source, deep=False)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if id(key_node) in duplicates:
            continue
        name = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or name not in section_fields:
            problems.append((line, unknown_key(source, line, key_text(key_node), list(section_fields))))
            continue
        tag_problems = foreign_tag(value_node, f"'{name}'", source, deep=False)
        if tag_problems:
            problems += tag_problems
            continue
        if value_node.tag == "tag:yaml.org,2002:null":
            continue
        if not isinstance(value_node, yaml.MappingNode):
            problems.append((line, f"{source}:{line}: '{name}' must be a mapping of settings"))
            continue
        section, found = _build_section(section_fields[name].default_factory, name, value_node, source)
        problems += found
        if section is not None:
            sections[name] = section
    if problems:
        raise ConfigProblems([message for _, message in sorted(problems, key=lambda p: p[0])], source)
    return Config(**sections, source=source)


def _compose(text: str, source: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (nothing is constructed yet); :class:`ConfigError` if it is not YAML."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as e:  # a control character or a lone surrogate: no mark, a position
        line = text[:e.position].count("\n") + 1
        raise ConfigError(f"{source}:{line}: invalid YAML: character U+{e.character:04X} is not allowed in "
                          "YAML; remove it") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from e
    except RecursionError as e:
        raise ConfigError(f"{source}: invalid config: values are nested too deeply; a config holds "
                          "sections of settings") from e


def _build_section(cls: type, section: str, node: yaml.MappingNode, source: str) -> tuple[Any, Problems]:
    """The section's dataclass (None when a value is wrong) and every problem found in it."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    failed: set[str] = set()
    problems, duplicates = duplicate_keys(node, f"{section}.", source)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if id(key_node) in duplicates:
            continue
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or key not in fields:
            short = key_text(key_node)
            problems.append((line, unknown_key(source, line, f"{section}.{short}", list(fields), short=short)))
            continue
        try:
            raw = _construct(value_node, f"{section}.{key}", source)
            values[key] = coerce(raw, hints[key], f"{section}.{key}", f"{source}:{line}")
            check_value(values[key], f"{section}.{key}", f"{source}:{line}")
        except ConfigError as e:
            values.pop(key, None)
            problems.append((line, str(e)))
            failed.add(key)
            continue
        lines[key] = line
    problems += check_section(cls(**values), section, lines, failed, source)
    return (None if problems else cls(**values)), problems


def _construct(node: yaml.Node, key: str, source: str) -> Any:
    """The Python value of one setting's node, built by PyYAML's safe constructors only."""
    tag_problems = foreign_tag(node, f"'{key}'", source)
    if tag_problems:
        raise ConfigError(tag_problems[0][1])
    try:
        return yaml.safe_load(yaml.serialize(node))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or node.start_mark
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{source}:{mark.line + 1}: '{key}' cannot be read ({problem})") from e
    except RecursionError as e:
        raise ConfigError(f"{source}:{node.start_mark.line + 1}: '{key}' is nested too deeply") from e


def token_from_env(config: Config, environ: typing.Mapping[str, str]) -> str | None:
    """The GitHub token from the variable named by ``github.token_env`` (None when unset or blank).

    Surrounding whitespace (the newline of ``echo``, a secret pasted with one) is dropped; a token with
    whitespace, control or non-ASCII characters inside is a :class:`ConfigError` that never shows it.
    """
    name = config.github.token_env
    token = (environ.get(name) or "").strip()
    if not token:
        return None
    bad = next((c for c in token if not 33 <= ord(c) <= 126), None)
    if bad is not None:
        kind = "whitespace" if bad.isspace() else "a control character" if ord(bad) < 32 or ord(bad) == 127 \
            else "a non-ASCII character"
        raise ConfigError(f"{name} is malformed: the token has {kind} inside it; set {name} to the token alone")
    return token
