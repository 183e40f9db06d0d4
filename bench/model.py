"""Training and scoring cost of the model on ../shared/data, as a table.

    python -m bench.model

Cases: train on the full corpus with the newest list; score the full corpus;
score one week (the first 2,000 papers of 2024-W11..); load the saved model.
Peak memory is the process's maximum resident size after each case.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import sklearn

from classifiers.training import load_model, train
from tracker.config import ModelConfig
from tracker.corpus import read_corpus
from tracker.listdoc import ListDocument

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    t = time.perf_counter()
    papers = list(read_corpus(SHARED / "data" / "arxiv_corpus.jsonl.gz"))
    rows = ListDocument.parse((SHARED / "fixtures/kd-list/README.2025-03-09.head.md").read_text(encoding="utf-8")).rows()
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {len(papers)} papers, {len(rows)} list rows; "
          f"corpus read in {time.perf_counter() - t:.1f} s, peak {peak_mb():.0f} MB")
    print(f"{'case':34s} {'n':>7s} {'seconds':>8s} {'papers/s':>9s} {'peak MB':>8s}")

    def report(case: str, n: int, seconds: float) -> None:
        print(f"{case:34s} {n:7d} {seconds:8.2f} {n / seconds:9.0f} {peak_mb():8.0f}", flush=True)

    t = time.perf_counter()
    model = train(rows, papers, config=ModelConfig())
    report("train (full corpus)", len(papers), time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        model.save(folder)
        report("save", 1, time.perf_counter() - t)
        t = time.perf_counter()
        model = load_model(folder)
        report("load", 1, time.perf_counter() - t)
    week = sorted((p for p in papers if p.day >= "2024-03-11"), key=lambda p: (p.day, p.arxiv_id))[:2000]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        model.score(week)
        times.append(time.perf_counter() - t)
    report("score one week (median of 3)", len(week), float(np.median(times)))
    t = time.perf_counter()
    model.score(papers)
    report("score full corpus (+terms, sections)", len(papers), time.perf_counter() - t)
    t = time.perf_counter()
    model.relevance_scores(papers)
    report("relevance only, full corpus", len(papers), time.perf_counter() - t)


if __name__ == "__main__":
    main()
