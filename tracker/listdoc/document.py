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

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.errors import ListFormatError
from tracker.listdoc.insert import apply_proposals, check_proposal, distinct_papers, log_update
from tracker.listdoc.layout import read_layout
from tracker.listdoc.lint import lint_document, structure_problems
from tracker.listdoc.model import LintProblem, Row, Section
from tracker.listdoc.row_edit import edit_rows
from tracker.listdoc.rows import PaperTable
from tracker.listdoc.scan import Block, Heading
from tracker.paper_ids import KnownPapers, normalise_arxiv_id
from tracker.records import Proposal, RowUpdate

__all__ = ["ApplyResult", "LintProblem", "ListDocument", "Row", "Section"]


class ListDocument:
    """A parsed README: its lines, headings with section paths, paper tables and rows."""

    def __init__(self, text: str, name: str = "README.md") -> None:
        self._layout = read_layout(text, name)
        self.name = name
        """Name used in messages (usually the file name)."""
        self.lines: tuple[str, ...] = self._layout.lines
        """The file split on ``\\n``: ``"\\n".join(lines)`` is the text."""
        self.headings: tuple[Heading, ...] = self._layout.headings
        """Every ATX heading outside code and HTML blocks, in file order."""
        self.blocks: tuple[Block, ...] = self._layout.blocks
        """Fenced code blocks and marker-ended HTML blocks (``<!--``, ``<pre>``), in file order; the last may be unclosed."""
        self.heading_paths: tuple[tuple[str, ...], ...] = self._layout.heading_paths
        """Section path parts of each heading in :attr:`headings` (the document title is left out)."""
        self.tables: tuple[PaperTable, ...] = self._layout.tables
        """Paper tables (tables with a Title column), in file order."""

    @classmethod
    def parse(cls, text: str, name: str = "README.md") -> ListDocument:
        """Parse any text; never raises, never drops a line."""
        return cls(text, name)

    def render(self) -> str:
        """The document's text: ``ListDocument.parse(t).render() == t`` byte for byte."""
        return "\n".join(self.lines)

    def sections(self) -> list[Section]:
        """Sections that hold a paper table, in file order."""
        return list(self._layout.sections)

    def rows(self) -> list[Row]:
        """Every paper row, in file order."""
        return self._layout.rows()

    def find_section(self, path: str) -> Section:
        """The section at ``path`` (``A > B > C``); :class:`ProposalError` naming the closest one if unknown."""
        return self._layout.find_section(path)

    def closest_section(self, path: str) -> str:
        """The existing section path most like ``path`` (whole path or last part)."""
        return self._layout.closest_section(path)

    def contains(self, paper_id_or_title: str, section: str | None = None) -> bool:
        """Whether a row has this arXiv id (any link form) or this normalised title, in ``section`` or anywhere."""
        return self.papers(section).has(normalise_arxiv_id(paper_id_or_title), paper_id_or_title)

    def papers(self, section: str | None = None) -> KnownPapers[Row]:
        """The rows in ``section`` (a path), or every row, known by arXiv id and normalised title."""
        return self._papers[self.find_section(section).path if section is not None else None]

    @functools.cached_property
    def _papers(self) -> dict[str | None, KnownPapers[Row]]:
        """The rows by section path (``None``: the whole document), known by arXiv id and normalised title."""
        paths = [None, *dict.fromkeys(section.path for section in self._layout.sections)]
        return {path: KnownPapers.of(self._layout.rows_at(path)) for path in paths}

    def validate(self, proposal: Proposal) -> None:
        """Raise :class:`ProposalError` if ``proposal`` can't be applied (unknown section, unsafe link, bad date).

        :class:`ListFormatError` (:meth:`check_structure`) if no proposal can go into this list.
        """
        self.check_structure()
        check_proposal(self._layout, proposal)

    def apply(
        self,
        proposals: Iterable[Proposal],
        *,
        log_date: datetime.date | None = None,
        log_template: str = "**{date}**: Add {count} papers.",
        updates: Iterable[RowUpdate] = (),
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
        leaves nothing changed. ``updates`` are first written into the rows of
        papers already in the list, in place (:mod:`tracker.listdoc.row_edit`);
        those applied are :attr:`ApplyResult.updated`.
        """
        updates = list(updates)
        if updates:
            self.check_structure()
            edited = edit_rows(self._layout, updates)
            if edited.applied:
                result = ListDocument(edited.text, self.name).apply(proposals, log_date=log_date,
                                                                    log_template=log_template)
                return ApplyResult(result.document, result.inserted, result.skipped, result.log_line, edited.applied)
        applied = apply_proposals(self._layout, self._checked(proposals), log_date=log_date, log_template=log_template)
        document = self if not applied.inserted else ListDocument(applied.text, self.name)
        return ApplyResult(document, applied.inserted, applied.skipped, applied.log_line)

    def log_update(self, log_date: datetime.date, count: int,
                   log_template: str = "**{date}**: Add {count} papers.") -> tuple[ListDocument, str | None]:
        """A new document with ``count`` papers logged under News, and the log line (None: no News heading)."""
        logged = log_update(self._layout, log_date, count, log_template)
        return (self if logged.log_line is None else ListDocument(logged.text, self.name)), logged.log_line

    def lint(self) -> list[LintProblem]:
        """Rows kept as they are but that look broken (too few cells, broken link, bad date, duplicates).

        The :meth:`structure_problems` come first.
        """
        return lint_document(self._layout)

    def _checked(self, proposals: Iterable[Proposal]) -> list[Proposal]:
        """``proposals`` as a list, once :meth:`check_structure` passed (when there is any)."""
        proposals = list(proposals)
        if proposals:
            self.check_structure()
        return proposals

    def structure_problems(self) -> list[LintProblem]:
        """Why no row can go into this list: paper tables hidden behind a block never closed, or no paper table.

        A problem with line 0 is about the whole file.
        """
        return list(self._structure)

    def check_structure(self) -> None:
        """:class:`ListFormatError` naming the file and line if there are :meth:`structure_problems`.

        :meth:`validate` and :meth:`apply` call it before any proposal, so
        ``list apply`` and publishing refuse such a list instead of skipping
        rows they cannot see or placing nothing.
        """
        if self._structure:
            problem = self._structure[0]
            where = f"{self.name}:{problem.line}" if problem.line else self.name
            raise ListFormatError(f"{where}: {problem.message}")

    @functools.cached_property
    def _structure(self) -> tuple[LintProblem, ...]:
        return tuple(structure_problems(self._layout))

    def __repr__(self) -> str:
        return f"<ListDocument {self.name}: {len(self._layout.sections)} sections, {len(self.rows())} rows>"


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
    updated: tuple[RowUpdate, ...] = ()
    """The updates written into rows already in the list (:attr:`RowUpdate.written` filled)."""

    @property
    def text(self) -> str:
        """The new document's text."""
        return self.document.render()

    @property
    def changed(self) -> bool:
        """Whether anything was inserted or updated."""
        return bool(self.inserted or self.updated)

    @property
    def papers(self) -> int:
        """Distinct papers inserted (a paper put into two sections counts once): the update log's count."""
        return distinct_papers(proposal for proposal, _ in self.inserted)
