"""The list's own row style, learnt from a table's rows, and new rows written in it.

The maintainers write ``| [**Title**](url) | Venue | 2024-03 | [Github](url) | [Data](url) |``;
other lists differ in indentation, outer pipes, spacing, bold titles, link texts
and the form of their arXiv links (:mod:`tracker.listdoc.linkform`).
Each feature is the most common one among the table's own rows (the document's
rows break a tie); the whole document's rows only decide for a table without
rows, then a default. Whitespace after a row's last pipe is invisible and never
learnt: a closed row ends with the separators' spacing and a pipe. The values
of a :class:`NewRow` are already escaped (:mod:`tracker.markdown_safe`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from itertools import pairwise
from typing import Literal, TypeVar

from tracker.listdoc.cells import Link, scan_links, split_cells
from tracker.listdoc.linkform import LinkForm, link_form
from tracker.listdoc.linktext import REPO, LinkText, github_repo, learn_link_text, text_key
from tracker.listdoc.model import Row
from tracker.listdoc.rows import Columns

TitleBold = Literal["inside", "outside", ""]
"""``[**Title**](url)``, ``**[Title](url)**`` or ``[Title](url)``; in a table whose link has a column of its own, ``**Title**`` or ``Title``."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class RowStyle:
    """How a table writes its rows."""

    lead: str = "| "
    """From the line start to the first cell's text."""
    sep: str = " | "
    """Between two cells' texts."""
    end: str = " |"
    """After the last non-empty cell's text."""
    bold: TitleBold = "inside"
    """Where the title's bold markers go, if anywhere."""
    code_text: LinkText = LinkText("Github")
    """Link text in the Code cell."""
    data_text: LinkText = LinkText("Data")
    """Link text in the Data cell."""
    joiner: str = " <br> "
    """Between two links in one cell."""
    link_text: LinkText | None = None
    """Link text in the table's own link column (``| Title | Paper |``); ``None``: the title holds the link."""
    newline: str = ""
    """``"\\r"`` in a CRLF file (lines are split on ``\\n``)."""
    link_form: LinkForm | None = None
    """How the paper's arxiv.org link is written; ``None``: as given (no row of the list links arxiv.org)."""
    badge: tuple[str, str] | None = None
    """Text before and after the title link of a row with a GitHub repo (a stars badge of :data:`REPO` and
    ``<br>``: ``![Star](https://img.shields.io/github/stars/REPO.svg) <br> [**Title**](url) <br>``); ``None``: none."""
    empty: str = ""
    """What the table writes in a cell it has nothing for (``-``), other than Title, Venue and Date."""


_PLACEHOLDERS = frozenset({"-", "–", "—", "/", "n/a", "N/A", "NA", "x", "✗", "❌", "None", "none", "TBD"})
"""Cell texts that stand for "nothing here"."""


@dataclass(frozen=True)
class NewRow:
    """The checked, escaped cell values of a row to write."""

    title: str
    """Escaped title."""
    url: str
    """Safe URL; :func:`format_row` writes an arxiv.org link in the table's :attr:`RowStyle.link_form`."""
    venue: str
    """Escaped venue."""
    date: str
    """In the table's own date form (:func:`tracker.listdoc.dates.format_date`)."""
    code: tuple[str, ...]
    """Safe URLs."""
    data: tuple[str, ...]
    """Safe URLs."""


@dataclass
class StyleVotes:
    """How often each row-style feature occurs in some rows."""

    leads: Counter[str] = field(default_factory=Counter)
    seps: Counter[str] = field(default_factory=Counter)
    """Separators with exactly one pipe (the gap across an empty cell is not a separator)."""
    closed: Counter[bool] = field(default_factory=Counter)
    """Whether a row ends with a pipe."""
    bold: Counter[TitleBold] = field(default_factory=Counter)
    code_texts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(text key, url)`` of Code links (:func:`tracker.listdoc.linktext.text_key`)."""
    data_texts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(text key, url)`` of Data links."""
    joiners: Counter[str] = field(default_factory=Counter)
    link_column: Counter[bool] = field(default_factory=Counter)
    """Whether a row of a table with a link column keeps its link there (and not in the title)."""
    link_texts: Counter[tuple[str, str]] = field(default_factory=Counter)
    """``(text key, url)`` of the links in that column."""
    link_forms: Counter[LinkForm] = field(default_factory=Counter)
    """Forms of the rows' arxiv.org paper links (:func:`tracker.listdoc.linkform.link_form`)."""
    badges: Counter[tuple[str, str] | None] = field(default_factory=Counter)
    """Among rows with a GitHub code link: the text around the title link with the repo as :data:`REPO`, or ``None``."""
    empties: Counter[str] = field(default_factory=Counter)
    """Empty or placeholder cells (``-``) outside Title, Venue and Date."""

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
            sep = line[left.content_end : right.content_start]
            if sep.count("|") == 1:
                votes.seps[sep] += 1
        votes.closed["|" in line[filled[-1].content_end :]] += 1
        form = link_form(row.url)
        if form is not None:
            votes.link_forms[form] += 1
        title = cells[columns.title].content if columns.title < len(cells) else ""
        title_links = scan_links(title).links
        link_cell = cells[columns.link].content if columns.link is not None and columns.link < len(cells) else ""
        link_links = scan_links(link_cell).links if not title_links else ()
        if link_links:  # | **Title** | [pdf](url) |
            votes.link_column[True] += 1
            votes.bold["inside" if "**" in title else ""] += 1
            _count_links(link_cell, link_links, votes.link_texts, Counter())
        elif title_links:
            if columns.link is not None:
                votes.link_column[False] += 1
            bold = _title_bold(title, title_links[0])
            if bold is not None:
                votes.bold[bold] += 1
            _count_badge(title, title_links[0], cells, columns, votes)
        for index, cell in enumerate(cells):
            if index not in (columns.title, columns.venue, columns.date, columns.link):
                if not cell.content or cell.content in _PLACEHOLDERS:
                    votes.empties[cell.content] += 1
        for index, texts in ((columns.code, votes.code_texts), (columns.data, votes.data_texts)):
            if index is not None and index < len(cells):
                content = cells[index].content
                _count_links(content, scan_links(content).links, texts, votes.joiners)
    return votes


def _count_badge(title: str, first: Link, cells: list, columns: Columns, votes: StyleVotes) -> None:
    """Whether a row with a GitHub code link writes a stars badge of its repo around its title link."""
    code = scan_links(cells[columns.code].content).links if columns.code is not None and columns.code < len(cells) else ()
    repo = next((found for link in code if (found := github_repo(link.url))), None)
    if repo is None:
        return
    if first.start == 0 or title.startswith("**["):
        votes.badges[None] += 1
        return
    if first.text.startswith("**"):
        votes.bold["inside"] += 1
    before, after = title[: first.start], title[first.end :]
    at = before.lower().find(repo.lower())
    votes.badges[(before[:at] + REPO + before[at + len(repo) :], after) if at >= 0 else None] += 1


def _title_bold(content: str, first: Link) -> TitleBold | None:
    """How a Title cell bolds its ``first`` link; ``None`` when the cell doesn't start with it."""
    if first.start == 0:
        return "inside" if first.text.startswith("**") else ""
    if first.start == 2 and content.startswith("**") and content[first.end : first.end + 2] == "**":
        return "outside"
    return None


def learn_style(table: StyleVotes, document: StyleVotes, crlf: bool) -> RowStyle:
    """The style of a table: its own rows decide, ``document`` (every row of the list) breaks ties and fills gaps.

    A compact ``|a|b|`` table or an indented one without outer pipes keeps its
    own form however the rest of the list is written; only a table without
    rows (or without, say, any Code link) takes the document's habit.
    """
    default = RowStyle(newline="\r" if crlf else "")
    sep = _pick(table.seps, document.seps, default.sep)
    if table.seps and table.seps[sep] * 2 < sum(table.seps.values()):
        sep = default.sep  # cells padded to align columns: no one separator to copy
    closed = _pick(table.closed, document.closed, True)
    own_link_column = table.link_column[True] > table.link_column[False]
    return RowStyle(
        lead=_pick(table.leads, document.leads, default.lead),
        sep=sep,
        end=sep[: sep.index("|") + 1] if closed else "",
        bold=_pick(table.bold, document.bold, default.bold),
        code_text=learn_link_text(table.code_texts, document.code_texts, default.code_text.label),
        data_text=learn_link_text(table.data_texts, document.data_texts, default.data_text.label),
        joiner=_pick(table.joiners, document.joiners, default.joiner),
        link_text=learn_link_text(table.link_texts, document.link_texts, "Paper") if own_link_column else None,
        newline=default.newline,
        link_form=_pick(table.link_forms, document.link_forms, None),
        badge=_pick(table.badges, Counter(), None),
        empty=_pick(table.empties, Counter(), ""),
    )


def format_row(style: RowStyle, columns: Columns, row: NewRow) -> str:
    """One table line for ``row`` in ``style``; trailing empty cells are left out, as the list does."""
    cells = [""] * columns.count
    if style.link_form is not None:
        row = replace(row, url=style.link_form.write(row.url))
    if style.link_text is not None and columns.link is not None:
        cells[columns.title] = f"**{row.title}**" if style.bold else row.title
        cells[columns.link] = f"[{style.link_text.for_url(row.url)}]({row.url})"
    elif style.bold == "inside":
        cells[columns.title] = f"[**{row.title}**]({row.url})"
    elif style.bold == "outside":
        cells[columns.title] = f"**[{row.title}]({row.url})**"
    else:
        cells[columns.title] = f"[{row.title}]({row.url})"
    repo = next((found for url in row.code if (found := github_repo(url))), None)
    if style.badge is not None and repo is not None and style.link_text is None:
        before, after = style.badge
        cells[columns.title] = before.replace(REPO, repo) + cells[columns.title] + after
    for index, value in (
        (columns.venue, row.venue),
        (columns.date, row.date),
        (columns.code, _links(style.code_text, row.code, style.joiner)),
        (columns.data, _links(style.data_text, row.data, style.joiner)),
    ):
        if index is not None:
            cells[index] = value
    if style.empty:
        cells = [style.empty if not cell and i not in (columns.title, columns.venue, columns.date) else cell
                 for i, cell in enumerate(cells)]
    while len(cells) > columns.title + 1 and not cells[-1]:
        cells.pop()
    # a cell ending in a backslash would escape the next pipe: keep a space between them
    cells = [cell + " " if cell.endswith("\\") else cell for cell in cells]
    return style.lead + style.sep.join(cells) + style.end + style.newline


def _links(text: LinkText, urls: Iterable[str], joiner: str) -> str:
    return joiner.join(f"[{text.for_url(url)}]({url})" for url in urls)


def _count_links(
    content: str, links: tuple[Link, ...], texts: Counter[tuple[str, str]], joiners: Counter[str]
) -> None:
    """Count the text keys of ``links`` (found in ``content``) and what joins them."""
    for link in links:
        key = text_key(link.text, link.url)
        if key is not None:
            texts[key, link.url] += 1
    for left, right in pairwise(links):
        joiners[content[left.end : right.start]] += 1


def _pick(table: Counter[_T], document: Counter[_T], default: _T) -> _T:
    """The table's most common value, else the document's, else ``default``; the document, then ``default``, break ties."""
    if table:
        return max(table, key=lambda value: (table[value], document[value], value == default))
    if document:
        return max(document, key=lambda value: (document[value], value == default))
    return default
