"""The "Updates to listed papers" group of the PR body: one tick per edit to a row already in the list.

The markdown written here is a contract with the update-tick reader
(:mod:`tracker.github.update_ticks`)::

    <!-- kd-tracker:updates -->
    ### Updates to listed papers

    - [x] venue arXiv → ACL 2024 · [Title](https://arxiv.org/abs/ID)
    - [x] add code link [github.com/owner/repo](https://github.com/owner/repo) · [Title](https://arxiv.org/abs/ID)
    <!-- kd-tracker:updates-end -->

A tick is tied to its paper only by the ``https://arxiv.org/abs/ID`` link on
its line, and to the field by the words it starts with (``venue``, ``add code
link``). When the list writes the venue otherwise (``ACL`` in a list that
writes no years) the line says what the cell now holds. Everything from arXiv
is escaped, and a link that is not http(s) is shown as text.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.markdown_safe import escape_cell
from tracker.publish.body_items import abs_url, link
from tracker.records import RowUpdate

UPDATES_START = "<!-- kd-tracker:updates -->"
UPDATES_END = "<!-- kd-tracker:updates-end -->"
HEADING = "Updates to listed papers"


def update_line(update: RowUpdate) -> str:
    """The task-list item of one update (ticked: the PR applies it)."""
    paper = link(update.title or f"arXiv:{update.arxiv_id}", abs_url(update.arxiv_id))
    if update.field == "venue":
        old = escape_cell(update.old) or "–"
        line = f"- [x] venue {old} → {escape_cell(update.new)} · {paper}"
        if update.written and update.written != escape_cell(update.new):
            line += f" · written as {update.written}"
        return line
    shown = update.new.split("://", 1)[-1]
    return f"- [x] add code link {link(shown, update.new)} · {paper}"


def render_updates(updates: Sequence[RowUpdate]) -> list[str]:
    """The group between its markers; nothing when there is no update."""
    if not updates:
        return []
    count = len(updates)
    lines = [UPDATES_START, f"### {HEADING}", "",
             f"arXiv now says more about {count} row{'' if count == 1 else 's'} of the list. Untick an update to "
             "leave its row as it is: kd-tracker will not propose that field of that paper again.", ""]
    lines += [update_line(u) for u in updates]
    return lines + [UPDATES_END, ""]
