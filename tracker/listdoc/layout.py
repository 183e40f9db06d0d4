"""The layout of a list README: headings with their section paths, paper tables and rows, sections; finding a section.

:func:`read_layout` is the parse behind ``ListDocument``. The helpers that
insert rows, lint and write the update log take a :class:`Layout`, never the
document, so nothing here calls back into :mod:`tracker.listdoc.document`.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tracker.errors import ProposalError
from tracker.listdoc.items import Item, definitions, read_items
from tracker.listdoc.model import Row, Section
from tracker.listdoc.rows import Columns, PaperTable, columns_of, heading_title, parse_row
from tracker.listdoc.scan import Block, Heading, Table, scan

_YEAR_HEADING = re.compile(r"^(?:19|20)\d\d(?:\s*(?:[-–/]|and|&)\s*(?:(?:19|20)\d\d|before|earlier|older|later))?\s*$",
                           re.IGNORECASE)
"""A heading that only names a year or a span of years."""


@dataclass(frozen=True)
class Layout:
    """What a parse finds in a README; see the ``ListDocument`` attributes of the same names."""

    name: str
    lines: tuple[str, ...]
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]
    heading_paths: tuple[tuple[str, ...], ...]
    tables: tuple[PaperTable, ...]
    sections: tuple[Section, ...]
    """Sections that hold a paper table or paper items, in file order."""
    items: tuple[Item, ...] = ()
    """Paper items (list items holding a paper link), in file order; their rows carry their section."""
    text_lines: frozenset[int] = frozenset()
    """Lines read as text, indented text or blank (``Scan.text_lines``)."""

    @property
    def crlf(self) -> bool:
        """Most lines end with ``\\r``: the file is written with CRLF line ends (new lines get them too)."""
        return sum(line.endswith("\r") for line in self.lines) > len(self.lines) // 2

    def rows(self) -> list[Row]:
        """Every paper row and paper item, in file order."""
        return sorted([row for table in self.tables for row in table.rows] + [item.row for item in self.items],
                      key=lambda row: row.line)

    def rows_at(self, path: str | None) -> list[Row]:
        """The rows of the sections at ``path`` (a repeated "Misc" has the rows of both), or every row for ``None``."""
        if path is None:
            return self.rows()
        return [row for section in self.sections if section.path == path for row in section.rows]

    def find_section(self, path: str) -> Section:
        """The section at ``path`` (``A > B > C``); :class:`ProposalError` naming the closest one if unknown."""
        wanted = " ".join(str(path).split())
        found = next((s for s in self.sections if s.path == wanted), None)
        if found is None:  # written with other spacing, markup, entities or shortcodes ("A>B &amp; C")
            key = _path_key(wanted)
            found = next((s for s in self.sections if _path_key(s.path) == key), None)
        if found is not None:
            return found
        if not self.sections:
            raise ProposalError(f"unknown section {path!r}: {self.name} has no paper tables (no table with a Title column)")
        raise ProposalError(f"unknown section {path!r}; did you mean {self.closest_section(wanted)!r}?")

    def closest_section(self, path: str) -> str:
        """The existing section path most like ``path`` (whole path or last part)."""
        wanted = path.lower()
        leaf = wanted.rsplit(" > ", 1)[-1].strip()

        def similarity(section: Section) -> float:
            full = difflib.SequenceMatcher(None, wanted, section.path.lower()).ratio()
            last = difflib.SequenceMatcher(None, leaf, section.parts[-1].lower()).ratio()
            return max(full, last)

        return max(self.sections, key=similarity).path


def read_layout(text: str, name: str) -> Layout:
    """The layout of ``text``; never raises, never drops a line."""
    lines = tuple(text.split("\n"))
    found = scan(list(lines))
    layouts = [(t, columns) for t in found.tables if (columns := columns_of(t.header_cells)) is not None]
    found_items = read_items(lines, found.text_lines, definitions(lines, found.text_lines),
                             [heading.index for heading in found.headings])
    paths = _heading_paths(found.headings, [t.header for t, _ in layouts] + [item.start for item in found_items])
    tables = _paper_tables(lines, found.headings, paths, layouts)
    items = tuple(_placed(item, found.headings, paths) for item in found_items)
    sections = _sections(found.headings, paths, tables, items)
    return Layout(name, lines, found.headings, found.blocks, paths, tables, sections, items, found.text_lines)


def _placed(item: Item, headings: tuple[Heading, ...], paths: tuple[tuple[str, ...], ...]) -> Item:
    """``item`` with its row's section path."""
    owner = _owning_heading(headings, item.start)
    section = " > ".join(paths[owner]) if owner is not None else ""
    return replace(item, row=replace(item.row, section=section))


def _paper_tables(
    lines: tuple[str, ...],
    headings: tuple[Heading, ...],
    paths: tuple[tuple[str, ...], ...],
    layouts: list[tuple[Table, Columns]],
) -> tuple[PaperTable, ...]:
    tables = []
    for table, columns in layouts:
        owner = _owning_heading(headings, table.header)
        section = " > ".join(paths[owner]) if owner is not None else ""
        rows = []
        for index in range(table.body_start, table.body_end):
            row = parse_row(lines[index], index, columns, section)
            if row is not None:
                rows.append(row)
        tables.append(PaperTable(table, columns, section, tuple(rows)))
    return tuple(tables)


def _sections(
    headings: tuple[Heading, ...],
    paths: tuple[tuple[str, ...], ...],
    tables: tuple[PaperTable, ...],
    items: tuple[Item, ...],
) -> tuple[Section, ...]:
    rows_under: dict[int, list[Row]] = {}
    for table in tables:
        owner = _owning_heading(headings, table.table.header)
        if owner is not None and paths[owner]:
            rows_under.setdefault(owner, []).extend(table.rows)
    for item in items:
        owner = _owning_heading(headings, item.start)
        if owner is not None and paths[owner]:
            rows_under.setdefault(owner, []).append(item.row)
    sections = []
    for position, rows in sorted(rows_under.items()):
        heading, parts = headings[position], paths[position]
        rows.sort(key=lambda row: row.line)
        sections.append(Section(" > ".join(parts), parts, heading.level, heading.index + 1, tuple(rows)))
    return tuple(sections)


def _heading_paths(headings: tuple[Heading, ...], paper_tables: Iterable[int]) -> tuple[tuple[str, ...], ...]:
    """Section path parts for each heading; the document title (see :func:`_title_heading`) is not a part.

    A heading that is only a year (``### 2024``, ``### 2022 and earlier``) groups the papers of the
    heading above it even at the same level: ``### Topic`` then ``### 2025`` is ``Topic > 2025``.
    """
    title = _title_heading(headings, paper_tables)
    paths = []
    stack: list[tuple[int, str, bool]] = []
    for position, heading in enumerate(headings):
        if position == title:
            paths.append(())
            continue
        name = heading_title(heading.text)
        year = bool(_YEAR_HEADING.match(name))
        while stack and (stack[-1][0] > heading.level or (stack[-1][0] == heading.level and (stack[-1][2] or not year))):
            stack.pop()
        stack.append((heading.level, name, year))
        paths.append(tuple(name for _, name, _ in stack))
    return tuple(paths)


def _owning_heading(headings: tuple[Heading, ...], line_index: int) -> int | None:
    """Position in ``headings`` of the last heading above ``line_index``."""
    position = bisect.bisect_left([heading.index for heading in headings], line_index) - 1
    return position if position >= 0 else None


def _title_heading(headings: tuple[Heading, ...], paper_tables: Iterable[int]) -> int | None:
    """Position of the document title: a first heading of level 1 whose papers all sit under subheadings of its own.

    Papers under a later level-1 heading ("# KD Algorithms", "# Skill Distillation")
    make the level-1 headings sections; a later one without papers ("# Star History",
    "# License") does not, so adding one renames nothing. A paper table right
    under the first heading makes it a section too.
    """
    if not headings or headings[0].level != 1:
        return None
    for line in paper_tables:
        owner = _owning_heading(headings, line)
        if owner == 0:
            return None
        if owner is not None and any(heading.level == 1 for heading in headings[1 : owner + 1]):
            return None
    return 0


def _path_key(path: str) -> str:
    """``path`` with each ``>``-separated part as a heading name (:func:`heading_title`), spacing dropped.

    It matches a path typed by hand, or one an older kd-tracker wrote (``Medical &amp; Healthcare``).
    """
    return ">".join(heading_title(part) for part in path.split(">"))
