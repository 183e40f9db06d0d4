"""A review-labels file: the store's labels as JSON Lines, to export and to replay (``kd-tracker train --labels``).

One JSON object a line, blank lines skipped::

    {"arxiv_id": "2403.00001", "label": "accepted", "section": "KD Algorithms > Knowledge Elicitation > Labeling", "week": "2024-W12"}
    {"arxiv_id": "2403.00002", "label": "rejected", "week": "2024-W12"}
    {"arxiv_id": "2403.00004", "label": "moved", "section": "KD Algorithms > Knowledge Elicitation > Feature", "week": "2024-W13"}
    {"arxiv_id": "2403.00004", "label": "rejected", "section": "KD Algorithms > Knowledge Elicitation > Labeling", "week": "2024-W13"}

- ``arxiv_id`` (required): the paper; a version suffix is dropped.
- ``label`` (required): ``accepted`` (the paper belongs in the list, in ``section`` when given: a positive that
  counts like a list paper), ``moved`` (the paper belongs in ``section``, which it needs; the section it left is a
  line of its own, ``rejected`` there), ``rejected`` (without ``section``: the paper does not belong at all, a hard
  negative; with ``section``: only not in that section).
- ``section`` (the section path, ``A > B > C``): needed by ``moved``, optional otherwise.
- ``week`` (required): the ISO week of the decision, ``YYYY-Www``. Lines are replayed oldest week first (file
  order within a week), so a later ``accepted`` lifts an earlier whole-paper ``rejected`` as it does in the store.

Each line becomes a store :class:`~tracker.store.labels.Label` (source ``file``) and the labels go into training
through :func:`~tracker.store.labels.training_labels_of`, the rule the weekly run applies to the store's labels,
so a store exported with :func:`write_label_file` and read back gives the same training labels. A bad line (not
a JSON object, nested, a key unknown or set twice, a missing or mistyped value, an unknown label, a week that
does not exist) is a :class:`~tracker.errors.LabelFileError` naming ``file:line`` and the key.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tracker.errors import LabelFileError
from tracker.paper_ids import normalise_arxiv_id
from tracker.store.labels import Label
from tracker.textfile import json_object_line, read_utf8, refuse_unknown_keys, shown

KEYS = ("arxiv_id", "label", "section", "week")
"""Every key a labels line may have."""
REQUIRED = ("arxiv_id", "label", "week")
LABELS = {"accepted": (1, "kept"), "moved": (1, "moved"), "rejected": (0, "rejected")}
"""Each label word: the store's label (1/0) and the kind its line becomes (``rejected`` in a section: ``removed``)."""
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
WHAT = "a label"


def read_label_file(path: str | Path) -> list[Label]:
    """The labels of a labels file, oldest week first; :class:`LabelFileError` names the file, line and key."""
    return parse_labels(read_utf8(path, "labels file", LabelFileError), str(path))


def parse_labels(text: str, name: str = "labels.jsonl") -> list[Label]:
    """Labels from JSONL ``text`` (lines end at ``\\n``), oldest week first; errors name ``name:line``."""
    labels = [_parse_line(line, f"{name}:{number}", f"{Path(name).name}:{number}")
              for number, line in enumerate(text.split("\n"), 1) if line.strip()]
    return sorted(labels, key=lambda label: label.date)  # stable: file order within a week


def _parse_line(line: str, where: str, ref: str) -> Label:
    obj = json_object_line(line, where, LabelFileError, WHAT)
    refuse_unknown_keys(obj, KEYS, where, LabelFileError, WHAT)
    missing = [key for key in REQUIRED if obj.get(key) is None]
    if missing:
        raise LabelFileError(f"{where}: missing {', '.join(repr(k) for k in missing)}; a label needs "
                             f"{', '.join(REQUIRED)} (and 'section' for 'moved')")
    arxiv_id = normalise_arxiv_id(obj["arxiv_id"]) if isinstance(obj["arxiv_id"], str) else None
    if arxiv_id is None:
        raise LabelFileError(f"{where}: 'arxiv_id' must be an arXiv id such as '2403.06414', got {shown(obj['arxiv_id'])}")
    word = obj["label"]
    if word not in LABELS:
        raise LabelFileError(f"{where}: 'label' must be one of {', '.join(LABELS)}, got {shown(word)}")
    section = obj.get("section")
    if section is not None and (not isinstance(section, str) or not section.strip()):
        raise LabelFileError(f"{where}: 'section' must be a section path (\"A > B\"), got {shown(section)}")
    if word == "moved" and section is None:
        raise LabelFileError(f"{where}: missing 'section'; a 'moved' label names the section the paper belongs in")
    label, kind = LABELS[word]
    if word == "rejected" and section is not None:
        kind = "removed"
    return Label(arxiv_id, label, section or "", kind, "file", ref, _monday(obj["week"], where))


def _monday(week: Any, where: str) -> str:
    """The Monday (``YYYY-MM-DD``) of an ISO week ``YYYY-Www``."""
    match = _WEEK.fullmatch(week) if isinstance(week, str) else None
    if match is None:
        raise LabelFileError(f"{where}: 'week' must be an ISO week such as '2024-W12', got {shown(week)}")
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1).isoformat()
    except ValueError as e:
        raise LabelFileError(f"{where}: 'week' {week} does not exist ({e})") from e


def label_line(label: Label) -> dict[str, str]:
    """A store label as a labels-file line (a JSON object's fields, in the file's key order)."""
    try:
        year, week, _ = datetime.date.fromisoformat(label.date).isocalendar()
    except ValueError as e:
        raise LabelFileError(f"label {label}: its date {label.date!r} is not YYYY-MM-DD") from e
    if label.label == 1:
        word = "moved" if label.kind == "moved" and label.section else "accepted"
    else:
        word = "rejected"
    line = {"arxiv_id": label.arxiv_id, "label": word}
    if label.section:
        line["section"] = label.section
    line["week"] = f"{year:04d}-W{week:02d}"
    return line


def write_label_file(labels: Iterable[Label], path: str | Path) -> int:
    """Write ``labels`` (oldest first, as :meth:`LabelStore.all` gives them) as a labels file; how many lines.

    Each stored label is one line: a 1 of a kind in
    :data:`~tracker.store.labels.POSITIVE_WHOLE` (kept, added, miss) becomes ``accepted`` (read back as ``kept``), a 1 in the section a paper was moved to ``moved``, every 0 ``rejected`` (in its
    section, if it has one), so that reading the file back gives the same training labels.
    """
    lines = [json.dumps(label_line(label), ensure_ascii=False) for label in labels]
    try:
        Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as e:
        raise LabelFileError(f"{path}: cannot write the labels ({e.strerror or e})") from e
    return len(lines)
