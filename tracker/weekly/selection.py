"""Choose the week's proposals from scored papers: pure, no I/O.

A paper is proposed when its score is at or above the threshold, it is not in
the list already (by arXiv id or normalised title), and the maintainers have not
rejected it; at most ``proposals_per_pr`` of them, best first. A paper waiting
in the bot's open PR (``carried``) stays proposed whatever its new score, unless
it is in the list now or rejected. The papers the open PR already inserts
(``first``) count against ``proposals_per_pr`` first and all stay; new papers
fill the room left, best first; overflow papers the reviewer ticked ``add``
(``added``) join above the cap. Papers past ``proposals_per_pr`` are the
overflow, named in the PR body. The next best papers under the threshold are
the near-misses shown in the PR body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from classifiers.explain import WHY_PHRASES, why_phrases
from tracker.config import ModelConfig
from tracker.listdoc import ListDocument, ListSet
from tracker.markdown_safe import is_web_link
from tracker.records import Paper, Proposal, ScoredPaper, SectionScore, iso_week


@dataclass(frozen=True)
class Selection:
    """What the week proposes, and why the rest was left out."""

    proposals: tuple[Proposal, ...]
    """Papers to insert, best first."""
    near_misses: tuple[Proposal, ...]
    """Best papers under the threshold, for the PR body."""
    in_list: int
    """Scored papers skipped because the list has them already."""
    rejected: int
    """Scored papers skipped because a maintainer rejected them before."""
    over_limit: int
    """Papers above the threshold (or waiting in the open PR) left out by ``proposals_per_pr``."""
    overflow: tuple[Proposal, ...] = field(default=())
    """Those papers, best first: named in the PR body as not included."""


def select(
    scored: Iterable[ScoredPaper],
    document: ListDocument | ListSet,
    model: ModelConfig,
    *,
    rejected: Collection[str] = (),
    carried: Collection[str] = (),
    first: Collection[str] = (),
    added: Collection[str] = (),
) -> Selection:
    """Split ``scored`` into proposals and near-misses by ``model.threshold``; ``carried`` ids count as above it.

    ``first``: ids already inserted by the open PR (they take the cap first and all stay); ``added``: overflow ids
    the reviewer ticked (they join whatever the cap). Papers in ``document`` or ``rejected`` are skipped, then
    :func:`threshold_and_cap` decides.
    """
    known = document.papers()
    tables = [section.path for section in document.sections()]
    candidates: list[ScoredPaper] = []
    in_list = rejected_count = 0
    for item in scored:
        paper = item.paper
        if known.has(paper.arxiv_id, paper.title):
            in_list += 1
        elif paper.arxiv_id in rejected:
            rejected_count += 1
        else:
            candidates.append(item)
    cut = threshold_and_cap(candidates, model, carried=carried, first=first, added=added)
    overflow = tuple(to_proposal(item, tables, model) for item in cut.overflow)
    return Selection(
        proposals=tuple(to_proposal(item, tables, model) for item in cut.chosen),
        near_misses=tuple(to_proposal(item, tables, model) for item in cut.below[: model.near_misses]),
        in_list=in_list,
        rejected=rejected_count,
        over_limit=len(overflow),
        overflow=overflow,
    )


@dataclass(frozen=True)
class Cut:
    """Scored papers split by the threshold and the cap, each part best first."""

    chosen: tuple[ScoredPaper, ...]
    """Proposed: at or above the threshold (or carried, or added), within ``proposals_per_pr``."""
    overflow: tuple[ScoredPaper, ...]
    """Above the threshold but past the cap."""
    below: tuple[ScoredPaper, ...]
    """Under the threshold."""


def threshold_and_cap(
    scored: Iterable[ScoredPaper],
    model: ModelConfig,
    *,
    carried: Collection[str] = (),
    first: Collection[str] = (),
    added: Collection[str] = (),
) -> Cut:
    """The selection rule itself, on papers already eligible: ``model.threshold``, then ``model.proposals_per_pr``.

    Papers are ranked by score (ties by arXiv id). ``carried`` and ``added`` ids count as above the threshold;
    ``first`` ids take the cap first and all stay; new papers fill the room left, best first; ``added`` ids join
    above the cap. :func:`select` uses it after skipping known and rejected papers; ``kd-tracker score --select``
    uses it on each week's papers alone.
    """
    ranked = sorted(scored, key=lambda s: (-s.score, s.paper.arxiv_id))
    above: list[ScoredPaper] = []
    below: list[ScoredPaper] = []
    for item in ranked:
        pid = item.paper.arxiv_id
        keep = item.score >= model.threshold or pid in carried or pid in added
        (above if keep else below).append(item)
    in_pr = [i for i, item in enumerate(above) if item.paper.arxiv_id in first]
    new = [i for i, item in enumerate(above) if item.paper.arxiv_id not in first]
    room = max(model.proposals_per_pr - len(in_pr), 0)
    chosen = set(in_pr + new[:room]) | {i for i in new[room:] if above[i].paper.arxiv_id in added}
    return Cut(
        chosen=tuple(item for i, item in enumerate(above) if i in chosen),
        overflow=tuple(item for i, item in enumerate(above) if i not in chosen),
        below=tuple(below),
    )


def proposed_by_week(
    scored: Iterable[ScoredPaper], model: ModelConfig, week: Callable[[Paper], str] | None = None
) -> set[str]:
    """The arXiv ids :func:`threshold_and_cap` proposes within each week of ``scored`` taken alone.

    ``week`` names a paper's week (default: the ISO week of :attr:`Paper.day`, as a weekly run sees it).
    Papers in the list or rejected are not known here: every scored paper is eligible.
    """
    week = week or (lambda paper: iso_week(paper.day))
    weeks: dict[str, list[ScoredPaper]] = defaultdict(list)
    for item in scored:
        weeks[week(item.paper)].append(item)
    return {item.paper.arxiv_id for items in weeks.values() for item in threshold_and_cap(items, model).chosen}


ALTERNATIVE_MARGIN = 0.5
"""A section is offered as a ``move to`` alternative only when its probability is at least this share of the
best section's: a close call. A paper whose best section is clear (the next one under half of it) gets none."""


def to_proposal(item: ScoredPaper, tables: Sequence[str], model: ModelConfig) -> Proposal:
    """A proposal for ``item``: its best sections that are tables of the list, with the close alternatives.

    Alternatives are the other placeable sections within :data:`ALTERNATIVE_MARGIN` of the best, at most
    ``model.alternatives``. The venue is the paper's venue hint only (empty when arXiv gave none); the "why"
    (``terms``) is the paper's phrases, else its multi-word top terms.
    """
    ranked = list(_placeable(item.sections, tables))
    chosen = ranked[:1] + [s for s in ranked[1 : model.max_sections] if s.score >= model.section_min_score]
    best = ranked[0].score if ranked else 0.0
    alternatives = [s for s in ranked if s not in chosen and s.score >= best * ALTERNATIVE_MARGIN][: model.alternatives]
    paper = item.paper
    return Proposal(
        title=paper.title,
        url=paper.url,
        sections=tuple(s.section for s in chosen),
        arxiv_id=paper.arxiv_id,
        venue=paper.venue,
        date=_month(paper),
        code=tuple(filter(is_web_link, paper.code)),  # a store written before links were checked may hold others
        data=tuple(filter(is_web_link, paper.data)),
        score=round(item.score, 4),
        alternatives=tuple(SectionScore(s.section, round(s.score, 4)) for s in alternatives),
        terms=why_phrases(f"{paper.title}. {paper.abstract}", item.ngrams, WHY_PHRASES)
        or tuple(t for t in item.terms if " " in t and " + " not in t),
        abstract=paper.abstract,
        authors=paper.authors,
    )


def _placeable(sections: Iterable[SectionScore], tables: Sequence[str]) -> Iterable[SectionScore]:
    """Map each ranked section to a table of the list: itself, else its first table below it.

    A rolled-up section (a parent heading with no table of its own) lands in the
    first table under it; each table appears once, at its best score.
    """
    seen: set[str] = set()
    for section in sections:
        if section.section in tables:
            target = section.section
        else:
            below = [t for t in tables if t.startswith(section.section + " > ")]
            if not below:
                continue
            target = below[0]
        if target not in seen:
            seen.add(target)
            yield SectionScore(target, section.score)


def _month(paper: Paper) -> str:
    return (paper.published or paper.announced)[:7]
