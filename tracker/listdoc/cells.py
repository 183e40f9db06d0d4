"""Table cells and links of one README line, the way GitHub's markdown reads them.

A cell boundary is a ``|`` not preceded by a backslash (GFM's rule, which also
holds inside code spans); a leading pipe and a trailing pipe are optional. A
link is ``[text](destination)`` with balanced brackets and parentheses;
images (``![alt](src)``) are not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One cell of a table line: its raw text and where it sits in the line."""

    raw: str
    """The text between two pipes, whitespace included."""
    start: int
    """Index of the cell's first character in the line."""
    end: int
    """Index just past the cell's last character."""

    @property
    def content(self) -> str:
        return self.raw.strip()

    @property
    def content_start(self) -> int:
        return self.start + (len(self.raw) - len(self.raw.lstrip()))

    @property
    def content_end(self) -> int:
        return self.end - (len(self.raw) - len(self.raw.rstrip()))


@dataclass(frozen=True)
class Link:
    """A markdown link found in a cell."""

    text: str
    """The link text, as written."""
    url: str
    """The destination, surrounding spaces (and a link title) removed."""
    start: int
    """Index of the ``[``."""
    end: int
    """Index just past the ``)``."""


@dataclass(frozen=True)
class LinkScan:
    """The links of a piece of text, and whether some link syntax in it is broken."""

    links: tuple[Link, ...]
    broken: str | None
    """A short quote of the first broken link syntax, or ``None``."""


def split_cells(line: str) -> list[Cell]:
    """The cells of a table line (GFM): optional outer pipes, ``\\|`` is not a boundary."""
    body_start = len(line) - len(line.lstrip())
    stop = len(line.rstrip())
    if body_start < stop and line[body_start] == "|":
        body_start += 1
    cells = []
    start = body_start
    for i in range(body_start, stop):
        if line[i] == "|" and line[i - 1] != "\\":
            cells.append(Cell(line[start:i], start, i))
            start = i + 1
    if line[start:].strip():
        # no trailing pipe: the last cell runs to the end of the line
        cells.append(Cell(line[start:], start, len(line)))
    return cells


_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")


def is_delimiter_row(line: str) -> bool:
    """A table's delimiter row: ``|:---|:---:|`` (every cell dashes with optional colons)."""
    stripped = line.strip()
    if not stripped or "-" not in stripped:
        return False
    if len(line) - len(line.lstrip(" ")) > 3:
        return False
    cells = split_cells(line)
    if len(cells) == 1 and "|" not in stripped:
        return False
    return bool(cells) and all(_DELIMITER_CELL.match(cell.raw) for cell in cells)


def scan_links(text: str) -> LinkScan:
    """Every ``[text](url)`` link of ``text`` in order, and the first broken one (``[x](`` never closed, stray ``](``)."""
    links: list[Link] = []
    broken: str | None = None
    consumed: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            i = _skip_code_span(text, i)
            continue
        if ch != "[":
            i += 1
            continue
        image = i > 0 and text[i - 1] == "!" and not (i > 1 and text[i - 2] == "\\")
        close = _matching(text, i, "[", "]")
        if close is None:
            i += 1
            continue
        if close + 1 < len(text) and text[close + 1] == "(":
            end = _matching(text, close + 1, "(", ")")
            if end is None:
                broken = broken or text[i : i + 40]
                i = close + 2
                continue
            if not image:
                destination = text[close + 2 : end].strip()
                url = destination[1:].split(">")[0] if destination.startswith("<") else destination.split(" ")[0]
                links.append(Link(text[i + 1 : close], url, i, end + 1))
            consumed.append((i, end + 1))
            i = end + 1
            continue
        i += 1
    if broken is None:
        for match in re.finditer(r"\]\(", text):
            if not any(start <= match.start() < end for start, end in consumed):
                broken = text[max(0, match.start() - 30) : match.start() + 10]
                break
    return LinkScan(tuple(links), broken)


def _matching(text: str, start: int, opening: str, closing: str) -> int | None:
    """Index of the bracket closing the one at ``start`` (nesting and backslash escapes respected)."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _skip_code_span(text: str, start: int) -> int:
    """Index after the code span opening at ``start``, or after the backticks when it never closes."""
    run = len(text[start:]) - len(text[start:].lstrip("`"))
    ticks = "`" * run
    close = text.find(ticks, start + run)
    while close != -1 and close + run < len(text) and text[close + run] == "`":
        close = text.find(ticks, close + run + 1)
    return start + run if close == -1 else close + run
