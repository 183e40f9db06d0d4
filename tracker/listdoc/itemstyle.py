"""The list's own item style, learnt from a section's paper items, and new items written in it.

Items differ from list to list: ``1. **[Title.](url)** [[code](url)]`` with an
indented italic authors line ``*A. Author, B. Author.* ACL'24`` below, or
``27. Title [paper](https://arxiv.org/pdf/ID.pdf)``, or ``- [Title](url)``.
Each feature is the most common one among the section's own items, the whole
list's items decide where the section has none: the marker (bullet character,
or numbers that continue ``1. 2. 3.`` or repeat ``1.``), indentation, where the
title's bold goes and whether it ends with a period, a title link or a title
followed by a ``[paper](url)`` label link, the arXiv link form, the code link's
text and brackets, the authors line (blank lines before it, indentation,
emphasis, a final period) and the venue's form (``ACL'24``, ``ACL 2024``,
``ACL``), the blank lines between items, and whether new items go on top
(newest first) or at the bottom (numbered lists, and lists sorted oldest first).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, TypeVar

from tracker.listdoc.cells import Link
from tracker.listdoc.items import Item
from tracker.listdoc.linkform import LinkForm, link_form
from tracker.listdoc.linktext import LinkText, learn_link_text, text_key

_T = TypeVar("_T")
VenueForm = Literal["apostrophe", "year", "plain"]
_APOSTROPHE_YEAR = re.compile(r"^(?P<venue>.*?)['’](?P<yy>\d\d)\b")
_FULL_YEAR = re.compile(r"^(?P<venue>.*?)\s*\b(?:19|20)\d\d\b")
_PREPRINT = frozenset({"preprint", "arxiv", "corr", "arxiv preprint"})
_LEADING_MARKUP = re.compile(r"^[*_~]*")
_CLOSING = re.compile(r"^[\])]*")
_SEPARATOR = re.compile(r"[\s\[(.,:;|–—-]*$")


@dataclass(frozen=True)
class AuthorsStyle:
    """The italic authors line under an item: ``*A. Author, B. Author.* ACL'24``."""

    before: tuple[str, ...] = ("",)
    """Lines between the item's line and the authors line (blank lines, as written)."""
    indent: str = "    "
    mark: str = "*"
    """The emphasis around the authors."""
    period: bool = True
    """The authors end with a period inside the emphasis."""
    venue: VenueForm = "apostrophe"
    preprint: str = "Preprint"
    """The venue written for a paper that is only on arXiv."""


AuthorsForm = Literal["surname_given", "surname", "full"]


@dataclass(frozen=True)
class TextStyle:
    """Plain-text items: ``N. Title. Surname, Given et al. arXiv:ID`` or ``… ACL 2024``, code as ``[[code]][5.11]``."""

    arxiv_prefix: str = "arXiv:"
    """What comes before the id: ``arXiv:``, ``arXiv ``, ``arxiv.org/abs/``."""
    authors: AuthorsForm = "surname"
    """The first author as ``Li, Yuncheng``, ``Hinton`` or ``Yuang Liu``; then ``et al.`` when there are more."""
    venue: VenueForm = "year"
    """An accepted venue as ``ACL 2024`` or ``ACL'24``."""
    reference: bool = False
    """Code links are reference-style (``[[code]][label]`` with ``[label]: url`` among the file's definitions)."""


@dataclass(frozen=True)
class ItemStyle:
    """How a section writes its paper items."""

    indent: str = ""
    marker: str = "-"
    """``-``, ``*``, ``+``, or an ordered delimiter ``.`` or ``)``."""
    numbering: Literal["bullet", "sequence", "same"] = "bullet"
    """Bullets, numbers counting up, or one number repeated (``1.`` everywhere)."""
    number: int = 1
    """The repeated number, for ``same``."""
    gap: str = " "
    """After the marker."""
    label: str | None = None
    """The text of a label link after the title (``paper`` in ``Title [paper](url)``); ``None``: the title is the link."""
    label_sep: str = " "
    """Between the title and the label link."""
    label_close: str = ""
    """Brackets closing around the label link (``]`` of ``[[paper](url)]``)."""
    pre: str = ""
    """Markup before the title link: ``**`` of ``**[Title](url)**``."""
    inner: str = ""
    """Markup inside the link text: ``**`` of ``[**Title**](url)``."""
    post: str = ""
    """Markup after the title link."""
    period: bool = False
    """The title ends with a period (``[Title.](url)``), unless it ends with ``?`` or ``!``."""
    code_pre: str = " "
    """Between the title (or the last link) and a code link: `` [`` of `` [[code](url)]``."""
    code_post: str = ""
    """After a code link: ``]`` of `` [[code](url)]``."""
    code_text: LinkText = LinkText("code")
    link_form: LinkForm | None = None
    authors: AuthorsStyle | None = None
    """The authors line, ``None`` when the items have none."""
    text: TextStyle | None = None
    """How plain-text items are written, when the section writes its papers as text (no title link)."""
    between: tuple[str, ...] = ()
    """Lines between two items (blank lines, as written)."""
    on_top: bool = True
    """New items go above the first item (newest first), else below the last."""
    newline: str = ""
    """``"\\r"`` in a CRLF file."""


@dataclass(frozen=True)
class NewItem:
    """The checked, escaped parts of an item to write."""

    title: str
    url: str
    venue: str
    """Escaped venue (``arXiv`` for a paper only on arXiv)."""
    year: int | None
    code: tuple[str, ...]
    authors: str
    """Escaped authors, joined with ``, ``; empty when unknown."""
    arxiv_id: str | None = None
    """The versionless arXiv id, for a plain-text item."""
    names: tuple[str, ...] = ()
    """Escaped author names, in order, for a plain-text item."""


def learn_item_style(
    own: list[Item], every: list[Item], lines: tuple[str, ...], crlf: bool, code_links: Iterable[tuple[str, Link]] = ()
) -> ItemStyle:
    """The style of a section whose paper items are ``own``; ``every``: all paper items of the list.

    ``code_links``: ``(item text, code link)`` of the section's other items, whose code links teach the
    code link's text and brackets when no paper item has one (``[[code]][1.10]`` is written ``[[code]](url)``).
    """
    source = own or every
    votes = _Votes()
    for item in source:
        votes.count(item, lines)
    if not votes.code:
        for content, link in code_links:
            votes.count_code(content, link, _SEPARATOR.search(content[: link.start]).group())
    if not own:
        return _style(votes, crlf, on_top=True, sequence_last=None)
    numbers = [int(item.marker[:-1]) for item in own if item.marker[:-1].isdigit()]
    sequence = len(numbers) >= 2 and all(b == a + 1 for a, b in pairwise(numbers))
    ids = [item.row.arxiv_id for item in own if item.row.arxiv_id and "." in item.row.arxiv_id]
    steps = [(b > a) - (b < a) for a, b in pairwise(ids)]
    ascending = steps.count(1) > steps.count(-1)
    return _style(votes, crlf, on_top=not (sequence or ascending), sequence_last=numbers[-1] if sequence else None)


class _Votes:
    def __init__(self) -> None:
        self.indent: Counter[str] = Counter()
        self.marker: Counter[str] = Counter()
        self.numbers: Counter[int] = Counter()
        self.gap: Counter[str] = Counter()
        self.form: Counter[tuple[str | None, str, str, str, str, str]] = Counter()
        self.period: Counter[bool] = Counter()
        self.code: Counter[tuple[str, str]] = Counter()
        self.code_texts: Counter[tuple[str, str]] = Counter()
        self.link_forms: Counter[LinkForm] = Counter()
        self.authors: Counter[tuple[tuple[str, ...], str, str, bool]] = Counter()
        self.venue: Counter[VenueForm] = Counter()
        self.preprint: Counter[str] = Counter()
        self.without_authors = 0
        self.between: Counter[tuple[str, ...]] = Counter()
        self.shape: Counter[str] = Counter()
        self.arxiv_prefix: Counter[str] = Counter()
        self.author_forms: Counter[AuthorsForm] = Counter()
        self.text_venue: Counter[VenueForm] = Counter()
        self.reference: Counter[bool] = Counter()
        self._last: Item | None = None

    def _count_text(self, item: Item) -> None:
        plain = item.plain
        if plain is None:
            return
        self.shape["text"] += 1
        if plain.arxiv_prefix:
            self.arxiv_prefix[plain.arxiv_prefix] += 1
        head, et_al, _ = plain.authors.partition("et al")
        head = head.strip(" ,.")
        if et_al and head:
            self.author_forms["surname_given" if "," in head else "surname" if len(head.split()) == 1 else "full"] += 1
        if _APOSTROPHE_YEAR.match(plain.venue):
            self.text_venue["apostrophe"] += 1
        elif _FULL_YEAR.match(plain.venue):
            self.text_venue["year"] += 1

    def count_code(self, content: str, code: Link, between: str) -> None:
        """A code link in ``content``, after ``between`` (counted only when it is a mere separator)."""
        if _SEPARATOR.fullmatch(between):
            self.code[between or " ", _CLOSING.match(content[code.end :]).group()] += 1
        self.reference[content[code.end - 1] == "]"] += 1
        key = text_key(code.text, code.url)
        if key is not None:
            self.code_texts[key, code.url] += 1

    def count(self, item: Item, lines: tuple[str, ...]) -> None:
        text = [line.rstrip("\r") for line in lines]
        self.indent[item.indent] += 1
        self.marker[item.marker[-1] if item.marker[:-1].isdigit() else item.marker] += 1
        if item.marker[:-1].isdigit():
            self.numbers[int(item.marker[:-1])] += 1
        self.gap[item.gap] += 1
        content, paper = item.content, item.paper_link
        if paper is None:
            self._count_text(item)
            end = 0
        elif item.title_link is not None:
            pre = content[: paper.start]
            inner = _LEADING_MARKUP.match(paper.text).group()
            post = _LEADING_MARKUP.match(content[paper.end :]).group()
            self.form[None, "", "", pre, inner, post] += 1
            bare = paper.text.strip("*_ ")
            self.period[bare.endswith(".")] += 1
            end = paper.end + len(post)
        else:
            before = content[: paper.start]
            sep = _SEPARATOR.search(before).group()
            close = _CLOSING.match(content[paper.end :]).group()
            self.form[paper.text, sep, close, "", "", ""] += 1
            end = paper.end + len(close)
        if paper is not None:
            self.shape["link"] += 1
            form = link_form(paper.url)
            if form is not None:
                self.link_forms[form] += 1
        code = next((link for link in item.links if link.url in item.row.code and link.start >= end), None)
        if code is not None:
            between = content[end : code.start] if paper is not None else _SEPARATOR.search(content[: code.start]).group()
            self.count_code(content, code, between)
        if item.authors_line is not None:
            line = text[item.authors_line]
            stripped = line.lstrip()
            mark = stripped[0]
            inner, _, rest = stripped[1:].partition(mark)
            self.authors[tuple(text[item.start + 1 : item.authors_line]), line[: len(line) - len(stripped)], mark,
                         inner.rstrip().endswith(".")] += 1
            rest = rest.strip()
            if match := _APOSTROPHE_YEAR.match(rest):
                self.venue["apostrophe"] += 1
                venue = match.group("venue").strip()
            elif match := _FULL_YEAR.match(rest):
                self.venue["year"] += 1
                venue = match.group("venue").strip()
            else:
                self.venue["plain"] += 1
                venue = rest
            if venue.lower() in _PREPRINT:
                self.preprint[venue] += 1
        else:
            self.without_authors += 1
        last = self._last
        if last is not None and last.indent == item.indent and last.end <= item.start:
            gap_lines = tuple(text[last.end : item.start])
            if all(not line.strip() for line in gap_lines):
                self.between[gap_lines] += 1
        self._last = item


def _style(votes: _Votes, crlf: bool, *, on_top: bool, sequence_last: int | None) -> ItemStyle:
    marker = _pick(votes.marker, "-")
    ordered = marker in (".", ")")
    numbering: Literal["bullet", "sequence", "same"] = "bullet"
    number = 1
    if ordered:
        numbering = "sequence" if sequence_last is not None else "same"
        number = sequence_last if sequence_last is not None else _pick(votes.numbers, 1)
    label, label_sep, label_close, pre, inner, post = _pick(votes.form, (None, " ", "", "", "", ""))
    code_pre, code_post = _pick(votes.code, (" ", ""))
    text = None
    if votes.shape["text"] > votes.shape["link"]:
        text = TextStyle(_pick(votes.arxiv_prefix, "arXiv:"), _pick(votes.author_forms, "surname"),
                         _pick(votes.text_venue, "year"), _pick(votes.reference, False))
    authors = None
    if votes.authors and sum(votes.authors.values()) >= votes.without_authors:
        before, indent, mark, period = _pick(votes.authors, (("",), "    ", "*", True))
        authors = AuthorsStyle(before, indent, mark, period, _pick(votes.venue, "plain"), _pick(votes.preprint, "arXiv"))
    return ItemStyle(
        indent=_pick(votes.indent, ""),
        marker=marker,
        numbering=numbering,
        number=number,
        gap=_pick(votes.gap, " "),
        label=label,
        label_sep=label_sep,
        label_close=label_close,
        pre=pre,
        inner=inner,
        post=post,
        period=_pick(votes.period, False),
        code_pre=code_pre,
        code_post=code_post,
        code_text=learn_link_text(votes.code_texts, Counter(), "code"),
        link_form=_pick(votes.link_forms, None),
        authors=authors,
        text=text,
        between=_pick(votes.between, ()),
        on_top=on_top,
        newline="\r" if crlf else "",
    )


def item_number(style: ItemStyle, position: int) -> int | None:
    """The number of the new item at ``position`` in a numbered list that counts up, else ``None``."""
    return style.number + 1 + position if style.numbering == "sequence" else None


def format_item(style: ItemStyle, item: NewItem, position: int, labels: tuple[str, ...] = ()) -> list[str]:
    """The lines of ``item`` in ``style``; ``position``: how many new items the same list got before it.

    ``labels``: one reference label per code link, for a plain-text style whose code links are
    reference-style (the caller adds the definitions); without them code links are written inline.
    """
    url = style.link_form.write(item.url) if style.link_form is not None else item.url
    number = item_number(style, position)
    if number is not None:
        marker = f"{number}{style.marker}"
    elif style.numbering == "same":
        marker = f"{style.number}{style.marker}"
    else:
        marker = style.marker
    if style.text is not None:
        return [f"{style.indent}{marker}{style.gap}{_text_item(style, style.text, item, labels)}{style.newline}"]
    title = item.title
    if style.period and not title.endswith((".", "?", "!")):
        title += "."
    if style.label is None:
        element = f"{style.pre}[{style.inner}{title}{style.inner}]({url}){style.post}"
    else:
        element = f"{title}{style.label_sep}[{style.label}]({url}){style.label_close}"
    code = "".join(f"{style.code_pre}[{style.code_text.for_url(link)}]({link}){style.code_post}" for link in item.code)
    out = [f"{style.indent}{marker}{style.gap}{element}{code}"]
    authors = style.authors
    if authors is not None and item.authors:
        names = item.authors + ("." if authors.period and not item.authors.endswith(".") else "")
        venue = _venue(authors, item.venue, item.year)
        out.extend(authors.before)
        out.append(f"{authors.indent}{authors.mark}{names}{authors.mark}" + (f" {venue}" if venue else ""))
    return [line + style.newline for line in out]


def _text_item(style: ItemStyle, text: TextStyle, item: NewItem, labels: tuple[str, ...]) -> str:
    """``Title. Surname et al. arXiv:ID [[code]][label]``: a paper written as text, in the section's forms."""
    parts = [item.title if item.title.endswith((".", "?", "!")) else item.title + "."]
    if item.names:
        first = _author_name(item.names[0], text.authors)
        parts.append(f"{first} et al." if len(item.names) > 1 else first.rstrip(".") + ".")
    preprint = not item.venue or item.venue.lower() in _PREPRINT
    if not preprint and item.year is not None:
        parts.append(f"{item.venue}'{item.year % 100:02d}" if text.venue == "apostrophe" else f"{item.venue} {item.year}")
    elif item.arxiv_id:
        parts.append(f"{text.arxiv_prefix}{item.arxiv_id}")
    line = " ".join(parts)
    for index, link in enumerate(item.code):
        name = style.code_text.for_url(link)
        target = f"[{labels[index]}]" if text.reference and index < len(labels) else f"({link})"
        line += f"{style.code_pre}[{name}]{target}{style.code_post}"
    return line


def _author_name(name: str, form: AuthorsForm) -> str:
    """``Ada Lovelace`` as ``Lovelace, Ada``, ``Lovelace`` or ``Ada Lovelace``."""
    words = name.split()
    if form == "full" or len(words) < 2:
        return name
    if form == "surname":
        return words[-1]
    return f"{words[-1]}, {' '.join(words[:-1])}"


def _venue(style: AuthorsStyle, venue: str, year: int | None) -> str:
    if not venue or venue.lower() in _PREPRINT:
        venue = style.preprint
    if year is None or style.venue == "plain":
        return venue
    if style.venue == "apostrophe":
        return f"{venue}'{year % 100:02d}"
    return f"{venue} {year}"


def _pick(votes: Counter[_T], default: _T) -> _T:
    """The most common value (the first seen among equals), else ``default``."""
    return max(votes, key=votes.__getitem__) if votes else default


def items_in(items: Iterable[Item], section: str) -> list[Item]:
    """The paper items of ``section``, in file order."""
    return [item for item in items if item.row.section == section]
