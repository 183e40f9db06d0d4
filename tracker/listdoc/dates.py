"""Dates as lists write them: read a Date cell, learn a table's date format, write a date in it.

Accepted forms, with or without surrounding markup (``**2024-03**``,
```2024.03```, ``<sub>Mar 2024</sub>``): ``2024-03``, ``2024.03``, ``2024/03``,
``2024-03-15``, ``2024.03.15``, ``2024/03/15`` (month and day with or without
a leading zero), ``Mar 2024``, ``March 2024`` and ``2024`` alone.

A date's *key* is ``(year,)``, ``(year, month)`` or ``(year, month, day)``;
:func:`compare_keys` compares two keys at the precision both have, so
``2024`` equals ``2024-03`` and ``2024-03`` equals ``2024-03-15``.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
"""English month names; their first three letters are the abbreviations (``Sept`` is read too)."""

_NUMERIC = re.compile(r"^(\d{4})([-./])(\d{1,2})(?:\2(\d{1,2}))?$")
_NAMED = re.compile(r"^([A-Za-z]{3,9})\.?,?\s+(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_WRAPPERS = ("**", "__", "`", "*", "_")
_TAG_WRAP = re.compile(r"^(<([A-Za-z][A-Za-z0-9]*)[^>]*>)(.*)(</\2\s*>)$", re.DOTALL)


@dataclass(frozen=True)
class DateFormat:
    """How a list writes its dates."""

    kind: str = "numeric"
    """``numeric`` (``2024-03``), ``abbr`` (``Mar 2024``), ``name`` (``March 2024``) or ``year`` (``2024``)."""
    sep: str = "-"
    """Between year, month and day of a numeric date: ``-``, ``.`` or ``/``."""
    pad: bool = True
    """A leading zero on one-digit months and days (``2024-03`` rather than ``2024-3``)."""
    day: bool = False
    """Numeric dates carry the day (``2024-03-15``); written only when the day is known."""
    wrap: tuple[str, str] = ("", "")
    """Markup around the date, e.g. ``("**", "**")``."""


DEFAULT_FORMAT = DateFormat()
"""``2024-03``: the list's own format, used when nothing can be learnt."""


@dataclass(frozen=True)
class ParsedDate:
    """A date cell read: its key and the features of the form it was written in."""

    key: tuple[int, ...]
    """``(year,)``, ``(year, month)`` or ``(year, month, day)``."""
    kind: str
    """As :attr:`DateFormat.kind`, or ``month`` for ``May``, which is both ``abbr`` and ``name``."""
    sep: str | None
    """As :attr:`DateFormat.sep`; ``None`` when not numeric."""
    pad: bool | None
    """As :attr:`DateFormat.pad`; ``None`` when the text can't tell (``2024-11``, ``Mar 2024``)."""
    wrap: tuple[str, str]
    """As :attr:`DateFormat.wrap`."""


def parse_date(text: str) -> ParsedDate | None:
    """``text`` read as a date in one of the accepted forms, else ``None``."""
    inner, wrap = _unwrap(text.strip())
    if match := _NUMERIC.match(inner):
        year, sep, month, day = match.groups()
        key = (int(year), int(month)) if day is None else (int(year), int(month), int(day))
        if not _valid(key):
            return None
        parts = [month] if day is None else [month, day]
        pad = True if any(p.startswith("0") for p in parts) else False if any(len(p) == 1 for p in parts) else None
        return ParsedDate(key, "numeric", sep, pad, wrap)
    if match := _NAMED.match(inner):
        word = match.group(1).lower()
        month = _month_number(word)
        if month is None:
            return None
        kind = "month" if word == "may" else "name" if word == MONTHS[month - 1].lower() else "abbr"
        return ParsedDate((int(match.group(2)), month), kind, None, None, wrap)
    if match := _YEAR.match(inner):
        return ParsedDate((int(match.group(1)),), "year", None, None, wrap)
    return None


def date_key(text: str) -> tuple[int, ...] | None:
    """The key of a date cell such as ``2024-03`` or ``Mar 2024``; ``None`` when it is not a date."""
    parsed = parse_date(text)
    return parsed.key if parsed else None


def compare_keys(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """-1, 0 or 1 as ``a`` is older than, as old as or newer than ``b``, at the precision both have."""
    n = min(len(a), len(b))
    return (a[:n] > b[:n]) - (a[:n] < b[:n])


def learn_format(cells: Iterable[str], fallback: DateFormat = DEFAULT_FORMAT) -> DateFormat:
    """The most common form of the dates among ``cells``, feature by feature; ``fallback`` for what they don't show."""
    parsed = [p for p in map(parse_date, cells) if p is not None]
    if not parsed:
        return fallback
    kinds = Counter("abbr" if p.kind == "month" else p.kind for p in parsed)
    if kinds["abbr"] and kinds["name"]:
        kinds["abbr"] -= sum(p.kind == "month" for p in parsed)  # "May" is either; let the other months decide
    kind = _most_common(+kinds, fallback.kind)
    numeric = [p for p in parsed if p.kind == "numeric"]
    return DateFormat(
        kind=kind,
        sep=_most_common(Counter(p.sep for p in numeric), fallback.sep),
        pad=_most_common(Counter(p.pad for p in numeric if p.pad is not None), fallback.pad),
        day=_most_common(Counter(len(p.key) == 3 for p in numeric), fallback.day),
        wrap=_most_common(Counter(p.wrap for p in parsed), fallback.wrap),
    )


def format_date(fmt: DateFormat, key: tuple[int, ...]) -> str:
    """``key`` written in ``fmt``; a numeric date with a day drops to the month when ``key`` has no day."""
    year = key[0]
    if fmt.kind == "year" or len(key) < 2:
        text = str(year)
    elif fmt.kind in ("abbr", "name"):
        name = MONTHS[key[1] - 1]
        text = f"{name if fmt.kind == 'name' else name[:3]} {year}"
    else:
        parts = key[1:3] if fmt.day else key[1:2]
        text = fmt.sep.join([str(year), *(f"{p:02d}" if fmt.pad else str(p) for p in parts)])
    return fmt.wrap[0] + text + fmt.wrap[1]


def _unwrap(text: str) -> tuple[str, tuple[str, str]]:
    """``text`` without the markup around it, and that markup."""
    before, after = "", ""
    while True:
        marker = next((m for m in _WRAPPERS if len(text) > 2 * len(m) and text.startswith(m) and text.endswith(m)),
                      None)
        if marker is not None:
            before, after, text = before + marker, marker + after, text[len(marker) : -len(marker)].strip()
            continue
        if tag := _TAG_WRAP.match(text):
            before, after, text = before + tag.group(1), tag.group(4) + after, tag.group(3).strip()
            continue
        return text, (before, after)


def _month_number(lowered: str) -> int | None:
    for number, month in enumerate(MONTHS, start=1):
        if lowered in (month.lower(), month[:3].lower()) or (number == 9 and lowered == "sept"):
            return number
    return None


def _valid(key: tuple[int, ...]) -> bool:
    try:
        datetime.date(key[0], key[1], key[2] if len(key) == 3 else 1)
    except ValueError:
        return False
    return True


def _most_common(counter: Counter, default):
    return counter.most_common(1)[0][0] if counter else default
