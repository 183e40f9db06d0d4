"""The list's own headings as extra training documents.

A heading path says in the maintainers' words what the list collects
("KD Algorithms > Knowledge Elicitation > Self-Knowledge"). Each distinct
section path becomes one short positive document for the relevance model:
the leaf heading as its title, the whole path as its text. They teach the
words of the taxonomy ("self-knowledge", "distillation algorithms") that
only a few of the list's papers use, and they come from whatever README is
given, so another list's headings teach its own vocabulary.

Off by default (``heading_weight`` 0 in :data:`classifiers.models.RELEVANCE_DEFAULTS`):
on ../shared/data it moved replay recall by a paper or two either way and cost
cross-validated recall (``python -m bench.quality --steps`` shows the rows).
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.records import Paper

ID_PREFIX = "heading:"
"""Prefix of a heading document's ``arxiv_id`` (never a real arXiv id)."""


def heading_documents(sections: Iterable[str]) -> list[Paper]:
    """One document per distinct, non-empty section path, in first-seen order."""
    out: list[Paper] = []
    seen: set[str] = set()
    for section in sections:
        parts = [part.strip() for part in section.split(">") if part.strip()]
        path = " > ".join(parts)
        if not parts or path in seen:
            continue
        seen.add(path)
        out.append(Paper(arxiv_id=f"{ID_PREFIX}{path}", title=parts[-1], abstract=". ".join(parts), source="list"))
    return out
