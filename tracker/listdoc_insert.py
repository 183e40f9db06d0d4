"""Insert proposals into a list document: checks, duplicates, row placement, the update log.

Every proposal is checked before anything changes. A row goes into the first
paper table of each of its sections, above the first existing row with an
older date and on top of existing rows with the same date (the maintainers'
habit); rows inserted in one run keep the proposals' order among equal dates.
Only new lines are added; no existing line moves or changes (the update log
may rewrite its own line for the same day).
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker.arxiv_ids import normalise_arxiv_id
from tracker.errors import ProposalError
from tracker.listdoc_model import normalise_title
from tracker.listdoc_rows import PaperTable, date_key
from tracker.listdoc_style import NewRow, RowStyle, StyleVotes, count_style, format_row, learn_style
from tracker.markdown_safe import escape_cell, safe_url
from tracker.records import Proposal
from tracker.update_log import plan_update_log

if TYPE_CHECKING:
    from tracker.listdoc import ListDocument

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
    key: tuple[int, int] | None
    original: int | None
    """Line index of an existing body line; ``None`` for a new row."""


@dataclass
class _TableWork:
    table: PaperTable
    style: RowStyle
    body: list[_Entry] = field(default_factory=list)


def check_proposal(doc: ListDocument, proposal: Proposal) -> NewRow:
    """The escaped cells of ``proposal``'s row; :class:`ProposalError` if it can't go into ``doc``."""
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
    arxiv_id = _paper_id(proposal)
    venue = escape_cell(proposal.venue) or ("arXiv" if arxiv_id else "-")
    return NewRow(title, url, venue, f"{match.group(1)}-{int(match.group(2)):02d}", code, data)


def apply_proposals(
    doc: ListDocument,
    proposals: list[Proposal],
    *,
    log_date: datetime.date | None,
    log_template: str,
) -> Applied:
    """Insert ``proposals`` into ``doc``'s lines; see :meth:`ListDocument.apply`."""
    prepared = [(proposal, check_proposal(doc, proposal)) for proposal in proposals]
    lines = doc.lines
    crlf = sum(line.endswith("\r") for line in lines) > len(lines) // 2
    work: dict[str, _TableWork] = {}
    votes: dict[int | None, StyleVotes] = {}
    known: dict[str, tuple[set[str], set[str]]] = {}
    inserted: list[tuple[Proposal, str]] = []
    skipped: list[tuple[Proposal, str]] = []
    for proposal, new_row in prepared:
        paper_id = _paper_id(proposal)
        title = normalise_title(proposal.title)
        for wanted in dict.fromkeys(proposal.sections):
            section = doc.find_section(wanted)
            if section.path not in known:
                ids, titles = doc.paper_keys(section.path)
                known[section.path] = (set(ids), set(titles))
            ids, titles = known[section.path]
            if (paper_id and paper_id in ids) or (title and title in titles):
                log.debug("already in %s: %s", section.path, _short(proposal.title))
                skipped.append((proposal, section.path))
                continue
            table = work.get(section.path) or _start_work(doc, section.path, crlf, votes)
            work[section.path] = table
            _insert(table, format_row(table.style, table.table.columns, new_row), date_key(new_row.date))
            if paper_id:
                ids.add(paper_id)
            if title:
                titles.add(title)
            inserted.append((proposal, section.path))
            log.debug("inserting into %s: %s", section.path, _short(proposal.title))
    if not inserted:
        return Applied(doc.render(), (), tuple(skipped), None)
    before: dict[int, list[str]] = {}
    for table in work.values():
        _anchor_new_rows(table, before)
    replaced: dict[int, str] = {}
    log_line = None
    if log_date is not None:
        papers = len({paper_key(p) for p, _ in inserted})
        edit = plan_update_log(doc, log_date, papers, log_template, "\r" if crlf else "")
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


def _start_work(doc: ListDocument, section: str, crlf: bool, votes: dict[int | None, StyleVotes]) -> _TableWork:
    position, table = next((i, t) for i, t in enumerate(doc.tables) if t.section == section)
    if not votes:
        votes.update({i: count_style(t.rows, t.columns) for i, t in enumerate(doc.tables)})
        votes[None] = sum(votes.values(), StyleVotes())
    style = learn_style(votes[position], votes[None], crlf)
    keys = {row.line - 1: date_key(row.date) for row in table.rows}
    body = [_Entry(doc.lines[i], keys.get(i), i) for i in range(table.table.body_start, table.table.body_end)]
    return _TableWork(table, style, body)


def _insert(table: _TableWork, text: str, key: tuple[int, int] | None) -> None:
    """Newest first: above the first existing row that is older or as old, below new rows as old."""
    position = len(table.body)
    for index, entry in enumerate(table.body):
        if entry.key is None or key is None:
            continue
        if entry.key < key or (entry.key == key and entry.original is not None):
            position = index
            break
    table.body.insert(position, _Entry(text, key, None))


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


def paper_key(proposal: Proposal) -> str:
    """What makes two proposals the same paper: the arXiv id, else the normalised title."""
    return _paper_id(proposal) or normalise_title(proposal.title)


def _paper_id(proposal: Proposal) -> str | None:
    return normalise_arxiv_id(proposal.arxiv_id) if proposal.arxiv_id else normalise_arxiv_id(proposal.url)


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= 60 else title[:57] + "..."
