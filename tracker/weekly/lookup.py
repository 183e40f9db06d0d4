"""Look up the list's papers that the papers at hand lack on the arXiv API, by id, before training.

One rule for the weekly run and ``kd-tracker train``; each says what an
unreachable arXiv means to it: the run fails (nothing published, a re-run
completes it), ``train`` skips them with a warning and trains without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources import ArxivSource

OnError = Literal["fail", "skip"]
"""What a :class:`SourceError` does: ``fail`` raises it, ``skip`` keeps it in :attr:`ListLookUp.error` and
finds nothing (the caller says so)."""


@dataclass
class ListLookUp:
    """What :func:`look_up_list_papers` asked arXiv and got back."""

    ids: list[str] = field(default_factory=list)
    """The list's arXiv ids missing from the papers at hand (none: arXiv was not asked)."""
    found: list[Paper] = field(default_factory=list)
    """The papers arXiv gave for them (none when it failed under ``skip``)."""
    error: str = ""
    """Why arXiv gave nothing, under ``skip``."""


def look_up_list_papers(rows: list, papers: Iterable[Paper], config: ArxivConfig, *, on_error: OnError,
                        api: ArxivSource | None = None) -> ListLookUp:
    """The list rows' papers absent from ``papers``, fetched from the arXiv API by id.

    ``api`` defaults to a source built from ``config`` (only when there is
    something to look up); ``on_error`` is the caller's policy for an arXiv
    that fails.
    """
    from classifiers.training_set import missing_ids

    ids = missing_ids(rows, papers)
    if not ids:
        return ListLookUp()
    try:
        found: list[Paper] = (api or ArxivSource.from_config(config)).fetch_ids(ids)
    except SourceError as e:
        if on_error == "fail":
            raise
        return ListLookUp(ids, error=str(e))
    return ListLookUp(ids, found)
