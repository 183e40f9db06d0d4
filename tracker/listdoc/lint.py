"""``kd-tracker list lint``: rows kept byte for byte but that look broken, and lists no row can go into.

First the list as a whole (:func:`structure_problems`): a code fence or HTML
block that is never closed and hides paper tables (named at the line that
opens it), or no paper table under a heading at all. Then, checked in every
paper table: too few cells for Title, Venue and Date; more
cells than the header (GitHub drops them); a broken link (``[x](`` never
closed, a stray ``](``); a link that is not http(s); a Date cell that is in
none of the forms :mod:`tracker.listdoc.dates` reads (only in tables with a
Date column); a line without a title; the same paper twice in one section; one
arXiv id under two different titles.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tracker.listdoc.cells import scan_links, split_cells
from tracker.listdoc.dates import date_key
from tracker.listdoc.items import ITEM, definitions, links_of
from tracker.listdoc.layout import Layout
from tracker.listdoc.model import LintProblem, Row
from tracker.listdoc.rows import PaperTable, columns_of
from tracker.listdoc.scan import Block, scan
from tracker.paper_ids import KnownPapers, normalise_title


def lint_document(doc: Layout) -> list[LintProblem]:
    """Every problem of ``doc``: its :func:`structure_problems`, then its paper tables' by line."""
    problems: list[LintProblem] = []
    for table in doc.tables:
        problems.extend(_lint_table(doc, table))
    problems.extend(_duplicates(doc))
    return structure_problems(doc) + sorted(problems, key=lambda p: p.line)


def structure_problems(doc: Layout) -> list[LintProblem]:
    """Why rows can't go into ``doc``: paper tables hidden in a block never closed, or no section at all.

    A code fence, ``<!--`` or ``<pre>`` that is never closed runs to the end of
    the file, on GitHub as here: the paper tables after it show as code or not
    at all, and their rows are not seen; it is named at the line that opens it.
    A file without a section names the first block that hides paper tables
    (a fence whose closing line is missing pairs with the next fence), else
    its first paper table (no heading above), else the whole file (line 0).
    """
    last = doc.blocks[-1] if doc.blocks else None
    if last is not None and not last.closed and _hidden_tables(doc, last)[0]:
        return [_hiding(doc, last, f"close it with a {last.closer} line")]
    if doc.sections:
        return []
    culprit = next((block for block in doc.blocks if _hidden_tables(doc, block)[0]), None)
    if culprit is not None:
        return [_hiding(doc, culprit, f"no other paper table is in the file: close it with a {culprit.closer} line "
                                      "where it should end")]
    if doc.tables:
        return [LintProblem(doc.tables[0].table.header + 1, "paper table under no heading, so the list has no "
                                                            "section: put a section heading (## Name) above it")]
    looking = paper_like_headings(doc)
    if looking:
        shown = ", ".join(str(line) for line in looking[:12]) + (f" and {len(looking) - 12} more" if len(looking) > 12 else "")
        return [LintProblem(looking[0], f"no papers found: the headings at lines {shown} look like paper sections "
                                        "(list items or table rows with links under them) but yield no papers: "
                                        "no item links a paper (arxiv.org, openreview.net, aclanthology.org, a "
                                        "proceedings page or a .pdf) and no table has a Title column")]
    return [LintProblem(0, "no paper table found: a section is a heading with a table under it whose header "
                           "has a Title column (| Title | Venue | Date |)")]


def paper_like_headings(doc: Layout, least: int = 2) -> list[int]:
    """Line numbers of the headings that hold no paper but at least ``least`` list items or table rows with a web link.

    Links to places in the file (``#news``) and images (badges) do not count.
    """
    found = scan(list(doc.lines))
    refs = definitions(doc.lines, doc.text_lines)
    bodies = {i for table in found.tables for i in range(table.body_start, table.body_end)}
    sections = {section.line for section in doc.sections}
    counts: dict[int, int] = {}
    owner = -1
    heading_at = {heading.index: heading for heading in doc.headings}
    for index, line in enumerate(doc.lines):
        if index in heading_at:
            owner = index
            continue
        if owner < 0 or (index not in bodies and (index not in doc.text_lines or not ITEM.match(line))):
            continue
        if any(urlsplit(link.url).scheme.lower() in ("http", "https") for link in links_of(line, refs)):
            counts[owner] = counts.get(owner, 0) + 1
    return [index + 1 for index, n in sorted(counts.items()) if n >= least and index + 1 not in sections]


def _hiding(doc: Layout, block: Block, advice: str) -> LintProblem:
    tables, rows = _hidden_tables(doc, block)
    kind = f"code fence {block.opener}" if block.opener[0] in "`~" else f"HTML block {block.opener}"
    reach = f"runs to line {block.end} and hides" if block.closed else "is never closed, so it hides the rest of the file with"
    return LintProblem(block.index + 1, f"{kind} opened here {reach} {_count(tables, 'paper table')} "
                                        f"({_count(rows, 'row')}); {advice}")


def _hidden_tables(doc: Layout, block: Block) -> tuple[int, int]:
    """Paper tables and their body lines inside ``block``, read as markdown."""
    inside = doc.lines[block.index + 1 : block.end - 1 if block.closed else block.end]
    tables = [t for t in scan(list(inside)).tables if columns_of(t.header_cells) is not None]
    return len(tables), sum(t.body_end - t.body_start for t in tables)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _lint_table(doc: Layout, table: PaperTable) -> list[LintProblem]:
    problems = []
    columns = table.columns
    rows = {row.line - 1: row for row in table.rows}
    for index in range(table.table.body_start, table.table.body_end):
        line = doc.lines[index].rstrip("\r")
        number = index + 1
        cells = split_cells(line)
        if len(cells) < columns.required:
            problems.append(LintProblem(number, f"row has {len(cells)} cells; a paper row needs at least "
                                                f"{columns.required} (Title | Venue | Date)"))
        elif len(cells) > columns.count:
            problems.append(LintProblem(number, f"row has {len(cells)} cells but the header has {columns.count}; "
                                                "GitHub drops the extra cells"))
        for cell in cells:
            found = scan_links(cell.content)
            if found.broken is not None:
                problems.append(LintProblem(number, f"broken link near {found.broken!r}"))
            for link in found.links:
                if urlsplit(link.url).scheme.lower() not in ("http", "https"):
                    problems.append(LintProblem(number, f"link {link.url!r} is not http(s)"))
        row = rows.get(index)
        if row is None:
            problems.append(LintProblem(number, "row has no title"))
            continue
        if columns.date is not None and len(cells) >= columns.required and date_key(row.date) is None:
            problems.append(LintProblem(number, f"date {row.date!r} is not a date such as 2024-03, 2024.03, "
                                                "2024-03-15, Mar 2024 or 2024"))
    return problems


def _duplicates(doc: Layout) -> list[LintProblem]:
    problems = []
    in_section: dict[str, KnownPapers[Row]] = {}
    first_with_id: dict[str, Row] = {}
    for row in doc.rows():
        known = in_section.setdefault(row.section, KnownPapers())
        earlier = known.find(title=row.title) or known.find(row.arxiv_id)  # a row of the same title is named first
        if earlier is not None:
            problems.append(LintProblem(row.line, f"same paper as line {earlier.line} in {row.section!r}"))
        known.add(row.arxiv_id, row.title, row)
        if row.arxiv_id:
            other = first_with_id.setdefault(row.arxiv_id, row)
            if other is not row and normalise_title(other.title) != normalise_title(row.title):
                problems.append(LintProblem(row.line, f"links arXiv {row.arxiv_id} like line {other.line}, "
                                                      f"whose title differs ({other.title[:50]!r})"))
    return problems
