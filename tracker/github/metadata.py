"""The metadata contract of a kd-tracker PR: the facts hidden in its body, written by publish and read by review.

An HTML comment (invisible on GitHub) at the end of the body holds the PR's
papers, overflow and near-misses as JSON, so that a later run (or the learning
step, after a lost store) knows exactly what the PR proposed::

    <!-- kd-tracker-metadata
    {"schema": 1, "model_version": "...", "papers": [{"arxiv_id": "2403.01234", "sections": [...], "score": 0.91}]}
    -->
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker.paper_ids import arxiv_id_of
from tracker.records import RowUpdate

log = logging.getLogger(__name__)

METADATA_START = "<!-- kd-tracker-metadata"
METADATA_END = "-->"
_METADATA = re.compile(re.escape(METADATA_START) + r"\s*\n(?P<json>.*?)\n" + re.escape(METADATA_END), re.S)


@dataclass(frozen=True)
class PaperMetadata:
    """One paper as the PR metadata records it."""

    arxiv_id: str
    title: str
    url: str
    sections: tuple[str, ...]
    """Sections it was proposed for (for a near-miss: its best section)."""
    score: float | None
    alternatives: tuple[str, ...] = ()
    """Sections offered to the reviewer as ``move to`` items, best first."""
    first_seen: str = ""
    """``as_of`` of the run that first put the paper in this PR (``YYYY-MM-DD``; empty when unknown)."""

    @property
    def paper_id(self) -> str:
        """The versionless arXiv id of the record (its field, else its link; :func:`arxiv_id_of`); '' for none."""
        return arxiv_id_of(self.arxiv_id, self.url) or ""


@dataclass(frozen=True)
class PrMetadata:
    """The machine-readable part of a kd-tracker PR body."""

    papers: tuple[PaperMetadata, ...]
    """Proposed (inserted) papers, in table order."""
    model_version: str
    as_of: str
    since: str | None = None
    until: str | None = None
    near_misses: tuple[PaperMetadata, ...] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    overflow: tuple[PaperMetadata, ...] = ()
    """Papers past ``proposals_per_pr``: named in the body, not inserted; still waiting for a place."""
    dropped: tuple[PaperMetadata, ...] = ()
    """Papers the reviewer unticked: still shown (unticked) in the body, not in the list, rejected."""
    moves: Mapping[str, str] = field(default_factory=dict)
    """arXiv id -> the section the reviewer chose with a ``move to`` tick (the paper's row sits there)."""
    requested: Mapping[str, int] = field(default_factory=dict)
    """arXiv id -> the issue that asked for the paper (the body's "Requested" group; merging closes the issue)."""
    updates: tuple[RowUpdate, ...] = ()
    """Edits to rows already in the list that this PR applies ("Updates to listed papers"), in body order."""
    declined_updates: tuple[RowUpdate, ...] = ()
    """Updates the maintainers unticked, in this PR or before: never proposed again (survives a lost store)."""

    @property
    def arxiv_ids(self) -> tuple[str, ...]:
        return tuple(p.arxiv_id for p in self.papers if p.arxiv_id)

    @property
    def waiting(self) -> tuple[PaperMetadata, ...]:
        """Every paper the PR holds for the maintainers: the inserted ones, then the overflow."""
        return self.papers + self.overflow

    @property
    def sections(self) -> dict[str, tuple[str, ...]]:
        """arXiv id (or title, for a paper without one) -> proposed sections."""
        return {p.arxiv_id or p.title: p.sections for p in self.papers}

    @property
    def scores(self) -> dict[str, float | None]:
        """arXiv id (or title) -> relevance score."""
        return {p.arxiv_id or p.title: p.score for p in self.papers}


def format_pr_metadata(metadata: PrMetadata) -> str:
    """The hidden block for ``metadata``: JSON inside an HTML comment that nothing inside can close."""
    data = {
        "schema": 1,
        "model_version": metadata.model_version,
        "as_of": metadata.as_of,
        "since": metadata.since,
        "until": metadata.until,
        "thresholds": dict(metadata.thresholds),
        "papers": [_paper_dict(p) for p in metadata.papers],
        "overflow": [_paper_dict(p) for p in metadata.overflow],
        "near_misses": [_paper_dict(p) for p in metadata.near_misses],
    }
    if metadata.dropped:
        data["dropped"] = [_paper_dict(p) for p in metadata.dropped]
    if metadata.moves:
        data["moves"] = dict(metadata.moves)
    if metadata.requested:
        data["requested"] = dict(metadata.requested)
    if metadata.updates:
        data["updates"] = [_update_dict(u) for u in metadata.updates]
    if metadata.declined_updates:
        data["declined_updates"] = [_update_dict(u) for u in metadata.declined_updates]
    return _hidden_block(METADATA_START, data)


def _hidden_block(start: str, data: Mapping[str, Any]) -> str:
    """``data`` as JSON in an HTML comment opened by ``start``, that nothing inside can close."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=False)
    # nothing inside may close the comment or open markup: escape <, >, & and "--" as JSON \u escapes
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("--", "-\\u002d")
    return f"{start}\n{text}\n{METADATA_END}"


def _paper_dict(p: PaperMetadata) -> dict[str, Any]:
    data: dict[str, Any] = {"arxiv_id": p.arxiv_id, "title": p.title, "url": p.url, "sections": list(p.sections),
                            "score": None if p.score is None else round(p.score, 6)}
    if p.alternatives:
        data["alternatives"] = list(p.alternatives)
    if p.first_seen:
        data["first_seen"] = p.first_seen
    return data


def _update_dict(u: RowUpdate) -> dict[str, Any]:
    data: dict[str, Any] = {"arxiv_id": u.arxiv_id, "field": u.field, "old": u.old, "new": u.new, "title": u.title}
    if u.venue:
        data["venue"] = u.venue
    if u.year is not None:
        data["year"] = u.year
    if u.written:
        data["written"] = u.written
    return data


def _read_update(obj: dict[str, Any]) -> RowUpdate:
    year = obj.get("year")
    return RowUpdate(arxiv_id=str(obj.get("arxiv_id") or ""), field=str(obj.get("field") or ""),
                     old=str(obj.get("old") or ""), new=str(obj.get("new") or ""), title=str(obj.get("title") or ""),
                     venue=str(obj.get("venue") or ""), year=None if year is None else int(year),
                     written=str(obj.get("written") or ""))


def parse_pr_metadata(body: str | None) -> PrMetadata | None:
    """The metadata hidden in a kd-tracker PR body; None when the body has none or it is unreadable."""
    match = _METADATA.search(body or "")
    if match is None:
        return None
    try:
        data = json.loads(match.group("json"))
        return PrMetadata(
            papers=tuple(_read_paper(p) for p in data.get("papers") or ()),
            model_version=str(data.get("model_version") or ""),
            as_of=str(data.get("as_of") or ""),
            since=data.get("since"),
            until=data.get("until"),
            near_misses=tuple(_read_paper(p) for p in data.get("near_misses") or ()),
            overflow=tuple(_read_paper(p) for p in data.get("overflow") or ()),
            dropped=tuple(_read_paper(p) for p in data.get("dropped") or ()),
            moves={str(k): str(v) for k, v in (data.get("moves") or {}).items()},
            requested={str(k): int(v) for k, v in (data.get("requested") or {}).items()},
            thresholds={str(k): float(v) for k, v in (data.get("thresholds") or {}).items()},
            updates=tuple(_read_update(u) for u in data.get("updates") or ()),
            declined_updates=tuple(_read_update(u) for u in data.get("declined_updates") or ()),
        )
    except (ValueError, TypeError, AttributeError, KeyError) as e:
        log.warning("PR body has a kd-tracker metadata block that cannot be read (%s); ignoring it", e)
        return None


def _read_paper(obj: dict[str, Any]) -> PaperMetadata:
    score = obj.get("score")
    return PaperMetadata(
        arxiv_id=str(obj.get("arxiv_id") or ""),
        title=str(obj.get("title") or ""),
        url=str(obj.get("url") or ""),
        sections=tuple(str(s) for s in obj.get("sections") or ()),
        score=None if score is None else float(score),
        alternatives=tuple(str(s) for s in obj.get("alternatives") or ()),
        first_seen=str(obj.get("first_seen") or ""),
    )
