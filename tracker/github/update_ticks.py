"""The reviewer's ticks of the "Updates to listed papers" group, read back from a PR body: pure, no requests.

The group sits between :data:`UPDATES_START` and :data:`UPDATES_END`, one item per update::

    - [x] venue arXiv → ACL 2024 · [Title](https://arxiv.org/abs/ID)
    - [x] add code link [github.com/o/r](https://github.com/o/r) · [Title](https://arxiv.org/abs/ID)

An item is tied to its update by the one ``https://arxiv.org/abs/ID`` link on
its line and the words it starts with (``venue``, ``add code link``). Updates
the metadata does not name are ignored. A group edited into nonsense (a marker
missing or doubled, an update's item twice, an item with no or several abs
links, an update's item outside the group) reads as no ticks: nothing declined.
An update whose item was deleted is neither kept nor declined: it is left out.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from tracker.github.body_parts import Nonsense, ids_on, marked_part
from tracker.github.metadata import PrMetadata

log = logging.getLogger(__name__)

UPDATES_START = "<!-- kd-tracker:updates -->"
UPDATES_END = "<!-- kd-tracker:updates-end -->"

_ITEM = re.compile(r"^[-*+] \[(?P<mark>[ xX])\][ \t]+(?P<text>.*)$")
_FIELDS = (("venue ", "venue"), ("add code link", "code"))


@dataclass(frozen=True)
class UpdateTicks:
    """What the reviewer ticked in the updates group, by ``(arxiv_id, field)``."""

    kept: frozenset[tuple[str, str]] = frozenset()
    declined: frozenset[tuple[str, str]] = frozenset()
    """Updates unticked: never proposed again."""
    read: bool = True
    """False: the group was not read (nonsense, or no metadata); nothing is declined."""

    @classmethod
    def empty(cls) -> UpdateTicks:
        return cls(read=False)


def read_update_ticks(body: str | None, metadata: PrMetadata | None) -> UpdateTicks:
    """The ticks of the updates group of ``body`` for the updates ``metadata`` names."""
    if metadata is None or not body:
        return UpdateTicks.empty()
    if not metadata.updates:
        return UpdateTicks()
    try:
        return _read(body.splitlines(), metadata)
    except Nonsense as e:
        log.warning("the updates group of the PR body does not follow kd-tracker's layout any more (%s): "
                    "no update ticks read", e)
        return UpdateTicks.empty()


def _read(lines: list[str], metadata: PrMetadata) -> UpdateTicks:
    group = marked_part(lines, UPDATES_START, UPDATES_END)
    if group is None:
        raise Nonsense(f"the markers {UPDATES_START} … {UPDATES_END} are missing, doubled or out of order")
    known = {u.key for u in metadata.updates}
    kept: set[tuple[str, str]] = set()
    declined: set[tuple[str, str]] = set()
    for number, line in enumerate(lines):
        match = _ITEM.match(line.rstrip("\r"))
        key = _key(match.group("text")) if match else None
        if key is None or key not in known:
            continue
        if not group[0] <= number < group[1]:
            raise Nonsense(f"line {number + 1} is an update item outside its group")
        if key in kept or key in declined:
            raise Nonsense(f"the item of the {key[1]} update of {key[0]} appears twice")
        (kept if match.group("mark") != " " else declined).add(key)
    return UpdateTicks(frozenset(kept), frozenset(declined))


def _key(text: str) -> tuple[str, str] | None:
    """``(arxiv_id, field)`` an item's text names, or None for an item that is no update's."""
    field = next((name for words, name in _FIELDS if text.startswith(words)), None)
    if field is None:
        return None
    ids = ids_on(text)
    if len(ids) != 1:
        raise Nonsense(f"an update item with {len(ids)} arXiv abs links: {text[:80]!r}")
    return (ids.pop(), field)
