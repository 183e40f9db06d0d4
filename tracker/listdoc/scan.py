"""Find the headings and tables of a README, line by line, as CommonMark/GFM blocks.

Only what the list document needs is recognised: ATX headings (``## News``)
and setext headings (a paragraph underlined with ``===`` or ``---``),
GFM tables (header, delimiter row, body rows), and the blocks whose content
must *not* be read as headings or tables: fenced code, HTML blocks (a
``<div>`` runs to the next blank line, ``<!--`` to ``-->``) and indented code;
a heading written as one line of HTML (``<h2 id="x">Name</h2>``) is a heading too.
A fence or HTML block that is never closed runs to the end of the file, as on
GitHub; the scan reports every such block (:class:`Block`) so a list whose tables vanish
behind it can be told apart from a list without tables. Everything else is
plain text. Scanning never raises and never drops a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.listdoc.cells import is_delimiter_row, split_cells

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_BLOCKQUOTE = re.compile(r"^ {0,3}>")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_THEMATIC = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_HTML_RAW = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_RAW_END = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
_HTML_SPECIAL = [
    (re.compile(r"^ {0,3}<!--"), "-->"),
    (re.compile(r"^ {0,3}<\?"), "?>"),
    (re.compile(r"^ {0,3}<![A-Za-z]"), ">"),
    (re.compile(r"^ {0,3}<!\[CDATA\["), "]]>"),
]
_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|"
    "div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|head|header|hr|html|"
    "iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|"
    "table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_HTML_BLOCK = re.compile(rf"^ {{0,3}}</?(?:{_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML_HEADING = re.compile(r"^ {0,3}<h([1-6])(?:\s[^>]*)?>(.*)</h\1\s*>\s*$", re.IGNORECASE)
"""A heading written as one line of HTML (``<h2 id="x">Technique</h2>``) with a blank line after it."""
_HTML_LONE_TAG = re.compile(rf"^ {{0,3}}(?:<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$")


@dataclass(frozen=True)
class Heading:
    """An ATX heading."""

    index: int
    """0-based line index."""
    level: int
    text: str
    """The heading's text as written (closing ``#``s removed)."""


@dataclass(frozen=True)
class Table:
    """A GFM table: header line, delimiter line, then body lines ``body_start`` .. ``body_end - 1``."""

    header: int
    """0-based index of the header line."""
    header_cells: tuple[str, ...]
    """Header cell texts, stripped."""
    body_start: int
    body_end: int
    """Index just past the last body line."""


@dataclass(frozen=True)
class Block:
    """A fenced code block or an HTML block that ends at a marker (``-->``, ``</pre>``): nothing in it is read."""

    index: int
    """0-based index of the line that opens it."""
    end: int
    """Index just past its last line (the closing line, or the end of the file when it is never closed)."""
    opener: str
    """The marker that opens it, as written: ```` ``` ````, ``~~~~``, ``<!--``, ``<pre``."""
    closer: str
    """What closes it: ```` ``` ````, ``-->``, ``</pre>``."""
    closed: bool
    """Whether it is closed; a block that is never closed runs to the end of the file."""


@dataclass(frozen=True)
class Scan:
    headings: tuple[Heading, ...]
    tables: tuple[Table, ...]
    blocks: tuple[Block, ...] = ()
    """Fenced code blocks and marker-ended HTML blocks, in file order; only the last can be unclosed."""
    text_lines: frozenset[int] = frozenset()
    """Indices of the lines read as plain text or indented code (where list items can sit), and of blank lines."""


def scan(lines: list[str]) -> Scan:
    """Headings and tables of ``lines`` (the file split on ``\\n``; a trailing ``\\r`` is ignored)."""
    text = [line[:-1] if line.endswith("\r") else line for line in lines]
    if text:
        text[0] = text[0].lstrip("\ufeff")
    headings: list[Heading] = []
    tables: list[Table] = []
    blocks: list[Block] = []
    plain: set[int] = set()
    in_paragraph = False
    paragraph_start: int | None = None
    """First line of the open paragraph when a setext underline could make it a heading."""
    i, n = 0, len(text)
    while i < n:
        line = text[i]
        if not line.strip():
            in_paragraph, paragraph_start = False, None
            plain.add(i)
            i += 1
            continue
        if not in_paragraph and line.startswith(("    ", "\t")):
            plain.add(i)  # indented code block line, or a list item's continuation
            i += 1
            continue
        if paragraph_start is not None and _SETEXT.match(line):
            content = " ".join(part.strip() for part in text[paragraph_start:i])
            headings.append(Heading(paragraph_start, 1 if line.strip()[0] == "=" else 2, content))
            in_paragraph, paragraph_start = False, None
            i += 1
            continue
        html_heading = _HTML_HEADING.match(line)
        if html_heading and (i + 1 == n or not text[i + 1].strip()):
            headings.append(Heading(i, int(html_heading.group(1)), html_heading.group(2).strip()))
            in_paragraph, paragraph_start = False, None
            i += 1
            continue
        found = _block(text, i, in_paragraph)
        if found is not None:
            in_paragraph, paragraph_start = False, None
            i, block = found
            if block is not None:
                blocks.append(block)
            continue
        heading = _ATX.match(line)
        if heading:
            content = _ATX_CLOSING.sub("", heading.group(2) or "").strip()
            headings.append(Heading(i, len(heading.group(1)), content))
            in_paragraph, paragraph_start = False, None
            i += 1
            continue
        table_end = _table_end(text, i)
        if table_end is not None:
            cells = tuple(cell.content for cell in split_cells(line))
            tables.append(Table(i, cells, i + 2, table_end))
            in_paragraph, paragraph_start = False, None
            i = table_end
            continue
        paragraph = not _BLOCKQUOTE.match(line) and not _LIST_ITEM.match(line) and not _THEMATIC.match(line)
        if not paragraph:
            paragraph_start = None
        elif not in_paragraph:
            paragraph_start = i
        in_paragraph = not _BLOCKQUOTE.match(line) and not _THEMATIC.match(line)
        plain.add(i)
        i += 1
    return Scan(tuple(headings), tuple(tables), tuple(blocks), frozenset(plain))


def _block(text: list[str], i: int, in_paragraph: bool) -> tuple[int, Block | None] | None:
    """The fenced code or HTML block starting at line ``i``: the index after it, and it as a :class:`Block`.

    ``None`` if no such block starts there. The :class:`Block` is ``None`` for
    an HTML block that simply ends at a blank line. A block that is never
    closed runs to the end of the file (CommonMark).
    """
    line = text[i]
    fence = _FENCE.match(line)
    if fence and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
        marker = fence.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = next((j + 1 for j in range(i + 1, len(text)) if closing.match(text[j])), None)
        return _ended(text, i, end, marker, marker)
    raw = _HTML_RAW.match(line)
    if raw:
        end = _first_containing(text, i, raw.end(), _HTML_RAW_END)
        return _ended(text, i, end, f"<{raw.group(1)}", f"</{raw.group(1).lower()}>")
    for start, end_marker in _HTML_SPECIAL:
        special = start.match(line)
        if special:
            end = _first_containing(text, i, special.end(), re.compile(re.escape(end_marker)))
            return _ended(text, i, end, special.group().lstrip(" "), end_marker)
    if _HTML_BLOCK.match(line) or (not in_paragraph and _HTML_LONE_TAG.match(line)):
        j = i + 1
        while j < len(text) and text[j].strip():
            j += 1
        return j, None
    return None


def _ended(text: list[str], i: int, end: int | None, opener: str, closer: str) -> tuple[int, Block]:
    """The block from line ``i`` to ``end`` (``None``: never closed, so to the end of the file)."""
    block = Block(i, end if end is not None else len(text), opener, closer, end is not None)
    return block.end, block


def _first_containing(text: list[str], i: int, offset: int, pattern: re.Pattern[str]) -> int | None:
    """Index after the first line from ``i`` holding ``pattern`` (on line ``i``, after ``offset``); ``None`` if none does."""
    for j in range(i, len(text)):
        if pattern.search(text[j], offset if j == i else 0):
            return j + 1
    return None


def _table_end(text: list[str], i: int) -> int | None:
    """Index after the table whose header is line ``i``, or ``None`` when no table starts there."""
    line = text[i]
    if "|" not in line or len(line) - len(line.lstrip(" ")) > 3 or i + 1 >= len(text):
        return None
    if not is_delimiter_row(text[i + 1]):
        return None
    if len(split_cells(line)) != len(split_cells(text[i + 1])):
        return None
    j = i + 2
    while j < len(text) and _is_body_row(text, j):
        j += 1
    return j


def _is_body_row(text: list[str], j: int) -> bool:
    """A line continues a table when it has a cell boundary and starts no other block."""
    line = text[j]
    if not line.strip() or "|" not in line:
        return False
    if _ATX.match(line) or _FENCE.match(line) or _BLOCKQUOTE.match(line):
        return False
    return _block(text, j, in_paragraph=True) is None
