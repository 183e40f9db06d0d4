"""The rules a config file is checked against: every problem is a one-line message naming file:line and key.

:mod:`tracker.config` walks the YAML and builds the dataclasses; the rules live here. Keys: a YAML tag the safe
loader does not build is refused (a ``!!python/...`` tag asks a loader to run code), a key set twice is a problem
naming both lines, an unknown key names the closest valid one. Values: each must have its field's type
(:func:`coerce`), then pass its key's check of range or form (:func:`check_value`: a template field that is
never filled in, a repository that is not ``owner/name``, an hour of 25, an arXiv category that does not exist,
``main`` as the bot's branch); settings only wrong together are checked per section (:func:`check_section`: less
than 3 s between requests to arXiv's own API). Problems are collected as ``(line, message)`` pairs
(:data:`Problems`) and raised together as :class:`ConfigProblems`.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import string
import types
import typing
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from tracker.arxiv_categories import CATEGORIES, closest_category
from tracker.errors import ConfigError


class ConfigProblems(ConfigError):
    """Every problem found in one config file, in line order; ``str()`` is the first one and how many follow."""

    def __init__(self, problems: list[str], source: str) -> None:
        self.problems = problems
        more = len(problems) - 1
        tail = f" (and {more} more; `kd-tracker config check {source}` lists them all)" if more else ""
        super().__init__(problems[0] + tail)


Problems = list[tuple[int, str]]
"""Problems found so far: (line, one-line message), sorted by line before they are reported."""


# -- keys: tags, duplicates, unknown names -------------------------------------------------------------------


def foreign_tag(node: yaml.Node, what: str, source: str, *, deep: bool = True) -> Problems:
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


def key_text(node: yaml.Node) -> str:
    """A key node as the user wrote it (a plain name, or the start of a complex key)."""
    if isinstance(node, yaml.ScalarNode):
        text = str(node.value)
        return text if text.isprintable() else repr(text)[1:-1]  # one line, whatever the quotes held
    return f"<{node.id} on line {node.start_mark.line + 1}>"


def duplicate_keys(node: yaml.MappingNode, prefix: str, source: str) -> tuple[Problems, set[int]]:
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


def unknown_key(source: str, line: int, key: str, valid: list[str], short: str | None = None) -> str:
    """The message for an unknown ``key``, with the closest of ``valid`` (matched on ``short``, the key's last
    part), else every valid key."""
    short = short or key
    close = difflib.get_close_matches(short, valid, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; valid keys: {', '.join(sorted(valid))}"
    return f"{source}:{line}: unknown key '{key}'{hint}"


# -- values: types -------------------------------------------------------------------------------------------


def coerce(value: Any, hint: Any, key: str, where: str) -> Any:
    """``value`` as the field's type ``hint`` (an int where a float is asked, a comma list where a tuple is);
    a one-line :class:`ConfigError` when it is of another type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and str in typing.get_args(hint) and tuple[str, ...] in typing.get_args(hint):
        if isinstance(value, str):  # one path, kept as written
            return value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: '{key}' must be a path or a list of paths, got {value!r}")
        return tuple(value)
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


def _list_paths(value: Any) -> str | None:
    """One path (not empty, as before), or a list of distinct relative paths inside the repository."""
    if isinstance(value, str):
        return _text(value)
    if not value:
        return "must name at least one file"
    seen: set[str] = set()
    for path in value:
        if not path.strip():
            return "has an empty path"
        parts = path.replace("\\", "/").split("/")
        if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or ".." in parts or path != path.strip():
            return f"has {path!r}, which is not a relative path inside the repository (no leading '/', no '..')"
        if path.endswith("/") or "." in parts or "" in parts:
            return f"has {path!r}, which is not a file path such as 'docs/vision.md'"
        if path in seen:
            return f"names {path!r} twice; name each file once"
        seen.add(path)
    return None


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


def _one_label(value: Any) -> str | None:
    """One label name: GitHub's issue search separates labels by commas, so a comma would find nothing."""
    return "must be one label name, without a comma" if "," in str(value) else None


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


def _keywords(value: Any) -> str | None:
    if any(not v.strip() for v in value):
        return "must not hold an empty keyword (an empty one would match every issue)"
    return None


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
    "list.path": _list_paths,
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
    "dashboard.title": _text,
    "dashboard.label": _all(_text, _one_label),
    "refresh.days": _number(0),
    "intake.label": _text,
    "intake.keywords": _keywords,
}


def check_value(value: Any, key: str, where: str) -> None:
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


def check_section(section: Any, name: str, lines: dict[str, int], failed: set[str], source: str) -> Problems:
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
