"""The PR body's "Requested" group: papers that issues asked for, first in the papers part, whatever their score.

Each requested paper is the same task-list item as any other (its tick keeps
or drops it, its ``move to`` items move it; :mod:`tracker.publish.body_items`),
with its score, the section its row went into and the issue that asked for it;
the group ends with one ``Closes #N`` per issue, so that merging the pull
request closes them::

    #### Requested

    - [x] [Title](https://arxiv.org/abs/ID) · arXiv:ID · low · score 0.0012 · in <section> · asked in #7
      <details>…</details>

    Merging this pull request closes the issues that asked for these papers: Closes #7.

Issue numbers are integers the bot read from GitHub; every piece of text is
escaped as in the rest of the body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tracker.markdown_safe import escape_cell
from tracker.publish.body_items import Item, fold, item_line
from tracker.records import format_score

REQUESTED_HEADING = "#### Requested"


def split_requested(groups: Sequence[Sequence[Item]], requested: Mapping[str, int]) -> tuple[list[Item],
                                                                                              list[list[Item]]]:
    """The requested papers the PR inserts (by issue number), and the section groups without them."""
    asked = [i for g in groups for i in g if not i.dropped and i.arxiv_id in requested]
    chosen = {id(i) for i in asked}
    rest = [[i for i in g if id(i) not in chosen] for g in groups]
    return sorted(asked, key=lambda i: (requested[i.arxiv_id], i.arxiv_id)), [g for g in rest if g]


def closing_line(numbers: Sequence[int]) -> str:
    """``Closes #N`` for each issue, on one line GitHub reads as closing each of them."""
    closes = ", ".join(f"Closes #{n}" for n in dict.fromkeys(sorted(numbers)))
    return f"Merging this pull request closes the issues that asked for these papers: {closes}."


def render_requested(items: Sequence[Item], requested: Mapping[str, int], threshold: float, *, folds: int,
                     cut: int | None = None) -> list[str]:
    """The group's lines (empty without requested papers); the first ``folds`` items keep their fold."""
    if not items:
        return []
    lines = [REQUESTED_HEADING, ""]
    for k, item in enumerate(items):
        score = "–" if item.proposal.score is None else format_score(item.proposal.score)
        where = " · ".join(escape_cell(s) for s in item.sections) or "Unsectioned"
        lines.append(f"{item_line(item, threshold, cut)} · score {score} · in {where} · "
                     f"asked in #{int(requested[item.arxiv_id])}")
        lines += [f"  - [{'x' if s == item.chosen else ' '}] move to: {escape_cell(s)}" for s in item.moves]
        if k < folds:
            lines += fold(item.proposal)
    return lines + ["", closing_line([int(requested[i.arxiv_id]) for i in items]), ""]
