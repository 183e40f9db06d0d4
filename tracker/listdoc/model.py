"""Records of the list document: a table row, a section, a lint problem.

:mod:`tracker.listdoc.document` is the public entry point and re-exports these.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One paper of the list's README: a table row, or a list item that holds a paper link."""

    title: str
    """Link text of the title cell, bold markup (``**``) stripped; other markdown (``\\%``) kept as written."""
    url: str
    """The title link's URL (``""`` when the title has no link)."""
    arxiv_id: str | None
    """Versionless arXiv id from an arxiv.org title link (abs/pdf/vN/.pdf); ``None`` for other links."""
    venue: str
    """The Venue cell as written (``arXiv``, ``EMNLP Findings``, ``-``)."""
    date: str
    """The Date cell as written, e.g. ``2024-03``."""
    code: tuple[str, ...]
    """URLs of the links in the Code cell."""
    data: tuple[str, ...]
    """URLs of the links in the Data cell."""
    line: int
    """1-based line number in the file."""
    text: str
    """The original line, verbatim (``\\r`` of a CRLF file included)."""
    section: str
    """Path of the section the row is under, ``KD Algorithms > Knowledge Elicitation > Labeling``."""
    kind: str = "row"
    """``row`` for a table row, ``item`` for a list item (``1. **[Title](url)**``)."""

    def __str__(self) -> str:
        return f"{self.line}: {self.title[:70]}"


@dataclass(frozen=True)
class Section:
    """A heading with at least one paper table or paper item directly under it."""

    path: str
    """``A > B > C``: heading texts (leading emoji and markup stripped) from the top, joined by `` > ``."""
    parts: tuple[str, ...]
    """The heading texts of :attr:`path`."""
    level: int
    """Markdown heading level (``####`` is 4)."""
    line: int
    """1-based line number of the heading."""
    rows: tuple[Row, ...]
    """Rows of the paper table(s) and paper items directly under this heading, in file order."""

    def __str__(self) -> str:
        return f"{self.path} ({len(self.rows)} rows)"


@dataclass(frozen=True)
class LintProblem:
    """Something in the README that is kept as it is but looks wrong."""

    line: int
    """1-based line number."""
    message: str
    """One line saying what is wrong."""
    file: str = ""
    """The file it is in, for a list split into files (``""``: the one file linted)."""

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"
