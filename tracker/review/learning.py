"""``learn``: read what the maintainers did with the bot's PRs and the list, and store it as labels.

The first step of every weekly run, and idempotent: running it twice adds
nothing (labels have natural keys, a PR's labels are replaced by the same set,
the list's commits are read only after the one the previous learn stopped at).

1. Every merged or closed bot PR is compared with the list *now* on the
   default branch (:func:`tracker.review.signals.review_pull`).
2. The list file's commits since the last learn are diffed pairwise
   (:func:`tracker.review.signals.list_changes`): rows removed or moved by hand.
3. With ``history``, a list-history JSONL file adds the same signals (replay).
4. Papers in the list now that no bot PR proposed and the run log scored below
   the threshold are misses (positives, and a figure of the report); a
   rejected paper found in the list again was added by hand and is no longer
   rejected.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from github import Github

from tracker.config import Config
from tracker.errors import ListFormatError
from tracker.records import WeekRecord, iso_week
from tracker.review.reader import ReviewReader
from tracker.review.signals import (
    OUTCOMES,
    PaperIndex,
    bot_papers,
    changes_over,
    history_labels,
    index_of,
    review_pull,
)
from tracker.store import Label, LabelStore, RefreshState, RunLog, Store, StoredReview, rejected_among

log = logging.getLogger(__name__)

MAX_COMMITS = 100
"""At most this many commits of the list are read by one learn (the first one, with no cursor yet)."""


@dataclass(frozen=True)
class LearnReport:
    """What one ``learn`` read and stored."""

    prs_merged: int = 0
    prs_closed: int = 0
    prs_open: int = 0
    """Open bot PRs: not reviewed yet."""
    proposed: int = 0
    kept: int = 0
    moved: int = 0
    removed: int = 0
    rejected: int = 0
    """Rows of PRs closed without merging."""
    commits: int = 0
    """Commits of the list file read."""
    history: int = 0
    """Labels read from the list-history file."""
    misses: tuple[str, ...] = ()
    """Hand-added papers the bot scored below the threshold."""
    found: int = 0
    """Papers in the list that came from the bot's merged PRs."""
    added: int = 0
    """Labels new in the store."""
    dropped: int = 0
    """Labels of re-read PRs no longer true (replaced)."""
    total: int = 0
    """Labels in the store after learning."""
    rejected_for_good: int = 0
    """Papers the bot will not propose again."""
    threshold: float = 0.5
    weeks: tuple[WeekRecord, ...] = field(default_factory=tuple)

    @property
    def prs(self) -> int:
        return self.prs_merged + self.prs_closed

    @property
    def precision(self) -> float | None:
        """Kept rows over proposed rows."""
        return self.kept / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        """Papers the bot found over papers it found or missed."""
        seen = self.found + len(self.misses)
        return self.found / seen if seen else None

    def table(self) -> str:
        """The table ``kd-tracker learn`` prints."""
        def ratio(value: float | None) -> str:
            return "-" if value is None else f"{value:.2f}"

        lines = [
            f"PRs read        {self.prs} ({self.prs_merged} merged, {self.prs_closed} closed; "
            f"{self.prs_open} open, not reviewed yet)",
            f"rows proposed   {self.proposed}",
            f"rows kept       {self.kept}",
            f"rows moved      {self.moved}",
            f"rows removed    {self.removed}",
            f"rows rejected   {self.rejected} (PRs closed without merging)",
            f"list commits    {self.commits}",
            f"history labels  {self.history}",
            f"misses          {len(self.misses)} (added by hand, scored below {self.threshold:g})",
            f"precision       {ratio(self.precision)} (kept / proposed)",
            f"recall          {ratio(self.recall)} ({self.found} found by the bot, {len(self.misses)} missed)",
            f"labels          +{self.added} -{self.dropped}, {self.total} stored; "
            f"{self.rejected_for_good} papers rejected for good",
        ]
        if self.weeks:
            lines += ["", f"{'week':<9} {'PRs':>3} {'proposed':>8} {'kept':>4} {'moved':>5} {'removed':>7} "
                          f"{'rejected':>8} {'precision':>9}"]
            lines += [f"{w.week:<9} {w.prs:>3} {w.proposed:>8} {w.kept:>4} {w.moved:>5} {w.removed:>7} {w.rejected:>8} "
                      f"{ratio(w.precision):>9}" for w in self.weeks]
        return "\n".join(lines)


def weekly(reviews: Sequence[StoredReview]) -> tuple[WeekRecord, ...]:
    """Reviews grouped by the ISO week each PR was built for (its ``as_of``, else its close date)."""
    groups: dict[str, list[StoredReview]] = defaultdict(list)
    for review in reviews:
        groups[iso_week(review.as_of) or iso_week(review.closed_at)].append(review)
    return tuple(
        WeekRecord(week, len(group), sum(r.proposed for r in group), sum(r.kept for r in group),
                   sum(r.moved for r in group), sum(r.removed for r in group), sum(r.rejected for r in group))
        for week, group in sorted(groups.items())
    )


def learn(github: Github | None, repo_name: str, config: Config, store: Store, *, history: str | Path | None = None,
          readme_text: str | Mapping[str, str] | None = None, max_commits: int = MAX_COMMITS, today: dt.date | None = None) -> LearnReport:
    """Read review signals into the store's labels; see the module docstring.

    ``github`` None reads nothing from GitHub (``history`` and ``readme_text``
    still count: an offline replay). ``readme_text`` stands for the list now
    (else it is read at the head of the default branch); for a list split
    into files, their texts by path.
    """
    labels = LabelStore(store)
    today_text = (today or dt.date.today()).isoformat()
    counts: dict[str, int] = defaultdict(int)
    added = dropped = 0
    metadata = []
    index: PaperIndex | None = index_of(readme_text, config.list.files[0]) if readme_text is not None else None
    if github is not None:
        reader = ReviewReader(github, repo_name, config)
        if index is None:
            head = reader.head_sha()
            text = reader.list_text(head)
            if text is None:
                raise ListFormatError(f"{config.list.shown} not found in {repo_name} at {reader.default_branch}; "
                                      f"check list.path in the config")
            index = index_of(text, config.list.files[0])
        pulls, counts["open"] = reader.bot_pulls()
        for pull in pulls:
            review = review_pull(pull.number, pull.state, pull.date, pull.metadata, index)
            new, stale = labels.replace("pr", str(pull.number), review.labels())
            added, dropped = added + new, dropped + stale
            labels.save_review(review.stored())
            metadata.append(pull.metadata)
            if pull.metadata.declined_updates:  # restores them after a lost store
                RefreshState(store).decline(pull.metadata.declined_updates, ref=str(pull.number))
            counts[pull.state] += 1
            for outcome in OUTCOMES:
                counts[outcome] += review.count(outcome)
            counts["proposed"] += len(review.rows)
        added += _read_commits(reader, labels, repo_name, max_commits, counts)
    if history is not None:
        read = history_labels(history)
        counts["history"] = len(read)
        added += labels.add(read)
    misses: tuple[str, ...] = ()
    found = 0
    if index is not None:
        proposed_ids = bot_papers(metadata)
        found = len(proposed_ids & set(index.sections))
        misses = _misses(store, index, proposed_ids, config.model.threshold)
        added += labels.add(Label(pid, 1, index.sections[pid][0], "miss", "list", "", today_text,
                                  index.title_of.get(pid, "")) for pid in misses)
        back = sorted(labels.rejected_ids() & set(index.sections))
        added += labels.add(Label(pid, 1, "", "added", "list", "", today_text, index.title_of.get(pid, ""))
                            for pid in back)
    stored = labels.all()
    report = LearnReport(
        prs_merged=counts["merged"], prs_closed=counts["closed"], prs_open=counts["open"], proposed=counts["proposed"],
        kept=counts["kept"], moved=counts["moved"], removed=counts["removed"], rejected=counts["rejected"],
        commits=counts["commits"], history=counts["history"], misses=misses, found=found, added=added,
        dropped=dropped, total=len(stored), rejected_for_good=len(rejected_among(stored)),
        threshold=config.model.threshold, weeks=weekly(labels.reviews()),
    )
    log.info("learned: %d PRs, %d list commits, %d history labels; %d labels added, %d dropped, %d stored",
             report.prs, report.commits, report.history, added, dropped, report.total)
    return report


def _read_commits(reader: ReviewReader, labels: LabelStore, repo_name: str, max_commits: int,
                  counts: dict[str, int]) -> int:
    """Diff the list's commits since the last learn; move the cursor; returns the labels added.

    A cursor the branch's history no longer has (the repository was re-created,
    or its history rewritten) is dropped with a warning: the list's commits are
    then read from the head, as on a first learn.
    """
    key = f"list_commit:{repo_name}"
    stop = labels.state(key)
    history = reader.list_commits(stop, max_commits)
    if stop and not history.found_stop and (history.complete or not reader.on_branch(stop)):
        log.warning("the list commit %s that the last learn stopped at is not in the history of %s in %s any more "
                    "(repository re-created or history rewritten); reading the list's commits from the head, "
                    "as on a first learn", stop[:12], reader.default_branch, repo_name)
        stop = None  # the walk that missed the cursor read what a first learn reads: the newest commits
    commits = history.commits
    counts["commits"] = len(commits)
    if not commits:
        return 0
    base = reader.list_text(stop) if stop else reader.parent_text(commits[0].sha)
    versions = [("", "", base or "")]
    versions += [(c.sha, c.date, reader.list_text(c.sha) or "") for c in commits]
    added = labels.add(changes_over(versions))
    labels.set_state(key, commits[-1].sha)
    return added


def _misses(store: Store, index: PaperIndex, proposed: set[str], threshold: float) -> tuple[str, ...]:
    """Papers in the list, not from a bot PR, that every run scored below ``threshold`` and none proposed."""
    candidates = [pid for pid in index.sections if pid not in proposed]
    best = RunLog(store).best_scores(candidates)
    return tuple(sorted(pid for pid, (score, was_proposed) in best.items() if score < threshold and not was_proposed))
