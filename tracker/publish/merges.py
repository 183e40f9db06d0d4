"""GitHub's "Update branch" is not a human edit: telling its merge commits from a maintainer's work.

Clicking "Update branch" on the bot's PR merges the default branch into the
bot's branch: a commit with the parents ``[branch head, base head]``, authored
by whoever clicked. It adds nothing of its own, so the bot may rebuild over it.
:func:`merge3` is the three-way merge of one text file (line by line, like
``git merge-file``) that says what such a merge must hold: the merge commit's
list equals the merge of the base's changes with the bot's, or it carries
someone's edit. Conflicting changes give None: GitHub refuses to merge those,
so whoever resolved them made an edit of their own.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Hunk:
    """Lines ``start:end`` of the common ancestor replaced by ``lines``."""

    start: int
    end: int
    lines: tuple[str, ...]


def _hunks(ancestor: list[str], text: list[str]) -> list[Hunk]:
    matcher = difflib.SequenceMatcher(None, ancestor, text, autojunk=False)
    return [Hunk(i1, i2, tuple(text[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _clash(one: Hunk, other: Hunk) -> bool:
    """Two changes of the ancestor that touch the same lines, or insert at the same place."""
    if one == other:
        return False
    if one.start == one.end and other.start == other.end:
        return one.start == other.start
    return max(one.start, other.start) < min(one.end, other.end) or (
        one.start == one.end and other.start < one.start < other.end) or (
        other.start == other.end and one.start < other.start < one.end)


def merge3(ancestor: str, ours: str, theirs: str) -> str | None:
    """``ours`` and ``theirs`` (both changed from ``ancestor``) merged; None when their changes clash."""
    base = ancestor.splitlines(keepends=True)
    mine, other = _hunks(base, ours.splitlines(keepends=True)), _hunks(base, theirs.splitlines(keepends=True))
    if any(_clash(a, b) for a in mine for b in other):
        return None
    hunks = sorted(set(mine) | set(other), key=lambda h: (h.start, h.end))
    out: list[str] = []
    at = 0
    for hunk in hunks:
        out.extend(base[at:hunk.start])
        out.extend(hunk.lines)
        at = hunk.end
    out.extend(base[at:])
    return "".join(out)
