"""What a training reads from the store (tracker/store/training.py): the budget's sample, the hard negatives, the
list's papers by id or title, and nothing else; and that training keeps the hard negatives whatever the budget."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from classifiers.training_set import build_training_set
from tracker.records import Paper, ScoredPaper
from tracker.store import (
    Label,
    LabelStore,
    RunLog,
    Store,
    hard_negative_ids,
    list_paper_ids,
    read_training_papers,
    training_negative_ids,
)
from tracker.week_sample import iso_week, stratified_sample

MONDAY = datetime.date(2024, 1, 1)


class CountingStore(Store):
    """The real store, counting the papers (with their text) each read returns."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.read: list[str] = []
        self.whole_table_reads = 0

    def get(self, arxiv_ids):
        found = super().get(arxiv_ids)
        self.read += list(found)
        return found

    def papers(self, since=None, until=None):
        if since is None and until is None:
            self.whole_table_reads += 1
        found = super().papers(since, until)
        self.read += [p.arxiv_id for p in found]
        return found


@dataclass
class Row:
    arxiv_id: str | None
    title: str
    section: str = "Sec"


def _paper(pid: str, day: datetime.date, title: str = "", abstract: str = "words about parsing") -> Paper:
    return Paper(arxiv_id=pid, title=title or f"Paper {pid}", abstract=abstract, published=day.isoformat())


def _fill(store: Store, sizes: list[int]) -> list[Paper]:
    """Week w holds sizes[w] papers (ids 24ww.nnnnn), spread over its days."""
    papers = [_paper(f"24{w:02d}.{i:05d}", MONDAY + datetime.timedelta(weeks=w, days=i % 5))
              for w, size in enumerate(sizes) for i in range(size)]
    store.upsert_papers(papers, seen=MONDAY + datetime.timedelta(weeks=len(sizes)))
    return papers


def _run_with_scores(store: Store, scores: dict[str, float], proposed: set[str]) -> None:
    runs = RunLog(store)
    run_id = runs.start(as_of=MONDAY, since=MONDAY, until=MONDAY, dry_run=False)
    runs.record_scores(run_id, [ScoredPaper(_paper(pid, MONDAY), s) for pid, s in scores.items()], proposed)


def test_the_budget_sample_on_a_store_is_reproducible_and_stratified(tmp_path):
    with Store(tmp_path / "s.db") as store:
        _fill(store, [400, 30, 400, 400])
        cut = MONDAY + datetime.timedelta(weeks=3)
        chosen = training_negative_ids(store, 200, random_state=7, before=cut)
        assert chosen == training_negative_ids(store, 200, random_state=7, before=cut)
        assert chosen == stratified_sample(store.ids_and_days(cut), 200, 7)
        assert chosen != training_negative_ids(store, 200, random_state=8, before=cut)
        days = dict(store.ids_and_days())
        weeks = Counter(iso_week(days[pid]) for pid in chosen)
        # the small week gives all it has, the two large ones share the rest, the week after the cut nothing
        assert sorted(weeks.values()) == [30, 85, 85] and "2024-W04" not in weeks
        assert sorted(training_negative_ids(store, 0, before=cut)) == sorted(pid for pid, _ in store.ids_and_days(cut))


def test_hard_negatives_are_standing_rejections_removals_and_each_runs_near_misses(tmp_path):
    with Store(tmp_path / "s.db") as store:
        labels = LabelStore(store)
        labels.add([
            Label("2401.00001", 0, "", "rejected", "pr", "3", "2024-01-10"),
            Label("2401.00002", 0, "", "removed", "commit", "abc", "2024-01-11"),
            Label("2401.00003", 0, "", "removed", "commit", "abc", "2024-01-11"),
            Label("2401.00003", 1, "", "added", "commit", "def", "2024-01-20"),  # put back: not a negative
            Label("2401.00004", 0, "Sec", "moved", "commit", "abc", "2024-01-11"),  # a section only
        ])
        # run 1: two proposed, one above the threshold left over by the cap, near-misses below it
        _run_with_scores(store, {"2401.00010": 0.9, "2401.00011": 0.8, "2401.00012": 0.6, "2401.00013": 0.4,
                                 "2401.00014": 0.3, "2401.00015": 0.2, "2401.00016": 0.1},
                         proposed={"2401.00010", "2401.00011"})
        # run 2: 2401.00013 proposed this time (the review decides about it), its own near-misses
        _run_with_scores(store, {"2401.00013": 0.7, "2401.00020": 0.45, "2401.00021": 0.44, "2401.00022": 0.01},
                         proposed={"2401.00013"})
        hard = hard_negative_ids(store, near_misses=2, threshold=0.5)
        assert hard == {"2401.00001", "2401.00002", "2401.00014", "2401.00020", "2401.00021"}
        assert hard_negative_ids(store, near_misses=0, threshold=0.5) == {"2401.00001", "2401.00002"}
        assert hard_negative_ids(store, near_misses=2, threshold=0.5, labels=[]) == {"2401.00014", "2401.00020",
                                                                                     "2401.00021"}


def test_list_papers_are_found_by_id_else_by_title_without_reading_the_table(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.upsert_papers([_paper("2401.00001", MONDAY, "Distilling Step by Step"),
                             _paper("2401.00002", MONDAY, "Knowledge Distillation of LLMs"),
                             _paper("2401.00003", MONDAY, "Another paper")], seen=MONDAY)
        rows = [Row("2401.00001", "whatever"), Row(None, "Knowledge  distillation of LLMs!"),
                Row("2501.99999", "Another Paper"), Row(None, "Not stored")]
        assert list_paper_ids(store, rows) == ["2401.00001", "2401.00002", "2401.00003"]


def test_the_title_sieve_reads_only_titles_with_the_rows_longest_words_and_matches_as_before(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.upsert_papers([_paper("2401.00001", MONDAY, "Divide-or-Conquer? Which Part Should You Distill Your LLM?"),
                             _paper("2401.00002", MONDAY, "Which Part of the Model Should You Distill?"),
                             _paper("2401.00003", MONDAY, "知识蒸馏"),
                             *[_paper(f"2401.{i:05d}", MONDAY, f"Unrelated paper {i}") for i in range(10, 60)]],
                            seen=MONDAY)
        rows = [Row(None, "**divide or conquer** which part should you distill your llm")]
        assert list_paper_ids(store, rows) == ["2401.00001"]
        sieved = store.ids_and_titles_with([["conquer", "distill", "divide"]])
        assert [pid for pid, _ in sieved] == ["2401.00001"]  # not the other 52 titles
        # a title without an ASCII word is matched the old way, over every title
        assert list_paper_ids(store, [Row(None, "知识蒸馏")]) == ["2401.00003"]
        with pytest.raises(ValueError):
            store.ids_and_titles_with([["50%"]])


def test_training_reads_at_most_the_budget_the_list_and_the_hard_negatives(tmp_path):
    """The store's reading of a training, and the training set it makes: a rejected paper and a near-miss outside
    the sample are negatives, the list's papers positives, and no other paper is read."""
    with CountingStore(tmp_path / "s.db") as store:
        papers = _fill(store, [300, 300, 300, 300, 300])
        cut = MONDAY + datetime.timedelta(weeks=4)
        budget = 12
        sample = set(training_negative_ids(store, budget, 0, cut))
        outside = [p.arxiv_id for p in papers if p.arxiv_id not in sample and p.day < cut.isoformat()]
        rejected, near_miss, listed = outside[0], outside[1], outside[2:5]
        LabelStore(store).add([Label(rejected, 0, "", "rejected", "pr", "1", "2024-01-20")])
        _run_with_scores(store, {near_miss: 0.2, listed[0]: 0.1}, proposed=set())
        labels = LabelStore(store).all()
        hard = hard_negative_ids(store, near_misses=1, threshold=0.5, labels=labels)
        assert hard == {rejected, near_miss}
        rows = [Row(pid, f"Paper {pid}") for pid in listed]

        store.read.clear()
        read = read_training_papers(store, rows, hard_negatives=hard, budget=budget, random_state=0, before=cut)
        assert store.whole_table_reads == 0
        assert Counter(store.read) == Counter(set(store.read))  # each paper read once
        assert set(store.read) == sample | hard | set(listed)
        assert len(store.read) <= budget + len(listed) + len(hard)
        assert (read.positives, read.sampled, read.candidates) == (3, budget, len(store.ids_and_days(cut)))

        ts = build_training_set(rows, read.papers, train_until=cut, extra_labels=[(rejected, 0)],
                                negatives=budget, hard_negatives=read.hard_negatives, presampled=True)
        negatives = {p.arxiv_id for p, y in zip(ts.papers, ts.y, strict=True) if y == 0}
        assert negatives == sample | {rejected, near_miss}
        assert ts.positives == 3 and (ts.sampled, ts.hard) == (budget, 2)


def test_a_tiny_budget_keeps_every_hard_negative_from_a_corpus_file_too():
    papers = [_paper(f"2401.{i:05d}", MONDAY + datetime.timedelta(days=i % 60)) for i in range(500)]
    rows = [Row("2401.00000", "Paper 2401.00000")]
    hard = {"2401.00100", "2401.00200", "2401.00300"}
    ts = build_training_set(rows, papers, extra_labels=[("2401.00400", 0)], negatives=1, hard_negatives=hard)
    negatives = {p.arxiv_id for p, y in zip(ts.papers, ts.y, strict=True) if y == 0}
    assert hard | {"2401.00400"} <= negatives
    assert ts.hard == 4 and ts.sampled <= 1 and ts.negatives == ts.hard + ts.sampled
    # the same papers, the same seed: the same sample; another seed, another one
    again = build_training_set(rows, list(reversed(papers)), extra_labels=[("2401.00400", 0)], negatives=50,
                               hard_negatives=hard)
    first = build_training_set(rows, papers, extra_labels=[("2401.00400", 0)], negatives=50, hard_negatives=hard)
    assert {p.arxiv_id for p in again.papers} == {p.arxiv_id for p in first.papers}
    other = build_training_set(rows, papers, negatives=50, random_state=1)
    assert {p.arxiv_id for p in other.papers} != {p.arxiv_id for p in first.papers}


def test_pruned_papers_are_no_negatives_but_count_in_the_population(tmp_path, caplog):
    """A hard negative or sampled paper whose texts a prune dropped is left out (with a warning); a pruned list
    paper stays (its title still teaches); the population the sample stands for counts pruned papers too, and
    a paper without a day is neither sampled nor counted."""
    import sqlite3

    with Store(tmp_path / "s.db") as store:
        papers = _fill(store, [40, 40, 40])
        store.upsert_papers([Paper(arxiv_id="2409.00001", title="No day", abstract="text")], seen=MONDAY)
        cut = MONDAY + datetime.timedelta(weeks=3)
        assert store.count_before(cut) == 120 and "2409.00001" not in dict(store.ids_and_days())
        hard, listed = papers[0].arxiv_id, papers[1].arxiv_id
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.executemany("UPDATE papers SET abstract = '' WHERE arxiv_id = ?", [(hard,), (listed,)])
    with Store(tmp_path / "s.db") as store:
        read = read_training_papers(store, [Row(listed, "whatever")], hard_negatives=[hard], budget=0, before=cut)
    ids = {p.arxiv_id for p in read.papers}
    assert listed in ids and hard not in ids and read.hard_negatives == set()
    assert (read.candidates, read.population) == (118, 120)
    assert "pruned from the store" in caplog.text


def test_the_title_sieve_takes_any_number_of_rows(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.upsert_papers([_paper(f"2401.{i:05d}", MONDAY, f"Title number w{i}x of the list") for i in range(1200)],
                            seen=MONDAY)
        groups = [[f"w{i}x", "number"] for i in range(1200)]  # more than SQLite's expression depth in one query
        assert len(store.ids_and_titles_with(groups)) == 1200
