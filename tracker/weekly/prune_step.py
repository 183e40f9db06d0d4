"""The store pruned after a run (and by ``kd-tracker store prune``): which day it prunes before, what it keeps.

A paper can be proposed again only while a run can score it. The next run as
of ``as_of`` or later scores from its window's start (at most
``arxiv.window_days`` back, or further back to gap days within
``arxiv.gap_lookback_days``) and from the open PR's first scored day
(:func:`~tracker.weekly.windows.pending_since`). :func:`prune_before` takes the
earliest of these and goes :data:`MARGIN_DAYS` further back: papers dated
before it are out of reach of every later run. A run with an explicit
``--since`` further back fetches its window first, which gives pruned papers of
the window their texts back (:func:`tracker.store.papers.merge`).

Besides the list's papers (by id and by normalised title), the store keeps the
texts of labelled, proposed and near-miss papers and of the training sample
(:func:`tracker.store.plan_prune`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Protocol

from tracker.config import Config
from tracker.paper_ids import normalise_title
from tracker.records import Paper
from tracker.store import PrunePlan, PruneResult, RunLog, RunRecord, Store, drop_texts, plan_prune
from tracker.weekly.windows import pending_since

log = logging.getLogger(__name__)

MARGIN_DAYS = 14
"""Days kept before the earliest day a later run can score: a paper's day is its listing day, which can
follow its submission by days (weekends, holidays, a late announcement), and a run may act a day early."""


class Listed(Protocol):
    """What pruning needs from a list row (:class:`tracker.listdoc.Row` has it)."""

    arxiv_id: str | None
    title: str


def prune_before(config: Config, runs: Sequence[RunRecord], as_of: date) -> date:
    """The day before which papers may lose their texts, for runs as of ``as_of`` or later (module docstring)."""
    reach = as_of - timedelta(days=max(config.arxiv.window_days, config.arxiv.gap_lookback_days))
    first = pending_since(runs, reach, config.arxiv.window_days)
    return min(reach, first) - timedelta(days=MARGIN_DAYS)


def plan_store_prune(config: Config, store: Store, rows: Iterable[Listed], *, as_of: date) -> PrunePlan:
    """What pruning the store as of ``as_of`` would do, keeping the list's ``rows``."""
    rows = list(rows)
    before = prune_before(config, RunLog(store).runs(), as_of)
    return plan_prune(
        store, before=before, negatives=config.model.negatives, random_state=config.model.random_state,
        keep_ids={r.arxiv_id for r in rows if r.arxiv_id},
        keep_titles={t for r in rows if (t := normalise_title(r.title))},
        near_misses=config.model.near_misses, threshold=config.model.threshold,
    )


def prune_store(config: Config, store: Store, rows: Iterable[Listed], *, as_of: date) -> PruneResult:
    """Prune the store as of ``as_of``, keeping the list's ``rows``; see :func:`plan_store_prune`."""
    return drop_texts(store, plan_store_prune(config, store, rows, as_of=as_of))


def scorable(papers: Iterable[Paper], what: str = "papers of the window") -> list[Paper]:
    """``papers`` without those that have no abstract (pruned), with a warning naming them: a model never scores
    a pruned paper. Pruning stops before the scoring window and fetching a window restores its papers' texts, so
    this only happens when arXiv no longer gives a paper in its window."""
    papers = list(papers)
    kept = [p for p in papers if p.abstract]
    if len(kept) < len(papers):
        left = [p.arxiv_id for p in papers if not p.abstract]
        log.warning("%d %s have no abstract in the store (pruned, and not fetched again): not scored: %s%s",
                    len(left), what, ", ".join(left[:10]), ", ..." if len(left) > 10 else "")
    return kept


def prune_summary(result: PrunePlan | PruneResult) -> str:
    """One line: papers pruned, bytes freed, whether it vacuumed (a plan: what a prune would do)."""
    if isinstance(result, PrunePlan):
        plan = result
        text = (f"would prune {_papers(len(plan.ids))} dated before {plan.before}, "
                f"freeing {_size(plan.text_bytes)} of text")
        return text + (f"; would vacuum the {_size(plan.file_bytes)} file" if plan.vacuum else "; would not vacuum")
    plan = result.plan
    text = f"pruned {_papers(result.pruned)} dated before {plan.before}, "
    if result.vacuumed:
        return text + (f"freed {_size(result.freed)}; vacuumed: {_size(plan.file_bytes)} -> "
                       f"{_size(result.file_bytes)}")
    return text + f"freed {_size(result.freed)} of text inside the file; not vacuumed"


def _papers(n: int) -> str:
    return f"{n} paper{'' if n == 1 else 's'}"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n} bytes"
