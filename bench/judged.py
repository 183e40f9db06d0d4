"""Proposal quality against the judged weeks of ../shared/data/judged_dev.jsonl: model beside the keyword ranking.

    python -m bench.judged                          # train until the first judged week, the list's newest README
    python -m bench.judged --train-until 2024-03-01 --config my.yaml
    python -m bench.judged --ceiling                # + the model taught the other weeks' grades (10 trainings)

Trains as the product does (``classifiers.training.train`` on the list and the corpus papers before
``--train-until``), ranks every corpus paper of each judged week, and measures top 10, top 15 and the weekly
run's own rule (``model.threshold`` and ``model.proposals_per_pr`` of the config, ``tracker.weekly``'s
``threshold_and_cap`` within each week) with ``classifiers.judged``. The keyword ranking is the pools' own:
"distil" in the title x3 + in the abstract.

``--ceiling`` adds what the model family reaches with far more review than a list ever gives: each week is
scored by a model trained with the other nine weeks' grades as review labels (grade 2 kept, grades 0 and 1
rejected; leave one week out). It bounds what labels from ticks can buy.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn

from classifiers import judged
from classifiers.training import train
from devservers.paths import SHARED
from tracker.config import load_config
from tracker.listdoc import ListDocument
from tracker.records import Paper, ScoredPaper
from tracker.sources.corpus import read_corpus
from tracker.weekly import proposed_by_week

KS = (10, 15)


def newest_list(shared: Path) -> Path:
    """The list's newest README in ../shared (``README.YYYY-MM-DD.*.md``, the latest date)."""
    found = sorted((m.group(1), path) for path in (shared / "fixtures" / "kd-list").glob("README.*.md")
                   if (m := re.match(r"README\.(\d{4}-\d{2}-\d{2})\.", path.name)))
    return found[-1][1]


def monday(week: str) -> datetime.date:
    """The Monday of ISO week ``YYYY-Www``."""
    return datetime.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


@dataclass(frozen=True)
class Inputs:
    """What the judged benches read from ../shared: the grades, their weeks, the list's README and the corpus."""

    grades: dict[str, judged.Judgement]
    weeks: list[str]
    """The judged weeks, oldest first."""
    list_path: Path
    text: str
    document: ListDocument
    papers: list[Paper]


def load_inputs(shared: Path, list_path: Path | None = None) -> Inputs:
    """The grades of ``judged_dev.jsonl``, the list ``list_path`` (default: :func:`newest_list`) and the corpus."""
    grades = judged.read_judged(shared / "data" / "judged_dev.jsonl")
    list_path = list_path or newest_list(shared)
    text = list_path.read_text(encoding="utf-8")
    return Inputs(grades, sorted({j.week for j in grades.values()}), list_path, text,
                  ListDocument.parse(text, name=str(list_path)),
                  list(read_corpus(shared / "data" / "arxiv_corpus.jsonl.gz")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--list", dest="list_path", type=Path, default=None,
                        help="the list's README (default: the newest in ../shared)")
    parser.add_argument("--train-until", type=datetime.date.fromisoformat, default=None,
                        help="negatives dated before this day (default: the Monday of the first judged week)")
    parser.add_argument("--config", default=None, help="config file (default: ./config.yaml, else the defaults)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a relevance hyper-parameter to try (classifiers.models.RELEVANCE_DEFAULTS), repeatable")
    parser.add_argument("--ceiling", action="store_true",
                        help="also rank each week with a model taught the other weeks' grades (leave one week out)")
    parser.add_argument("--negatives", type=int, default=None,
                        help="the training budget (model.negatives of the config; 0: every paper before the cut)")
    args = parser.parse_args()
    params = {key: int(value) if value.lstrip("-").isdigit() else float(value)
              for key, _, value in (p.partition("=") for p in args.param)}
    config = load_config(args.config).model
    if args.negatives is not None:
        config = dataclasses.replace(config, negatives=args.negatives)
    t0 = time.perf_counter()
    inputs = load_inputs(args.shared, args.list_path)
    grades, weeks, list_path, text, document, papers = (inputs.grades, inputs.weeks, inputs.list_path, inputs.text,
                                                        inputs.document, inputs.papers)
    until = args.train_until or monday(weeks[0])
    rows = document.rows()
    in_weeks = [p for p in papers if judged.judged_week(p) in set(weeks)]  # every paper of the weeks, judged or not
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, seed {config.random_state}, "
          f"negatives budget {config.negatives or 'all'}; "
          f"corpus {len(papers)} papers; list {list_path.name} ({len(rows)} rows); train until {until}")
    print(f"{len(grades)} judged papers in {len(weeks)} weeks ({weeks[0]} .. {weeks[-1]}), {len(in_weeks)} corpus papers "
          f"in those weeks (week of the listing/submission day); threshold {config.threshold:g}, "
          f"cap {config.proposals_per_pr}")
    model = train(rows, papers, config=config, train_until=until, list_file=str(list_path), list_text=text,
                  params=params or None)
    if params:
        print(f"relevance parameters tried: {params}")
    scores = model.relevance_scores(in_weeks)
    known = document.papers()
    positives = [p for p in in_weeks if known.has(p.arxiv_id, p.title)]
    print(f"trained on {model.metadata['positives']} list papers and {model.metadata['negatives']} others "
          f"in {time.perf_counter() - t0:.0f} s (loading included)"
          + (f"; {len(positives)} list papers sit in the judged weeks (trained as positives, ranked)"
             if positives else ""))
    print()
    rankings = {"model": judged.rank_weeks(in_weeks, scores, weeks),
                "keyword": judged.rank_weeks(in_weeks, judged.keyword_scores(in_weeks), weeks)}
    proposed = proposed_by_week([ScoredPaper(p, float(s)) for p, s in zip(in_weeks, scores, strict=True)], config,
                                week=judged.judged_week)
    at_threshold = judged.measure({w: [pid for pid in ids if pid in proposed] for w, ids in rankings["model"].items()},
                                  grades)
    selected = {"model": at_threshold}
    if args.ceiling:
        taught = ceiling_scores(inputs, config, until, in_weeks, params or None)
        rankings["ceiling"] = judged.rank_weeks(in_weeks, taught, weeks)
        chosen = proposed_by_week([ScoredPaper(p, float(s)) for p, s in zip(in_weeks, taught, strict=True)], config,
                                  week=judged.judged_week)
        selected["ceiling"] = judged.measure(
            {w: [pid for pid in ids if pid in chosen] for w, ids in rankings["ceiling"].items()},
            grades)
    table = []
    for name, ranking in rankings.items():
        table += [(name, f"top {k}", judged.measure(judged.top(ranking, k), grades)) for k in KS]
        if name in selected:
            table.append((name, f">= {config.threshold:g}, cap {config.proposals_per_pr}", selected[name]))
    print(judged.format_judged(table))
    print("\nP(2), P(>=1): precision among the judged selected papers, per week, averaged over the weeks; R(2): share "
          "of the week's grade-2 papers selected, averaged over the weeks; R(2) all: of all weeks' grade-2 papers "
          "together; unjudged: selected papers not graded (neither hit nor miss)"
          + ("; ceiling: each week ranked by the model taught the other weeks' grades" if args.ceiling else ""))
    print(f"\nmodel at threshold {config.threshold:g} and cap {config.proposals_per_pr}, per week:")
    sizes = {w: len(ids) for w, ids in rankings["model"].items()}
    print(judged.format_weeks(at_threshold, sizes))


def ceiling_scores(inputs: Inputs, config, until: datetime.date, in_weeks: list[Paper],
                   params: dict | None) -> np.ndarray:
    """Scores of ``in_weeks``, each week's by a model trained with the other weeks' grades as review labels."""
    rows = inputs.document.rows()
    scores = np.zeros(len(in_weeks))
    for week in inputs.weeks:
        labels = [(pid, 1 if j.grade == 2 else 0) for pid, j in inputs.grades.items() if j.week != week]
        model = train(rows, inputs.papers, config=config, train_until=until, list_file=str(inputs.list_path),
                      list_text=inputs.text, params=params, extra_labels=labels)
        at = [i for i, p in enumerate(in_weeks) if judged.judged_week(p) == week]
        scores[at] = model.relevance_scores([in_weeks[i] for i in at])
    return scores


if __name__ == "__main__":
    main()
