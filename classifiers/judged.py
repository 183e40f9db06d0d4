"""The judged measure of proposal quality: what a ranking selects in whole weeks, against a reviewer's grades.

A reviewer graded papers of some ISO weeks (``judged_dev.jsonl``): 2 clearly in scope, 1 borderline, 0 out of
scope. Only papers some ranker put near the top of its week were graded (pooling, as TREC does), so a selected
paper may be unjudged. A ranking ranks *every* paper of a week (the bot ranks the whole week), and what it selects
in each week (its top k, or what the weekly run's threshold and cap propose) is measured:

- precision of grade 2 and of grade >= 1 among the week's *judged* selected papers, averaged over the weeks whose
  selection holds a judged paper;
- recall of grade 2: the share of the week's grade-2 papers selected (recall against the week's pool), averaged
  over the weeks; beside it the same pooled over all the weeks (grade-2 papers selected over all grade-2 papers);
- unjudged selected papers counted apart: never a hit, never a miss.

Pure functions; :func:`read_judged` is the only I/O. Training and scoring are the caller's (``bench/judged.py``).
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.features import DISTIL, paper_text
from tracker.errors import ModelError
from tracker.records import Paper, iso_week


@dataclass(frozen=True)
class Judgement:
    """One graded paper."""

    arxiv_id: str
    week: str
    """ISO week (``YYYY-Www``) of its listing or submission day: see :func:`judged_week`."""
    grade: int
    """2 in scope, 1 borderline, 0 out of scope."""
    title: str = ""


def read_judged(path: str | Path) -> dict[str, Judgement]:
    """The grades of a ``judged_dev.jsonl`` file (``id``, ``week``, ``grade``, ``title``), by arXiv id."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ModelError(f"{path}: cannot read the judged papers ({e.strerror or e})") from e
    out: dict[str, Judgement] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            judgement = Judgement(str(record["id"]), str(record["week"]), int(record["grade"]), str(record.get("title", "")))
        except (ValueError, KeyError, TypeError) as e:
            raise ModelError(f"{path}:{lineno}: not a judged paper ({e}); expected 'id', 'week' and 'grade'") from e
        if judgement.grade not in (0, 1, 2):
            raise ModelError(f"{path}:{lineno}: grade {judgement.grade} is not 0, 1 or 2")
        out[judgement.arxiv_id] = judgement
    return out


def judged_week(paper: Paper) -> str:
    """The week the grades give ``paper``: the ISO week of its listing or submission day.

    That is ``published`` (the corpus keys a record by its v1 submission or its listing day, per
    ``published_kind``), else ``announced``. It differs from :attr:`Paper.day` (announced first) for papers
    submitted late in a week and listed the next.
    """
    return iso_week(paper.published or paper.announced)


def keyword_scores(papers: Sequence[Paper], pattern: str = DISTIL, title_weight: float = 3.0) -> np.ndarray:
    """The keyword ranking of the judged pools: matches of ``pattern`` in the title x ``title_weight`` + in the abstract."""
    rx = re.compile(pattern, re.IGNORECASE)
    return np.asarray([title_weight * len(rx.findall(paper_text(p, "title"))) + len(rx.findall(paper_text(p, "abstract")))
                       for p in papers], dtype=np.float64)


def rank_weeks(
    papers: Sequence[Paper],
    scores: Sequence[float],
    weeks: Iterable[str],
    week: Callable[[Paper], str] = judged_week,
) -> dict[str, list[str]]:
    """The arXiv ids of each of ``weeks``' papers, best score first (ties by arXiv id)."""
    wanted = set(weeks)
    members: dict[str, list[tuple[float, str]]] = {w: [] for w in wanted}
    for paper, score in zip(papers, scores, strict=True):
        w = week(paper)
        if w in wanted:
            members[w].append((-float(score), paper.arxiv_id))
    return {w: [pid for _, pid in sorted(items)] for w, items in members.items()}


def top(rankings: Mapping[str, Sequence[str]], k: int) -> dict[str, list[str]]:
    """The first ``k`` of each week's ranking."""
    return {w: list(ids[:k]) for w, ids in rankings.items()}


@dataclass(frozen=True)
class WeekResult:
    """What one week's selection holds."""

    week: str
    grade2: int
    """Grade-2 papers of the week (the recall's denominator)."""
    selected: int
    judged: int
    """Selected papers that are graded."""
    hits2: int
    hits1: int
    """Selected papers of grade >= 1."""

    @property
    def unjudged(self) -> int:
        return self.selected - self.judged


@dataclass(frozen=True)
class JudgedResult:
    """A selection measured over the judged weeks."""

    weeks: tuple[WeekResult, ...]

    def _precision(self, hits: Callable[[WeekResult], int]) -> float:
        values = [hits(w) / w.judged for w in self.weeks if w.judged]
        return float(np.mean(values)) if values else 0.0

    @property
    def precision2(self) -> float:
        """Grade-2 share of the judged selected papers, per week, averaged over weeks with one."""
        return self._precision(lambda w: w.hits2)

    @property
    def precision1(self) -> float:
        """Grade >= 1 share of the judged selected papers, per week, averaged over weeks with one."""
        return self._precision(lambda w: w.hits1)

    @property
    def recall2(self) -> float:
        """Share of the week's grade-2 papers selected, averaged over the weeks that have one."""
        values = [w.hits2 / w.grade2 for w in self.weeks if w.grade2]
        return float(np.mean(values)) if values else 0.0

    @property
    def recall2_all(self) -> float:
        """Grade-2 papers selected over all grade-2 papers of the weeks (every week's together)."""
        total = sum(w.grade2 for w in self.weeks)
        return sum(w.hits2 for w in self.weeks) / total if total else 0.0

    @property
    def unjudged(self) -> int:
        return sum(w.unjudged for w in self.weeks)

    @property
    def selected(self) -> tuple[float, int, int]:
        """Median, min and max of the papers selected per week."""
        counts = [w.selected for w in self.weeks] or [0]
        return float(statistics.median(counts)), min(counts), max(counts)


def measure(selected: Mapping[str, Iterable[str]], grades: Mapping[str, Judgement]) -> JudgedResult:
    """Measure each judged week's ``selected`` ids (a week missing from ``selected`` selected nothing)."""
    grade2: dict[str, int] = defaultdict(int)
    for j in grades.values():
        grade2[j.week] += j.grade == 2
    out = []
    for week in sorted(grade2):
        ids = list(dict.fromkeys(selected.get(week, ())))
        judged = [grades[pid].grade for pid in ids if pid in grades]
        out.append(WeekResult(week=week, grade2=grade2[week], selected=len(ids), judged=len(judged),
                              hits2=sum(g == 2 for g in judged), hits1=sum(g >= 1 for g in judged)))
    return JudgedResult(tuple(out))


def format_judged(rows: Sequence[tuple[str, str, JudgedResult]]) -> str:
    """The summary table: one line per (ranking, selection, result)."""
    lines = [f"{'ranking':10s} {'selection':18s} {'P(2)':>5s} {'P(>=1)':>6s} {'R(2)':>5s} {'R(2) all':>8s} {'unjudged':>8s}  "
             f"{'selected/week: median':>21s} {'min':>4s} {'max':>4s}"]
    for ranking, selection, r in rows:
        median, low, high = r.selected
        lines.append(f"{ranking:10s} {selection:18s} {r.precision2:5.2f} {r.precision1:6.2f} {r.recall2:5.2f} {r.recall2_all:8.2f} "
                     f"{r.unjudged:8d}  {median:21g} {low:4d} {high:4d}")
    return "\n".join(lines)


def format_weeks(result: JudgedResult, papers: Mapping[str, int] | None = None) -> str:
    """The per-week table of one selection: papers of the week, grade-2 papers, selected, hits, unjudged."""
    papers = papers or {}
    lines = [f"{'week':9s} {'papers':>6s} {'grade 2':>7s} {'proposed':>8s} {'hits 2':>6s} {'hits >=1':>8s} {'unjudged':>8s}"]
    for w in result.weeks:
        lines.append(f"{w.week:9s} {papers.get(w.week, 0):6d} {w.grade2:7d} {w.selected:8d} {w.hits2:6d} {w.hits1:8d} "
                     f"{w.unjudged:8d}")
    return "\n".join(lines)
