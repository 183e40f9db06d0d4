"""The list's own headings as extra documents.

A heading path says in the maintainers' words what a section collects
("Verticalization Distillation > Medical & Healthcare"). Each section path
becomes one short document: the leaf heading as its title, the whole path as
its text. They come from whatever README is given, so another list's
headings teach its own vocabulary.

- The section model moves each section's centroid towards its heading
  (``heading_weight`` in :data:`classifiers.models.SECTION_DEFAULTS`; on
  ../shared/data it raised out-of-fold top-1/top-3 on three versions of the README).
- The relevance model can take them as positive documents (``heading_weight``
  in :data:`classifiers.models.RELEVANCE_DEFAULTS`), off by default: there it
  moved replay recall by a paper or two either way and cost cross-validated
  recall (``python -m bench.quality --steps`` shows the rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scipy.sparse as sp

from tracker.records import Paper

ID_PREFIX = "heading:"
"""Prefix of a heading document's ``arxiv_id`` (never a real arXiv id)."""


def heading_document(section: str) -> Paper | None:
    """The document of one section path (None for an empty path).

    The path is split on ``>`` as :mod:`tracker.listdoc.document` joins it, so a heading
    that itself holds ``>`` ("Teacher -> Student") gives two parts; its words
    all stay in the text.
    """
    parts = [part.strip() for part in section.split(">") if part.strip()]
    if not parts:
        return None
    return Paper(arxiv_id=f"{ID_PREFIX}{' > '.join(parts)}", title=parts[-1], abstract=". ".join(parts), source="list")


def heading_documents(sections: Iterable[str]) -> list[Paper]:
    """One document per distinct, non-empty section path, in first-seen order."""
    out: dict[str, Paper] = {}
    for section in sections:
        doc = heading_document(section)
        if doc is not None:
            out.setdefault(doc.arxiv_id, doc)
    return list(out.values())


def heading_features(sections: Iterable[str], vectorizer: Any) -> dict[str, sp.csr_matrix]:
    """Each distinct, non-empty section name -> its heading document as one row of ``vectorizer``'s features.

    ``vectorizer`` turns papers into features (the relevance model's fitted
    ``features__words`` step), so the rows live in the section model's input space.
    """
    docs = {s: doc for s in dict.fromkeys(sections) if (doc := heading_document(s)) is not None}
    if not docs:
        return {}
    X = sp.csr_matrix(vectorizer.transform(list(docs.values())))
    return {name: X[i] for i, name in enumerate(docs)}
