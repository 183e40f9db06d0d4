"""The update log under the News heading: ``- Update Log`` with ``  - **2024-3-19**: Add 14 papers.`` items.

New items go first (newest first), their date written like the log's other
items (``2024-03-19`` in a log that pads; ``2024-3-19`` when it doesn't or has
no items yet). When the News section has no ``Update Log``
bullet, one is created after the section's last line of text, in the list's
bullet style. A second run on the same day does not add a second item: the
day's item, in whichever form its date is written, is rewritten with its
count plus the papers inserted now (a run
that inserts nothing leaves the log alone, so applying twice is applying once).
Without a News heading nothing is logged.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tracker.errors import ConfigError
from tracker.listdoc.dates import DateFormat, format_date, learn_format, parse_date
from tracker.listdoc.layout import Layout
from tracker.listdoc.rows import heading_title

log = logging.getLogger(__name__)

_PARENT = re.compile(r"^(\s*)([-*+])\s+(?:\*\*)?update log(?:\*\*)?:?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^(\s*)([-*+])\s+(.*)$")

LOG_DATE_FORMAT = DateFormat(kind="numeric", sep="-", pad=False, day=True)
"""The list's date format in the log, ``2024-3-19``, used when the log's items show none."""


@dataclass(frozen=True)
class LogEdit:
    """Lines to add before given line indexes, and lines to rewrite."""

    inserts: dict[int, list[str]]
    replacements: dict[int, str]
    line: str
    """The log item's text as it now reads."""


def log_date_text(day: datetime.date, fmt: DateFormat = LOG_DATE_FORMAT) -> str:
    """``day`` as the log writes it: ``2024-3-19`` (no zero padding) unless ``fmt`` says otherwise."""
    return format_date(fmt, (day.year, day.month, day.day))


def format_log_item(template: str, day: datetime.date | str, count: int) -> str:
    """``template`` filled in (``day`` as a date, or the date text to write); :class:`ConfigError` naming
    ``list.update_log_template`` if it can't be."""
    date_text = day if isinstance(day, str) else log_date_text(day)
    try:
        return template.format(date=date_text, count=count)
    except (KeyError, IndexError, ValueError) as e:
        raise ConfigError(
            f"list.update_log_template {template!r} is invalid ({e!r}); use only {{date}} and {{count}}"
        ) from e


def plan_update_log(
    doc: Layout, day: datetime.date, count: int, template: str, newline: str
) -> LogEdit | None:
    """How to log ``count`` papers added on ``day`` in ``doc``; ``None`` when it has no News heading."""
    text = format_log_item(template, day, count)
    lines = [line[:-1] if line.endswith("\r") else line for line in doc.lines]
    news = next((h for h in doc.headings if heading_title(h.text).lower() == "news"), None)
    if news is None:
        log.warning("%s has no News heading; the update-log line is not added", doc.name)
        return None
    later = [h.index for h in doc.headings if h.index > news.index]
    own_end = later[0] if later else len(lines)
    section_end = next((h.index for h in doc.headings if h.index > news.index and h.level <= news.level), len(lines))
    parent = next((i for i in range(news.index + 1, section_end) if _PARENT.match(lines[i])), None)
    if parent is not None:
        return _add_to_existing(lines, parent, day, count, template, newline)
    last = max((i for i in range(news.index + 1, own_end) if lines[i].strip()), default=news.index)
    bullet = next((m.group(2) for i in range(news.index + 1, own_end) if (m := _ITEM.match(lines[i]))), "-")
    block = [f"{bullet} Update Log", f"  {bullet} {text}"]
    if last == news.index:
        at = last + 1
    elif last + 1 < own_end and not lines[last + 1].strip():
        at = last + 2
    else:
        at, block = last + 1, ["", *block]
    if at < len(lines) and lines[at].strip():
        block.append("")
    return LogEdit({at: [line + newline for line in block]}, {}, text)


def _add_to_existing(
    lines: list[str], parent: int, day: datetime.date, count: int, template: str, newline: str
) -> LogEdit:
    parent_indent = len(_PARENT.match(lines[parent]).group(1))
    children = []
    for i in range(parent + 1, len(lines)):
        item = _ITEM.match(lines[i])
        if not item or len(item.group(1)) <= parent_indent:
            break
        children.append((i, item))
    pattern = _item_pattern(template)
    dates = []
    for i, item in children:
        found = pattern.match(item.group(3).rstrip())
        if not found:
            continue
        written = found.groupdict().get("date")
        if written is None or _is_day(written, day):
            total = int(found.group("count")) + count if "count" in found.groupdict() else count
            updated = format_log_item(template, day if written is None else written, total)
            return LogEdit({}, {i: lines[i][: item.start(3)] + updated + newline}, updated)
        dates.append(written)
    text = format_log_item(template, log_date_text(day, _log_format(dates)), count)
    if children:
        indent, bullet = children[0][1].group(1), children[0][1].group(2)
    else:
        indent, bullet = " " * (parent_indent + 2), _PARENT.match(lines[parent]).group(2)
    return LogEdit({parent + 1: [f"{indent}{bullet} {text}{newline}"]}, {}, text)


def _item_pattern(template: str) -> re.Pattern[str]:
    """A regex matching ``template``'s items: any date (group ``date``), any count (group ``count``)."""
    parts = re.split(r"(\{date\}|\{count\})", template)
    seen: set[str] = set()
    pattern = ""
    for part in parts:
        name = part[1:-1] if part in ("{date}", "{count}") else None
        if name is None:
            pattern += re.escape(part)
        elif name in seen:
            pattern += f"(?P={name})"
        else:
            seen.add(name)
            pattern += r"(?P<date>.+?)" if name == "date" else r"(?P<count>\d+)"
    return re.compile(f"^{pattern}$")


def _is_day(written: str, day: datetime.date) -> bool:
    """``written`` (``2024-3-19``, ``2024-03-19``, ...) is ``day``."""
    parsed = parse_date(written)
    return parsed is not None and parsed.key == (day.year, day.month, day.day)


def _log_format(written: Iterable[str]) -> DateFormat:
    """The date format of the log's items (those that give a day); :data:`LOG_DATE_FORMAT` when none do."""
    days = [text for text in written if (parsed := parse_date(text)) is not None and len(parsed.key) == 3]
    return replace(learn_format(days, LOG_DATE_FORMAT), day=True)
