"""The list's own row style, learnt from a table's rows, and new rows written in it.

The maintainers write ``| [**Title**](url) | Venue | 2024-03 | [Github](url) | [Data](url) |``;
other lists differ in spacing, bold titles, link texts and trailing pipes.
Each feature is the most common one among the table's rows (counted twice)
and the whole document's rows (counted once), then a default. The values of a
:class:`NewRow` are already escaped (:mod:`tracker.markdown_safe`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from itertools import pairwise

from tracker.listdoc_cells import scan_links, split_cells
from tracker.listdoc_model import Row
from tracker.listdoc_rows import Columns


@dataclass(frozen=True)
class RowStyle:
    """How a table writes its rows."""

    lead: str = "| "
    """From the line start to the first cell's text."""
    sep: str = " | "
    """Between two cells' texts."""
    end: str = " |"
    """After the last non-empty cell's text."""
    bold: bool = True
    """``[**Title**](url)`` rather than ``[Title](url)``."""
    code_text: str = "Github"
    """Link text in the Code cell."""
    data_text: str = "Data"
    """Link text in the Data cell."""
    joiner: str = " <br> "
    """Between two links in one cell."""
    newline: str = ""
    """``"\\r"`` in a CRLF file (lines are split on ``\\n``)."""


@dataclass(frozen=True)
class NewRow:
    """The checked, escaped cell values of a row to write."""

    title: str
    """Escaped title."""
    url: str
    """Safe URL."""
    venue: str
    """Escaped venue."""
    date: str
    """``YYYY-MM``."""
    code: tuple[str, ...]
    """Safe URLs."""
    data: tuple[str, ...]
    """Safe URLs."""


@dataclass
class StyleVotes:
    """How often each row-style feature occurs in some rows."""

    leads: Counter[str] = field(default_factory=Counter)
    seps: Counter[str] = field(default_factory=Counter)
    text_ends: Counter[str] = field(default_factory=Counter)
    """Row ends after a plain-text last cell (Venue, Date)."""
    link_ends: Counter[str] = field(default_factory=Counter)
    """Row ends after a link."""
    bold: Counter[bool] = field(default_factory=Counter)
    code_texts: Counter[str] = field(default_factory=Counter)
    data_texts: Counter[str] = field(default_factory=Counter)
    joiners: Counter[str] = field(default_factory=Counter)

    def __add__(self, other: StyleVotes) -> StyleVotes:
        return StyleVotes(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def count_style(rows: Iterable[Row], columns: Columns) -> StyleVotes:
    """The style features of one table's ``rows``."""
    votes = StyleVotes()
    for row in rows:
        line = row.text[:-1] if row.text.endswith("\r") else row.text
        cells = split_cells(line)
        filled = [cell for cell in cells if cell.content]
        if not filled:
            continue
        votes.leads[line[: filled[0].content_start]] += 1
        for left, right in pairwise(filled):
            votes.seps[line[left.content_end : right.content_start]] += 1
        last = filled[-1]
        ends = votes.link_ends if last.content.endswith(")") else votes.text_ends
        ends[_row_end_of(line[last.content_end :])] += 1
        title_links = scan_links(filled[0].content).links
        if title_links:
            votes.bold[title_links[0].text.startswith("**")] += 1
        for index, texts in ((columns.code, votes.code_texts), (columns.data, votes.data_texts)):
            if index is not None and index < len(cells):
                _count_links(cells[index].content, texts, votes.joiners)
    return votes


def _row_end_of(rest: str) -> str:
    """The row end after the last filled cell, without the empty cells between (`` | | |`` → `` |``).

    format_row leaves trailing empty cells out, so they must not be learnt as
    part of the end: a row with code and data would get extra columns.
    """
    if rest.count("|") < 2:
        return rest
    return rest[: rest.index("|") + 1] + rest[rest.rindex("|") + 1 :]


def learn_style(table: StyleVotes, document: StyleVotes, crlf: bool) -> RowStyle:
    """The style of a table, with every row of the document as a second voice.

    ``document`` includes the table's own rows, so they count twice and the
    document's once: a large table's own habit wins, a small table's stray
    trailing space does not.
    """
    votes = table + document
    default = RowStyle(newline="\r" if crlf else "")
    return RowStyle(
        lead=_most_common(votes.leads, default.lead),
        sep=_most_common(votes.seps, default.sep, need="|"),
        end=_row_end(votes.text_ends or votes.link_ends, default.end),
        bold=_most_common(votes.bold, default.bold),
        code_text=_most_common(votes.code_texts, default.code_text),
        data_text=_most_common(votes.data_texts, default.data_text),
        joiner=_most_common(votes.joiners, default.joiner),
        newline=default.newline,
    )


def format_row(style: RowStyle, columns: Columns, row: NewRow) -> str:
    """One table line for ``row`` in ``style``; trailing empty cells are left out, as the list does."""
    title = f"[**{row.title}**]({row.url})" if style.bold else f"[{row.title}]({row.url})"
    cells = [""] * columns.count
    cells[columns.title] = title
    for index, value in (
        (columns.venue, row.venue),
        (columns.date, row.date),
        (columns.code, _links(style.code_text, row.code, style.joiner)),
        (columns.data, _links(style.data_text, row.data, style.joiner)),
    ):
        if index is not None:
            cells[index] = value
    while len(cells) > columns.title + 1 and not cells[-1]:
        cells.pop()
    # a cell ending in a backslash would escape the next pipe: keep a space between them
    cells = [cell + " " if cell.endswith("\\") else cell for cell in cells]
    return style.lead + style.sep.join(cells) + style.end + style.newline


def _links(text: str, urls: Iterable[str], joiner: str) -> str:
    return joiner.join(f"[{text}]({url})" for url in urls)


def _count_links(content: str, texts: Counter[str], joiners: Counter[str]) -> None:
    links = scan_links(content).links
    for link in links:
        texts[link.text] += 1
    for left, right in pairwise(links):
        joiners[content[left.end : right.start]] += 1


def _row_end(ends: Counter[str], default: str) -> str:
    """The usual row end: closing pipe or not by majority, then the commonest spacing of that kind."""
    closed = Counter({end: n for end, n in ends.items() if "|" in end})
    open_ = Counter({end: n for end, n in ends.items() if "|" not in end})
    chosen = closed if closed.total() >= open_.total() else open_
    return _most_common(chosen, default)


def _most_common(counter: Counter, default, need: str | None = None):
    for value, _ in counter.most_common():
        if need is None or need in value:
            return value
    return default
