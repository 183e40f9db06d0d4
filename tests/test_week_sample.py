"""The training budget's stratified, reproducible negative sample (tracker/week_sample.py, re-exported by tracker.store.sample)."""

from __future__ import annotations

import datetime
import random

from tracker.week_sample import iso_week, stratified_sample, week_shares


def _papers(weeks: dict[str, int]) -> list[tuple[str, str]]:
    out = []
    for n, (monday, size) in enumerate(sorted(weeks.items())):
        for i in range(size):
            out.append((f"24{n:02d}.{i:05d}", monday))
    return out


def test_iso_week_of_a_day_and_of_nonsense():
    assert iso_week("2024-12-30") == "2025-W01"
    assert iso_week("2024-07-29") == "2024-W31"
    assert iso_week("") == iso_week("not a day") == ""


def test_shares_fill_small_weeks_and_split_the_rest_evenly():
    assert week_shares({"a": 2, "b": 100, "c": 100}, 50) == {"a": 2, "b": 24, "c": 24}
    assert week_shares({"a": 10, "b": 10, "c": 10}, 10) == {"a": 4, "b": 3, "c": 3}
    assert sum(week_shares({f"w{i}": i * 7 for i in range(1, 30)}, 1000).values()) == 1000


def test_a_budget_that_covers_everything_or_zero_takes_everything():
    papers = _papers({"2024-01-01": 5, "2024-01-08": 3})
    assert sorted(stratified_sample(papers, 0)) == sorted(pid for pid, _ in papers)
    assert sorted(stratified_sample(papers, 100)) == sorted(pid for pid, _ in papers)


def test_the_sample_is_stratified_and_does_not_depend_on_input_order():
    papers = _papers({"2024-01-01": 1000, "2024-01-08": 10, "2024-01-15": 1000})
    chosen = stratified_sample(papers, 300, random_state=3)
    assert len(chosen) == 300
    weeks = [iso_week(day) for pid, day in papers if pid in set(chosen)]
    assert weeks.count("2024-W02") == 10  # the small week gives all it has
    assert weeks.count("2024-W01") == weeks.count("2024-W03") == 145
    shuffled = papers[:]
    random.Random(1).shuffle(shuffled)
    assert stratified_sample(shuffled, 300, random_state=3) == chosen
    assert stratified_sample(papers, 300, random_state=4) != chosen


def test_a_later_sample_of_a_longer_history_only_drops_papers_of_the_earlier_one():
    """What pruning relies on: a paper out of today's sample is out of every later one (same budget and seed)."""
    history = {(datetime.date(2024, 1, 1) + datetime.timedelta(weeks=w)).isoformat(): 300 + 17 * (w % 5) for w in range(20)}
    papers = _papers(history)
    before = set(stratified_sample(papers, 2000, random_state=0))
    more = _papers({**history, **{(datetime.date(2024, 6, 3) + datetime.timedelta(weeks=w)).isoformat(): 400
                                  for w in range(10)}})
    after = stratified_sample(more, 2000, random_state=0)
    old_ids = {pid for pid, _ in papers}
    assert len(after) == 2000
    assert {pid for pid in after if pid in old_ids} <= before


def test_the_store_lists_ids_and_days_without_text(tmp_path):
    from tracker.records import Paper
    from tracker.store import Store

    with Store(tmp_path / "s.db") as store:
        store.upsert_papers([Paper(arxiv_id="2401.00001", title="a", abstract="x", published="2024-01-02"),
                             Paper(arxiv_id="2401.00002", title="b", abstract="", published="2024-01-09"),
                             Paper(arxiv_id="2402.00003", title="c", abstract="y", published="2024-02-05")],
                            seen=datetime.date(2024, 3, 1))
        days = {pid: day for pid, day in store.ids_and_days(with_abstract=False)}
        assert set(days) == {"2401.00001", "2401.00002", "2402.00003"}
        assert [pid for pid, _ in store.ids_and_days()] == ["2401.00001", "2402.00003"]
        assert [pid for pid, _ in store.ids_and_days(datetime.date.fromisoformat(days["2402.00003"]))] == ["2401.00001"]


def test_the_store_layer_re_exports_the_same_rule():
    from tracker.store import sample

    assert sample.stratified_sample is stratified_sample and sample.week_shares is week_shares
