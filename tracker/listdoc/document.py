"""The awesome list's README as a document: sections, paper tables and rows, everything else kept as is.

``ListDocument.parse(text)`` never raises and never drops a line, and
``render()`` gives the text back byte for byte. ``apply(proposals)`` returns a
new document with the proposals inserted as rows in the list's own style,
newest first, touching no other line; ``lint()`` reports rows that look
broken. This module is pure: no I/O. Example::

    doc = ListDocument.parse(text, "README.md")
    doc.find_section("KD Algorithms > Knowledge Elicitation > Labeling").rows[0].title
    result = doc.apply(proposals, log_date=datetime.date(2024, 3, 19))
    result.text, result.inserted, result.skipped
"""

from __future__ import annotations

import bisect
import datetime
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.errors import ListFormatError, ProposalError
from tracker.listdoc.insert import apply_proposals, check_proposal, paper_key
from tracker.listdoc.lint import lint_document, structure_problems
from tracker.listdoc.model import LintProblem, Row, Section
from tracker.listdoc.rows import Columns, PaperTable, columns_of, heading_title, parse_row
from tracker.listdoc.scan import Block, Heading, Table, scan
from tracker.paper_ids import normalise_arxiv_id, normalise_title
from tracker.records import Proposal

__all__ = ["ApplyResult", "LintProblem", "ListDocument", "Row", "Section"]


class ListDocument:
    """A parsed README: its lines, headings with section paths, paper tables and rows."""

    def __init__(self, text: str, name: str = "README.md") -> None:
        self.name = name
        """Name used in messages (usually the file name)."""
        self.lines: tuple[str, ...] = tuple(text.split("\n"))
        """The file split on ``\\n``: ``"\\n".join(lines)`` is the text."""
        found = scan(list(self.lines))
        self.headings: tuple[Heading, ...] = found.headings
        """Every ATX heading outside code and HTML blocks, in file order."""
        self.blocks: tuple[Block, ...] = found.blocks
        """Fenced code blocks and marker-ended HTML blocks (``<!--``, ``<pre>``), in file order; the last may be unclosed."""
        layouts = [(t, columns) for t in found.tables if (columns := columns_of(t.header_cells)) is not None]
        self.heading_paths: tuple[tuple[str, ...], ...] = _heading_paths(found.headings, [t.header for t, _ in layouts])
        """Section path parts of each heading in :attr:`headings` (the document title is left out)."""
        self.tables: tuple[PaperTable, ...] = self._paper_tables(layouts)
        """Paper tables (tables with a Title column), in file order."""
        self._sections = self._build_sections()

    @classmethod
    def parse(cls, text: str, name: str = "README.md") -> ListDocument:
        """Parse any text; never raises, never drops a line."""
        return cls(text, name)

    def render(self) -> str:
        """The document's text: ``ListDocument.parse(t).render() == t`` byte for byte."""
        return "\n".join(self.lines)

    def sections(self) -> list[Section]:
        """Sections that hold a paper table, in file order."""
        return list(self._sections)

    def rows(self) -> list[Row]:
        """Every paper row, in file order."""
        return [row for table in self.tables for row in table.rows]

    def find_section(self, path: str) -> Section:
        """The section at ``path`` (``A > B > C``); :class:`ProposalError` naming the closest one if unknown."""
        wanted = " ".join(str(path).split())
        found = next((s for s in self._sections if s.path == wanted), None)
        if found is None:  # written with other spacing, markup, entities or shortcodes ("A>B &amp; C")
            key = _path_key(wanted)
            found = next((s for s in self._sections if _path_key(s.path) == key), None)
        if found is not None:
            return found
        if not self._sections:
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

        return max(self._sections, key=similarity).path

    def contains(self, paper_id_or_title: str, section: str | None = None) -> bool:
        """Whether a row has this arXiv id (any link form) or this normalised title, in ``section`` or anywhere."""
        ids, titles = self.paper_keys(section)
        arxiv_id = normalise_arxiv_id(paper_id_or_title)
        if arxiv_id is not None and arxiv_id in ids:
            return True
        title = normalise_title(paper_id_or_title)
        return bool(title) and title in titles

    def paper_keys(self, section: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """The arXiv ids and normalised titles of the rows in ``section`` (a path), or of every row."""
        return self._keys[self.find_section(section).path if section is not None else None]

    @functools.cached_property
    def _keys(self) -> dict[str | None, tuple[frozenset[str], frozenset[str]]]:
        """arXiv ids and normalised titles by section path (``None``: the whole document)."""
        groups: dict[str | None, list[Row]] = {None: self.rows()}
        for section in self._sections:  # two headings with one path (a repeated "Misc") share their rows' keys
            groups.setdefault(section.path, []).extend(section.rows)
        return {
            path: (frozenset(r.arxiv_id for r in rows if r.arxiv_id), frozenset(normalise_title(r.title) for r in rows))
            for path, rows in groups.items()
        }

    def validate(self, proposal: Proposal) -> None:
        """Raise :class:`ProposalError` if ``proposal`` can't be applied (unknown section, unsafe link, bad date).

        :class:`ListFormatError` (:meth:`check_structure`) if no proposal can go into this list.
        """
        check_proposal(self, proposal)

    def apply(
        self,
        proposals: Iterable[Proposal],
        *,
        log_date: datetime.date | None = None,
        log_template: str = "**{date}**: Add {count} papers.",
    ) -> ApplyResult:
        """A new document with each proposal inserted into each of its sections.

        Rows follow the table's own style and date form and go above the
        first row with an older date (on top of rows with the same date); in
        a table sorted oldest-first, after the last row that is not newer. A proposal already in
        a section (same arXiv id in any link form, or same normalised title)
        is skipped there, so applying twice equals applying once. With
        ``log_date``, an update-log line goes under the News heading when
        something was inserted. Every proposal is checked first:
        :class:`ProposalError` (unknown section, non-http(s) link), or
        :class:`ListFormatError` for a list with :meth:`structure_problems`,
        leaves nothing changed.
        """
        applied = apply_proposals(self, list(proposals), log_date=log_date, log_template=log_template)
        document = self if not applied.inserted else ListDocument(applied.text, self.name)
        return ApplyResult(document, applied.inserted, applied.skipped, applied.log_line)

    def lint(self) -> list[LintProblem]:
        """Rows kept as they are but that look broken (too few cells, broken link, bad date, duplicates).

        The :meth:`structure_problems` come first.
        """
        return lint_document(self)

    def structure_problems(self) -> list[LintProblem]:
        """Why no row can go into this list: paper tables hidden behind a block never closed, or no paper table.

        A problem with line 0 is about the whole file.
        """
        return list(self._structure)

    def check_structure(self) -> None:
        """:class:`ListFormatError` naming the file and line if there are :meth:`structure_problems`.

        :meth:`validate` and :meth:`apply` call it for every proposal, so
        ``list apply`` and publishing refuse such a list instead of skipping
        rows they cannot see or placing nothing.
        """
        if self._structure:
            problem = self._structure[0]
            where = f"{self.name}:{problem.line}" if problem.line else self.name
            raise ListFormatError(f"{where}: {problem.message}")

    @functools.cached_property
    def _structure(self) -> tuple[LintProblem, ...]:
        return tuple(structure_problems(self))

    def __repr__(self) -> str:
        return f"<ListDocument {self.name}: {len(self._sections)} sections, {len(self.rows())} rows>"

    def _paper_tables(self, layouts: list[tuple[Table, Columns]]) -> tuple[PaperTable, ...]:
        tables = []
        for table, columns in layouts:
            owner = _owning_heading(self.headings, table.header)
            section = " > ".join(self.heading_paths[owner]) if owner is not None else ""
            rows = []
            for index in range(table.body_start, table.body_end):
                row = parse_row(self.lines[index], index, columns, section)
                if row is not None:
                    rows.append(row)
            tables.append(PaperTable(table, columns, section, tuple(rows)))
        return tuple(tables)

    def _build_sections(self) -> tuple[Section, ...]:
        rows_under: dict[int, list[Row]] = {}
        for table in self.tables:
            owner = _owning_heading(self.headings, table.table.header)
            if owner is not None and self.heading_paths[owner]:
                rows_under.setdefault(owner, []).extend(table.rows)
        sections = []
        for position, rows in sorted(rows_under.items()):
            heading, parts = self.headings[position], self.heading_paths[position]
            sections.append(Section(" > ".join(parts), parts, heading.level, heading.index + 1, tuple(rows)))
        return tuple(sections)


@dataclass(frozen=True)
class ApplyResult:
    """What :meth:`ListDocument.apply` did."""

    document: ListDocument
    """The new document."""
    inserted: tuple[tuple[Proposal, str], ...]
    """``(proposal, section path)`` for every row inserted."""
    skipped: tuple[tuple[Proposal, str], ...]
    """``(proposal, section path)`` for every row already there."""
    log_line: str | None = None
    """The update-log line added or updated, if any."""

    @property
    def text(self) -> str:
        """The new document's text."""
        return self.document.render()

    @property
    def changed(self) -> bool:
        """Whether anything was inserted."""
        return bool(self.inserted)

    @property
    def papers(self) -> int:
        """Distinct papers inserted (a paper put into two sections counts once): the update log's count."""
        return len({paper_key(proposal) for proposal, _ in self.inserted})


def _heading_paths(headings: tuple[Heading, ...], paper_tables: Iterable[int]) -> tuple[tuple[str, ...], ...]:
    """Section path parts for each heading; the document title (see :func:`_title_heading`) is not a part."""
    title = _title_heading(headings, paper_tables)
    paths = []
    stack: list[tuple[int, str]] = []
    for position, heading in enumerate(headings):
        if position == title:
            paths.append(())
            continue
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, heading_title(heading.text)))
        paths.append(tuple(name for _, name in stack))
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
