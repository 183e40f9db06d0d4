"""Learning from the maintainers' reviews works the same on a pruned store (labels, reviews and misses read ids
and scores, never abstracts)."""

from __future__ import annotations

import datetime as dt

from devservers.github_server import GithubServer
from tests.learn_sample import corpus
from tests.test_learn import dump, full_history, run_learn
from tracker.records import ScoredPaper
from tracker.store import drop_texts, plan_prune
from tracker.store.papers import Store
from tracker.store.runs import RunLog


def _learn(github: GithubServer, path, *, pruned: bool) -> dict:
    with Store(path) as store:
        store.upsert_papers(corpus(), seen=dt.date(2024, 3, 2))
        log = RunLog(store)
        run = log.start(as_of=dt.date(2024, 3, 18), since=dt.date(2024, 3, 8), until=dt.date(2024, 3, 17), dry_run=False)
        papers = {p.arxiv_id: p for p in corpus()}
        log.record_scores(run, [ScoredPaper(papers["2403.00012"], 0.003)], proposed=[])
        if pruned:
            plan = plan_prune(store, before=dt.date(2024, 3, 8), negatives=1, random_state=0)
            assert drop_texts(store, plan).pruned == len(corpus()) - 2  # the sample's one and the near-miss stay
        run_learn(github, store)
    return dump(path)


def test_learning_on_a_pruned_store_gives_the_same_labels(github: GithubServer, tmp_path) -> None:
    full_history(github)
    pruned = _learn(github, tmp_path / "pruned.db", pruned=True)
    assert pruned["labels"], "the history gives labels"
    unpruned = _learn(github, tmp_path / "kd.db", pruned=False)

    def without_times(rows):
        return [row[1:9] for row in rows]

    assert without_times(pruned["labels"]) == without_times(unpruned["labels"])
    assert pruned["reviews"] == unpruned["reviews"]
    assert [r[0] for r in pruned["learn_state"]] == [r[0] for r in unpruned["learn_state"]]
