"""The reviewable part of the PR body: one GitHub task-list item per paper, grouped by section; the overflow fold.

The markdown written here is a contract with the tick reader (the review step)::

    <!-- kd-tracker:papers -->
    #### <escaped section path>

    - [x] [Title](https://arxiv.org/abs/ID) · arXiv:ID · <venue> · [code](url) · [data](url) · high · **new**
      - [ ] move to: <escaped section path>
      <details><summary>abstract · authors · why</summary>
      ...
      </details>
    <!-- kd-tracker:papers-end -->

A tick is tied to its paper only by the ``https://arxiv.org/abs/ID`` URL on
its item line (always the versionless abs URL, whatever link form the
proposal has); a ``move to`` item belongs to the item line above it. A
dropped paper (``context.dropped``) keeps its item, unticked; the move the
reviewer chose (``context.moves``) is the ticked ``move to``.

**Order.** Sections in the order of their first paper; inside a section,
papers by the run that first put them in this PR (oldest first, the
``first_seen`` the previous PR's metadata records), then in their place in the
previous body (the metadata lists papers in body order), then by score, best
first. A paper thus keeps its place whatever its new score; the papers a run
adds come after the ones waiting, by score, marked **new** (none is marked in
a new PR). A paper dropped in this update keeps its place; from the next update
on, it sits after the kept papers of its run (the metadata lists dropped papers
apart). Its ``move to`` items are the ones the previous body offered, so they
keep their places too; a moved paper is also offered the sections it left.

**Confidence** is a word for the score against the relevance threshold, on the
odds scale (scores are calibrated probabilities at a base rate of 1 in 500):
``high`` when the paper's odds are at least :data:`HIGH_ODDS` times the
threshold's (about 0.55 at the default threshold 0.012), ``medium`` from
:data:`MEDIUM_ODDS` times (about 0.11), ``low`` below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.config import ModelConfig
from tracker.errors import ProposalError
from tracker.github import PaperMetadata, PrMetadata
from tracker.markdown_safe import escape_cell, safe_url
from tracker.paper_ids import normalise_arxiv_id
from tracker.publish.context import PublishContext
from tracker.records import Proposal, format_score

PAPERS_START = "<!-- kd-tracker:papers -->"
PAPERS_END = "<!-- kd-tracker:papers-end -->"
OVERFLOW_START = "<!-- kd-tracker:overflow -->"
OVERFLOW_END = "<!-- kd-tracker:overflow-end -->"
HIGH_ODDS = 100.0
"""A score whose odds are at least this many times the threshold's is ``high``."""
MEDIUM_ODDS = 10.0
"""... at least this many times, ``medium``; else ``low``."""
ABSTRACT_SENTENCES = 3
"""The fold shows at most this many sentences of the abstract ..."""
ABSTRACT_CHARS = 400
"""... and stops adding sentences once it holds this many characters (two at least, when there are two)."""
AUTHORS_SHOWN = 3
"""Authors named in the fold; more become "et al."."""
FOLD_SUMMARY = "abstract · authors · why"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")


@dataclass(frozen=True)
class Item:
    """One paper of the papers part: where it sits, what the reviewer can tick, how it shows."""

    proposal: Proposal
    arxiv_id: str
    sections: tuple[str, ...]
    """Sections its row sits in (for a dropped paper: the ones it was proposed for)."""
    moves: tuple[str, ...]
    """Sections offered as ``move to`` items."""
    chosen: str | None
    """The ``move to`` the reviewer ticked."""
    dropped: bool
    new: bool
    first_seen: str

    @property
    def section(self) -> str:
        """The heading it is grouped under."""
        return self.sections[0] if self.sections else ""

    def metadata(self) -> PaperMetadata:
        p = self.proposal
        return PaperMetadata(arxiv_id=self.arxiv_id, title=p.title, url=p.url, sections=self.sections, score=p.score,
                             alternatives=self.moves, first_seen=self.first_seen)


def arxiv_id_of(proposal: Proposal) -> str:
    """The proposal's arXiv id field as given, else its link's id; '' for none.

    Not :func:`tracker.paper_ids.arxiv_id_of`: that one re-normalises the field
    and drops an id it cannot read, which would change the body's links.
    """
    return proposal.arxiv_id or normalise_arxiv_id(proposal.url) or ""


def _previous(context: PublishContext) -> dict[str, PaperMetadata]:
    previous: PrMetadata | None = context.previous
    if previous is None:
        return {}
    found: dict[str, PaperMetadata] = {}
    for paper in (*previous.overflow, *previous.dropped, *previous.papers):  # the papers part wins
        if paper.arxiv_id:
            found[paper.arxiv_id] = paper
    return found


def _previous_places(context: PublishContext) -> dict[str, int]:
    """arXiv id -> place in the previous body (its metadata lists papers in body order, then the dropped ones)."""
    if context.previous is None:
        return {}
    ordered = (*context.previous.papers, *context.previous.dropped)
    return {p.arxiv_id: k for k, p in reversed(list(enumerate(ordered))) if p.arxiv_id}


def _first_seen(arxiv_id: str, context: PublishContext, previous: dict[str, PaperMetadata]) -> str:
    """The day the paper first came into this PR: as the ``previous`` metadata records it, else this run's."""
    before = previous.get(arxiv_id)
    if before is not None:
        return before.first_seen or (context.previous.as_of if context.previous else "") or context.as_of.isoformat()
    return context.as_of.isoformat()


def arrange(papers: Sequence[tuple[Proposal, Sequence[str]]], context: PublishContext) -> list[list[Item]]:
    """The papers (inserted and dropped) as items, grouped by section, in the body's order."""
    before = _previous(context)
    listed = set()
    if context.previous is not None:
        listed = {p.arxiv_id for p in (*context.previous.papers, *context.previous.dropped) if p.arxiv_id}
    entries = [(p, tuple(s), False) for p, s in papers] + [(p, tuple(p.sections), True) for p in context.dropped]
    items: list[Item] = []
    for proposal, sections, dropped in entries:
        arxiv_id = arxiv_id_of(proposal)
        chosen = context.moves.get(arxiv_id) if arxiv_id else None
        old = before.get(arxiv_id) if arxiv_id and arxiv_id in listed else None
        if old is not None and old.alternatives:
            moves = old.alternatives
        else:
            moves = tuple(a.section for a in proposal.alternatives if a.section not in sections)
        if chosen and chosen not in moves:
            moves += (chosen,)
        if old is not None:  # a moved paper: the sections it left are offered, so the reviewer can move it back
            moves += tuple(s for s in old.sections if s not in sections and s not in moves)
        items.append(Item(proposal, arxiv_id, sections, moves, chosen, dropped,
                          new=context.previous is not None and arxiv_id not in listed,
                          first_seen=_first_seen(arxiv_id, context, before)))
    places = _previous_places(context)

    def key(item: Item) -> tuple:
        return (item.first_seen, places.get(item.arxiv_id, len(places)), -(item.proposal.score or 0.0),
                item.arxiv_id, item.proposal.title)

    groups: dict[str, list[Item]] = {}
    for item in sorted(items, key=key):
        groups.setdefault(item.section, []).append(item)
    # a section keeps its place when a paper is moved into it: it is placed by the papers the model put there
    return sorted(groups.values(), key=lambda g: min(key(i) for i in ([i for i in g if not i.chosen] or g)))


def confidence(score: float | None, threshold: float) -> str:
    """``high``/``medium``/``low`` for ``score`` against ``threshold`` on the odds scale ('' without a score)."""
    if score is None:
        return ""
    odds, base = _odds(score), _odds(threshold)
    if odds >= HIGH_ODDS * base:
        return "high"
    return "medium" if odds >= MEDIUM_ODDS * base else "low"


def _odds(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return p / (1 - p)


def link(text: str, url: str) -> str:
    try:
        return f"[{escape_cell(text)}]({safe_url(url)})"
    except ProposalError:
        return escape_cell(text)


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def title_link(proposal: Proposal, arxiv_id: str, cut: int | None = None) -> str:
    """The linked title; the link is the versionless abs URL for an arXiv paper (what ties a tick to it)."""
    title = proposal.title if cut is None or len(proposal.title) <= cut else proposal.title[:cut].rstrip() + "…"
    return link(title, abs_url(arxiv_id) if arxiv_id else proposal.url)


def venue(proposal: Proposal) -> str:
    """The venue hint, escaped; '' when there is none (``arXiv`` is no venue)."""
    shown = escape_cell(proposal.venue)
    return "" if shown.lower() in ("", "arxiv", "-", "–") else shown


def _code_data(proposal: Proposal) -> list[str]:
    out = []
    for kind, urls in (("code", proposal.code), ("data", proposal.data)):
        for i, url in enumerate(urls):
            out.append(link(kind if i == 0 else f"{kind} {i + 1}", url))
    return out


def item_line(item: Item, threshold: float, cut: int | None = None) -> str:
    p = item.proposal
    parts = [title_link(p, item.arxiv_id, cut)]
    if item.arxiv_id:
        parts.append(f"arXiv:{item.arxiv_id}")
    parts += [part for part in (venue(p),) if part]
    parts += _code_data(p)
    parts += [word for word in (confidence(p.score, threshold),) if word]
    if item.new:
        parts.append("**new**")
    return f"- [{' ' if item.dropped else 'x'}] " + " · ".join(parts)


def why(proposal: Proposal) -> tuple[str, ...]:
    """The phrases that drove the score: multi-word terms only, never single words."""
    return tuple(t for t in proposal.terms if len(t.split()) >= 2 and " + " not in t)


def first_sentences(abstract: str) -> str:
    sentences = [s for s in _SENTENCE_END.split(" ".join(abstract.split())) if s]
    shown: list[str] = []
    for sentence in sentences[:ABSTRACT_SENTENCES]:
        if len(shown) >= 2 and sum(len(s) for s in shown) + len(sentence) > ABSTRACT_CHARS:
            break
        shown.append(sentence)
    return " ".join(shown)


def authors(names: Sequence[str]) -> str:
    shown = ", ".join(escape_cell(n) for n in names[:AUTHORS_SHOWN])
    return shown + (" et al." if len(names) > AUTHORS_SHOWN else "")


def fold(proposal: Proposal) -> list[str]:
    """The folded details under an item (indented two spaces): first sentences, authors, the why."""
    text = escape_cell(first_sentences(proposal.abstract))
    about = [part for part in (authors(proposal.authors),) if part]
    phrases = why(proposal)
    if phrases:
        about.append("why: " + ", ".join(f"“{escape_cell(t)}”" for t in phrases))
    if not text and not about:
        return []
    lines = [f"  <details><summary>{FOLD_SUMMARY}</summary>", ""]
    if text:
        lines += [f"  {text}", ""]
    if about:
        lines += ["  " + " · ".join(about), ""]
    return lines + ["  </details>"]


def render_papers(groups: Sequence[Sequence[Item]], threshold: float, *, folds: int, cut: int | None = None) -> list[str]:
    """The papers part between its markers; the first ``folds`` papers keep their fold."""
    lines = [PAPERS_START]
    shown = 0
    for group in groups:
        lines += [f"#### {escape_cell(group[0].section) or 'Unsectioned'}", ""]
        for item in group:
            lines.append(item_line(item, threshold, cut))
            lines += [f"  - [{'x' if s == item.chosen else ' '}] move to: {escape_cell(s)}" for s in item.moves]
            if shown < folds:
                lines += fold(item.proposal)
            shown += 1
        lines.append("")
    return lines + [PAPERS_END, ""]


def render_overflow(context: PublishContext, shown: int) -> list[str]:
    """The papers above the threshold past the cap, in a fold, each an unticked ``add`` item."""
    count = len(context.overflow)
    if not count:
        return []
    cap = context.thresholds.get("papers per PR")
    limit = f" (past the cap of {cap:g} papers per PR)" if cap is not None else ""
    lines = [OVERFLOW_START, f"<details><summary>{count} more above the threshold{limit}</summary>", "",
             "Tick one to add it to this pull request at the next review or run.", ""]
    for p in context.overflow[:shown]:
        arxiv_id = arxiv_id_of(p)
        lines.append(f"- [ ] add {title_link(p, arxiv_id)} · {'–' if p.score is None else format_score(p.score)}")
    if shown < count:
        lines.append(f"- and {count - shown} more (the body would be too long)")
    return lines + ["", "</details>", OVERFLOW_END, ""]


def overflow_metadata(context: PublishContext) -> tuple[PaperMetadata, ...]:
    out = []
    previous = _previous(context)
    for p in context.overflow:
        arxiv_id = arxiv_id_of(p)
        out.append(PaperMetadata(arxiv_id=arxiv_id, title=p.title, url=p.url, sections=tuple(p.sections),
                                 score=p.score, first_seen=_first_seen(arxiv_id, context, previous)))
    return tuple(out)


def threshold_of(context: PublishContext) -> float:
    return float(context.thresholds.get("relevance", ModelConfig().threshold))
