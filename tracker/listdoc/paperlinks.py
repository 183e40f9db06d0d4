"""Which links point at a paper: arXiv in any form, OpenReview, the ACL Anthology, proceedings and publishers.

A list item is read as a paper only when it holds such a link
(:mod:`tracker.listdoc.items`); a table row needs no such link, its table's
Title column says it is a paper. Code hosts, blogs and project pages are not
paper links, so the "Tools" and "Other lists" sections of a list stay text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PAPER_HOSTS = (
    "arxiv.org", "export.arxiv.org", "ar5iv.org", "ar5iv.labs.arxiv.org", "alphaxiv.org", "openreview.net",
    "aclanthology.org", "aclweb.org", "papers.nips.cc", "proceedings.neurips.cc", "proceedings.mlr.press",
    "jmlr.org", "openaccess.thecvf.com", "ojs.aaai.org", "aaai.org", "ijcai.org", "dl.acm.org", "ieeexplore.ieee.org",
    "link.springer.com", "sciencedirect.com", "nature.com", "science.org", "doi.org", "dx.doi.org", "biorxiv.org",
    "medrxiv.org", "semanticscholar.org", "paperswithcode.com", "ecva.net", "pmlr.press",
    "researchgate.net", "ssrn.com", "papers.ssrn.com", "academic.oup.com", "jair.org", "transacl.org",
    "direct.mit.edu",
)
"""Hosts (and their subdomains) whose links are papers."""

_PAPER_PATHS = re.compile(r"(?:\.pdf$|/papers?/|/proceedings?/|/paper_files/|/doi/|/abs/|/forum$)", re.IGNORECASE)
"""Paths that name a paper on any other host (``…/paper.pdf``, ``huggingface.co/papers/ID``, ``…/proceedings/…``)."""

_NOT_PAPERS = ("github.com", "gitlab.com", "githubusercontent.com", "img.shields.io", "youtube.com", "youtu.be",
               "twitter.com", "x.com", "medium.com")
"""Hosts never taken as a paper, whatever the path."""


def is_paper_url(url: str) -> bool:
    """Whether ``url`` (http or https) points at a paper.

    >>> is_paper_url("https://arxiv.org/pdf/2402.13116v2.pdf"), is_paper_url("https://openreview.net/forum?id=x")
    (True, True)
    >>> is_paper_url("https://github.com/org/repo"), is_paper_url("https://aclanthology.org/2024.acl-long.1.pdf")
    (False, True)
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host or any(host == bad or host.endswith("." + bad) for bad in _NOT_PAPERS):
        return False
    if any(host == known or host.endswith("." + known) for known in _PAPER_HOSTS):
        return True
    return bool(_PAPER_PATHS.search(parts.path.rstrip("/") or "/"))
