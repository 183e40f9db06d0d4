"""Learning from review, simulated on the judged weeks: a bot that learns from a maintainer's ticks, beside one that doesn't.

    python -m bench.review_sim                      # a maintainer who drops grade-1 papers
    python -m bench.review_sim --grade1 keep --weeks 6 --config my.yaml
    python -m bench.review_sim --retrained          # and a bot that retrains weekly without labels

Walks the judged weeks of ``../shared/data/judged_dev.jsonl`` in time order, with the list's newest README and the
corpus of ``../shared`` (as ``bench/judged.py``). Each week:

1. **the bot proposes as the weekly run does**: the current model scores the week's corpus papers
   (``TrainedModel.score``), and ``tracker.weekly.selection.select`` skips papers in the list and papers rejected
   before (the store's ``rejected_ids``) and applies ``model.threshold`` and ``model.proposals_per_pr`` of the config;
2. **the PR**: the publisher renders it offline (``Publisher.preview`` with the list's text: the real README
   insertion and the real PR body with its task list and hidden metadata);
3. **the maintainer**: keeps grade-2 papers, drops grade-0 ones, keeps or drops grade-1 ones (``--grade1``) and
   drops unjudged ones (none of the pools' three rankers put them in its top 25: out of scope as far as anyone
   looked); dropping is unticking the paper's item line in the body, and the edited body is read back with
   ``read_ticks`` and recorded with the weekly run's own ``record`` (``record_ticks``: a ``dropped`` label, 0);
4. **the merge**: the PR is rebuilt with the ticks applied (``tracker.weekly.rebuild``, as ``kd-tracker review``
   does), merged (its README is the list from then on: kept papers are list papers, never proposed again), and
   learned from as ``learn`` reads a merged PR (``review_pull``: a ``kept`` label, 1 in its section);
5. **the learning bot retrains** before the next judged week: ``classifiers.training.train`` on the merged list,
   the corpus papers before that week's Monday and the store's ``training_labels()`` (as the weekly run passes
   them). The other bot keeps the first model (the same initial training, no labels).

Both bots go through the same steps; only retraining differs. ``--retrained`` adds a third bot that retrains
every week on the first list without labels (what time alone gives: the newer papers as negatives). Precision and
recall are measured with ``classifiers.judged`` (grade 2 among the judged proposals; recall over the week's grade-2
papers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn

from bench.judged import load_inputs, monday
from classifiers import judged
from classifiers.judged import JudgedResult, Judgement, WeekResult
from classifiers.training import TrainedModel, train
from devservers.paths import SHARED
from tracker.config import Config, load_config
from tracker.github import build_github, parse_pr_metadata, read_ticks
from tracker.github.ticks import PAPERS_END, PAPERS_START
from tracker.listdoc import ListDocument
from tracker.paper_ids import normalise_arxiv_id
from tracker.publish import PublishContext, Publisher, thresholds_in_force
from tracker.records import Paper, Proposal
from tracker.review.signals import review_pull
from tracker.store import Label, LabelStore, Store
from tracker.weekly import OpenReview, applied, rebuild, record
from tracker.weekly.selection import select

AFTER = 5
"""The summary row: the weeks after this many reviewed weeks."""
_ITEM = re.compile(r"^- \[[xX]\](?=[ \t])")
_ABS = re.compile(r"https://arxiv\.org/abs/(?P<id>[^\s)\]>\"']+)")


@dataclass(frozen=True)
class Maintainer:
    """Decides each proposed paper by its grade: keep grade 2, drop grade 0, grade 1 as ``keep_grade1`` says.

    A proposed paper with no grade is dropped: the pools hold the top 25 of three rankers each week, so a paper
    none of them ranked that high is out of scope as far as anyone looked.
    """

    grades: Mapping[str, Judgement]
    keep_grade1: bool = False

    def keeps(self, arxiv_id: str) -> bool:
        judgement = self.grades.get(arxiv_id)
        if judgement is None:
            return False
        return judgement.grade == 2 or (judgement.grade == 1 and self.keep_grade1)


def untick(body: str, drop: Collection[str]) -> str:
    """``body`` as a maintainer leaves it after unticking the item line of each paper of ``drop`` (by arXiv id).

    Only top-level ticked items of the papers part change (``- [x] [Title](https://arxiv.org/abs/ID) ...``);
    every other line stays as it was.
    """
    wanted = {normalise_arxiv_id(pid) or pid for pid in drop}
    lines = body.split("\n")
    inside = False
    for number, line in enumerate(lines):
        if line.strip() == PAPERS_START:
            inside = True
        elif line.strip() == PAPERS_END:
            inside = False
        elif inside and _ITEM.match(line):
            ids = {normalise_arxiv_id(m.group("id")) for m in _ABS.finditer(line)}
            if ids & wanted:
                lines[number] = "- [ ]" + line[len("- [x]"):]
    return "\n".join(lines)


@dataclass(frozen=True)
class WeekReview:
    """One week's PR, what the maintainer did with it, and what it taught the store."""

    pr_number: int
    proposed: tuple[str, ...]
    """arXiv ids the PR proposed, best first."""
    kept: tuple[str, ...]
    dropped: tuple[str, ...]
    readme_text: str
    """The list after the merge (the list as it was when nothing was kept)."""
    labels: tuple[Label, ...]
    """The labels of this PR in the store after the review and the merge (ticks, then the merged PR)."""


def review_week(
    proposals: Sequence[Proposal],
    readme_text: str,
    config: Config,
    store: Store,
    maintainer: Maintainer,
    *,
    pr_number: int,
    as_of: dt.date,
    outdir: Path,
) -> WeekReview:
    """Publish ``proposals`` as a PR (offline), let ``maintainer`` tick it, record the ticks, merge and learn.

    The papers of ``proposals`` must be in ``store`` (the rebuild takes their records from it, as the weekly run
    does). Ticks are recorded two days after ``as_of``, the PR merged three days after.
    """
    labels = LabelStore(store)
    if not proposals:
        return WeekReview(pr_number, (), (), (), readme_text, ())
    publisher = Publisher(build_github(config, None), config.list.repo, config)
    context = PublishContext(as_of=as_of, since=as_of - dt.timedelta(days=7), until=as_of - dt.timedelta(days=1),
                             thresholds=thresholds_in_force(config.model), model_version=f"sim-{pr_number}")
    opened = publisher.preview(proposals, context, outdir, readme_text=readme_text)
    metadata = parse_pr_metadata(opened.body)
    if metadata is None:
        raise RuntimeError(f"week {pr_number}: the PR body has no readable metadata")
    proposed = tuple(p.paper_id for p in metadata.papers)
    drop = [pid for pid in proposed if not maintainer.keeps(pid)]
    ticks = read_ticks(untick(opened.body, drop), metadata)
    if not ticks.read or set(ticks.dropped) != set(drop):
        raise RuntimeError(f"week {pr_number}: the edited body reads as {sorted(ticks.dropped)} dropped, "
                           f"not {sorted(drop)}")
    review = OpenReview(pr_number, metadata, ticks)
    record(labels, review, as_of + dt.timedelta(days=2))
    chosen, rebuilt = rebuild(review, applied(review), store)
    merged = publisher.preview(chosen, rebuilt, outdir, readme_text=readme_text)
    merged_metadata = parse_pr_metadata(merged.body)
    if merged_metadata is None:
        raise RuntimeError(f"week {pr_number}: the rebuilt PR body has no readable metadata")
    merged_on = (as_of + dt.timedelta(days=3)).isoformat()
    after = ListDocument.parse(merged.readme_text, name=config.list.path)
    outcome = review_pull(pr_number, "merged", merged_on, merged_metadata, after)
    labels.replace("pr", str(pr_number), outcome.labels())
    labels.save_review(outcome.stored())
    mine = tuple(label for label in labels.all() if label.ref == str(pr_number) and label.source in ("tick", "pr"))
    kept = tuple(pid for pid in proposed if pid not in set(drop))
    return WeekReview(pr_number, proposed, kept, tuple(drop), merged.readme_text, mine)


@dataclass
class Arm:
    """One bot's walk through the weeks."""

    name: str
    proposed: dict[str, list[str]] = field(default_factory=dict)
    """Week -> arXiv ids proposed."""
    reviews: dict[str, WeekReview] = field(default_factory=dict)
    train_seconds: dict[str, float] = field(default_factory=dict)
    """Week -> seconds of the training after its review."""
    moved: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """Week -> (dropped papers scored lower by the retrained model, dropped, kept papers scored higher, kept)."""


def walk(
    name: str,
    weeks: Sequence[str],
    papers_by_week: Mapping[str, Sequence[Paper]],
    readme_text: str,
    config: Config,
    model: TrainedModel,
    maintainer: Maintainer,
    workdir: Path,
    retrain: Callable[[str, str, LabelStore], TrainedModel] | None,
) -> Arm:
    """Walk ``weeks`` in order with a fresh store: propose, review, merge; ``retrain(text, next_week, labels)``
    (None: never) gives the model for the next week."""
    arm = Arm(name)
    store = Store(workdir / f"{name}.db")
    labels = LabelStore(store)
    try:
        for number, week in enumerate(weeks, 1):
            as_of = monday(week) + dt.timedelta(days=7)
            papers = list(papers_by_week[week])
            store.upsert_papers(papers, seen=as_of)
            document = ListDocument.parse(readme_text, name=config.list.path)
            scored = model.score(papers)
            selection = select(scored, document, config.model, rejected=labels.rejected_ids())
            arm.proposed[week] = [p.arxiv_id for p in selection.proposals]
            review = review_week(selection.proposals, readme_text, config, store, maintainer, pr_number=number,
                                 as_of=as_of, outdir=workdir / f"{name}-{number}")
            arm.reviews[week] = review
            readme_text = review.readme_text
            if retrain is None or number == len(weeks):
                continue
            started = time.perf_counter()
            before = {s.paper.arxiv_id: s.score for s in scored}
            model = retrain(readme_text, weeks[number], labels)
            arm.train_seconds[week] = time.perf_counter() - started
            reviewed = [p for p in papers if p.arxiv_id in set(review.proposed)]
            after = dict(zip((p.arxiv_id for p in reviewed), model.relevance_scores(reviewed).tolist(), strict=True))
            arm.moved[week] = (sum(after[p] < before[p] for p in review.dropped), len(review.dropped),
                               sum(after[p] > before[p] for p in review.kept), len(review.kept))
    finally:
        store.close()
    return arm


@dataclass(frozen=True)
class Pooled:
    """Precision and recall of grade 2 over some weeks: pooled (sums) and averaged (per week)."""

    p2_pooled: float
    r2_pooled: float
    p2_mean: float
    r2_mean: float
    p1_pooled: float
    proposed: int


def pooled(weeks: Sequence[WeekResult]) -> Pooled:
    """Pool ``weeks``: hits over judged proposals, hits over grade-2 papers; and the per-week averages."""
    judged_count = sum(w.judged for w in weeks)
    grade2 = sum(w.grade2 for w in weeks)
    hits2 = sum(w.hits2 for w in weeks)
    result = JudgedResult(tuple(weeks))
    return Pooled(hits2 / judged_count if judged_count else 0.0, hits2 / grade2 if grade2 else 0.0,
                  result.precision2, result.recall2, sum(w.hits1 for w in weeks) / judged_count if judged_count else 0.0,
                  sum(w.selected for w in weeks))


def _ratio(hits: int, total: int) -> str:
    return f"{hits / total:5.2f}" if total else "    -"


def format_curve(weeks: Sequence[str], results: Mapping[str, JudgedResult], learner: Arm) -> str:
    """The learning curve: per week, each bot's proposals, P(2), P(>=1), R(2); the learner's review and training."""
    names = list(results)
    head = f"{'#':>2} {'week':9s} {'grade 2':>7s}"
    for name in names:
        head += f" | {name + ': proposed':>17s} {'P(2)':>5s} {'P(>=1)':>6s} {'R(2)':>5s} {'unjudged':>8s}"
    head += f" | {'kept':>4s} {'dropped':>7s} {'train s':>7s} {'dropped lower':>13s} {'kept higher':>11s}"
    lines = [head]
    by_week = {name: {w.week: w for w in result.weeks} for name, result in results.items()}
    for number, week in enumerate(weeks, 1):
        first = by_week[names[0]][week]
        line = f"{number:2d} {week:9s} {first.grade2:7d}"
        for name in names:
            w = by_week[name][week]
            line += (f" | {w.selected:17d} {_ratio(w.hits2, w.judged)} {_ratio(w.hits1, w.judged):>6s} "
                     f"{_ratio(w.hits2, w.grade2)} {w.unjudged:8d}")
        review = learner.reviews[week]
        moved = learner.moved.get(week)
        seconds = learner.train_seconds.get(week)
        line += (f" | {len(review.kept):4d} {len(review.dropped):7d} "
                 f"{(f'{seconds:.0f}' if seconds is not None else '-'):>7s} "
                 f"{(f'{moved[0]}/{moved[1]}' if moved else '-'):>13s} {(f'{moved[2]}/{moved[3]}' if moved else '-'):>11s}")
        lines.append(line)
    return "\n".join(lines)


def format_summary(weeks: Sequence[str], results: Mapping[str, JudgedResult]) -> str:
    """Pooled and averaged precision/recall of grade 2 for all weeks and for the weeks after :data:`AFTER`."""
    spans = [(f"weeks 1-{len(weeks)}", 0)]
    if len(weeks) > AFTER:
        spans.append((f"weeks after {AFTER} reviewed weeks ({AFTER + 1}-{len(weeks)})", AFTER))
    lines = [f"{'weeks':36s} {'bot':12s} {'proposed':>8s} {'P(2) pooled':>11s} {'R(2) pooled':>11s} "
             f"{'P(2) mean':>9s} {'R(2) mean':>9s} {'P(>=1) pooled':>13s}"]
    for label, start in spans:
        for name, result in results.items():
            p = pooled(result.weeks[start:])
            lines.append(f"{label:36s} {name:12s} {p.proposed:8d} {p.p2_pooled:11.2f} {p.r2_pooled:11.2f} "
                         f"{p.p2_mean:9.2f} {p.r2_mean:9.2f} {p.p1_pooled:13.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grade1", choices=("keep", "drop"), default="drop",
                        help="what the simulated maintainer does with grade-1 (borderline) papers (default: drop)")
    parser.add_argument("--config", default=None, help="config file (default: ./config.yaml, else the defaults)")
    parser.add_argument("--weeks", type=int, default=None, help="walk only the first N judged weeks")
    parser.add_argument("--retrained", action="store_true",
                        help="a third bot: retrains every week like the learner, on the first list and no labels "
                             "(what time alone gives: newer papers as negatives)")
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--list", dest="list_path", type=Path, default=None,
                        help="the list's README (default: the newest in ../shared)")
    args = parser.parse_args()
    config = load_config(args.config)
    t0 = time.perf_counter()
    inputs = load_inputs(args.shared, args.list_path)
    weeks = inputs.weeks[: args.weeks]
    grades = {pid: j for pid, j in inputs.grades.items() if j.week in set(weeks)}
    list_path, text, document, papers = inputs.list_path, inputs.text, inputs.document, inputs.papers
    papers_by_week: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        week = judged.judged_week(paper)
        if week in set(weeks):
            papers_by_week[week].append(paper)
    model_config = config.model
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, seed {model_config.random_state}; "
          f"corpus {len(papers)} papers; list {list_path.name} ({len(document.rows())} rows)")
    print(f"{len(grades)} judged papers in {len(weeks)} weeks ({weeks[0]} .. {weeks[-1]}); threshold "
          f"{model_config.threshold:g}, cap {model_config.proposals_per_pr}; maintainer keeps grade 2, "
          f"{args.grade1}s grade 1, drops grade 0 and unjudged papers")

    def retrain(readme_text: str, next_week: str, labels: LabelStore) -> TrainedModel:
        rows = ListDocument.parse(readme_text, name=str(list_path)).rows()
        return train(rows, papers, config=model_config, train_until=monday(next_week),
                     extra_labels=labels.training_labels(), list_file=str(list_path), list_text=readme_text)

    def retrain_without_labels(readme_text: str, next_week: str, labels: LabelStore) -> TrainedModel:
        return train(document.rows(), papers, config=model_config, train_until=monday(next_week),
                     list_file=str(list_path), list_text=text)

    started = time.perf_counter()
    first = train(document.rows(), papers, config=model_config, train_until=monday(weeks[0]),
                  list_file=str(list_path), list_text=text)
    print(f"first model: {first.metadata['positives']} list papers and {first.metadata['negatives']} others before "
          f"{monday(weeks[0])}, {time.perf_counter() - started:.0f} s")
    maintainer = Maintainer(grades, keep_grade1=args.grade1 == "keep")
    with tempfile.TemporaryDirectory(prefix="review-sim-") as tmp:
        arms = [walk(name, weeks, papers_by_week, text, config, first, maintainer, Path(tmp), fn)
                for name, fn in (("learning", retrain), ("static", None),
                                 *((("retrained", retrain_without_labels),) if args.retrained else ()))]
    results = {arm.name: judged.measure(arm.proposed, grades) for arm in arms}
    labels = [label for review in arms[0].reviews.values() for label in review.labels]
    print(f"learning bot's labels: {sum(lb.kind == 'dropped' for lb in labels)} dropped (tick, 0), "
          f"{sum(lb.kind == 'kept' for lb in labels)} kept (merged PR, 1 in its section); "
          f"{time.perf_counter() - t0:.0f} s in all\n")
    print(format_curve(weeks, results, arms[0]))
    print("\nP(2), P(>=1): share of the judged proposals of grade 2, of grade >= 1; R(2): share of the week's grade-2 "
          "papers proposed; unjudged: proposals not graded (neither hit nor miss; the maintainer drops them). "
          "kept/dropped/train s: the learning bot's review and its retraining after it; dropped lower, kept higher: "
          "reviewed papers the retrained model scores lower (dropped) or higher (kept) than the model that proposed "
          "them\n")
    print(format_summary(weeks, results))


if __name__ == "__main__":
    main()
