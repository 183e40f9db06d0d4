"""PR bodies written by hand to the body's markdown contract (issue 15), for the tick reader's tests.

:func:`contract_body` builds the papers part, the overflow part and the hidden metadata exactly as the contract
says, independent of today's renderer, so the reader is tested on the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.github import PaperMetadata, PrMetadata, format_pr_metadata
from tracker.markdown_safe import escape_cell

PAPERS_START, PAPERS_END = "<!-- kd-tracker:papers -->", "<!-- kd-tracker:papers-end -->"
OVERFLOW_START, OVERFLOW_END = "<!-- kd-tracker:overflow -->", "<!-- kd-tracker:overflow-end -->"


@dataclass(frozen=True)
class Item:
    """One paper's item as a reviewer left it: ticked or not, and its move items (section, ticked)."""

    paper: PaperMetadata
    ticked: bool = True
    moves: tuple[tuple[str, bool], ...] = ()


def paper(arxiv_id: str, title: str, section: str, score: float = 0.9, alternatives: Sequence[str] = ()) -> PaperMetadata:
    return PaperMetadata(arxiv_id, title, f"https://arxiv.org/abs/{arxiv_id}", (section,), score, tuple(alternatives))


def item_line(item: Item) -> list[str]:
    p = item.paper
    mark = "x" if item.ticked else " "
    lines = [f"- [{mark}] [{escape_cell(p.title)}](https://arxiv.org/abs/{p.arxiv_id}) · arXiv:{p.arxiv_id} · high"]
    lines += [f"  - [{'x' if on else ' '}] move to: {escape_cell(s)}" for s, on in item.moves]
    lines += ["  <details><summary>abstract, authors, why</summary>", "", "  Some abstract.", "", "  </details>"]
    return lines


def contract_body(items: Sequence[Item], metadata: PrMetadata, *, added: Sequence[str] = (),
                  footer: str = "") -> str:
    """A whole PR body: intro, papers part grouped by section, overflow fold, metadata block, footer."""
    lines = ["kd-tracker proposes these papers. Untick to drop, tick a move to move.", "", PAPERS_START]
    section = None
    for item in items:
        if item.paper.sections[0] != section:
            section = item.paper.sections[0]
            lines += ["", f"#### {escape_cell(section)}", ""]
        lines += item_line(item)
    lines += [PAPERS_END, ""]
    if metadata.overflow:
        lines += [OVERFLOW_START, f"<details><summary>{len(metadata.overflow)} more above the threshold</summary>",
                  ""]
        lines += [f"- [{'x' if p.arxiv_id in added else ' '}] add [{escape_cell(p.title)}]"
                  f"(https://arxiv.org/abs/{p.arxiv_id}) · {p.score:.2f}" for p in metadata.overflow]
        lines += ["", "</details>", OVERFLOW_END, ""]
    lines += [format_pr_metadata(metadata), footer]
    return "\n".join(lines)
