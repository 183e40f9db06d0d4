"""The reviewer's ticks, read back from a kd-tracker PR body: pure, no requests.

The body's markdown contract (the renderer writes it, this module reads it):

- the papers part sits between :data:`PAPERS_START` and :data:`PAPERS_END`: section headings
  ``#### <section>``, and per paper a top-level item line
  ``- [x] [Title](https://arxiv.org/abs/ID) · arXiv:ID · …`` (``- [ ]``: the reviewer drops it), then nested
  ``  - [ ] move to: <section>`` items (``[x]``: move it there; the last ticked one wins), then a fold;
- the overflow part sits between :data:`OVERFLOW_START` and :data:`OVERFLOW_END`, one item each:
  ``- [ ] add [Title](https://arxiv.org/abs/ID) · <score>`` (``[x]``: add it to the PR, above the cap).

A tick is tied to its paper **only** by the ``https://arxiv.org/abs/ID`` URL on its item line, and a move item
belongs to the item line above it. Ids the PR's metadata does not name are ignored (with a log line). A body
edited into nonsense (a marker deleted, a paper's item line twice, a move item under no item line, an item moved
out of its part) gives :meth:`Ticks.empty`: no ticks at all, never a wrong drop.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.github.body_parts import Nonsense, ids_on, marked_part
from tracker.github.metadata import PaperMetadata, PrMetadata
from tracker.markdown_safe import unescape_cell

log = logging.getLogger(__name__)

PAPERS_START = "<!-- kd-tracker:papers -->"
PAPERS_END = "<!-- kd-tracker:papers-end -->"
OVERFLOW_START = "<!-- kd-tracker:overflow -->"
OVERFLOW_END = "<!-- kd-tracker:overflow-end -->"

_ITEM = re.compile(r"^(?P<indent>[ \t]*)[-*+] \[(?P<mark>[ xX])\][ \t]+(?P<text>.*)$")
_MOVE = re.compile(r"^move to:\s*(?P<section>.*?)\s*$")


@dataclass(frozen=True)
class Ticks:
    """What the reviewer ticked, per paper of the PR's metadata."""

    ticked: frozenset[str] = frozenset()
    """Papers whose item line is ticked (kept in the PR)."""
    dropped: frozenset[str] = frozenset()
    """Papers whose item line is unticked (the reviewer drops them)."""
    moves: Mapping[str, str] = field(default_factory=dict)
    """arXiv id -> the section of the last ticked ``move to`` item under it (a recorded alternative)."""
    added: tuple[str, ...] = ()
    """Overflow papers ticked ``add``, in body order."""
    read: bool = True
    """False: the body was not read (no markers, or nonsense); every field is empty."""

    @classmethod
    def empty(cls) -> Ticks:
        """No ticks read."""
        return cls(read=False)

    def state(self, arxiv_id: str) -> bool | None:
        """True ticked, False unticked, None when the body shows no item line for the paper."""
        if arxiv_id in self.ticked:
            return True
        if arxiv_id in self.dropped:
            return False
        return None


@dataclass
class _Item:
    arxiv_id: str | None
    """None: an id the metadata does not name (its move items are ignored too)."""
    ticked: bool
    move: str | None = None


def _norm_section(text: str) -> str:
    return " ".join(html.unescape(unescape_cell(text)).split())


def read_ticks(body: str | None, metadata: PrMetadata | None) -> Ticks:
    """The ticks of ``body`` for the papers ``metadata`` names; :meth:`Ticks.empty` for a body that is not the contract."""
    if metadata is None or not body:
        return Ticks.empty()
    try:
        return _read(body, metadata)
    except Nonsense as e:
        log.warning("PR body does not follow kd-tracker's layout any more (%s): no ticks read", e)
        return Ticks.empty()


def _read(body: str, metadata: PrMetadata) -> Ticks:
    lines = body.splitlines()
    papers = {pid: p for p in (*metadata.papers, *metadata.dropped) if (pid := p.paper_id)}
    overflow = {pid: p for p in metadata.overflow if (pid := p.paper_id)}
    papers_part = marked_part(lines, PAPERS_START, PAPERS_END)
    if papers_part is None:
        raise Nonsense(f"no {PAPERS_START} marker")
    overflow_part = marked_part(lines, OVERFLOW_START, OVERFLOW_END)
    if overflow_part is None and overflow:
        raise Nonsense(f"no {OVERFLOW_START} marker, but the PR names overflow papers")
    _check_outside(lines, papers_part, overflow_part, set(papers) | set(overflow))
    items = _paper_items(lines[papers_part[0]:papers_part[1]], papers, metadata.moves, set(overflow))
    added = _added(lines[overflow_part[0]:overflow_part[1]], overflow, set(papers)) if overflow_part else ()
    known = [item for item in items if item.arxiv_id is not None]
    return Ticks(
        ticked=frozenset(i.arxiv_id for i in known if i.ticked and i.arxiv_id),
        dropped=frozenset(i.arxiv_id for i in known if not i.ticked and i.arxiv_id),
        moves={i.arxiv_id: i.move for i in known if i.ticked and i.move and i.arxiv_id},
        added=added,
    )


def _check_outside(lines: list[str], papers: tuple[int, int], overflow: tuple[int, int] | None,
                   known: set[str]) -> None:
    """An item line naming a paper of the PR outside the marked parts means the body was rearranged."""
    inside = set(range(*papers)) | (set(range(*overflow)) if overflow else set())
    for number, line in enumerate(lines):
        if number not in inside and _ITEM.match(line) and ids_on(line) & known:
            raise Nonsense(f"line {number + 1} is an item of a paper of the PR outside its part")


def _paper_items(lines: list[str], papers: Mapping[str, PaperMetadata], moves: Mapping[str, str],
                 elsewhere: set[str]) -> list[_Item]:
    items: list[_Item] = []
    seen: set[str] = set()
    current: _Item | None = None
    for line in lines:
        if line.startswith("#"):
            current = None
            continue
        match = _ITEM.match(line)
        if match is None:
            continue
        ticked = match.group("mark") != " "
        if not match.group("indent"):
            pid = _item_id(line, seen, elsewhere, "papers")
            if pid not in papers:
                log.info("a tick of arXiv:%s, which this PR does not hold: ignored", pid)
                current = _Item(None, ticked)
            else:
                current = _Item(pid, ticked)
            items.append(current)
            continue
        move = _MOVE.match(match.group("text"))
        if move is None:
            continue
        if current is None:
            raise Nonsense(f"a move item under no paper: {line[:80]!r}")
        if not ticked or current.arxiv_id is None:
            continue
        section = _allowed(move.group("section"), papers[current.arxiv_id], moves.get(current.arxiv_id))
        if section is None:
            log.info("a move of arXiv:%s to %r, not one of its alternatives: ignored", current.arxiv_id,
                     move.group("section"))
        else:
            current.move = section
    return items


def _item_id(line: str, seen: set[str], elsewhere: set[str], part: str) -> str:
    """The one paper an item line of ``part`` names by its abs URL; nonsense when none, several, twice, or misplaced."""
    ids = ids_on(line)
    if len(ids) != 1:
        raise Nonsense(f"an item line of the {part} part with {len(ids)} arXiv abs links: {line[:80]!r}")
    (pid,) = ids
    if pid in seen:
        raise Nonsense(f"the item line of {pid} appears twice in the {part} part")
    if pid in elsewhere:
        raise Nonsense(f"the item line of {pid} was moved into the {part} part")
    seen.add(pid)
    return pid


def _allowed(written: str, paper: PaperMetadata, moved_to: str | None) -> str | None:
    """The section a move item names, when it is one the PR offered for the paper."""
    wanted = _norm_section(written)
    for section in (*paper.alternatives, *((moved_to,) if moved_to else ())):
        if wanted in (_norm_section(section), " ".join(section.split())):
            return section
    return None


def _added(lines: list[str], overflow: Mapping[str, PaperMetadata], elsewhere: set[str]) -> tuple[str, ...]:
    added: list[str] = []
    seen: set[str] = set()
    for line in lines:
        match = _ITEM.match(line)
        if match is None:
            continue
        pid = _item_id(line, seen, elsewhere, "overflow")
        if pid not in overflow:
            log.info("an add tick of arXiv:%s, which this PR does not name as overflow: ignored", pid)
        elif match.group("mark") != " ":
            added.append(pid)
    return tuple(added)
