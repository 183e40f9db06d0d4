"""How far the replay's misses are from the top 20, under every ranking signal the data offers and their fusions.

    python -m bench.ceiling

Trains the replay model as ``bench.quality`` does (list of 2024-02-20, corpus
before it), then ranks each later addition within its week, among the papers
the bot could propose (not already in the list), by:

- the model (calibrated log-odds),
- the keyword baseline (log of 1 + "distil" matches),
- similarity to the list (mean cosine to the 10 nearest list papers, word TF-IDF),
- every fusion ``z(model) + gamma * z(similarity) + beta * z(keyword)`` of the grid below.

It prints the best recall@10/@20 any fusion reaches, and for each paper that
the model leaves outside its week's top 20, its rank under each signal and the
best rank any fusion gives it: a paper no signal brings near the top 20 bounds
what re-weighting these signals can reach.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
from scipy.special import logit

from bench.quality import CUT, rows_of
from classifiers.evaluation import recall_at, temporal_replay, truth_from_history, within_week_ranks
from classifiers.features import keyword_counts
from classifiers.training_set import list_papers
from devservers.paths import SHARED
from tracker.config import ModelConfig
from tracker.sources.corpus import read_corpus

GAMMAS = (0.0, 0.5, 1.0, 2.0)
BETAS = (0.0, 0.5, 1.0, 2.0)


def zscore(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return (values - values[mask].mean()) / (values[mask].std() or 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    config = ModelConfig()
    papers = list(read_corpus(args.shared / "data" / "arxiv_corpus.jsonl.gz"))
    first = rows_of(args.shared, "README.2024-02-20.first.md")
    truth = truth_from_history(args.shared / "data" / "list_history.jsonl", first, CUT)
    replay = temporal_replay(first, papers, truth, config=config, train_until=CUT)
    ranked, weeks = replay.ranked, replay.ranked_weeks
    listed = {lp.arxiv_id for lp in list_papers(first) if lp.arxiv_id}
    candidate = np.asarray([p.arxiv_id not in listed for p in ranked])
    position = {p.arxiv_id: i for i, p in enumerate(ranked)}
    targets = [position[pid] for pid, *_ in replay.truth]

    signals = {
        "model": logit(np.clip(replay.scores, 1e-12, 1 - 1e-12)),
        "keyword": np.log1p(keyword_counts(ranked)),
        "list similarity": list_similarity(replay, papers, listed),
    }
    z = {name: zscore(v, candidate) for name, v in signals.items()}

    def ranks_of(score: np.ndarray) -> np.ndarray:
        return within_week_ranks(np.where(candidate, score, -np.inf), weeks, targets)

    single = {name: ranks_of(v) for name, v in signals.items()}
    fused = {(g, b): ranks_of(z["model"] + g * z["list similarity"] + b * z["keyword"])
             for g, b in itertools.product(GAMMAS, BETAS)}
    print(f"{len(targets)} later additions; {int(candidate.sum())} candidate papers in {len(set(weeks))} weeks\n")
    print(f"{'ranking':44s} {'@5':>5s} {'@10':>5s} {'@20':>5s}")
    for name, r in single.items():
        rec = recall_at(r)
        print(f"{name:44s} {rec[5]:5.2f} {rec[10]:5.2f} {rec[20]:5.2f}")
    for k in (10, 20):
        (g, b), r = max(fused.items(), key=lambda kv: (recall_at(kv[1])[k], recall_at(kv[1])[10]))
        rec = recall_at(r)
        label = f"best fusion for @{k} (gamma {g:g}, beta {b:g})"
        print(f"{label:44s} {rec[5]:5.2f} {rec[10]:5.2f} {rec[20]:5.2f}")
    print(f"\n{'paper outside the model top 20':58s} {'model':>6s} {'kw':>6s} {'sim':>6s} {'fused':>6s}")
    for j, (pid, title, *_rest) in enumerate(replay.truth):
        if single["model"][j] <= 20:
            continue
        best = min(r[j] for r in fused.values())
        print(f"{pid:11s} {title[:46]:46s} {single['model'][j]:6.0f} {single['keyword'][j]:6.0f} "
              f"{single['list similarity'][j]:6.0f} {best:6.0f}")


def list_similarity(replay, papers, listed: set[str]) -> np.ndarray:
    """Mean cosine of each ranked paper to its 10 nearest list papers, in the replay model's word TF-IDF."""
    words = replay.model.relevance.named_steps["features"].named_transformers["words"]
    by_id = {p.arxiv_id: p for p in papers}
    list_rows = words.transform([by_id[pid] for pid in sorted(listed) if pid in by_id])
    similarity = (words.transform(replay.ranked) @ list_rows.T).toarray()
    return np.sort(similarity, axis=1)[:, -10:].mean(axis=1)


if __name__ == "__main__":
    main()
