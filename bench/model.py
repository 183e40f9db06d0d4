"""Training and scoring cost of the model on ../shared/data, as a table.

    python -m bench.model                 # train, save, load, score
    python -m bench.model --split         # also: where training's time goes, step by step
    python -m bench.model --split --reference   # ... and scikit-learn's own vocabulary fit beside it

Cases: train on the full corpus with the newest list; score the full corpus;
score one week (the first 2,000 papers of 2024-W11..); load the saved model.
Then the vocabulary (terms of each TF-IDF block) and the model folder (bytes of
each file). ``--split`` repeats training's steps one by one: the vocabulary and
IDF fit of each TF-IDF block, their transform, the lexicon, the calibrated
logistic regression and the section model.
Peak memory is the process's maximum resident size after each case. CPU
seconds are this process's and its finished workers' user + system time
during the case: CPU seconds well below the seconds times the CPUs in use
mean the machine was busy with something else.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from classifiers.models import RELEVANCE_DEFAULTS, RELEVANCE_MODEL_PARAMS, make_relevance_model
from classifiers.training import fit_sections, load_model, train
from classifiers.training_set import build_training_set
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


def split(rows, papers, config: ModelConfig, reference: bool) -> None:
    """Training's steps one by one, as :func:`classifiers.training.fit_models` runs them."""
    options = dict(RELEVANCE_DEFAULTS)
    training = measure("  training set", len(papers), lambda: build_training_set(
        rows, papers, negatives=config.negatives, unlabeled_weight=float(options["unlabeled_weight"]),
        heading_weight=float(options["heading_weight"]), random_state=config.random_state))
    docs, y, weight = training.fit_data()
    relevance = make_relevance_model(random_state=config.random_state,
                                     **{k: v for k, v in options.items() if k in RELEVANCE_MODEL_PARAMS})
    union = relevance[0]
    blocks = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for name, step in union.transformer_list:
            if name == "lexicon":
                blocks.append(measure("  lexicon (fit + transform)", len(docs), lambda s=step: s.fit_transform(docs)))
                continue
            text = step[0].fit_transform(docs)
            vectorizer = step[-1]
            if reference:
                measure(f"  vocabulary + IDF, scikit-learn ({name})", len(docs),
                        lambda v=vectorizer, t=text: TfidfVectorizer(**v.get_params()).fit(t))
            measure(f"  vocabulary + IDF ({name})", len(docs), lambda v=vectorizer, t=text: v.fit(t))
            blocks.append(measure(f"  transform ({name}, {len(vectorizer.vocabulary_)} terms)", len(docs),
                                  lambda v=vectorizer, t=text: v.transform(t)))
    weights = union.transformer_weights or {}
    X = sp.hstack([b * weights.get(name, 1.0) for b, (name, _) in zip(blocks, union.transformer_list, strict=True)],
                  format="csr", dtype=np.float32)
    measure("  calibrated logistic regression", len(docs), lambda: relevance[-1].fit(X, y, sample_weight=weight))
    measure("  section model", training.positives, lambda: fit_sections(relevance, training, config))


def folder_report(folder: str) -> None:
    files = sorted(Path(folder).iterdir())
    total = sum(f.stat().st_size for f in files)
    print(f"model folder: {total / 1e6:.1f} MB (" + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.2f} MB"
                                                              for f in files) + ")")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="store_true", help="also time training's steps one by one")
    parser.add_argument("--reference", action="store_true", help="with --split: scikit-learn's vocabulary fit too")
    args = parser.parse_args()
    t = time.perf_counter()
    papers = list(read_corpus(SHARED / "data" / "arxiv_corpus.jsonl.gz"))
    rows = ListDocument.parse((SHARED / "fixtures/kd-list/README.2025-03-09.head.md").read_text(encoding="utf-8")).rows()
    config = ModelConfig()
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {len(papers)} papers, {len(rows)} list rows, "
          f"negatives budget {config.negatives or 'all'}; corpus read in {time.perf_counter() - t:.1f} s, "
          f"peak {peak_mb():.0f} MB")
    print(f"{'case':44s} {'n':>7s} {'seconds':>8s} {'papers/s':>9s} {'peak MB':>8s} {'CPU s':>7s}")
    model = measure("train (full corpus)", len(papers), lambda: train(rows, papers, config=config))
    vocabulary = {name: len(step[-1].vocabulary_) for name, step in model.relevance[0].transformer_list
                  if name in ("words", "title")}
    with tempfile.TemporaryDirectory() as folder:
        measure("save", 1, lambda: model.save(folder))
        model = measure("load (median of 3)", 1, lambda: load_model(folder), runs=3)
        folder_report(folder)
    week = sorted((p for p in papers if p.day >= "2024-03-11"), key=lambda p: (p.day, p.arxiv_id))[:2000]
    measure("score one week (median of 3)", len(week), lambda: model.score(week), runs=3)
    measure("score full corpus (+terms, sections)", len(papers), lambda: model.score(papers))
    # the vectorizers' token tables exist by now (built by the case above): this row leaves their build out
    measure("relevance only, full corpus (tables built)", len(papers), lambda: model.relevance_scores(papers))
    print("vocabulary: " + ", ".join(f"{name} {n} terms" for name, n in vocabulary.items())
          + f"; train's own clock {model.metadata.get('seconds')} s")
    if args.split:
        print("\ntraining, step by step")
        split(rows, papers, config, args.reference)


if __name__ == "__main__":
    main()
