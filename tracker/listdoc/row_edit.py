"""Edit cells of rows already in the list, in place: a venue accepted, a code link published.

A :class:`~tracker.records.RowUpdate` names a paper and a field. Every row of
that paper whose cell still says nothing more (a venue cell ``arXiv``,
``preprint``, ``-`` or empty; a code cell with no link) gets the new value,
written the way the list writes that cell:

- a venue with the year form of the list's other venue cells (``ACL``,
  ``ACL 2024`` or ``ACL'24``; a list with no dated venue writes none) and its
  form of findings (``Findings of EMNLP`` or ``EMNLP Findings``);
- a code link with the table's own link text (:mod:`tracker.listdoc.linktext`:
  ``[Github](url)``, ``[code](url)``, a stars badge of the new repo).

Only the edited cell's text changes: the row's spacing, pipes, line ending and
every other line stay byte for byte. A row missing its trailing empty cells
(the list leaves them out) gets the cells up to the code cell, spaced like its
other cells. The values are escaped here (:mod:`tracker.markdown_safe`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tracker.errors import ProposalError
from tracker.listdoc.cells import Cell, split_cells
from tracker.listdoc.layout import Layout
from tracker.listdoc.model import Row
from tracker.listdoc.rows import PaperTable
from tracker.listdoc.style import RowStyle, StyleVotes, count_style, learn_style
from tracker.markdown_safe import escape_cell, safe_url
from tracker.records import RowUpdate

log = logging.getLogger(__name__)

PREPRINT_VENUES = frozenset({"", "arxiv", "preprint", "arxiv preprint", "corr", "-", "–", "—"})
"""Venue cells (lowercased, bold stripped) that name no venue: a row saying one of these may get one."""
EMPTY_CELLS = frozenset({"", "-", "–", "—"})
"""Code cells that hold nothing."""

_APOSTROPHE = re.compile(r"^(?P<name>.*?\S)\s*['’](?P<yy>\d\d)$")
_SPACE = re.compile(r"^(?P<name>.*?\S)[\s-]+(?P<year>(?:19|20)\d\d)$")
_FINDINGS_OF = re.compile(r"^findings of\b", re.IGNORECASE)
_FINDINGS_AFTER = re.compile(r"\bfindings$", re.IGNORECASE)


@dataclass(frozen=True)
class VenueStyle:
    """How a list writes a venue's year and findings."""

    year: str = "space"
    """``space`` (``ACL 2024``), ``apostrophe`` (``ACL'24``) or ``none`` (``ACL``)."""
    findings_after: bool = False
    """``EMNLP Findings`` rather than ``Findings of EMNLP``."""

    def write(self, venue: str, year: int | None) -> str:
        name = venue
        if self.findings_after and _FINDINGS_OF.match(name):
            name = f"{name[len('findings of '):].strip()} Findings"
        if year is None or self.year == "none":
            return name
        return f"{name}'{year % 100:02d}" if self.year == "apostrophe" else f"{name} {year}"


@dataclass(frozen=True)
class Edited:
    """What :func:`edit_rows` did."""

    text: str
    applied: tuple[RowUpdate, ...]
    """The updates applied to at least one row, each with :attr:`RowUpdate.written` filled."""


def is_preprint_venue(venue: str) -> bool:
    """Whether a venue cell names no venue yet (``arXiv``, ``preprint``, ``-``, empty)."""
    return venue.strip().strip("*_").strip().lower() in PREPRINT_VENUES


def venue_style(venues: Iterable[str]) -> VenueStyle | None:
    """The most common year and findings forms among ``venues`` (cells naming a venue); None when there is none."""
    years: Counter[str] = Counter()
    findings: Counter[bool] = Counter()
    for cell in venues:
        text = cell.strip().strip("*_").strip()
        if is_preprint_venue(text) or not any(c.isalpha() for c in text):
            continue
        years["apostrophe" if _APOSTROPHE.match(text) else "space" if _SPACE.match(text) else
              "none" if not any(c.isdigit() for c in text) else "other"] += 1
        if _FINDINGS_OF.match(text):
            findings[False] += 1
        elif _FINDINGS_AFTER.search(_SPACE.sub(r"\g<name>", _APOSTROPHE.sub(r"\g<name>", text))):
            findings[True] += 1
    years.pop("other", None)
    if not years and not findings:
        return None
    year = max(years, key=lambda form: (years[form], form == "space")) if years else "space"
    return VenueStyle(year, findings[True] > findings[False])


def edit_rows(doc: Layout, updates: Iterable[RowUpdate]) -> Edited:
    """``doc``'s text with each update written into its paper's rows, in place; see the module docstring."""
    lines = list(doc.lines)
    document_votes: StyleVotes | None = None
    styles: dict[int, RowStyle] = {}
    all_venues = [row.venue for table in doc.tables if table.columns.venue is not None for row in table.rows]
    document_venue = venue_style(all_venues) or VenueStyle()
    applied: list[RowUpdate] = []
    for update in updates:
        written = ""
        for position, table in enumerate(doc.tables):
            for row in table.rows:
                if row.arxiv_id != update.arxiv_id:
                    continue
                index = row.line - 1
                current = _row_now(row, lines[index])
                if update.field == "venue":
                    text = _venue_text(update, table, document_venue)
                    new_line = _set_venue(current, table, text)
                elif update.field == "code":
                    if position not in styles:
                        if document_votes is None:
                            document_votes = sum((count_style(t.rows, t.columns) for t in doc.tables), StyleVotes())
                        styles[position] = learn_style(count_style(table.rows, table.columns), document_votes, doc.crlf)
                    text, new_line = _set_code(current, table, styles[position], update.new)
                else:
                    raise ProposalError(f"unknown field {update.field!r} of an update to arXiv:{update.arxiv_id}")
                if new_line is not None:
                    lines[index] = new_line
                    written = written or text
                    log.debug("%s: %s in line %d", update.arxiv_id, update.field, row.line)
        if written:
            applied.append(replace(update, written=written))
        else:
            log.info("update %s: no row of the paper can take it (the cell says something already)", update)
    return Edited("\n".join(lines), tuple(applied))


def _row_now(row: Row, line: str) -> Row:
    """``row`` as ``line`` now reads (an earlier update may have edited it)."""
    return row if line == row.text else replace(row, text=line)


def _venue_text(update: RowUpdate, table: PaperTable, document: VenueStyle) -> str:
    own = venue_style(row.venue for row in table.rows)
    style = own or document
    return escape_cell(style.write(update.venue or update.new, update.year if update.venue else None))


def _split(line: str) -> tuple[str, str]:
    """A line without, and its ``\\r``."""
    return (line[:-1], "\r") if line.endswith("\r") else (line, "")


def _set_venue(row: Row, table: PaperTable, text: str) -> str | None:
    """The row's line with ``text`` in its venue cell; None when the cell names a venue already."""
    index = table.columns.venue
    body, newline = _split(row.text)
    cells = split_cells(body)
    if index is None or not text or index >= len(cells) or not is_preprint_venue(cells[index].content):
        return None
    return _put(body, cells, index, text) + newline


def _set_code(row: Row, table: PaperTable, style: RowStyle, url: str) -> tuple[str, str | None]:
    """The code cell's text and the row's line with it; None for the line when the row has code already."""
    index = table.columns.code
    if index is None or row.code:
        return "", None
    try:
        url = safe_url(url)
    except ProposalError:
        log.warning("not adding the code link %r: not an http(s) link", url)
        return "", None
    text = f"[{style.code_text.for_url(url)}]({url})"
    body, newline = _split(row.text)
    cells = split_cells(body)
    if index < len(cells):
        if cells[index].content not in EMPTY_CELLS:
            return "", None
        return text, _put(body, cells, index, text) + newline
    return text, _append(body, cells, index, text, style) + newline


def _pads(body: str, cells: list[Cell]) -> tuple[str, str]:
    """The spaces the row puts before and after a cell's text (from its first filled cell, the title's)."""
    filled = [cell for cell in cells if cell.content]
    if not filled:
        return " ", " "
    cell = filled[0]
    return body[cell.start:cell.content_start] or "", body[cell.content_end:cell.end] or ""


def _put(body: str, cells: list[Cell], index: int, text: str) -> str:
    """``body`` with cell ``index``'s text replaced by ``text``; an empty cell gets the row's spacing."""
    cell = cells[index]
    if cell.content:
        return body[:cell.content_start] + text + body[cell.content_end:]
    left, right = _pads(body, cells)
    return body[:cell.start] + left + text + right + body[cell.end:]


def _append(body: str, cells: list[Cell], index: int, text: str, style: RowStyle) -> str:
    """``body`` with empty cells up to ``index`` and ``text`` in it, added after its last cell."""
    stripped = body.rstrip()
    trailing = body[len(stripped):]
    closed = bool(cells) and cells[-1].end < len(stripped) and stripped.endswith("|")
    left, right = _pads(body, cells)
    new = [""] * (index - len(cells)) + [text]
    if closed:
        added = "".join(f"{left}{value}{right}|" if value else f"{left}{right}|" for value in new)
        return stripped + added + trailing
    sep = style.sep if "|" in style.sep else f"{right}|{left}"
    return stripped + "".join(sep + value for value in new) + trailing
