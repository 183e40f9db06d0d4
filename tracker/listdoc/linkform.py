"""The list's own arXiv link form: ``/abs/ID``, ``/pdf/ID``, ``/pdf/ID.pdf``, versioned or not, on which host.

Rows link one paper as ``https://arxiv.org/abs/2403.06414``,
``https://arxiv.org/pdf/2403.06414.pdf``, ``https://www.arxiv.org/pdf/2403.06414v2``
and so on. A :class:`LinkForm` is one such way of writing, learnt from the
arxiv.org links of a table's rows like the rest of the row style
(:mod:`tracker.listdoc.style`), and :meth:`LinkForm.write` writes a new row's
arxiv.org link in it. A versioned form keeps the version of the given link and
writes ``v1`` when the link has none (a proposal's id is versionless; ``v1``
always exists and never changes). As for every style feature, the table's
own rows decide, the whole list's break a tie and decide for a table without
arxiv.org rows; a tie in both goes to the form the table (else the list) used
first, and a list without arxiv.org rows keeps each link as given. Links
elsewhere (ar5iv, Hugging Face, the ACL Anthology) are neither learnt from nor
rewritten; the paper's id is the same in every form, so the duplicate check
(:mod:`tracker.paper_ids`) is not affected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PathKind = Literal["abs", "pdf", "pdf.pdf"]
"""``/abs/ID``, ``/pdf/ID`` or ``/pdf/ID.pdf``."""

_ARXIV_LINK = re.compile(
    r"^(?P<scheme>https?)://(?P<host>(?:www\.)?arxiv\.org)/(?P<kind>abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?P<version>v[1-9]\d*)?(?P<ext>\.pdf)?/?$",
    re.IGNORECASE,
)
"""An arxiv.org paper link with nothing after the id but a version, ``.pdf`` or a slash."""


@dataclass(frozen=True)
class LinkForm:
    """How a list writes its arxiv.org links."""

    scheme: str = "https"
    """``https`` or ``http``."""
    host: str = "arxiv.org"
    """``arxiv.org`` or ``www.arxiv.org``."""
    kind: PathKind = "abs"
    """The path's form."""
    versioned: bool = False
    """Whether the id carries a version (``2403.06414v1``)."""

    def write(self, url: str) -> str:
        """``url`` in this form when it is an arxiv.org paper link, else ``url`` unchanged.

        >>> LinkForm(kind="pdf.pdf").write("https://arxiv.org/abs/2403.06414")
        'https://arxiv.org/pdf/2403.06414.pdf'
        >>> LinkForm(versioned=True).write("https://arxiv.org/pdf/2403.06414v2.pdf")
        'https://arxiv.org/abs/2403.06414v2'
        """
        match = _ARXIV_LINK.match(url)
        if match is None:
            return url
        version = (match.group("version") or "v1").lower() if self.versioned else ""
        path = "pdf" if self.kind.startswith("pdf") else "abs"
        ext = ".pdf" if self.kind == "pdf.pdf" else ""
        return f"{self.scheme}://{self.host}/{path}/{match.group('id')}{version}{ext}"


def link_form(url: str) -> LinkForm | None:
    """The form of an arxiv.org ``/abs/`` or ``/pdf/`` link; ``None`` for any other link (``/html/`` included).

    >>> link_form("http://www.arxiv.org/pdf/2403.06414v1")
    LinkForm(scheme='http', host='www.arxiv.org', kind='pdf', versioned=True)
    """
    match = _ARXIV_LINK.match(url.strip())
    if match is None or match.group("kind").lower() == "html":
        return None
    kind = match.group("kind").lower()
    if kind == "abs" and match.group("ext"):
        return None
    return LinkForm(
        scheme=match.group("scheme").lower(),
        host=match.group("host").lower(),
        kind="pdf.pdf" if match.group("ext") else kind,
        versioned=match.group("version") is not None,
    )
