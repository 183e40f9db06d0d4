"""Review signals, read from what the maintainers did: pure functions of PR metadata and list versions.

Three readings, each giving :class:`~tracker.store.labels.Label`\\ s:

- :func:`review_pull`: one earlier bot PR (its hidden metadata) against the
  list as it is now on the default branch. *Now*, not right after the merge
  commit: a maintainer who tidies the list a week after merging still
  teaches the bot (the PR is read again by every ``learn``, and its labels
  replaced). Per proposed row: still in its section -> ``kept`` (label 1
  there); the paper is in the list but elsewhere -> ``moved`` (0 in the
  proposed section, 1 in each new one); the paper is gone -> ``removed``
  (0 for the paper). A PR closed without merging rejects each of its papers
  that is not in the list now (``rejected``, 0): the bot closes its own PR
  when everything in it is already in the list, and that is no rejection.
- :func:`list_changes`: two consecutive versions of the list file (a commit):
  a paper gone from the list -> ``removed`` (0); a paper that left a section
  -> 0 in that section (``moved`` when the same commit put it in another
  section, which then gets a 1; else ``removed`` for that section only).
  Additions are not signals here (hand-added misses are found with the run log).
- :func:`history_labels`: the same signals from a list-history JSONL file
  (``../shared/data/list_history.jsonl``: ``removed_in_commit``,
  ``sections_ever`` vs ``sections``, ``section_first_seen``), for a replay.

Papers without an arXiv id cannot be labelled (the store keys papers by it)
and are left out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import ListFormatError
from tracker.github import PrMetadata
from tracker.listdoc import ListDocument, ListSet
from tracker.paper_ids import KnownPapers, normalise_arxiv_id
from tracker.store import Label, StoredReview

log = logging.getLogger(__name__)

OUTCOMES = ("kept", "moved", "removed", "rejected")
"""What became of one proposed row."""


@dataclass(frozen=True)
class RowOutcome:
    """One proposed row (a paper in one section) and what the maintainers did with it."""

    arxiv_id: str
    title: str
    section: str
    """The section the bot proposed."""
    outcome: str
    """One of :data:`OUTCOMES`."""
    now: tuple[str, ...] = ()
    """For ``moved``: the sections the paper is in now that the bot did not propose."""
    in_list: bool = False
    """The paper is in the list now (a ``removed`` row then only left its section)."""


@dataclass(frozen=True)
class PrReview:
    """What became of one bot PR."""

    number: int
    state: str
    """``merged`` or ``closed`` (without merging)."""
    date: str
    """Merge or close date, ``YYYY-MM-DD``."""
    metadata: PrMetadata
    rows: tuple[RowOutcome, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    def labels(self) -> list[Label]:
        """This PR's review labels (source ``pr``, ref the PR number)."""
        ref, out, whole = str(self.number), [], set()
        for row in self.rows:
            def make(label: int, section: str, kind: str, row: RowOutcome = row) -> Label:
                return Label(row.arxiv_id, label, section, kind, "pr", ref, self.date, row.title)

            if row.outcome == "kept":
                out.append(make(1, row.section, "kept"))
            elif row.outcome == "moved":
                out.append(make(0, row.section, "moved"))
                out.extend(make(1, s, "moved") for s in row.now)
            elif row.in_list:  # removed from this section only
                out.append(make(0, row.section, "removed"))
            elif row.arxiv_id not in whole:  # removed or rejected: one label for the paper
                whole.add(row.arxiv_id)
                out.append(make(0, "", row.outcome))
        unique: dict[tuple[str, ...], Label] = {}
        for label in out:
            unique.setdefault(label.key, label)
        return list(unique.values())

    def stored(self) -> StoredReview:
        scores = tuple(p.score for p in self.metadata.papers if p.score is not None)
        return StoredReview(self.number, self.state, self.date, self.metadata.as_of, self.metadata.model_version,
                            len(self.rows), self.count("kept"), self.count("moved"), self.count("removed"),
                            self.count("rejected"), scores)


@dataclass
class PaperIndex:
    """Where each paper sits in one version of the list: arXiv id -> sections, and the papers by id and title."""

    sections: dict[str, list[str]] = field(default_factory=dict)
    papers: KnownPapers[str] = field(default_factory=KnownPapers)
    """The list's arXiv ids, known by id and normalised title."""
    title_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, document: ListDocument | ListSet | PaperIndex) -> PaperIndex:
        """The index of ``document`` (an index is returned as it is)."""
        if isinstance(document, PaperIndex):
            return document
        index = cls()
        for row in document.rows():
            if not row.arxiv_id:
                continue
            target = index.sections.setdefault(row.arxiv_id, [])
            if row.section not in target:
                target.append(row.section)
            index.papers.add(row.arxiv_id, row.title, row.arxiv_id)
            index.title_of.setdefault(row.arxiv_id, row.title)
        return index

    def find(self, arxiv_id: str, title: str = "") -> str | None:
        """The list's id for a paper known by id (any form) or title; None when it is not in the list."""
        return self.papers.find(normalise_arxiv_id(arxiv_id) if arxiv_id else None, title)


def review_pull(number: int, state: str, date: str, metadata: PrMetadata, current: ListDocument | PaperIndex) -> PrReview:
    """Compare the rows a bot PR proposed with the list ``current`` (now, on the default branch)."""
    if state not in ("merged", "closed"):
        raise ValueError(f"PR #{number} is {state}: only merged or closed PRs are reviewed")
    index = PaperIndex.of(current)
    rows: list[RowOutcome] = []
    for paper in metadata.papers:
        pid = paper.paper_id or index.find("", paper.title) or ""
        if not pid:
            log.debug("PR #%d: %r has no arXiv id; not labelled", number, paper.title)
            continue
        found = index.find(pid, paper.title)
        now = index.sections.get(found, []) if found else []
        proposed = list(dict.fromkeys(paper.sections))
        if state == "closed":
            if not found:
                rows.extend(RowOutcome(pid, paper.title, s, "rejected") for s in proposed)
            continue  # closed, but the paper is in the list: added by hand or by another PR
        new = tuple(s for s in now if s not in proposed)
        for section in proposed:
            if section in now:
                rows.append(RowOutcome(pid, paper.title, section, "kept"))
            elif found and new:
                rows.append(RowOutcome(pid, paper.title, section, "moved", new))
            else:
                rows.append(RowOutcome(pid, paper.title, section, "removed", in_list=bool(found)))
    return PrReview(number, state, date, metadata, tuple(rows))


def list_changes(old: ListDocument | PaperIndex, new: ListDocument | PaperIndex, *, ref: str, date: str,
                 source: str = "commit") -> list[Label]:
    """Labels for what changed between two versions of the list (rows removed or moved)."""
    before, after = PaperIndex.of(old), PaperIndex.of(new)
    out: list[Label] = []
    for pid, was in before.sections.items():
        title = before.title_of.get(pid, "")
        found = after.find(pid, title)
        if found is None:
            out.append(Label(pid, 0, "", "removed", source, ref, date, title))
            continue
        now = after.sections[found]
        gone = [s for s in was if s not in now]
        added = [s for s in now if s not in was]
        kind = "moved" if added else "removed"
        out.extend(Label(pid, 0, s, kind, source, ref, date, title) for s in gone)
        if gone:
            out.extend(Label(pid, 1, s, "moved", source, ref, date, title) for s in added)
    return out


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    raise ListFormatError(f"{path}:{number}: not a JSON object ({e.args[0]}); "
                                          f"pass a list-history JSONL file (one paper a line)") from e
                if not isinstance(obj, dict):
                    raise ListFormatError(f"{path}:{number}: not a JSON object; pass a list-history JSONL file")
                yield number, obj
    except OSError as e:
        raise ListFormatError(f"{path}: cannot read the list history ({e.strerror or e})") from e


def _path(section: Any) -> str:
    return " > ".join(section) if isinstance(section, list | tuple) else str(section)


def _first_seen(record: dict[str, Any], section: str) -> tuple[str, str]:
    """(date, commit) a section of a paper was first seen, from ``section_first_seen`` ("2024-03-18 f87a19e")."""
    date, _, commit = str((record.get("section_first_seen") or {}).get(section, "")).partition(" ")
    return date, commit


def _entered_after(seen: tuple[str, str], left: tuple[str, str]) -> bool:
    """A section first seen on a later day, or the same day in another commit, than the section left."""
    return seen[0] > left[0] or (seen[0] == left[0] and seen[1] != left[1])


def history_labels(path: str | Path) -> list[Label]:
    """Labels from a list-history JSONL file: papers removed from the list, papers moved out of a section.

    A paper that left a section is ``moved`` to the sections it entered after
    it entered the one it left (a later day, or the same day in another
    commit; dated and referenced by the newest of them); with no such
    section, the section label is ``removed``.
    """
    path = Path(path)
    out: list[Label] = []
    for number, record in _records(path):
        pid = record.get("arxiv_id") or record.get("arxiv_id_by_title")
        if not pid:
            continue
        title = str(record.get("title") or "")
        now = [_path(s) for s in record.get("sections") or ()]
        ever = [_path(s) for s in record.get("sections_ever") or ()]
        if "present_at_head" not in record:
            raise ListFormatError(f"{path}:{number}: no 'present_at_head' field; pass a list-history JSONL file")
        if not record["present_at_head"]:
            commit = str(record.get("removed_in_commit") or "")
            date = str(record.get("removed_date") or record.get("first_seen_date") or "")
            out.append(Label(pid, 0, "", "removed", "history", commit, date, title))
            continue
        for section in (s for s in ever if s not in now):
            since, commit = _first_seen(record, section)
            targets = [(_first_seen(record, s), s) for s in now if _entered_after(_first_seen(record, s), (since, commit))]
            if not targets:
                out.append(Label(pid, 0, section, "removed", "history", commit, since, title))
                continue
            (date, target_commit), _ = max(targets)
            out.append(Label(pid, 0, section, "moved", "history", target_commit, date, title))
            out.extend(Label(pid, 1, s, "moved", "history", target_commit, date, title) for _, s in targets)
    return out


def index_of(text: str | Mapping[str, str], name: str = "README.md") -> PaperIndex:
    """The paper index of a list text, or of a list split into files (their texts by path: sections are then
    named with their file, and a paper in any file is in the list)."""
    if isinstance(text, str):
        return PaperIndex.of(ListDocument.parse(text, name))
    return PaperIndex.of(ListSet.parse(text))


def bot_papers(metadata: Iterable[PrMetadata]) -> set[str]:
    """arXiv ids of every paper any of these bot PRs proposed."""
    return {pid for m in metadata for pid in (p.paper_id for p in m.papers) if pid}


def changes_over(versions: Sequence[tuple[str, str, str | Mapping[str, str]]]) -> list[Label]:
    """Labels over consecutive list versions ``(sha, date, text)``, oldest first (the first is the base); a
    version of a list split into files is its texts by path."""
    out: list[Label] = []
    previous: PaperIndex | None = None
    for sha, date, text in versions:
        current = index_of(text)
        if previous is not None:
            out.extend(list_changes(previous, current, ref=sha, date=date))
        previous = current
    return out
