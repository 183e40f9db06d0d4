"""Reference-link labels of a list that numbers them by section: ``[[code]][5.11]`` with ``[5.11]: url`` below.

A list has an obvious label scheme when most of its definitions are labelled
``SECTION.NUMBER`` (``[1.10]``, ``[14.42]``) and the section at hand already
uses one such label: a new item's link is then labelled with the section's
number and the item's own (``[5.27]`` for item 27), ``[5.272]`` for a second
link or when the label is taken (the list's own habit: ``[16.352]``). Its
definition goes right after the file's last definition. Anything else has no
scheme, and new links are written inline.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_NUMBERED = re.compile(r"^(?P<section>\d+)\.(?P<number>\d+)$")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]]+)\]:")
_REFERENCE_END = re.compile(r"\]\[(?P<label>[^\[\]]+)\]$")


@dataclass
class LabelScheme:
    """``SECTION.NUMBER`` labels of one section, and the labels the file already defines."""

    section: str
    """The section's label number (``5`` of ``[5.11]``)."""
    taken: set[str] = field(default_factory=set)
    """Labels defined in the file (lowercased), and those given out since."""

    def label(self, number: int) -> str:
        """A new label for a link of item ``number``: ``5.27``, else ``5.272``, ``5.273``, …"""
        label = f"{self.section}.{number}"
        suffix = 2
        while label.lower() in self.taken:
            label = f"{self.section}.{number}{suffix}"
            suffix += 1
        self.taken.add(label.lower())
        return label


def defined_labels(lines: Iterable[str], plain: Iterable[int]) -> dict[int, str]:
    """The label of each definition line (``[5.11]: url``), by line index; only lines in ``plain``."""
    text = list(lines)
    found = {}
    for index in sorted(plain):
        match = _DEFINITION.match(text[index].rstrip("\r"))
        if match:
            found[index] = match.group("label")
    return found


def used_label(written: str) -> str | None:
    """The label of a reference link as written (``[[code]][5.11]`` gives ``5.11``), ``None`` for an inline link."""
    match = _REFERENCE_END.search(written)
    return match.group("label") if match else None


def learn_scheme(section_labels: Iterable[str], defined: Iterable[str]) -> LabelScheme | None:
    """The scheme of a section whose reference links use ``section_labels``; ``defined``: every label of the file.

    ``None`` unless at least 80 % of the file's labels are ``SECTION.NUMBER`` and the section uses one.
    """
    every = list(defined)
    numbered = [label for label in every if _NUMBERED.match(label.strip())]
    if not every or 5 * len(numbered) < 4 * len(every):
        return None
    votes = Counter(match.group("section") for label in section_labels if (match := _NUMBERED.match(label.strip())))
    if not votes:
        return None
    section = max(votes, key=votes.__getitem__)
    return LabelScheme(section, {label.strip().lower() for label in every})
