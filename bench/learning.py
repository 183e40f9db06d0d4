"""Model quality before and after learning from the list's replayed history (../shared/data).

    python -m bench.learning

1. The signals `kd-tracker learn --history` reads from list_history.jsonl.
2. Replay, as bench/quality.py does it: train on the list of 2024-02-20 and the
   corpus before it, rank each later addition within its week; without labels,
   then with the history's labels (all of them: none is dated before the cut,
   and labels about held-out papers are ignored by training). The paper the
   maintainers removed (2303.13809) is not counted as a later addition.
3. The signals' own papers, trained on the newest list (2025-03-09) and the
   whole corpus, without and with the labels: the removed paper's score and
   rank in its week; each moved paper's probability for the section it left and
   the sections it moved to.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import sklearn

from bench.quality import CUT, rows_of
from classifiers.evaluation import temporal_replay, truth_from_history, week_of, within_week_ranks
from classifiers.training import TrainedModel, train
from devservers.paths import SHARED
from tracker.config import Config, ModelConfig
from tracker.records import Paper
from tracker.review.learning import learn
from tracker.sources.corpus import read_corpus
from tracker.store.labels import LabelStore
from tracker.store.papers import Store


def replay(rows, papers: list[Paper], truth_ids: list[str], labels, config: ModelConfig) -> tuple[dict, float, float]:
    """recall@k of the truth papers within their weeks, median proposals/week after the cut, seconds."""
    started = time.perf_counter()
    report = temporal_replay(rows, papers, [{"arxiv_id": pid} for pid in truth_ids], config=config, train_until=CUT,
                             extra_labels=labels)
    return report.recall, report.median_proposals, time.perf_counter() - started


def sections_of(model: TrainedModel, paper: Paper) -> dict[str, float]:
    """Probability of every section (rolled-up names) for one paper."""
    _, words = model.features([paper])
    (ranked,) = model.sections.rank(words, None)
    return dict(ranked)


def within_week_rank(model: TrainedModel, papers: list[Paper], target: Paper) -> tuple[float, float]:
    week = week_of(target.day)
    same = [p for p in papers if p.day and week_of(p.day) == week]
    scores = model.relevance_scores(same)
    index = next(i for i, p in enumerate(same) if p.arxiv_id == target.arxiv_id)
    return float(scores[index]), float(within_week_ranks(scores, [week] * len(same), [index])[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    config = ModelConfig()
    history = args.shared / "data" / "list_history.jsonl"
    t0 = time.perf_counter()
    papers = list(read_corpus(args.shared / "data" / "arxiv_corpus.jsonl.gz"))
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, seed {config.random_state}, "
          f"{len(papers)} papers; loaded in {time.perf_counter() - t0:.1f} s")

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "kd.db") as store:
        report = learn(None, "offline/replay", Config(), store, history=history)
        labels = LabelStore(store)
        stored, rejected, extra = labels.all(), labels.rejected_ids(), labels.training_labels()
    print(f"\n1. signals read from {history.name}: {report.history} labels, {len(rejected)} paper rejected for good")
    print(f"{'paper':12s} {'kind':8s} {'label':>5s}  {'date':10s} section")
    for lb in stored:
        print(f"{lb.arxiv_id:12s} {lb.kind:8s} {lb.label:5d}  {lb.date:10s} {lb.section or '(whole paper)'}")

    first, head = rows_of(args.shared, "README.2024-02-20.first.md"), rows_of(args.shared, "README.2025-03-09.head.md")
    by_id = {p.arxiv_id: p for p in papers}
    truth = [t["arxiv_id"] for t in truth_from_history(history, first, CUT)
             if t.get("arxiv_id") in by_id and by_id[t["arxiv_id"]].day and t["arxiv_id"] not in rejected]
    truth = list(dict.fromkeys(truth))
    print(f"\n2. replay: trained on the list of {CUT} and the corpus before it; {len(truth)} later additions ranked "
          f"within their weeks (threshold {config.threshold})")
    print(f"{'labels':34s} {'@5':>5s} {'@10':>5s} {'@20':>5s} {'prop/wk':>7s} {'s':>5s}")
    for name, chosen in (("none (before learning)", []), (f"the history's ({len(extra)})", extra)):
        recall, median, seconds = replay(first, papers, truth, chosen, config)
        print(f"{name:34s} {recall[5]:5.2f} {recall[10]:5.2f} {recall[20]:5.2f} {median:7g} {seconds:5.0f}", flush=True)

    print("\n3. the signals' papers, trained on the newest list and the whole corpus")
    t = time.perf_counter()
    before = train(head, papers, config=config)
    after = train(head, papers, config=config, extra_labels=extra)
    print(f"(two trainings: {time.perf_counter() - t:.0f} s)")
    for pid in sorted(rejected):
        (s0, r0), (s1, r1) = within_week_rank(before, papers, by_id[pid]), within_week_rank(after, papers, by_id[pid])
        print(f"removed {pid}: score {s0:.3f} -> {s1:.3f}, rank in its week {r0:.0f} -> {r1:.0f}")
    print(f"{'paper':12s} {'section':62s} {'label':>5s} {'before':>7s} {'after':>7s}")
    for lb in stored:
        if not lb.section:
            continue
        b, a = sections_of(before, by_id[lb.arxiv_id]), sections_of(after, by_id[lb.arxiv_id])
        mapped = _mapped(lb.section, b)
        print(f"{lb.arxiv_id:12s} {mapped[:62]:62s} {lb.label:5d} {b.get(mapped, 0.0):7.3f} {a.get(mapped, 0.0):7.3f}")


def _mapped(section: str, probabilities: dict[str, float]) -> str:
    """The section, or the parent it is rolled up into by the section model."""
    while section not in probabilities and " > " in section:
        section = section.rsplit(" > ", 1)[0]
    return section


if __name__ == "__main__":
    main()
