"""Plain-text paper items: ``1. Title. Hinton et al. arXiv:1503.02531``, ``2. Title. Li, Yuncheng et al. ICCV 2017``.

An item without a paper link can still name a paper in plain text. Its text is
read as a title sentence, then a short tail (authors, a venue and year, an
arXiv id, in that order, each optional) and trailing links (``[[code]][1.10]``):

* the title is the text up to the first sentence end: a period followed by a
  space (not after ``et al``, ``vs``, ``e.g`` or an initial), or an earlier
  ``?``/``!`` when what follows it up to that period names authors (``et al``,
  or one ``Surname, Given``);
  ``Title: Subtitle`` and ``Is It? A Study.`` stay whole;
* the tail is short (:data:`_TAIL_WORDS` words at most) and ends with an arXiv
  id written as text (``arXiv:1503.02531``, ``arXiv 1503.02531``,
  ``arxiv.org/abs/1503.02531``), optionally followed by ``. VENUE YEAR``, or
  with a venue and a year (``ICCV 2017``, ``arXiv:2020``, ``ACL 2019,short``,
  ``Future Generation Computer Systems, 2021``) or a year alone.

:func:`read_plain` gives the parts of such an item; whether an item without an
id is a paper is the list's to say (:mod:`tracker.listdoc.items`: only in a
section where most items are papers). Items linking to places in the file
(a table of contents), items opening with a date (news) and items holding
other links in their text are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.listdoc.cells import Link
from tracker.paper_ids import normalise_arxiv_id

_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"
ARXIV_TEXT = re.compile(
    rf"(?<![\w/])(?P<prefix>arxiv(?:\s*:\s*|[ \t]+)|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)"
    rf"(?P<id>{_ID})(?:\.pdf)?(?![\w.]*\d)",
    re.IGNORECASE,
)
"""An arXiv id written as text: ``arXiv:ID``, ``arXiv ID``, ``arxiv.org/abs/ID`` (any case, any version)."""
_BROKEN_ARXIV = re.compile(r"(?<![\w/])arxiv\s*:?\s*\d{4}\.\d{3,6}(?:v\d+)?[\s.]*$", re.IGNORECASE)
"""An id that is not one (``arXiv:2014.10510``, month 14): the venue is arXiv, the paper known by its title."""
_VENUE_WORD = r"(?!(?:et|al|and)\b)[A-Za-z][\w&+\-/]*"
_VENUE_YEAR = re.compile(
    rf"(?:^|(?<=[\s.,;:)]))(?P<venue>(?:{_VENUE_WORD}[ \t]+){{0,5}}{_VENUE_WORD})?[ \t,:'’]*"
    r"\(?(?P<year>(?:19|20)\d\d)(?![\d.]*\d|\w)\)?(?P<rest>[ \t]*(?:,[ \t]*[A-Za-z]+|\([A-Za-z ]+\)))?[\s.]*$"
)
"""A venue (up to six words) and a year ending the tail: ``ICCV 2017``, ``arXiv:2020``, ``ACL 2019,short``, ``2017``."""
_TRAILING_LINK = re.compile(r"[ \t]*\[?\[(?:[^\[\]]|\[[^\[\]]*\])*\](?:\([^()\s]*\)|\[[^\[\]]*\])\]?[ \t]*$")
"""A link closing the text: ``[[code]][1.10]``, ``[code](url)``, ``[[project]](url)``."""
_BRACKETED = re.compile(r"[ \t]*(?:\[[^\[\]]*\]|\([^()]*\))[\s.]*$")
"""A tail in brackets right after the title, without a sentence end: ``Title [KDD 2021]``, ``Title (arXiv 2110.06483)``."""
_SENTENCE_END = re.compile(r"\.(?=[*_]*(?:\s|$))")
_QUESTION = re.compile(r"[?!](?=[*_]*\s)")
_SURNAME_GIVEN = re.compile(r"^\s*[A-Z][\w'\-]+,\s*[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)?\s*(?:$|,|&|\band\b)")
"""An author named ``Surname, Given`` (alone or first): what follows the ``?`` of ``Is It Good? Hopper, Grace.``."""
_ABBREVIATIONS = frozenset({"al", "vs", "e.g", "i.e", "etc", "cf", "fig", "vol", "no", "et"})
_NEWS = re.compile(r"^[\s*_]*(?:\d{4}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\[?(?:new|update|news)\b)", re.IGNORECASE)
_TAIL_WORDS = 24
_TITLE_WORDS = (2, 40)


@dataclass(frozen=True)
class PlainPaper:
    """The parts of a plain-text paper item, as written."""

    title: str
    """The title sentence (whitespace collapsed, a leading link's brackets removed, markup kept)."""
    arxiv_id: str | None
    """Versionless arXiv id named in the tail, or ``None`` (the paper is known by its title)."""
    arxiv_prefix: str
    """How the id is introduced (``arXiv:``, ``arXiv ``, ``arxiv.org/abs/``); ``""`` without an id."""
    authors: str
    """The tail before the id and venue (``Li, Yuncheng et al``), final period removed; may be empty."""
    venue: str
    """Venue and year as written (``ICCV 2017``, ``arXiv:2020``); ``""`` when the tail has none."""
    links: tuple[Link, ...]
    """The trailing links (code, project pages), in order."""


def read_plain(text: str, links: tuple[Link, ...]) -> PlainPaper | None:
    """``text`` (an item's content, continuation lines joined) read as a plain-text paper; ``None`` if it is not one.

    ``links``: the links of ``text`` (reference links resolved). A paper with
    an arXiv id may open with a link (``[Tool][18.8]: Title. arXiv:ID``, the link's
    text then starts the title); otherwise only trailing links are allowed.
    """
    text = " ".join(text.split())
    if any(link.url.startswith("#") for link in links) or _NEWS.match(text):
        return None
    body, trailing = _split_trailing(text, links)
    inner = [link for link in links if link.end <= len(body)]
    leading = inner[0] if inner and not body[: inner[0].start].strip(" *_") else None
    plain, starts = _unlink(body, inner)
    end, bracketed = _title_end(plain), False
    if end is None:
        group = _BRACKETED.search(plain)
        if group is None:
            return None
        end, bracketed = group.start(), True
    if any(start < end for link, start in zip(inner, starts, strict=True) if link is not leading):
        return None  # a link inside the title: a sentence about something, not a paper
    title, tail = _unwrap(plain[:end].strip()), plain[end:].lstrip("?!.*_ ").strip()
    if bracketed:
        tail = tail.rstrip(" .")[1:-1].strip()
    words = len(title.split())
    if not _TITLE_WORDS[0] <= words <= _TITLE_WORDS[1] or not tail or len(tail.split()) > _TAIL_WORDS:
        return None
    found = ARXIV_TEXT.search(tail)
    arxiv_id = normalise_arxiv_id(found.group("id")) if found else None
    if found is not None and arxiv_id is not None:
        after = tail[found.end() :].strip(" .])")
        venue_match = _VENUE_YEAR.search(after) if after else None
        if after and (venue_match is None or venue_match.start() > 0):
            return None  # text after the id that is not a venue: a sentence, not a paper
        venue = after if venue_match else ""
        authors = tail[: found.start()]
        return PlainPaper(title, arxiv_id, found.group("prefix"), _authors(authors), venue, trailing)
    if leading is not None:
        return None
    broken = _BROKEN_ARXIV.search(tail)
    if broken is not None:
        return PlainPaper(title, None, "", _authors(tail[: broken.start()]), tail[broken.start() :].strip(" ."),
                          trailing)
    venue_match = _VENUE_YEAR.search(tail)
    if venue_match is None:
        return None
    venue = tail[venue_match.start() :].strip(" .")
    return PlainPaper(title, None, "", _authors(tail[: venue_match.start()]), venue, trailing)


def _unlink(text: str, links: list[Link]) -> tuple[str, list[int]]:
    """``text`` with each of ``links`` replaced by its text (brackets removed), and where each now starts."""
    out, starts, last = [], [], 0
    for link in links:
        out.append(text[last : link.start])
        starts.append(sum(len(part) for part in out))
        out.append(link.text.strip("[]"))
        last = link.end
    out.append(text[last:])
    return "".join(out), starts


def _split_trailing(text: str, links: tuple[Link, ...]) -> tuple[str, tuple[Link, ...]]:
    """``text`` without the links that close it, and those links in order."""
    body = text.rstrip()
    found: list[Link] = []
    while True:
        match = _TRAILING_LINK.search(body)
        if match is None:
            break
        link = next((link for link in links if link.start >= match.start() and link.end <= match.end()), None)
        if link is None:
            break
        found.insert(0, link)
        body = body[: match.start()].rstrip()
    return body, tuple(found)


def _title_end(body: str) -> int | None:
    """Index just past the title sentence of ``body`` (at its ``.``, ``?`` or ``!``), or ``None``."""
    period = None
    for match in _SENTENCE_END.finditer(body):
        word = re.search(r"([\w.]*)$", body[: match.start()]).group(1)
        if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            continue
        period = match.start()
        break
    for match in _QUESTION.finditer(body):
        if period is not None and match.start() >= period:
            break
        following = body[match.end() : period if period is not None else len(body)]
        if re.search(r"\bet\.?\s*al\b", following) or _SURNAME_GIVEN.match(following):
            return match.end()
    return period


def _unwrap(title: str) -> str:
    """``title`` without emphasis around all of it (``**Title**``, ``**Title``), emphasis inside kept."""
    for marker in ("**", "__", "*", "_"):
        if title.startswith(marker) and title.endswith(marker) and len(title) > 2 * len(marker):
            return title[len(marker) : -len(marker)].strip()
        if title.startswith(marker) and marker not in title[len(marker) :]:
            return title[len(marker) :].strip()  # "**Title.** Authors": the closing marker is past the period
    return title


def _authors(text: str) -> str:
    """The authors part of a tail, as written, without the punctuation around it."""
    return " ".join(text.split()).strip(" .,;[(")
