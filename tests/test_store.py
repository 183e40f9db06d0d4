"""The SQLite paper store: upserts merge by versionless id, day queries, the fetch log, migrations, errors."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import StoreError
from tracker.records import Paper
from tracker.store import schema as store_schema
from tracker.store.papers import FetchLogRow, Store, UpsertCounts

SEEN = date(2024, 3, 18)


def paper(arxiv_id="2403.01234", **kw) -> Paper:
    base = dict(title="A paper", abstract="Abstract.", categories=("cs.CL",), primary_category="cs.CL", published="2024-03-11")
    base.update(kw)
    return Paper(arxiv_id=arxiv_id, **base)


def test_new_store_has_the_latest_schema_and_parent_folders(tmp_path):
    path = tmp_path / "deep" / "er" / "kd.db"
    with Store(path) as store:
        assert store.schema_version == store_schema.latest() == len(store_schema.MIGRATIONS)
        assert store.count() == 0
    assert path.is_file()
    rows = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(n,) for n, _ in store_schema.MIGRATIONS]


def test_upsert_counts_new_updated_unchanged_and_first_seen(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        assert store.upsert_papers([paper("2403.00001"), paper("2403.00002")], seen=SEEN) == UpsertCounts(2, 0, 0)
        again = store.upsert_papers([paper("2403.00001"), paper("2403.00002", version=2, title="Better")], seen=date(2024, 3, 25))
        assert again == UpsertCounts(new=0, updated=1, unchanged=1)
        got = store.get(["2403.00002", "2403.00001", "9999.99999"])
        assert set(got) == {"2403.00001", "2403.00002"}
        assert got["2403.00002"].title == "Better"
        assert got["2403.00002"].version == 2
        assert got["2403.00002"].first_seen == "2024-03-18"
        assert store.count() == 2


def test_merge_keeps_earliest_dates_fills_blanks_and_prefers_the_higher_version(tmp_path):
    api = paper(published="2024-03-10", comment="Accepted to ACL 2024", authors=("A. Author",), source="api", version=1)
    rss = paper(published="2024-03-12", announced="2024-03-12", source="rss", version=1, abstract="Other wrapping.")
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers([api], seen=SEEN)
        assert store.upsert_papers([rss], seen=date(2024, 3, 19)) == UpsertCounts(0, 1, 0)
        merged = store.get(["2403.01234"])["2403.01234"]
    assert merged == Paper(
        arxiv_id="2403.01234",
        title="A paper",
        abstract="Abstract.",
        authors=("A. Author",),
        categories=("cs.CL",),
        primary_category="cs.CL",
        published="2024-03-10",
        version=1,
        comment="Accepted to ACL 2024",
        announced="2024-03-12",
        source="api",
        first_seen="2024-03-18",
        venue="ACL",
    )
    assert merged.day == "2024-03-12"


def test_duplicates_in_one_batch_are_merged(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        counts = store.upsert_papers([paper(version=1), paper(version=3, title="v3")], seen=SEEN)
        assert counts == UpsertCounts(1, 0, 0)
        assert store.get(["2403.01234"])["2403.01234"].version == 3


def test_links_and_venue_are_extracted_on_upsert(tmp_path):
    p = paper(abstract="Code: https://github.com/a/b. Data: https://huggingface.co/datasets/a/c", comment="EMNLP 2023 Findings")
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers([p], seen=SEEN)
        stored = store.get([p.arxiv_id])[p.arxiv_id]
    assert (stored.code, stored.data, stored.venue) == (
        ("https://github.com/a/b",),
        ("https://huggingface.co/datasets/a/c",),
        "Findings of EMNLP",
    )


def test_papers_by_day_range_use_announced_then_published(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        store.upsert_papers(
            [
                paper("2403.00003", published="2024-03-09", announced="2024-03-11"),
                paper("2403.00001", published="2024-03-10"),
                paper("2403.00002", published="2024-03-12"),
            ],
            seen=SEEN,
        )
        assert [p.arxiv_id for p in store.papers(date(2024, 3, 10), date(2024, 3, 11))] == ["2403.00001", "2403.00003"]
        assert [p.arxiv_id for p in store.papers(since=date(2024, 3, 11))] == ["2403.00003", "2403.00002"]
        assert [p.arxiv_id for p in store.papers()] == ["2403.00001", "2403.00003", "2403.00002"]
        assert store.day_counts(date(2024, 3, 11), date(2024, 3, 11)) == {"2024-03-11": {"cs.CL": 1}}


def test_fetch_log_replaces_a_day_category_source_count(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        store.log_fetch(date(2024, 3, 11), "cs.CL", "api", 60)
        store.log_fetch("2024-03-11", "cs.CL", "api", 70)
        store.log_fetch(date(2024, 3, 11), "cs.AI", "rss", 0)
        store.log_fetch(date(2024, 3, 12), "cs.CL", "api", 5)
        rows = store.fetch_log(date(2024, 3, 11), date(2024, 3, 11))
    assert [(r.day, r.category, r.source, r.count) for r in rows] == [
        ("2024-03-11", "cs.CL", "api", 70),
        ("2024-03-11", "cs.AI", "rss", 0),
    ]
    assert all(isinstance(r, FetchLogRow) and r.fetched_at.endswith("+00:00") for r in rows)


def test_a_later_migration_is_applied_once(tmp_path, monkeypatch):
    path = tmp_path / "kd.db"
    with Store(path) as store:
        store.upsert_papers([paper()], seen=SEEN)
    before = store_schema.latest()
    later = before + 1
    monkeypatch.setattr(store_schema, "MIGRATIONS", [*store_schema.MIGRATIONS, (later, "CREATE TABLE later (id INTEGER PRIMARY KEY)")])
    with Store(path) as store:
        assert store.schema_version == later
        assert store.count() == 1
    with Store(path) as store:
        assert store.schema_version == later
    versions = sqlite3.connect(path).execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert versions == [(v,) for v in range(1, later + 1)]


def test_a_store_from_a_newer_kd_tracker_is_refused(tmp_path):
    path = tmp_path / "kd.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as e:
        Store(path)
    assert str(e.value) == f"{path}: schema version 99 is newer than this kd-tracker knows ({store_schema.latest()}); upgrade kd-tracker"


def test_a_file_that_is_not_sqlite_is_a_store_error_naming_it(tmp_path):
    path = tmp_path / "kd.db"
    path.write_text("this is not a database, it is a text file of some length" * 20)
    with pytest.raises(StoreError) as e:
        Store(path)
    assert str(e.value) == (
        f"{path}: cannot open the paper store (file is not a database); check that it is a kd-tracker store and writable"
    )


def test_a_failed_upsert_stores_nothing(tmp_path):
    def papers():
        yield paper("2403.00001")
        raise StoreError("corpus.jsonl:2: not a corpus record")

    with Store(tmp_path / "kd.db") as store:
        with pytest.raises(StoreError):
            store.upsert_papers(papers(), seen=SEEN)
        assert store.count() == 0


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
day = st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.builds(
        Paper,
        arxiv_id=st.from_regex(r"\A\d{4}\.\d{5}\Z"),
        title=text,
        abstract=text,
        authors=st.tuples(text, text),
        categories=st.tuples(st.sampled_from(["cs.CL", "cs.AI", "cs.LG"])),
        primary_category=st.sampled_from(["cs.CL", "cs.AI"]),
        published=day,
        updated=day,
        version=st.integers(1, 9),
        comment=text,
        journal_ref=text,
        doi=text,
        announced=st.one_of(st.just(""), day),
        source=st.sampled_from(["api", "rss", "corpus"]),
        first_seen=day,
        code=st.tuples(),
        data=st.tuples(),
        venue=st.sampled_from(["ACL", "ICLR"]),
    )
)
def test_a_paper_comes_back_as_stored(tmp_path_factory, p):
    from tracker.links import annotate

    with Store(":memory:") as store:
        store.upsert_papers([p], seen=SEEN)
        assert store.get([p.arxiv_id]) == {p.arxiv_id: annotate(p)}
        assert store.papers() == [annotate(p)]
