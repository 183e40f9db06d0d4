"""Paper identity: one versionless arXiv id for every way a link or a person writes one, and one normalised title.

Two records are the same paper when they have the same arXiv id (in any link
form below), else the same :func:`normalise_title`.

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
