"""What a publish run is given besides the proposals, and what it reports back.

:class:`PublishContext` carries what the PR body shows about the run (window,
coverage, thresholds, model version, near-misses) and the update-log date;
:class:`PublishOutcome` is the result the CLI prints and the pipeline stores.
Both are re-exported by :mod:`tracker.publish.publisher`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tracker.config import ModelConfig
from tracker.github import PrMetadata
from tracker.records import Proposal, RowUpdate


def thresholds_in_force(model: ModelConfig) -> dict[str, float]:
    """The thresholds a PR body shows, by name, from the model settings."""
    return {"relevance": model.threshold, "second section": model.section_min_score,
            "papers per PR": model.proposals_per_pr}


Status = Literal["created", "updated", "unchanged", "closed", "blocked"]


@dataclass(frozen=True)
class PublishContext:
    """The run a PR comes from: dates, coverage, thresholds, model, near-misses."""

    as_of: dt.date
    """Date of the run; written into the list's update log."""
    since: dt.date | None = None
    """First day of the window of arXiv listings read (None: not reported)."""
    until: dt.date | None = None
    """Last day of the window."""
    days_read: int | None = None
    """Days of the window actually read (None: not reported)."""
    gaps: tuple[str, ...] = ()
    """Days of the window missing or partial (``YYYY-MM-DD``, optionally with a note)."""
    thresholds: Mapping[str, float] = field(default_factory=dict)
    """Thresholds in force, by name (``relevance``: 0.5, ...)."""
    model_version: str = "unknown"
    """Version of the model that scored the papers."""
    near_misses: Sequence[Proposal] = ()
    """The best papers under the threshold, best first (not inserted)."""
    overflow: Sequence[Proposal] = ()
    """Papers past ``model.proposals_per_pr``, best first: named in the PR body, not inserted."""
    dropped: Sequence[Proposal] = ()
    """Papers of the PR the reviewer unticked: shown unticked in the body, not inserted (they are rejected)."""
    moves: Mapping[str, str] = field(default_factory=dict)
    """arXiv id -> section chosen by the reviewer's ``move to`` tick (its proposal already sits there)."""
    previous: PrMetadata | None = None
    """The metadata of the open PR this run rebuilds (None for a new PR): keeps each paper's place and first-seen day."""
    requested: Mapping[str, int] = field(default_factory=dict)
    """arXiv id -> the issue that asked for the paper: shown in the body's "Requested" group, with ``Closes #N``."""
    updates: Sequence[RowUpdate] = ()
    """Edits to rows already in the list (a venue, a code link) to apply and show under "Updates to listed papers"."""
    declined_updates: Sequence[RowUpdate] = ()
    """Updates the maintainers unticked: recorded in the metadata, never proposed again."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "near_misses", tuple(self.near_misses))
        object.__setattr__(self, "overflow", tuple(self.overflow))
        object.__setattr__(self, "dropped", tuple(self.dropped))
        object.__setattr__(self, "moves", dict(self.moves))
        object.__setattr__(self, "gaps", tuple(self.gaps))
        object.__setattr__(self, "thresholds", dict(self.thresholds))
        object.__setattr__(self, "requested", dict(self.requested))
        object.__setattr__(self, "updates", tuple(self.updates))
        object.__setattr__(self, "declined_updates", tuple(self.declined_updates))

    @property
    def window(self) -> str:
        """``2024-03-11..2024-03-18``, or ``until 2024-03-19`` when no window was given."""
        if self.since and self.until:
            return f"{self.since.isoformat()}..{self.until.isoformat()}"
        if self.since:
            return f"{self.since.isoformat()}..{self.as_of.isoformat()}"
        return f"until {(self.until or self.as_of).isoformat()}"

    @property
    def window_days(self) -> int | None:
        """Days in the window (both ends included), when both ends are known."""
        if self.since and self.until:
            return (self.until - self.since).days + 1
        return None


@dataclass(frozen=True)
class PublishOutcome:
    """What a publish (or preview) did: the PR, the new README, its diff and the PR body."""

    status: Status
    """``created``/``updated``/``unchanged``/``closed``/``blocked`` (for a preview: what a real run would do)."""
    pr_number: int | None
    """The bot's open PR (None when there is none)."""
    pr_url: str | None
    """Its web URL."""
    inserted_count: int
    """Papers inserted (a paper put in two sections counts once)."""
    readme_text: str
    """The list after the proposals were applied (the base README when nothing changed)."""
    diff: str
    """Unified diff base README -> new README (empty when nothing changed)."""
    body: str
    """The PR body (rendered even when no PR is written)."""
    note: str = ""
    """One line on why: what blocked the branch, why nothing changed."""
    dry_run: bool = False
    """True for :meth:`~tracker.publish.publisher.Publisher.preview`: nothing was written to GitHub."""
    files: Mapping[str, str] = field(default_factory=dict)
    """For a list split into files (``list.path`` names several): each changed file's new text, by path
    (:attr:`readme_text` is then the first file's)."""

    def summary(self) -> str:
        """The CLI's one line: ``created PR #1: <url> (3 papers)``, ``dry run: would create a PR (3 papers)``."""
        papers = f"({self.inserted_count} paper{'' if self.inserted_count == 1 else 's'})"
        pr = f"PR #{self.pr_number}: {self.pr_url}" if self.pr_number is not None else ""
        if self.dry_run:
            verb = _DRY_VERBS[self.status]
            if pr or self.status == "created":
                line = f"dry run: {verb} {pr or 'a PR'} {papers}"
            elif self.status == "blocked":
                line = f"dry run: blocked, no PR {papers}"
            else:  # nothing open to update, leave or close
                line = f"dry run: no PR to {verb.removeprefix('would ')} {papers}"
        else:
            line = f"{self.status} {pr} {papers}" if pr else f"{self.status}: no PR {papers}"
        return f"{line}; {self.note}" if self.note else line


_DRY_VERBS = {"created": "would create", "updated": "would update", "unchanged": "would leave unchanged",
              "closed": "would close", "blocked": "blocked, would only comment on"}
