"""Training and scoring cost of the model on ../shared/data, as a table.

    python -m bench.model

Cases: train on the full corpus with the newest list; score the full corpus;
score one week (the first 2,000 papers of 2024-W11..); load the saved model.
Peak memory is the process's maximum resident size after each case. CPU
seconds are this process's and its finished workers' user + system time
during the case: CPU seconds well below the seconds times the CPUs in use
mean the machine was busy with something else.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import sklearn

from classifiers.training import load_model, train
from devservers.paths import SHARED
from tracker.config import ModelConfig
from tracker.listdoc.document import ListDocument
from tracker.sources.corpus import read_corpus

T = TypeVar("T")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system time of this process and its finished children so far."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def measure(case: str, n: int, run: Callable[[], T], runs: int = 1) -> T:
    """Run ``run`` ``runs`` times and print a row: median seconds, papers/s, peak MB, median CPU seconds."""
    seconds, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), cpu_seconds()
        result = run()
        seconds.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - cpu_started)
    wall = float(np.median(seconds))
    print(f"{case:44s} {n:7d} {wall:8.2f} {n / wall:9.0f} {peak_mb():8.0f} {float(np.median(cpu)):7.2f}", flush=True)
    return result


def main() -> None:
    t = time.perf_counter()
    papers = list(read_corpus(SHARED / "data" / "arxiv_corpus.jsonl.gz"))
    rows = ListDocument.parse((SHARED / "fixtures/kd-list/README.2025-03-09.head.md").read_text(encoding="utf-8")).rows()
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {len(papers)} papers, {len(rows)} list rows; "
          f"corpus read in {time.perf_counter() - t:.1f} s, peak {peak_mb():.0f} MB")
    print(f"{'case':44s} {'n':>7s} {'seconds':>8s} {'papers/s':>9s} {'peak MB':>8s} {'CPU s':>7s}")
    model = measure("train (full corpus)", len(papers), lambda: train(rows, papers, config=ModelConfig()))
    with tempfile.TemporaryDirectory() as folder:
        measure("save", 1, lambda: model.save(folder))
        model = measure("load", 1, lambda: load_model(folder))
    week = sorted((p for p in papers if p.day >= "2024-03-11"), key=lambda p: (p.day, p.arxiv_id))[:2000]
    measure("score one week (median of 3)", len(week), lambda: model.score(week), runs=3)
    measure("score full corpus (+terms, sections)", len(papers), lambda: model.score(papers))
    # the vectorizers' token tables exist by now (built by the case above): this row leaves their build out
    measure("relevance only, full corpus (tables built)", len(papers), lambda: model.relevance_scores(papers))


if __name__ == "__main__":
    main()
