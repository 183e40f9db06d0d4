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
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import re
import string
import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from tracker.arxiv_categories import CATEGORIES, closest_category
from tracker.errors import ConfigError
from tracker.textfile import read_utf8

DEFAULT_CONFIG_NAME = "config.yaml"


@dataclass(frozen=True)
class ListConfig:
    repo: str = "Tebmer/Awesome-Knowledge-Distillation-of-LLMs"
    """The list's GitHub repository, ``owner/name``."""
    path: str = "README.md"
    """Path of the list file inside the repository."""
    update_log: bool = True
    """Add a ``- **YYYY-M-D**: Add N papers.`` line under the News heading's Update Log."""
    update_log_template: str = "**{date}**: Add {count} papers."
    """Text of the update-log line; ``{date}`` is written without zero padding (2024-3-19)."""


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
    threshold: float = 0.005
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
    negatives: int = 0
    """Negatives sampled from the corpus for training; 0 uses all of them."""
    random_state: int = 0
    """Seed of every random choice in training and evaluation."""
    top_terms: int = 5
    """Terms shown as the reason for a score."""


@dataclass(frozen=True)
class StoreConfig:
    path: str = ".kd-tracker/papers.db"
    """SQLite file holding papers, the fetch log, runs and review labels."""


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
class Config:
    list: ListConfig = field(default_factory=ListConfig)
    arxiv: ArxivConfig = field(default_factory=ArxivConfig)
    github: GithubConfig = field(default_factory=GithubConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
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


class ConfigProblems(ConfigError):
    """Every problem found in one config file, in line order; ``str()`` is the first one and how many follow."""

    def __init__(self, problems: list[str], source: str) -> None:
        self.problems = problems
        more = len(problems) - 1
        tail = f" (and {more} more; `kd-tracker config check {source}` lists them all)" if more else ""
        super().__init__(problems[0] + tail)


Problems = list[tuple[int, str]]
"""Problems found so far: (line, one-line message), sorted by line before they are reported."""


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
    problems, duplicates = _duplicates(node, "", source)
    problems += _foreign_tag(node, "the config", source, deep=False)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if id(key_node) in duplicates:
            continue
        name = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or name not in section_fields:
            problems.append((line, _unknown(source, line, _key_text(key_node), list(section_fields))))
            continue
        tag_problems = _foreign_tag(value_node, f"'{name}'", source, deep=False)
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
    problems, duplicates = _duplicates(node, f"{section}.", source)
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if id(key_node) in duplicates:
            continue
        key = key_node.value
        if not isinstance(key_node, yaml.ScalarNode) or key not in fields:
            short = _key_text(key_node)
            problems.append((line, _unknown(source, line, f"{section}.{short}", list(fields), short=short)))
            continue
        try:
            raw = _construct(value_node, f"{section}.{key}", source)
            values[key] = _coerce(raw, hints[key], f"{section}.{key}", f"{source}:{line}")
            _check_value(values[key], f"{section}.{key}", f"{source}:{line}")
        except ConfigError as e:
            values.pop(key, None)
            problems.append((line, str(e)))
            failed.add(key)
            continue
        lines[key] = line
    problems += _check_section(cls(**values), section, lines, failed, source)
    return (None if problems else cls(**values)), problems


def _construct(node: yaml.Node, key: str, source: str) -> Any:
    """The Python value of one setting's node, built by PyYAML's safe constructors only."""
    tag_problems = _foreign_tag(node, f"'{key}'", source)
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


def _foreign_tag(node: yaml.Node, what: str, source: str, *, deep: bool = True) -> Problems:
    """A problem for the first node in ``node`` (only ``node`` itself unless ``deep``) with a YAML tag the safe
    loader does not build (``!!python/...``, ``!custom``): such a tag asks a loader to run code, and a config
    file never needs one."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.tag not in yaml.SafeLoader.yaml_constructors or current.tag is None:
            line = current.start_mark.line + 1
            tag = current.tag.replace("tag:yaml.org,2002:", "!!") if current.tag else "?"
            return [(line, f"{source}:{line}: {what} has the YAML tag {tag!r}, which a config file may not use; "
                           "write a plain value")]
        if not deep:
            break
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
    return []


def _key_text(node: yaml.Node) -> str:
    """A key node as the user wrote it (a plain name, or the start of a complex key)."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        return text if text.isprintable() else repr(text)[1:-1]  # one line, whatever the quotes held
    return f"<{node.id} on line {node.start_mark.line + 1}>"


def _duplicates(node: yaml.MappingNode, prefix: str, source: str) -> tuple[Problems, set[int]]:
    """Keys set twice in one mapping (YAML would silently keep the last): a problem naming both lines for each
    repeat, and the ids of the repeated key nodes (the first setting is the one checked)."""
    first: dict[str, int] = {}
    problems: Problems = []
    repeats: set[int] = set()
    for key_node, _ in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        name = str(key_node.value)
        if name in first:
            problems.append((line, f"{source}:{line}: duplicate key '{prefix}{name}', already set on line "
                                   f"{first[name]}; keep one of them"))
            repeats.add(id(key_node))
            continue
        first[name] = line
    return problems, repeats


# -- values: ranges and forms --------------------------------------------------------------------------------
# Each check returns what is wrong with a value (``must be ...``), or None. A key without a check only needs its type.
_Check = Callable[[Any], "str | None"]

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_SPEC = re.compile(r"^[a-z]{3}(-[a-z]{3})?(,[a-z]{3}(-[a-z]{3})?)*$")
_RSS_TYPES = ("new", "cross", "replace", "replace-cross")
_DEFAULT_BRANCHES = ("main", "master")
"""Names a repository's default branch usually has; github.branch may not be one (the real default branch is
only known at publish time, where it is checked too)."""
ARXIV_MIN_DELAY = 3.0
"""Seconds between two requests arXiv's API terms ask for; a lower delay is only for mirrors and test servers."""


def _number(low: float | None = None, high: float | None = None, *, above: bool = False) -> _Check:
    """A finite number ``>= low`` (``> low`` when ``above``) and ``<= high``."""
    def check(value: Any) -> str | None:
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        too_low = low is not None and (value <= low if above else value < low)
        if too_low or (high is not None and value > high):
            if high is None:
                return f"must be {'above' if above else 'at least'} {low:g}"
            return f"must be from {low:g} to {high:g}"
        return None
    return check


def _all(*checks: _Check) -> _Check:
    """Every one of ``checks``; the first problem found."""
    def check(value: Any) -> str | None:
        return next((problem for problem in (c(value) for c in checks) if problem), None)
    return check


def _text(value: Any) -> str | None:
    return "must not be empty" if not str(value).strip() else None


def _url(value: Any) -> str | None:
    return None if re.match(r"^https?://[^\s/]+", value) else "must be an http(s):// URL"


def _repo(value: Any) -> str | None:
    return None if _REPO.match(value) else "must be the repository as owner/name, e.g. 'Tebmer/Awesome-KD'"


def _categories(value: Any) -> str | None:
    if not value:
        return "must list at least one arXiv category, e.g. [cs.CL]"
    bad = [v for v in value if v not in CATEGORIES]
    if not bad:
        return None
    named = []
    for name in bad:
        close = closest_category(name)
        named.append(f"{name!r} (did you mean {close!r}?)" if close else repr(name))
    if len(bad) == 1:
        return f"has {named[0]}, which is not an arXiv category"
    return f"has {', '.join(named[:-1])} and {named[-1]}, which are not arXiv categories"


def _rss_types(value: Any) -> str | None:
    if not value:
        return f"must list at least one of {', '.join(_RSS_TYPES)}"
    bad = [v for v in value if v not in _RSS_TYPES]
    return f"has {bad[0]!r}; RSS announcement types are {', '.join(_RSS_TYPES)}" if bad else None


def _labels(value: Any) -> str | None:
    return "must not hold an empty label" if any(not v.strip() for v in value) else None


def _branch(value: Any) -> str | None:
    bad = (not value.strip() or value.startswith(("-", "/")) or value.endswith(("/", ".", ".lock"))
           or ".." in value or "//" in value or "@{" in value
           or any(c.isspace() or c in "~^:?*[\\" or ord(c) < 32 for c in value))
    if bad:
        return "must be a valid git branch name, e.g. 'kd-tracker/weekly'"
    if value.removeprefix("refs/heads/").lower() in _DEFAULT_BRANCHES:
        return ("must be a branch of the bot's own, not a usual default branch: the bot rebuilds it as a single "
                "commit each run; use e.g. 'kd-tracker/weekly'")
    return None


def _email(value: Any) -> str | None:
    return None if re.match(r"^[^@\s]+@[^@\s]+$", value) else "must be an e-mail address"


def _env_name(value: Any) -> str | None:
    if value.startswith(_TOKEN_PREFIXES):
        # never echo it: the value looks like the token itself
        return "must be the NAME of the variable that holds the token (e.g. GITHUB_TOKEN), not the token"
    return None if _ENV_NAME.match(value) else "must be an environment variable name, e.g. GITHUB_TOKEN"


def _template(*names: str) -> _Check:
    """A ``str.format`` template using only the fields ``names``."""
    allowed = " and ".join("{" + n + "}" for n in names)

    def check(value: Any) -> str | None:
        try:
            used = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
            unknown = [f for f in used if f not in names]
            if unknown:
                return f"uses {{{unknown[0]}}}, which kd-tracker does not fill in; use only {allowed}"
            value.format(**{n: 1 for n in names})
        except (ValueError, IndexError, KeyError, TypeError) as e:
            return f"is not a valid template ({e}); use only {allowed}, and {{{{ }}}} for a literal brace"
        return None
    return check


def _days(value: Any) -> str | None:
    days = value.strip().lower().replace(" ", "")
    if _DAY_SPEC.match(days) and all(d in _DAY_NAMES for d in re.split(r"[,-]", days)):
        return None
    return ("is not a day name list; use names such as 'mon' or 'mon,thu' "
            "(numbers are refused: APScheduler 3 counts Monday as 0)")


_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z"})


def time_zone(name: str) -> datetime.tzinfo:
    """The time zone ``name`` (an IANA name); UTC works without a time-zone database (a slim container).

    :class:`zoneinfo.ZoneInfoNotFoundError` or :class:`ValueError` for an unknown name.
    """
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        if name in _UTC_NAMES:
            return datetime.timezone.utc
        raise


def _timezone(value: Any) -> str | None:
    try:
        time_zone(value)
    except (ZoneInfoNotFoundError, ValueError):
        if not zoneinfo.available_timezones():  # no database here to tell; the scheduler says so when it needs one
            return None
        return "is not a known time zone; use an IANA name such as 'UTC' or 'Europe/Berlin'"
    return None


_CHECKS: dict[str, _Check] = {
    "list.repo": _repo,
    "list.path": _text,
    "list.update_log_template": _template("date", "count"),
    "arxiv.api_url": _url,
    "arxiv.rss_url": _url,
    "arxiv.categories": _categories,
    "arxiv.delay_seconds": _number(0),
    "arxiv.page_size": _number(1, 2000),
    "arxiv.timeout_seconds": _number(0, above=True),
    "arxiv.max_retries": _number(1),
    "arxiv.backoff_seconds": _number(0),
    "arxiv.max_backoff_seconds": _number(0),
    "arxiv.result_cap": _number(1),
    "arxiv.window_days": _number(1),
    "arxiv.backfill_days": _number(1),
    "arxiv.gap_lookback_days": _number(0),
    "arxiv.rss_announce_types": _rss_types,
    "github.api_url": _url,
    "github.token_env": _env_name,
    "github.branch": _branch,
    "github.labels": _labels,
    "github.takeover_label": _text,
    "github.pr_title": _all(_text, _template("count", "window")),
    "github.committer_name": _text,
    "github.committer_email": _email,
    "github.rate_limit_max_wait_seconds": _number(0),
    "github.retries": _number(0),
    "github.timeout_seconds": _number(0, above=True),
    "github.write_delay_seconds": _number(0),
    "model.path": _text,
    "model.threshold": _number(0, 1),
    "model.proposals_per_pr": _number(1),
    "model.near_misses": _number(0),
    "model.alternatives": _number(0),
    "model.max_sections": _number(1),
    "model.section_min_score": _number(0, 1),
    "model.min_section_papers": _number(0),
    "model.negatives": _number(0),
    "model.random_state": _number(0, 2**32 - 1),
    "model.top_terms": _number(0),
    "store.path": _text,
    "schedule.hour": _number(0, 23),
    "schedule.minute": _number(0, 59),
    "schedule.timezone": _timezone,
    "schedule.jitter_seconds": _number(0),
    "schedule.misfire_grace_hours": _number(0, above=True),
}


def _check_value(value: Any, key: str, where: str) -> None:
    """Raise a one-line :class:`ConfigError` when ``value`` is out of range or of the wrong form for ``key``."""
    if key == "schedule.day_of_week":  # worded as the scheduler words it, location last
        problem = _days(value)
        if problem:
            raise ConfigError(f"{key}: {value!r} {problem} ({where})")
        return
    check = _CHECKS.get(key)
    problem = check(value) if check else None
    if problem is None:
        return
    shown = "" if key == "github.token_env" else f", got {list(value) if isinstance(value, tuple) else value!r}"
    raise ConfigError(f"{where}: '{key}' {problem}{shown}")


def _check_section(section: Any, name: str, lines: dict[str, int], failed: set[str], source: str) -> Problems:
    """Problems of settings that are only wrong together, in ``section`` built from the values that are right
    alone (``lines``: their keys and lines); nothing is said about a pair with a key in ``failed``."""
    if name != "arxiv" or {"delay_seconds", "api_url"} & failed:
        return []
    if section.delay_seconds >= ARXIV_MIN_DELAY or not is_arxiv_host(section.api_url):
        return []
    line = lines.get("delay_seconds", lines.get("api_url", 0))
    return [(line, f"{source}:{line}: 'arxiv.delay_seconds' must be at least {ARXIV_MIN_DELAY:g} while "
                   f"'arxiv.api_url' is arXiv's own ({section.api_url}), as arXiv's API terms ask; a lower delay "
                   f"is only for a mirror or a test server, got {section.delay_seconds:g}")]


def is_arxiv_host(url: str) -> bool:
    """Whether ``url`` points at arXiv itself (``arxiv.org`` or one of its hosts, e.g. ``export.arxiv.org``)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def _coerce(value: Any, hint: Any, key: str, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, item) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a list of {_type_name(item)}, got {value!r}")
        return tuple(value)
    if origin in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false, got {value!r}")
    if hint is int and isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be an integer, got {value!r}")
    if not isinstance(value, hint):
        raise ConfigError(f"{where}: '{key}' must be {_type_name(hint)}, got {value!r}")
    return value


def _type_name(t: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(t, str(t))


def _unknown(source: str, line: int, key: str, valid: list[str], short: str | None = None) -> str:
    short = short or key
    close = difflib.get_close_matches(short, valid, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(sorted(valid))}"
    return f"{source}:{line}: unknown key '{key}'{hint}"


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
