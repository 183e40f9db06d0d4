"""A store that prunes itself (tracker/store/prune.py, tracker/weekly/prune_step.py): which texts go, what stays,
the training sample's contract, VACUUM, and a pruned paper fetched again."""

from __future__ import annotations

import dataclasses
import logging
import random
import sqlite3
from datetime import date, timedelta

import pytest

from tests.conftest import requires_shared
from tracker.config import ArxivConfig, Config, ModelConfig
from tracker.paper_ids import normalise_title
from tracker.records import Paper, ScoredPaper
from tracker.review.record import build_record
from tracker.store import Label, LabelStore, RunLog, coverage, drop_texts, plan_prune
from tracker.store.papers import Store
from tracker.store.prune import VACUUM_SHARE, protected
from tracker.store.sample import stratified_sample
from tracker.weekly.prune_step import MARGIN_DAYS, plan_store_prune, prune_before, prune_summary, scorable

START = date(2024, 1, 1)  # a Monday
WEEKS = 12
NEGATIVES = 200
SEED = 7
NEAR = 3
THRESHOLD = 0.5


def _paper(week: int, i: int, *, words: int = 60) -> Paper:
    day = (START + timedelta(weeks=week, days=i % 5)).isoformat()
    rng = random.Random(f"{week}-{i}")
    abstract = " ".join(rng.choice(["student", "teacher", "distil", "token", "model", "loss", "data"])
                        for _ in range(words))
    return Paper(arxiv_id=f"24{week + 1:02d}.{i:05d}", title=f"Paper {week} {i} on {abstract[:20]}", abstract=abstract,
                 authors=(f"Ada {i}", f"Bo {week}"), categories=("cs.CL", "cs.LG"), primary_category="cs.CL",
                 published=day, updated=day, comment="ACL 2024; code at https://github.com/a/b", announced=day,
                 source="api", code=("https://github.com/a/b",), venue="ACL")


@dataclasses.dataclass
class Fixture:
    store: Store
    papers: dict[str, Paper]
    cut: date
    list_ids: set[str]
    list_title: str
    labelled: set[str]
    proposed: set[str]
    overflow: set[str]
    near: set[str]
    below: set[str]


def _fill(store: Store, per_week: int = 60) -> Fixture:
    papers = {p.arxiv_id: p for w in range(WEEKS) for p in (_paper(w, i) for i in range(per_week))}
    store.upsert_papers(papers.values(), seen=START)
    ids = sorted(papers)
    rng = random.Random(1)
    picked = rng.sample(ids, 40)
    list_ids, labelled = set(picked[:5]), set(picked[5:10])
    list_title = papers[picked[10]].title  # a list row without an arXiv id, matched by its title
    LabelStore(store).add(Label(pid, 0, "", "rejected", "pr", "3", "2024-02-01") for pid in labelled)
    runs = RunLog(store)
    proposed, overflow, near, below = set(), set(), set(), set()
    for r in range(3):  # three runs, each scoring 30 papers of an old week
        run_id = runs.start(as_of=START + timedelta(weeks=2 + 2 * r), since=START, until=START, dry_run=False)
        week_ids = [pid for pid in ids if pid.startswith(f"24{2 + 2 * r:02d}.")][:30]
        scored = [ScoredPaper(papers[pid], 0.9 - k * 0.03, ()) for k, pid in enumerate(week_ids)]
        chosen = week_ids[:2]
        runs.record_scores(run_id, scored, chosen)
        runs.finish(run_id, status="ok", outcome="closed", pr_number=1 + r)  # no PR open now
        proposed |= set(chosen)
        overflow |= {s.paper.arxiv_id for s in scored if s.score >= THRESHOLD} - set(chosen)
        under = [s.paper.arxiv_id for s in scored if s.score < THRESHOLD]
        near |= set(under[:NEAR])
        below |= set(under[NEAR:])
    return Fixture(store, papers, START + timedelta(weeks=9), list_ids, list_title, labelled, proposed, overflow,
                   near, below)


@pytest.fixture
def fx(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        yield _fill(store)


def _plan(fx: Fixture, negatives: int = NEGATIVES, cut: date | None = None):
    return plan_prune(fx.store, before=cut or fx.cut, negatives=negatives, random_state=SEED, keep_ids=fx.list_ids,
                      keep_titles={normalise_title(fx.list_title)}, near_misses=NEAR, threshold=THRESHOLD)


def _expected(fx: Fixture) -> set[str]:
    candidates = {pid for pid, p in fx.papers.items() if p.day < fx.cut.isoformat()}
    sample = set(stratified_sample(fx.store.ids_and_days(fx.cut), NEGATIVES, SEED))
    by_title = {pid for pid, p in fx.papers.items() if p.title == fx.list_title}
    return candidates - sample - fx.list_ids - by_title - fx.labelled - fx.proposed - fx.overflow - fx.near


def test_prune_drops_exactly_the_texts_it_should_and_keeps_every_row(fx):
    expected = _expected(fx)
    assert fx.below & expected, "low scores of a run are no reason to keep a text"
    before = fx.store.get(fx.papers)
    plan = _plan(fx)
    assert set(plan.ids) == expected
    assert plan.sampled == NEGATIVES and plan.candidates == 9 * 60
    assert plan.text_bytes == sum(len(p.abstract.encode()) + len(p.comment.encode()) + len(f'["{p.authors[0]}", "{p.authors[1]}"]')
                                  for pid, p in fx.papers.items() if pid in expected)
    result = drop_texts(fx.store, plan)
    assert result.pruned == len(expected)
    after = fx.store.get(fx.papers)
    assert len(after) == len(fx.papers) == fx.store.count()
    for pid, old in before.items():
        new = after[pid]
        if pid in expected:
            assert (new.abstract, new.authors, new.comment) == ("", (), "")
            assert new == dataclasses.replace(old, abstract="", authors=(), comment="")  # id, title, day, links stay
        else:
            assert new == old


def test_a_second_prune_does_nothing(fx):
    first = drop_texts(fx.store, _plan(fx))
    assert first.pruned > 0
    again = _plan(fx)
    assert again.ids == () and again.text_bytes == 0
    assert drop_texts(fx.store, again).pruned == 0


def test_negatives_zero_trains_on_everything_so_nothing_is_pruned(fx):
    plan = _plan(fx, negatives=0)
    assert plan.ids == ()
    assert drop_texts(fx.store, plan).pruned == 0
    assert all(p.abstract for p in fx.store.papers())


@pytest.mark.parametrize("later_weeks", [0, 1, 3, 8])
def test_the_training_sample_is_the_same_before_and_after_pruning(fx, later_weeks):
    """The contract: training (now or at a later cut, more weeks stored) samples the same papers after a prune."""
    train_cut = fx.cut + timedelta(weeks=later_weeks)
    for w in range(WEEKS, WEEKS + later_weeks):  # weeks fetched after the prune
        fx.store.upsert_papers([_paper(w, i) for i in range(40 + 7 * w)], seen=START)
    sample_before = stratified_sample(fx.store.ids_and_days(train_cut), NEGATIVES, SEED)
    assert len(sample_before) == NEGATIVES
    drop_texts(fx.store, _plan(fx))
    assert stratified_sample(fx.store.ids_and_days(train_cut), NEGATIVES, SEED) == sample_before
    papers = fx.store.get(sample_before)
    assert all(papers[pid].abstract for pid in sample_before)


def test_the_sample_contract_holds_over_random_histories(tmp_path):
    for trial in range(6):
        rng = random.Random(trial)
        with Store(tmp_path / f"r{trial}.db") as store:
            papers = [dataclasses.replace(_paper(w, i, words=5)) for w in range(rng.randint(3, 15))
                      for i in range(rng.randint(1, 90))]
            store.upsert_papers(papers, seen=START)
            budget = rng.randint(10, 400)
            cut = START + timedelta(days=rng.randint(7, 90))
            later = cut + timedelta(days=rng.randint(0, 40))
            sample_before = stratified_sample(store.ids_and_days(later), budget, trial)
            drop_texts(store, plan_prune(store, before=cut, negatives=budget, random_state=trial))
            assert stratified_sample(store.ids_and_days(later), budget, trial) == sample_before, trial


def test_protected_papers_are_the_labelled_proposed_overflow_and_near_misses(fx):
    assert protected(fx.store, near_misses=NEAR, threshold=THRESHOLD) == (fx.labelled | fx.proposed | fx.overflow
                                                                           | fx.near)


def test_vacuum_shrinks_the_file_when_the_prune_frees_much(tmp_path):
    with Store(tmp_path / "big.db") as store:
        store.upsert_papers([_paper(w, i, words=400) for w in range(8) for i in range(120)], seen=START)
        plan = plan_prune(store, before=START + timedelta(weeks=7), negatives=50, random_state=0)
        assert plan.vacuum and plan.text_bytes >= VACUUM_SHARE * plan.file_bytes
        result = drop_texts(store, plan)
        assert result.vacuumed
        assert result.file_bytes < plan.file_bytes - plan.text_bytes // 2
        assert result.freed == plan.file_bytes - result.file_bytes
        assert (tmp_path / "big.db").stat().st_size == result.file_bytes


def test_a_small_prune_does_not_vacuum(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers([_paper(w, i, words=400) for w in range(8) for i in range(120)], seen=START)
        plan = plan_prune(store, before=START + timedelta(days=3), negatives=50, random_state=0)
        assert plan.ids and not plan.vacuum
        result = drop_texts(store, plan)
        assert not result.vacuumed and result.freed == plan.text_bytes


def test_weekly_prunes_add_up_to_a_vacuum_and_the_file_stops_growing(tmp_path):
    """A prune each week drops about a week of texts, too little alone for a VACUUM; SQLite does not reuse the
    room shortened rows leave for new rows, so the bytes dropped since the last VACUUM add up until one runs."""
    path = tmp_path / "kd.db"
    sizes, vacuums = [], []
    with Store(path) as store:
        store.upsert_papers([_paper(w, i, words=400) for w in range(4) for i in range(150)], seen=START)
        for week in range(4, 30):
            store.upsert_papers([_paper(week, i, words=400) for i in range(150)], seen=START + timedelta(weeks=week))
            plan = plan_prune(store, before=START + timedelta(weeks=week - 2), negatives=300, random_state=0)
            result = drop_texts(store, plan)
            assert result.pruned == len(plan.ids)
            vacuums.append(result.vacuumed)
            sizes.append(path.stat().st_size)
    assert sum(vacuums) >= 2 and not all(vacuums)  # small prunes wait, their sum triggers
    first_vacuum = vacuums.index(True)
    # after a vacuum the file holds ~ the sample and two weeks of texts, plus the pruned rows (ids, titles, days):
    # it grows by those rows only, a small part of the texts each week adds
    texts_a_week = sum(len(p.abstract.encode()) for p in (_paper(0, i, words=400) for i in range(150)))
    later = sizes[first_vacuum:]
    assert (max(later[-3:]) - max(later[:3])) / (len(later) - 3) < texts_a_week / 4
    assert sizes[-1] < 0.6 * (150 * 30 * 400 * 5)  # far below the texts of every paper ever stored


def test_a_pruned_paper_fetched_again_gets_its_texts_back(fx):
    pid = sorted(_expected(fx))[0]
    stored = fx.store.get([pid])[pid]
    drop_texts(fx.store, _plan(fx))
    assert fx.store.get([pid])[pid].abstract == ""
    counts = fx.store.upsert_papers([fx.papers[pid]], seen=START + timedelta(weeks=20))
    assert counts.updated == 1
    assert fx.store.get([pid])[pid] == stored
    newer = dataclasses.replace(fx.papers[pid], version=2, abstract="A new abstract.", comment="")
    fx.store.upsert_papers([newer], seen=START + timedelta(weeks=21))
    assert fx.store.get([pid])[pid].abstract == "A new abstract."


def test_scoring_never_sees_a_pruned_paper(fx, caplog):
    drop_texts(fx.store, _plan(fx))
    pruned = sorted(_expected(fx))
    stored = fx.store.papers(START, fx.cut)
    with caplog.at_level(logging.WARNING):
        kept = scorable(stored)
    assert {p.arxiv_id for p in kept} == {p.arxiv_id for p in stored} - set(pruned)
    assert all(p.abstract for p in kept)
    assert f"{len(pruned)} papers of the window have no abstract in the store" in caplog.text
    window = fx.store.papers(fx.cut, None)  # the scoring window lies after the cut: nothing pruned there
    assert window and scorable(window) == window


def test_a_failing_prune_changes_nothing(fx):
    conn = sqlite3.connect(fx.store.path)
    conn.execute("CREATE TRIGGER no_prune BEFORE UPDATE OF abstract ON papers WHEN NEW.abstract = '' "
                 "BEGIN SELECT RAISE(ABORT, 'attempt to write a readonly database'); END")
    conn.commit()
    conn.close()
    before = fx.store.papers()
    with pytest.raises(Exception) as e:
        drop_texts(fx.store, _plan(fx))
    assert str(e.value).startswith(f"{fx.store.path}: cannot prune the paper store (attempt to write a readonly database)")
    assert fx.store.papers() == before


# the cut, for runs as of a day


def _config(**arxiv) -> Config:
    return Config(arxiv=ArxivConfig(**arxiv), model=ModelConfig(negatives=NEGATIVES))


def test_the_cut_is_the_earliest_day_a_later_run_scores_minus_the_margin(tmp_path):
    config = _config(window_days=10, gap_lookback_days=28)
    as_of = date(2024, 6, 3)
    with Store(tmp_path / "kd.db") as store:
        runs = RunLog(store)
        assert prune_before(config, runs.runs(), as_of) == as_of - timedelta(days=28 + MARGIN_DAYS)
        assert prune_before(_config(window_days=40, gap_lookback_days=7), [], as_of) == as_of - timedelta(days=40 + 14)
        # an open PR whose first run scored from 2024-04-01: its papers stay proposable
        first = runs.start(as_of=date(2024, 4, 8), since=date(2024, 2, 1), until=date(2024, 4, 8), dry_run=False,
                           score_since=date(2024, 4, 1))
        runs.finish(first, status="ok", outcome="created", pr_number=4)
        later = runs.start(as_of=date(2024, 5, 27), since=date(2024, 5, 17), until=date(2024, 5, 27), dry_run=False)
        runs.finish(later, status="ok", outcome="updated", pr_number=4)
        assert prune_before(config, runs.runs(), as_of) == date(2024, 4, 1) - timedelta(days=MARGIN_DAYS)


def test_plan_for_a_config_keeps_the_list_and_uses_the_model_settings(fx):
    config = Config(arxiv=ArxivConfig(window_days=10, gap_lookback_days=0),
                    model=ModelConfig(negatives=NEGATIVES, random_state=SEED, near_misses=NEAR, threshold=THRESHOLD))
    as_of = fx.cut + timedelta(days=10 + MARGIN_DAYS)

    @dataclasses.dataclass
    class Row:
        arxiv_id: str | None
        title: str

    rows = [Row(pid, fx.papers[pid].title) for pid in fx.list_ids] + [Row(None, f"**{fx.list_title}**")]
    plan = plan_store_prune(config, fx.store, rows, as_of=as_of)
    assert plan.before == fx.cut
    assert set(plan.ids) == _expected(fx)
    assert plan.vacuum  # abstracts are most of this small store
    assert prune_summary(plan) == (f"would prune {len(plan.ids)} papers dated before {fx.cut}, freeing "
                                   f"{plan.text_bytes / 1024:.1f} kB of text; would vacuum the "
                                   f"{plan.file_bytes / 1024:.1f} kB file")
    result = drop_texts(fx.store, plan)
    assert result.vacuumed and result.file_bytes < plan.file_bytes
    assert prune_summary(result) == (f"pruned {len(plan.ids)} papers dated before {fx.cut}, freed "
                                     f"{(plan.file_bytes - result.file_bytes) / 1024:.1f} kB; vacuumed: "
                                     f"{plan.file_bytes / 1024:.1f} kB -> {result.file_bytes / 1024:.1f} kB")
    assert prune_summary(dataclasses.replace(result, vacuumed=False)) == (
        f"pruned {len(plan.ids)} papers dated before {fx.cut}, freed {plan.text_bytes / 1024:.1f} kB of text "
        "inside the file; not vacuumed")


# what keeps working on pruned rows


def test_coverage_and_the_fetch_log_are_the_same_after_pruning(fx):
    for day in range(60):
        fx.store.log_fetch(START + timedelta(days=day), "cs.CL", "api", day % 7)
    report = coverage(fx.store, START, fx.cut, ["cs.CL"])
    log_rows = fx.store.fetch_log()
    counts = fx.store.day_counts()
    drop_texts(fx.store, _plan(fx))
    assert coverage(fx.store, START, fx.cut, ["cs.CL"]) == report
    assert fx.store.fetch_log() == log_rows and fx.store.day_counts() == counts


def test_the_report_is_the_same_after_pruning(fx):
    record = build_record(fx.store, THRESHOLD)
    drop_texts(fx.store, _plan(fx))
    assert build_record(fx.store, THRESHOLD) == record


@requires_shared
def test_duplicate_checks_find_pruned_papers_by_id_and_title(tmp_path):
    from devservers.arxiv_server import corpus_slice
    from tracker.paper_ids import KnownPapers

    papers = corpus_slice(date(2024, 1, 1), date(2024, 2, 25))
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(papers, seen=date(2024, 3, 1))
        plan = plan_prune(store, before=date(2024, 2, 12), negatives=300, random_state=0)
        assert len(plan.ids) > 1000
        drop_texts(store, plan)
        stored = store.get(plan.ids)
        known = KnownPapers.of(stored.values())
        for pid in plan.ids[::97]:
            paper = next(p for p in papers if p.arxiv_id == pid)
            assert stored[pid].abstract == ""
            assert known.find(pid) is stored[pid]
            assert known.find(None, paper.title.upper()) is stored[pid]  # a title de-duplicates as before
            assert (stored[pid].day, stored[pid].categories, stored[pid].primary_category) == (
                paper.day, paper.categories, paper.primary_category)
