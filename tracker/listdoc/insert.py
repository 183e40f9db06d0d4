"""Insert proposals into a list document: checks, duplicates, row placement, the update log.

Every proposal is checked before anything changes. A row goes into the first
paper table of each of its sections, its date written in the table's own
format (:mod:`tracker.listdoc.dates`). In a newest-first table it goes above
the first existing row with an older date and on top of existing rows with the
same date (the maintainers' habit); in a table whose dated rows mostly go
oldest-first it goes after the last row that is not newer. Rows whose date
can't be read are passed over. Rows inserted in one run keep the proposals'
order among equal dates. Only new lines are added; no existing line moves or
changes (the update log may rewrite its own line for the same day).
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from tracker.errors import ProposalError
from tracker.listdoc.cells import Link
from tracker.listdoc.dates import DateFormat, compare_keys, date_key, format_date, learn_format
from tracker.listdoc.items import ITEM, Item, definitions, is_code_link, links_of
from tracker.listdoc.itemstyle import ItemStyle, NewItem, format_item, item_number, items_in, learn_item_style
from tracker.listdoc.layout import Layout
from tracker.listdoc.reflabels import LabelScheme, defined_labels, learn_scheme, used_label
from tracker.listdoc.rows import PaperTable
from tracker.listdoc.style import NewRow, RowStyle, StyleVotes, count_style, format_row, learn_style
from tracker.listdoc.update_log import plan_update_log
from tracker.markdown_safe import escape_cell, safe_url
from tracker.paper_ids import KnownPapers, arxiv_id_of, paper_key
from tracker.records import Proposal

log = logging.getLogger(__name__)

_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")


@dataclass(frozen=True)
class Applied:
    """The outcome of :func:`apply_proposals`, before it becomes an ``ApplyResult``."""

    text: str
    inserted: tuple[tuple[Proposal, str], ...]
    skipped: tuple[tuple[Proposal, str], ...]
    log_line: str | None


@dataclass
class _Entry:
    text: str
    key: tuple[int, ...] | None
    """Date key (:func:`tracker.listdoc.dates.date_key`); ``None`` when the row's date can't be read."""
    original: int | None
    """Line index of an existing body line; ``None`` for a new row."""


@dataclass
class _TableWork:
    table: PaperTable
    style: RowStyle
    date_format: DateFormat
    ascending: bool
    """The table's dated rows mostly go oldest-first."""
    body: list[_Entry] = field(default_factory=list)


@dataclass
class _ItemWork:
    """New items of a section without a paper table: they go above its first paper item or below its last."""

    style: ItemStyle
    anchor: int
    """Index of the line the new items go before."""
    items: list[NewItem] = field(default_factory=list)
    scheme: LabelScheme | None = None
    """The section's reference labels, when its plain-text items link code reference-style."""
    definitions: list[str] = field(default_factory=list)
    """``[label]: url`` lines of the new items' reference links (filled by :meth:`lines`)."""

    def lines(self) -> list[str]:
        out: list[str] = []
        for position, item in enumerate(self.items):
            labels: tuple[str, ...] = ()
            number = item_number(self.style, position)
            text = self.style.text
            if text is not None and text.reference and self.scheme is not None and number is not None:
                labels = tuple(self.scheme.label(number) for _ in item.code)
                self.definitions.extend(f"[{label}]: {url}{self.style.newline}"
                                        for label, url in zip(labels, item.code, strict=True))
            written = format_item(self.style, item, position, labels)
            if self.style.on_top:
                out.extend(written + [line + self.style.newline for line in self.style.between])
            else:
                out.extend([line + self.style.newline for line in self.style.between] + written)
        return out


def check_proposal(doc: Layout, proposal: Proposal) -> NewRow:
    """The escaped cells of ``proposal``'s row; :class:`ProposalError` if it can't go into ``doc``.

    Whether any row can go into ``doc`` is ``ListDocument.check_structure``'s to say, before this.
    """
    title = escape_cell(proposal.title)
    if not title:
        raise ProposalError(f"proposal for {proposal.url!r} has an empty title; give the paper's title")
    if not proposal.sections:
        raise ProposalError(f"proposal {_short(proposal.title)!r} names no section; give at least one section path")
    for section in proposal.sections:
        doc.find_section(section)
    url = safe_url(proposal.url)
    code = tuple(safe_url(link) for link in proposal.code)
    data = tuple(safe_url(link) for link in proposal.data)
    match = _DATE.match(proposal.date or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ProposalError(
            f"date {proposal.date!r} of {_short(proposal.title)!r} is not YYYY-MM; give the month the paper appeared"
        )
    arxiv_id = _arxiv_id(proposal)
    venue = escape_cell(proposal.venue) or ("arXiv" if arxiv_id else "-")
    return NewRow(title, url, venue, f"{match.group(1)}-{int(match.group(2)):02d}", code, data)


def apply_proposals(
    doc: Layout,
    proposals: list[Proposal],
    *,
    log_date: datetime.date | None,
    log_template: str,
) -> Applied:
    """Insert ``proposals`` into ``doc``'s lines; see :meth:`ListDocument.apply`."""
    prepared = [(proposal, check_proposal(doc, proposal)) for proposal in proposals]
    lines = doc.lines
    crlf = doc.crlf
    work: dict[str, _TableWork] = {}
    item_work: dict[str, _ItemWork] = {}
    votes: dict[int | None, StyleVotes] = {}
    document_dates: list[DateFormat] = []
    known: dict[str, KnownPapers[object]] = {}
    inserted: list[tuple[Proposal, str]] = []
    skipped: list[tuple[Proposal, str]] = []
    for proposal, new_row in prepared:
        paper_id = _arxiv_id(proposal)
        for wanted in dict.fromkeys(proposal.sections):
            section = doc.find_section(wanted)
            if section.path not in known:
                known[section.path] = KnownPapers.of(doc.rows_at(section.path))
            papers = known[section.path]
            if papers.has(paper_id, proposal.title):
                log.debug("already in %s: %s", section.path, _short(proposal.title))
                skipped.append((proposal, section.path))
                continue
            if not any(t.section == section.path for t in doc.tables):
                items = item_work.get(section.path) or _start_items(doc, section.path, crlf)
                item_work[section.path] = items
                items.items.append(_new_item(proposal, new_row))
                papers.add(paper_id, proposal.title, proposal)
                inserted.append((proposal, section.path))
                continue
            table = work.get(section.path) or _start_work(doc, section.path, crlf, votes, document_dates)
            work[section.path] = table
            _insert_row(table, new_row, date_key(proposal.date) or date_key(new_row.date))
            papers.add(paper_id, proposal.title, proposal)
            inserted.append((proposal, section.path))
            log.debug("inserting into %s: %s", section.path, _short(proposal.title))
    if not inserted:
        return Applied("\n".join(lines), (), tuple(skipped), None)
    before: dict[int, list[str]] = {}
    for table in work.values():
        _anchor_new_rows(table, before)
    for items in item_work.values():
        before.setdefault(items.anchor, []).extend(items.lines())
    definitions = [line for items in item_work.values() for line in items.definitions]
    if definitions:
        before.setdefault(max(defined_labels(lines, doc.text_lines)) + 1, []).extend(definitions)
    replaced: dict[int, str] = {}
    log_line = None
    if log_date is not None:
        count = distinct_papers(p for p, _ in inserted)
        edit = plan_update_log(doc, log_date, count, log_template, "\r" if crlf else "")
        if edit is not None:
            for index, new_lines in edit.inserts.items():
                before.setdefault(index, []).extend(new_lines)
            replaced.update(edit.replacements)
            log_line = edit.line
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(before.get(index, ()))
        out.append(replaced.get(index, line))
    out.extend(before.get(len(lines), ()))
    return Applied("\n".join(out), tuple(inserted), tuple(skipped), log_line)


def log_update(doc: Layout, log_date: datetime.date, count: int, log_template: str) -> Applied:
    """``doc`` with ``count`` papers logged on ``log_date`` under its News heading (unchanged without one).

    A list split into files logs once, in its first file with a News heading, the papers of every file.
    """
    lines = doc.lines
    edit = plan_update_log(doc, log_date, count, log_template, "\r" if doc.crlf else "")
    if edit is None:
        return Applied("\n".join(lines), (), (), None)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(edit.inserts.get(index, ()))
        out.append(edit.replacements.get(index, line))
    out.extend(edit.inserts.get(len(lines), ()))
    return Applied("\n".join(out), (), (), edit.line)


def _start_work(
    doc: Layout,
    section: str,
    crlf: bool,
    votes: dict[int | None, StyleVotes],
    document_dates: list[DateFormat],
) -> _TableWork:
    position, table = next((i, t) for i, t in enumerate(doc.tables) if t.section == section)
    if not votes:
        votes.update({i: count_style(t.rows, t.columns) for i, t in enumerate(doc.tables)})
        votes[None] = sum(votes.values(), StyleVotes())
    style = learn_style(votes[position], votes[None], crlf)
    if not document_dates:
        document_dates.append(learn_format(row.date for t in doc.tables if t.columns.date is not None for row in t.rows))
    dates = [row.date for row in table.rows] if table.columns.date is not None else []
    date_format = learn_format(dates, document_dates[0])
    keys = {row.line - 1: date_key(row.date) for row in table.rows} if dates else {}
    body = [_Entry(doc.lines[i], keys.get(i), i) for i in range(table.table.body_start, table.table.body_end)]
    ascending = _is_ascending([entry.key for entry in body if entry.key is not None])
    log.debug("%s: dates like %s, %s", section, date_format, "oldest first" if ascending else "newest first")
    return _TableWork(table, style, date_format, ascending, body)


def _start_items(doc: Layout, section: str, crlf: bool) -> _ItemWork:
    own = items_in(doc.items, section)
    code_links = _code_links(doc, own)
    style = learn_item_style(own, list(doc.items), doc.lines, crlf, code_links)
    anchor = own[0].start if style.on_top else own[-1].end
    scheme = None
    if style.text is not None and style.text.reference:
        used = [label for content, link in code_links
                if (label := used_label(content[link.start : link.end])) is not None]
        scheme = learn_scheme(used, defined_labels(doc.lines, doc.text_lines).values())
    log.debug("%s: items like %s, reference labels %s", section, style, scheme)
    return _ItemWork(style, anchor, scheme=scheme)


def _code_links(doc: Layout, own: list[Item]) -> list[tuple[str, Link]]:
    """``(item text, code link)`` of every item under the heading of ``own`` (papers or not)."""
    first = own[0].start
    start = max((h.index for h in doc.headings if h.index < first), default=-1) + 1
    end = min((h.index for h in doc.headings if h.index > first), default=len(doc.lines))
    refs = definitions(doc.lines, doc.text_lines)
    found = []
    for index in range(start, end):
        match = ITEM.match(doc.lines[index].rstrip("\r")) if index in doc.text_lines else None
        if match:
            content = match.group("content")
            found.extend((content, link) for link in links_of(content, refs) if is_code_link(link))
    return found


def _new_item(proposal: Proposal, new_row: NewRow) -> NewItem:
    """The item of a checked proposal (its title, link, venue and code already escaped or checked)."""
    names = tuple(name for name in (escape_cell(name) for name in proposal.authors) if name)
    return NewItem(new_row.title, new_row.url, new_row.venue, int(new_row.date[:4]), new_row.code, ", ".join(names),
                   _arxiv_id(proposal), names)


def _is_ascending(keys: list[tuple[int, ...]]) -> bool:
    """More steps up than down between consecutive dates: the table is sorted oldest-first."""
    steps = [compare_keys(later, earlier) for earlier, later in pairwise(keys)]
    return steps.count(1) > steps.count(-1)


def _insert_row(table: _TableWork, new_row: NewRow, key: tuple[int, ...] | None) -> None:
    """Write ``new_row`` with its date in the table's format and put it in date order."""
    if key is not None:
        new_row = replace(new_row, date=format_date(table.date_format, key))
        key = date_key(new_row.date) or key
    text = format_row(table.style, table.table.columns, new_row)
    body = table.body
    dated = [index for index, entry in enumerate(body) if entry.key is not None]
    if key is None or not dated:
        position = len(body)
    elif table.ascending:
        position = next((i + 1 for i in reversed(dated) if compare_keys(body[i].key, key) <= 0), dated[0])
    else:
        position = next((i for i in dated if _goes_above(body[i], key)), dated[-1] + 1)
    body.insert(position, _Entry(text, key, None))


def _goes_above(entry: _Entry, key: tuple[int, ...]) -> bool:
    """Newest first: a new row goes above an older row or an existing row as old, below new rows as old."""
    order = compare_keys(entry.key, key)
    return order < 0 or (order == 0 and entry.original is not None)


def _anchor_new_rows(table: _TableWork, before: dict[int, list[str]]) -> None:
    """Record each new row under the index of the existing line it goes before."""
    pending: list[str] = []
    for entry in table.body:
        if entry.original is None:
            pending.append(entry.text)
        elif pending:
            before.setdefault(entry.original, []).extend(pending)
            pending = []
    if pending:
        before.setdefault(table.table.table.body_end, []).extend(pending)


def proposal_key(proposal: Proposal) -> str:
    """What makes two proposals the same paper: the arXiv id, else the normalised title (:func:`paper_key`)."""
    return paper_key(_arxiv_id(proposal), proposal.title)


def distinct_papers(proposals: Iterable[Proposal]) -> int:
    """How many papers ``proposals`` are (:func:`proposal_key`): a paper put into two sections counts once."""
    return len({proposal_key(proposal) for proposal in proposals})


def _arxiv_id(proposal: Proposal) -> str | None:
    return arxiv_id_of(proposal.arxiv_id, proposal.url)


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= 60 else title[:57] + "..."
