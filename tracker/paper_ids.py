"""Paper identity: one versionless arXiv id for every way a link or a person writes one, and one normalised title.

Two records are the same paper when they have the same arXiv id (in any link
form below), else the same :func:`normalise_title`: :class:`KnownPapers`
answers "is this paper among those?" by that rule, and :func:`paper_key` gives
the one key a paper is grouped or counted by.

``https://arxiv.org/pdf/2403.06414v1.pdf``, ``arxiv.org/abs/2403.06414``,
``arXiv:2403.06414v2``, ``2403.06414`` and the same paper's ar5iv, alphaXiv,
Hugging Face papers and ``doi.org/10.48550/arXiv.`` links are all ``2403.06414``; old-style ids
(``hep-th/9901001``, ``math.GT/0309136v2``) keep their archive. Anything else
(ACL Anthology, blogs, GitHub) has no arXiv id.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

from tracker.markdown_safe import unescape_cell, visible_text

_NEW = r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})"
_OLD = r"(?P<old>[a-z][a-z\-]*(?:\.[a-z]{2})?/\d{7})"
_VERSION = r"(?:v\d+)?"

_BARE = re.compile(rf"^(?:arxiv:\s*)?(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)
_SITES = (
    r"(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|ps|format)/",
    r"ar5iv(?:\.labs\.arxiv)?\.org/(?:abs|html)/",
    r"(?:www\.)?alphaxiv\.org/(?:abs|overview|pdf)/",
    r"(?:www\.)?huggingface\.co/papers/",
    r"(?:dx\.)?doi\.org/10\.48550/arxiv\.",
)
"""Links that name an arXiv paper: arxiv.org itself, its mirrors and pages about it, and arXiv's own DOIs."""
_URL = re.compile(
    rf"^(?:https?://)?(?:{'|'.join(_SITES)})"
    rf"(?:{_NEW}|{_OLD}){_VERSION}(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


def normalise_arxiv_id(url_or_id: str) -> str | None:
    """The versionless arXiv id of an arxiv.org link or a written id; ``None`` for anything else.

    >>> normalise_arxiv_id("https://arxiv.org/pdf/2403.06414v1.pdf")
    '2403.06414'
    >>> normalise_arxiv_id("https://aclanthology.org/2024.eacl-long.109.pdf") is None
    True
    """
    text = (url_or_id or "").strip()
    match = _BARE.match(text) or _URL.match(text)
    if match is None:
        return None
    if match.group("old"):
        archive, number = match.group("old").split("/")
        name, _, subject = archive.partition(".")
        return f"{name.lower()}.{subject.upper()}/{number}" if subject else f"{name.lower()}/{number}"
    yymm, number = match.group("yymm"), match.group("number")
    month = int(yymm[2:])
    if not 1 <= month <= 12:
        return None
    # YYMM.NNNN until 2014-12, YYMM.NNNNN from 2015-01.
    if (len(number) == 5) != (yymm >= "1501"):
        return None
    return f"{yymm}.{number}"


def normalise_title(title: str) -> str:
    """``title`` lowercased, with markdown escapes, entities, markup and punctuation removed, whitespace collapsed.

    Two rows are the same paper when their normalised titles are equal:
    ``**Divide-or-Conquer?**`` and ``divide or conquer`` both give ``divide or conquer``.
    Hidden characters (a zero-width space, a bidi mark) are dropped, as in a written row.
    """
    text = visible_text(html.unescape(unescape_cell(title)))
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(text.split())


def arxiv_id_of(arxiv_id: str | None, url: str) -> str | None:
    """The versionless id of a record with an arXiv id field and a link: the field's when it is set, else the link's."""
    return normalise_arxiv_id(arxiv_id) if arxiv_id else normalise_arxiv_id(url)


def paper_key(arxiv_id: str | None, title: str) -> str:
    """The one key of a paper, to group or count by: its arXiv id, else its normalised title.

    An id always holds a ``.`` or a ``/`` and a normalised title never does, so
    the two kinds never meet. Unlike :class:`KnownPapers`, a paper with an id and
    one without are two keys even when their titles agree.
    """
    return arxiv_id or normalise_title(title)


class Titled(Protocol):
    """A record with an arXiv id (as :func:`normalise_arxiv_id` gives it, or none) and a title."""

    @property
    def arxiv_id(self) -> str | None: ...

    @property
    def title(self) -> str: ...


V = TypeVar("V")
T = TypeVar("T", bound=Titled)


class KnownPapers(Generic[V]):
    """Papers known by arXiv id and by normalised title, each with a value: the paper-identity rule in one place.

    :meth:`find` gives the value of the known paper with the same arXiv id, else
    of one with the same normalised title (a paper known with an id is found by
    its title too); an empty normalised title finds nothing. Ids are compared
    as given: pass them as :func:`normalise_arxiv_id` gives them. An id or a
    title two papers share stays with the first one added.
    """

    def __init__(self) -> None:
        self._ids: dict[str, V] = {}
        self._titles: dict[str, V] = {}

    @classmethod
    def of(cls, records: Iterable[T]) -> KnownPapers[T]:
        """``records`` (rows, papers) known by their ``arxiv_id`` and ``title``, each its own value."""
        known: KnownPapers[T] = KnownPapers()
        for record in records:
            known.add(record.arxiv_id, record.title, record)
        return known

    def add(self, arxiv_id: str | None, title: str, value: V) -> None:
        """Know a paper by ``arxiv_id`` (when it has one) and ``title``."""
        if arxiv_id:
            self._ids.setdefault(arxiv_id, value)
        key = normalise_title(title)
        if key:
            self._titles.setdefault(key, value)

    def find(self, arxiv_id: str | None = None, title: str = "") -> V | None:
        """The value of the known paper with this arXiv id, else of one with this normalised title; ``None`` if none."""
        if arxiv_id and arxiv_id in self._ids:
            return self._ids[arxiv_id]
        key = normalise_title(title) if title else ""
        return self._titles.get(key) if key else None

    def has(self, arxiv_id: str | None = None, title: str = "") -> bool:
        """Whether a known paper has this arXiv id or this normalised title."""
        return self.find(arxiv_id, title) is not None
