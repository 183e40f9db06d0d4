"""Paper tables and their rows: which tables hold papers, what each row says, section names.

A paper table is a GFM table with a ``Title`` column; its other columns are
found by header name (Venue, Date, Code, Data), so a list that orders them
differently still reads right.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from tracker.listdoc.cells import scan_links, split_cells
from tracker.listdoc.model import Row
from tracker.listdoc.scan import Table
from tracker.paper_ids import normalise_arxiv_id

COLUMN_NAMES = {
    "title": ("title", "paper title", "paper", "paper name", "name"),
    "venue": ("venue", "publication", "conference", "journal"),
    "date": ("date", "year", "time", "published"),
    "code": ("code", "github", "repo", "repository"),
    "data": ("data", "dataset", "datasets"),
    "link": ("paper", "pdf", "link", "arxiv", "url"),
}
"""Header texts (lowercased; markup, emoji, a trailing colon and a plural ``s`` stripped) that name each column.

The first name a header matches wins, so ``| Title | Paper |`` reads the title
from Title; ``link`` is a column other than the title's that holds the paper's link.
"""

_ALL_NAMES = frozenset(name for names in COLUMN_NAMES.values() for name in names)
"""Every header text in :data:`COLUMN_NAMES`."""

LINK_LABELS = frozenset({"pdf", "paper", "arxiv", "abs", "html", "link", "url", "doi", "preprint", "openreview"})
"""Link texts that name the kind of link, not the paper: in ``**Title** [[pdf]](url)`` the title is the text beside it."""
_MARKUP = re.compile(r"\*\*|__|`")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SHORTCODE = re.compile(r"(?:^|(?<=\s)):[a-z0-9_+-]+:(?=\s|$)")
"""A GitHub emoji shortcode standing as a word (``:rocket: Methods``)."""


@dataclass(frozen=True)
class Columns:
    """Where each field of a paper row sits (0-based cell index; ``None`` if the table has no such column)."""

    title: int
    venue: int | None
    date: int | None
    code: int | None
    data: int | None
    count: int
    """Number of header cells."""
    link: int | None = None
    """A column of its own for the paper's link (``| Title | Paper |``), read when the title has none."""

    @property
    def required(self) -> int:
        """Cells a row needs for its title, venue and date."""
        return max(i for i in (self.title, self.venue, self.date) if i is not None) + 1


@dataclass(frozen=True)
class PaperTable:
    """A paper table, the section it sits under and its rows."""

    table: Table
    columns: Columns
    section: str
    """Section path (``""`` when the table is above every heading)."""
    rows: tuple[Row, ...]


def columns_of(header_cells: tuple[str, ...]) -> Columns | None:
    """The column layout of a paper table, or ``None`` when the table has no Title column."""
    names = [_header_name(cell) for cell in header_cells]
    found: dict[str, int | None] = {}
    for field, accepted in COLUMN_NAMES.items():
        taken = {i for i in found.values() if i is not None}
        found[field] = next(
            (i for name in accepted for i, header in enumerate(names) if header == name and i not in taken), None
        )
    if found["title"] is None:
        return None
    return Columns(found["title"], found["venue"], found["date"], found["code"], found["data"], len(names), found["link"])


def _header_name(cell: str) -> str:
    """A header cell as :data:`COLUMN_NAMES` spells it: ``📄 **Papers:**`` is ``paper``."""
    name = heading_title(cell).lower().strip(" :_*")
    if name not in _ALL_NAMES and name.endswith("s") and name[:-1] in _ALL_NAMES:
        return name[:-1]
    return name


def parse_row(line: str, index: int, columns: Columns, section: str) -> Row | None:
    """The row on ``line`` (0-based ``index``), or ``None`` when it has no title at all."""
    text = line[:-1] if line.endswith("\r") else line
    cells = [cell.content for cell in split_cells(text)]

    def cell(i: int | None) -> str:
        return cells[i] if i is not None and i < len(cells) else ""

    title, url = _title_and_link(cell(columns.title))
    if not url and columns.link is not None:
        url = next((link.url for link in scan_links(cell(columns.link)).links), "")
    if not title:
        return None
    return Row(
        title=title,
        url=url,
        arxiv_id=normalise_arxiv_id(url) if url else None,
        venue=cell(columns.venue),
        date=cell(columns.date),
        code=tuple(link.url for link in scan_links(cell(columns.code)).links),
        data=tuple(link.url for link in scan_links(cell(columns.data)).links),
        line=index + 1,
        text=line,
        section=section,
    )


def _title_and_link(cell: str) -> tuple[str, str]:
    """A title cell's title and link: ``[Title](url)``, or ``**Title** [[pdf]](url)`` where the link is a label."""
    links = scan_links(cell).links
    if not links:
        return _strip_bold(cell), ""
    first = links[0]
    if first.text.strip("[] *").lower() not in LINK_LABELS:
        return _strip_bold(first.text), first.url
    pieces, last = [], 0
    for link in links:
        pieces.append(cell[last : link.start])
        last = link.end
    pieces.append(cell[last:])
    outside = _TAG.sub(" ", _IMAGE.sub(" ", "".join(pieces)))
    outside = _strip_bold(" ".join(outside.split()).strip(" -–—:|,;"))
    return (outside or _strip_bold(first.text)), first.url


def heading_title(text: str) -> str:
    """A heading's name in a section path: images, links, tags, markup, emoji and shortcodes removed, entities decoded."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _MARKUP.sub("", text)
    text = html.unescape(_SHORTCODE.sub(" ", text))
    start = 0
    while start < len(text) and unicodedata.category(text[start])[0] in "SMCZ":
        start += 1
    end = len(text)
    while end > start and unicodedata.category(text[end - 1]) in ("So", "Mn", "Me", "Cf", "Zs", "Cc"):
        end -= 1
    return " ".join(text[start:end].split())


def _strip_bold(text: str) -> str:
    text = text.strip()
    for marker in ("**", "__"):
        if len(text) >= 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
            text = text[len(marker) : -len(marker)].strip()
    return text
