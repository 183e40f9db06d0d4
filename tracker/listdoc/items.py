"""List items that hold a paper: ``1. **[Title](url)** [[code](url)]``, ``- Title [paper](url)``, nested or not.

An item is a line starting with ``-``, ``*``, ``+``, ``1.`` or ``1)`` outside
code, HTML blocks and tables (:mod:`tracker.listdoc.scan`); the lines below it
that are indented further (an italic authors line, a note) continue it, up to
the next item. An item is a paper when it holds a paper link
(:mod:`tracker.listdoc.paperlinks`) that names it:

* the item starts with the link (bold or not): ``**[Title.](url)**``, ``[Title](url) - note``;
* or the link's text names a kind of link (``paper``, ``pdf``, ``arXiv``) and the
  title is the text before it: ``Title. Authors. CVPR 2020 [paper](url)``.

A paper link in the middle of a sentence (``We released "[A Survey](url)"``) is
not a paper. Reference-style links (``[[code]][1.10]`` with ``[1.10]: url``
anywhere in the file) are resolved like inline ones. An italic continuation
line (``*A. Author, B. Author.* ACL'24``) gives the authors and the venue.

An item without a paper link can name its paper in plain text
(:mod:`tracker.listdoc.textitems`): by an arXiv id (``Title. Hinton et al.
arXiv:1503.02531``), always a paper; or by its title alone (``Title. Li,
Yuncheng et al. ICCV 2017``), a paper only where the list vouches for it (see
:func:`read_items`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.listdoc.cells import Link, scan_links
from tracker.listdoc.linktext import github_repo
from tracker.listdoc.model import Row
from tracker.listdoc.paperlinks import is_paper_url
from tracker.listdoc.rows import LINK_LABELS
from tracker.listdoc.textitems import PlainPaper, read_plain
from tracker.paper_ids import normalise_arxiv_id

ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|(?P<number>\d{1,9})[.)])(?P<gap>[ \t]+|$)(?P<content>.*)$")
"""A list item's first line: indent, marker (``-``, ``1.``), the gap after the marker, the content."""
_THEMATIC = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?(?:[ \t]+.*)?$")
_REFERENCE = re.compile(r"(?<![!\\\]])\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]\[(?P<label>[^\[\]]*)\]")
_ITALIC = re.compile(r"^(?P<mark>\*|_)(?!\1)(?P<inner>.+?)(?<!\1)(?P=mark)(?!(?P=mark))(?P<rest>.*)$")
_CODE_LABELS = frozenset({"code", "github", "gitlab", "repo", "project", "project page", "official code", "pytorch"})
_DATA_LABELS = frozenset({"data", "dataset", "datasets", "benchmark"})
_PLAIN_ID_EVIDENCE = 3
_VENUE_LIKE = re.compile(r"\b(?:[a-z]*[A-Z][a-z]*[A-Z]\w*|(?i:arxiv))\b")
"""A word naming a venue: two capitals or more (``ICCV``, ``NeurIPS``, ``ACM``), or arXiv."""
"""Plain-text arXiv ids a list needs to write before its items named by title alone are read in a section of them."""


@dataclass(frozen=True)
class Item:
    """A list item that holds a paper, and where its lines are."""

    start: int
    """0-based index of the item's first line."""
    end: int
    """Index just past its last non-blank line (its continuation lines, not its nested items)."""
    indent: str
    """Before the marker."""
    marker: str
    """``-``, ``*``, ``+``, ``1.``, ``3)``."""
    gap: str
    """Between the marker and the content."""
    content: str
    """The first line after the marker (``\\r`` removed)."""
    title_link: Link | None
    """The link that is the title (``[Title](url)``), or ``None`` when the title is the text before a label link."""
    paper_link: Link | None
    """The paper's link (the title link, or a ``[paper](url)`` label link); ``None`` for a plain-text paper."""
    links: tuple[Link, ...]
    """Every link of the first line (reference links resolved), in order."""
    authors_line: int | None
    """0-based index of an italic authors line below the item, if any."""
    row: Row
    """The paper, as a row."""
    plain: PlainPaper | None = None
    """The parts of a plain-text paper (``Title. Authors et al. arXiv:ID``), ``None`` for an item with a paper link."""


def definitions(lines: tuple[str, ...], plain: frozenset[int]) -> dict[str, str]:
    """Reference-link definitions ``[label]: url`` of the file, by normalised label (the first one wins)."""
    found: dict[str, str] = {}
    for index in sorted(plain):
        match = _DEFINITION.match(lines[index].rstrip("\r"))
        if match:
            found.setdefault(_label_key(match.group("label")), match.group("url"))
    return found


def links_of(text: str, refs: dict[str, str]) -> tuple[Link, ...]:
    """Inline links and resolved reference links (``[text][label]``, ``[text][]``) of ``text``, in order."""
    inline = list(scan_links(text).links)
    taken = [(link.start, link.end) for link in inline]
    for match in _REFERENCE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        label = match.group("label") or match.group("text")
        url = refs.get(_label_key(label))
        if url is not None:
            inline.append(Link(match.group("text"), url, match.start(), match.end()))
    return tuple(sorted(inline, key=lambda link: link.start))


def read_items(lines: tuple[str, ...], plain: frozenset[int], refs: dict[str, str],
               headings: Sequence[int] = ()) -> list[Item]:
    """The paper items of ``lines``; ``plain``: the lines where items can sit (see ``Scan.text_lines``).

    ``headings``: the line indexes of the headings, in order. An item that names
    its paper by title only (``Title. Authors et al. ICCV 2017``) is a paper when
    most items under its heading are papers or of that shape, and either one of
    them names its paper by a link or an arXiv id or the list names at least
    :data:`_PLAIN_ID_EVIDENCE` papers by a plain-text arXiv id (the list writes its papers as text) and
    most of the section's venues look like venues (``ICCV``, ``NeurIPS``, ``arXiv``: not ``Joined 2021``).
    """
    text = [line[:-1] if line.endswith("\r") else line for line in lines]
    starts = _item_starts(text, plain)
    found: list[tuple[int, Item | None, bool]] = []
    for position, (index, match) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else len(text)
        end = _item_end(text, plain, index, stop, len(match.group("indent").expandtabs(4)))
        item = _paper_item(text, lines[index], index, end, match, refs)
        titled = False
        if item is None:
            item = _plain_item(text, lines[index], index, end, match, refs)
            titled = item is not None and item.row.arxiv_id is None
        found.append((bisect.bisect_right(headings, index), item, titled))
    evidence = sum(1 for _, item, _ in found if item is not None and item.plain is not None and item.row.arxiv_id)
    groups: dict[int, list[tuple[Item | None, bool]]] = {}
    for group, item, titled in found:
        groups.setdefault(group, []).append((item, titled))
    trusted = set()
    for group, members in groups.items():
        if 2 * sum(item is not None for item, _ in members) <= len(members):
            continue
        if any(item is not None and not titled for item, titled in members):
            trusted.add(group)
            continue
        venues = [item.plain.venue for item, titled in members if titled and item is not None and item.plain]
        if evidence >= _PLAIN_ID_EVIDENCE and 2 * sum(bool(_VENUE_LIKE.search(v)) for v in venues) > len(venues):
            trusted.add(group)
    return [item for group, item, titled in found if item is not None and (not titled or group in trusted)]


def _item_starts(text: list[str], plain: frozenset[int]) -> list[tuple[int, re.Match[str]]]:
    """Item lines: indented at most 3 spaces, or deeper inside an open list (a nested item)."""
    starts: list[tuple[int, re.Match[str]]] = []
    open_indent: int | None = None
    for index, line in enumerate(text):
        if index not in plain:
            open_indent = None
            continue
        if not line.strip():
            continue
        match = ITEM.match(line)
        indent = len(line) - len(line.lstrip(" \t")) if line.strip() else 0
        if match and not _THEMATIC.match(line) and (indent <= 3 or open_indent is not None):
            starts.append((index, match))
            open_indent = indent if open_indent is None else min(open_indent, indent)
        elif open_indent is not None and indent <= open_indent and index - 1 >= 0 and not text[index - 1].strip():
            open_indent = None  # a paragraph after a blank line ends the list
    return starts


def _item_end(text: list[str], plain: frozenset[int], index: int, stop: int, indent: int) -> int:
    """Index past the last line continuing the item at ``index`` (before ``stop``, the next item)."""
    end = index + 1
    for j in range(index + 1, stop):
        line = text[j]
        if j not in plain:
            break
        if not line.strip():
            continue
        if len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()) <= indent:
            if text[j - 1].strip() and j == end:
                end = j + 1  # a lazy continuation line right below
                continue
            break
        end = j + 1
    return end


def _paper_item(
    text: list[str], original: str, index: int, end: int, match: re.Match[str], refs: dict[str, str]
) -> Item | None:
    content = match.group("content")
    links = links_of(content, refs)
    paper = next((link for link in links if is_paper_url(link.url)), None)
    if paper is None:
        return None
    label = _is_label(paper.text)
    before = content[: paper.start]
    if not label and before.strip(" *_[~") == "":
        title, title_link = _clean_title(paper.text), paper
    elif label and _clean_title(_unlink(before, links)):
        title, title_link = _clean_title(_unlink(before, links)), None
    else:
        return None
    if not title:
        return None
    authors_line, venue = None, ""
    for j in range(index + 1, end):
        italic = _ITALIC.match(text[j].strip())
        if italic:
            authors_line, venue = j, italic.group("rest").strip()
            break
    code = tuple(link.url for link in links if link is not paper and is_code_link(link))
    data = tuple(link.url for link in links if link is not paper and _kind(link.text) in _DATA_LABELS)
    row = Row(title=title, url=paper.url, arxiv_id=normalise_arxiv_id(paper.url), venue=venue, date="",
              code=code, data=data, line=index + 1, text=original, section="", kind="item")
    indent = match.group("indent")
    return Item(index, end, indent, match.group("marker"), match.group("gap"), content, title_link, paper, links,
                authors_line, row)


def _plain_item(
    text: list[str], original: str, index: int, end: int, match: re.Match[str], refs: dict[str, str]
) -> Item | None:
    """The item at ``index`` read as a plain-text paper (its first paragraph, continuation lines joined)."""
    content = match.group("content")
    joined = [content]
    for j in range(index + 1, end):
        if not text[j].strip():
            break
        joined.append(text[j].strip())
    whole = " ".join(joined)
    paper = read_plain(whole, links_of(whole, refs))
    if paper is None:
        return None
    links = links_of(content, refs)
    code = tuple(link.url for link in paper.links if is_code_link(link))
    data = tuple(link.url for link in paper.links if _kind(link.text) in _DATA_LABELS)
    row = Row(title=paper.title, url="", arxiv_id=paper.arxiv_id, venue=paper.venue, date="", code=code, data=data,
              line=index + 1, text=original, section="", kind="item")
    return Item(index, end, match.group("indent"), match.group("marker"), match.group("gap"), content, None, None,
                links, None, row, paper)


def _is_label(text: str) -> bool:
    return _kind(text) in LINK_LABELS


def _kind(text: str) -> str:
    return text.strip("[]*_ `").strip().lower()


def is_code_link(link: Link) -> bool:
    """A link to code: its text says so (``code``, ``github``) or it goes to a GitHub repository."""
    kind = _kind(link.text)
    return kind in _CODE_LABELS or (github_repo(link.url) is not None and kind not in _DATA_LABELS)


def _unlink(text: str, links: tuple[Link, ...]) -> str:
    """``text`` (a prefix of the content) with each link in it replaced by its text."""
    out, last = [], 0
    for link in links:
        if link.end > len(text):
            break
        out.append(text[last : link.start])
        out.append(link.text)
        last = link.end
    out.append(text[last:])
    return "".join(out)


def _clean_title(text: str) -> str:
    """A title without surrounding markup, brackets and the separators around it."""
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = text.strip(" -–—:|,;[(")
        for marker in ("**", "__", "*", "_", "`"):
            if len(text) > 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
                text = text[len(marker) : -len(marker)]
        text = text.removeprefix("**").removesuffix("**").strip()
    return text


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()
