"""The bot's record for the maintainers: proposals, acceptance, misses and scores per week (markdown and PNG).

Built from the store only (runs and their scores from :mod:`tracker.store.runs`,
PR reviews and labels from :mod:`tracker.store.labels`), so ``kd-tracker report``
needs no network. A week is the ISO week of the day a run acted as (its
``as_of``); a PR counts in the week it was built for; a miss in the week of the
run that gave it its best score. Runs and their scores count once a run
finished (``ok`` or ``warnings``); interrupted runs (killed, see
:mod:`tracker.store.runs`) are listed apart.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from tracker.errors import StoreError
from tracker.markdown_safe import escape_cell, safe_url
from tracker.records import format_score, iso_week
from tracker.review.learning import WeekRecord, weekly
from tracker.store import Label, LabelStore, RunLog, RunRecord, Store, rejected_among

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordWeek(WeekRecord):
    """One ISO week of the bot's record: the reviewed PRs' counts, plus its runs, scores and misses."""

    runs: int = 0
    scored: int = 0
    """Papers scored by the week's runs."""
    misses: int = 0
    scores: tuple[float, ...] = ()
    """Every score of the week's runs (for the distribution)."""

    def quantile(self, q: float) -> float | None:
        return float(np.quantile(self.scores, q)) if self.scores else None

    def at_least(self, threshold: float) -> int:
        return sum(1 for s in self.scores if s >= threshold)


@dataclass(frozen=True)
class BotRecord:
    """The whole record: weeks, the misses and the papers rejected for good."""

    weeks: tuple[RecordWeek, ...]
    misses: tuple[tuple[Label, float, str], ...]
    """(label, best score, week) of each hand-added paper the bot scored below the threshold."""
    rejected: tuple[Label, ...]
    """The rejection label of each paper the bot will not propose again."""
    threshold: float
    interrupted: tuple[RunRecord, ...] = ()
    """Runs killed before they finished (their scores are not counted)."""

    def total(self, name: str) -> int:
        return sum(getattr(w, name) for w in self.weeks)


def build_record(store: Store, threshold: float) -> BotRecord:
    """Collect the record from the store."""
    labels = LabelStore(store)
    scored = store.query("SELECT r.as_of, s.arxiv_id, s.score FROM run_scores s JOIN runs r ON r.id = s.run_id "
                         "WHERE r.dry_run = 0 AND r.status NOT IN ('running', 'interrupted') ORDER BY r.as_of, s.arxiv_id")
    runs = store.query("SELECT as_of FROM runs WHERE dry_run = 0 AND status IN ('ok', 'warnings')")
    scores: dict[str, list[float]] = defaultdict(list)
    best: dict[str, tuple[float, str]] = {}
    for as_of, pid, score in scored:
        week = iso_week(as_of)
        scores[week].append(float(score))
        if pid not in best or score > best[pid][0]:
            best[pid] = (float(score), week)
    run_weeks: dict[str, int] = defaultdict(int)
    for (as_of,) in runs:
        run_weeks[iso_week(as_of)] += 1
    everything = labels.all()
    misses = tuple((lb, *best.get(lb.arxiv_id, (float("nan"), iso_week(lb.date)))) for lb in everything
                   if lb.kind == "miss")
    miss_weeks: dict[str, int] = defaultdict(int)
    for _, _, week in misses:
        miss_weeks[week] += 1
    reviews = {w.week: w for w in weekly(labels.reviews())}
    rejected_ids = rejected_among(everything)
    rejected: dict[str, Label] = {}
    for lb in everything:
        if lb.arxiv_id in rejected_ids and lb.label == 0 and not lb.section:
            rejected[lb.arxiv_id] = lb  # the newest rejection
    weeks = []
    for week in sorted(set(scores) | set(run_weeks) | set(reviews) | set(miss_weeks)):
        reviewed = reviews.get(week) or WeekRecord(week, 0, 0, 0, 0, 0, 0)
        week_scores = tuple(scores.get(week, ()))
        weeks.append(RecordWeek(**asdict(reviewed), runs=run_weeks.get(week, 0), scored=len(week_scores),
                                misses=miss_weeks.get(week, 0), scores=week_scores))
    interrupted = tuple(r for r in RunLog(store).runs() if r.status == "interrupted" and not r.dry_run)
    return BotRecord(tuple(weeks), misses, tuple(sorted(rejected.values(), key=lambda lb: (lb.date, lb.arxiv_id))),
                     threshold, interrupted)


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None or value != value else f"{value:.{digits}f}"


def _score(value: float | None) -> str:
    return "–" if value is None or value != value else format_score(value)


def render_markdown(record: BotRecord, images: Sequence[str] = ()) -> str:
    """The record as markdown: a summary, a table per week, the misses and the rejected papers.

    Text read from the store (titles, sections, refs, dates) goes through
    :func:`~tracker.markdown_safe.escape_cell`: no markup, link or hidden character gets in.
    """
    proposed, kept = record.total("proposed"), record.total("kept")
    t = record.threshold
    lines = ["# kd-tracker record", ""]
    if not record.weeks:
        if not record.interrupted:
            return "\n".join(lines + ["Nothing recorded yet: no runs and no reviewed pull requests in the store.", ""])
        return "\n".join(lines + ["No finished runs and no reviewed pull requests in the store yet.", "",
                                   *_interrupted(record)])
    lines += [
        f"{record.weeks[0].week} to {record.weeks[-1].week}: {_plural(record.total('runs'), 'run')} scored "
        f"{record.total('scored')} papers; {record.total('prs')} reviewed pull requests proposed {proposed} rows: "
        f"{kept} kept (precision {_num(kept / proposed if proposed else None)}), {record.total('moved')} moved to "
        f"another section, {record.total('removed')} removed, {record.total('rejected')} rejected with a closed PR. "
        f"{len(record.misses)} papers added by hand were scored below the threshold ({t:g}); "
        f"{len(record.rejected)} papers are rejected for good."
        + (f" {_plural(len(record.interrupted), 'run')} interrupted (listed below)." if record.interrupted else ""),
        "",
        f"| Week | Runs | Scored | PRs | Proposed | Kept | Moved | Removed | Rejected | Precision | Misses "
        f"| Median score | p90 | Max | ≥ {t:g} |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for w in record.weeks:
        lines.append(f"| {w.week} | {w.runs} | {w.scored} | {w.prs} | {w.proposed} | {w.kept} | {w.moved} | {w.removed} "
                     f"| {w.rejected} | {_num(w.precision)} | {w.misses} | {_score(w.quantile(0.5))} "
                     f"| {_score(w.quantile(0.9))} | {_score(w.quantile(1.0))} | {w.at_least(t)} |")
    lines.append("")
    lines += [f"![{Path(image).stem}]({image})" for image in images]
    if images:
        lines.append("")
    lines += _interrupted(record)
    if record.misses:
        lines += ["## Misses", "", "| Paper | Section | Best score | Week |", "|---|---|--:|---|"]
        lines += [f"| [{escape_cell(lb.title or lb.arxiv_id)}]({_abs_url(lb.arxiv_id)}) | "
                  f"{escape_cell(lb.section)} | {_score(score)} | {week} |" for lb, score, week in record.misses]
        lines.append("")
    if record.rejected:
        lines += ["## Rejected for good", "", "| Paper | How | Where | Date |", "|---|---|---|---|"]
        where = {"pr": "PR #", "commit": "commit ", "history": "history ", "list": "list "}
        lines += [f"| [{escape_cell(lb.title or lb.arxiv_id)}]({_abs_url(lb.arxiv_id)}) | {escape_cell(lb.kind)} | "
                  f"{where[lb.source]}{escape_cell(lb.ref[:7] if lb.source != 'pr' else lb.ref)} | "
                  f"{escape_cell(lb.date)} |"
                  for lb in record.rejected]
        lines.append("")
    return "\n".join(lines)


def _interrupted(record: BotRecord) -> list[str]:
    """The section listing the runs killed before they finished (none: no section)."""
    if not record.interrupted:
        return []
    lines = ["## Interrupted runs", "", "Killed before they finished; not counted above (a later run reads their "
             "window again).", "", "| Run | As of | Window |", "|--:|---|---|"]
    lines += [f"| {r.id} | {r.as_of} | {r.since}..{r.until} |" for r in record.interrupted]
    return lines + [""]


def write_plots(record: BotRecord, directory: str | Path) -> list[Path]:
    """``acceptance.png`` (rows per week by outcome, misses) and ``scores.png`` (score distribution per week)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"{directory}: cannot create the plots folder ({e.strerror or e})") from e
    weeks = [w.week for w in record.weeks]
    x = np.arange(len(weeks))
    paths = []
    fig, ax = plt.subplots(figsize=(max(6, len(weeks) * 0.6), 4))
    bottom = np.zeros(len(weeks))
    for name, color in (("kept", "#2e7d32"), ("moved", "#f9a825"), ("removed", "#c62828"), ("rejected", "#6d4c41")):
        values = np.array([getattr(w, name) for w in record.weeks], dtype=float)
        ax.bar(x, values, bottom=bottom, color=color, label=name)
        bottom += values
    ax.plot(x, [w.misses for w in record.weeks], "o", color="black", label="misses")
    ax.set_xticks(x, weeks, rotation=45, ha="right")
    ax.set_ylabel("proposed rows")
    ax.set_title("What maintainers did with the bot's rows, per week")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(_save(fig, directory / "acceptance.png"))
    fig, ax = plt.subplots(figsize=(max(6, len(weeks) * 0.6), 4))
    floor = 1e-6  # scores sit at a base rate of 1 in 500: a log axis shows the threshold's neighbourhood
    data = [np.clip(list(w.scores), floor, 1.0) if w.scores else [np.nan] for w in record.weeks]
    ax.boxplot(data, positions=x, widths=0.6, showfliers=True)
    ax.axhline(record.threshold, color="#c62828", linestyle="--", label=f"threshold {record.threshold:g}")
    ax.set_xticks(x, weeks, rotation=45, ha="right")
    ax.set_yscale("log")
    ax.set_ylim(floor, 1)
    ax.set_ylabel("relevance score (log)")
    ax.set_title("Scores of the papers each week's runs read")
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(_save(fig, directory / "scores.png"))
    plt.close("all")
    return paths


def _save(fig: object, path: Path) -> Path:
    try:
        fig.savefig(path, dpi=100)  # type: ignore[attr-defined]
    except OSError as e:
        raise StoreError(f"{path}: cannot write the plot ({e.strerror or e})") from e
    log.info("wrote %s", path)
    return path


def _abs_url(arxiv_id: str) -> str:
    """The abstract page of a label's paper; the id may come from PR metadata a person edited."""
    return safe_url(f"https://arxiv.org/abs/{arxiv_id.strip()}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
