"""``kd-tracker fetch`` end to end: the real CLI, arxiv client and feedparser against the local arXiv."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from devservers.arxiv_server import ArxivServer, Fault, corpus_slice, tracker_config
from tests.conftest import requires_shared
from tracker.cli.main import cli
from tracker.store.papers import Store

pytestmark = requires_shared

MON, SUN = date(2024, 3, 11), date(2024, 3, 17)


def fetch(config, *args):
    return CliRunner().invoke(cli, ["fetch", "--config", str(config), *args])


def stored_ids(folder) -> set[str]:
    with Store(folder / "kd.db") as store:
        return {p.arxiv_id for p in store.papers()}


@pytest.fixture(scope="module")
def week():
    return [p for p in corpus_slice(MON, SUN) if MON.isoformat() <= p.published <= SUN.isoformat()]


def test_replay_of_a_week_stores_exactly_its_ids_in_one_request(tmp_path, week):
    with ArxivServer(week) as server:
        config = tracker_config(server, tmp_path, categories=["cs.CL"])
        result = fetch(config, "--since", "2024-03-11", "--until", "2024-03-17", "--source", "api")
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            "api 2024-03-11..2024-03-17: 382 papers (382 new, 0 updated), 1 request\n"
            "store: 382 papers\n"
            "gap days: none\n"
        )
        assert "page 1/1 of 2024-03-11..2024-03-17: 382 records" in result.stderr
        assert len(server.requests) == 1
        assert server.requests[0].params["search_query"] == "cat:cs.CL AND submittedDate:[202403110000 TO 202403172359]"
    assert stored_ids(tmp_path) == {p.arxiv_id for p in week}
    with Store(tmp_path / "kd.db") as store:
        log = store.fetch_log(MON, SUN)
    assert [(r.day, r.category, r.source, r.count) for r in log] == [
        ("2024-03-11", "cs.CL", "api", 70), ("2024-03-12", "cs.CL", "api", 70), ("2024-03-13", "cs.CL", "api", 67),
        ("2024-03-14", "cs.CL", "api", 63), ("2024-03-15", "cs.CL", "api", 50), ("2024-03-16", "cs.CL", "api", 26),
        ("2024-03-17", "cs.CL", "api", 36),
    ]  # fmt: skip


def test_an_overlapping_second_run_merges_by_id(tmp_path, week):
    with ArxivServer(week) as server:
        config = tracker_config(server, tmp_path, categories=["cs.CL"], page_size=200)
        assert fetch(config, "--since", "2024-03-11", "--until", "2024-03-14", "--source", "api").exit_code == 0
        result = fetch(config, "--since", "2024-03-13", "--until", "2024-03-17", "--source", "api")
        assert result.stdout.splitlines()[:2] == [
            "api 2024-03-13..2024-03-17: 242 papers (112 new, 0 updated), 2 requests",
            "store: 382 papers",
        ]
    assert stored_ids(tmp_path) == {p.arxiv_id for p in week}


def test_503_twice_then_success_stores_every_record(tmp_path, week):
    with ArxivServer(week) as server:
        server.add_faults(Fault(status=503), Fault(status=503, headers={"Retry-After": "0"}))
        result = fetch(tracker_config(server, tmp_path, categories=["cs.CL"]), "--since", "2024-03-11", "--until", "2024-03-17", "--source", "api")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == "api 2024-03-11..2024-03-17: 382 papers (382 new, 0 updated), 3 requests"
    assert stored_ids(tmp_path) == {p.arxiv_id for p in week}


def test_a_shortfall_is_an_error_and_nothing_is_stored(tmp_path, week):
    with ArxivServer(week) as server:
        server.total_extra = 1
        result = fetch(tracker_config(server, tmp_path, categories=["cs.CL"]), "--since", "2024-03-11", "--until", "2024-03-17", "--source", "api")
    assert result.exit_code == 1
    assert result.stdout == "api 2024-03-11..2024-03-17: failed, nothing stored\nstore: 0 papers\ngap days: none\n"
    assert result.stderr.splitlines()[-1] == (
        "Error: arXiv API returned 382 of 383 records (opensearch:totalResults) for window 2024-03-11..2024-03-17: "
        "the page at start=382 stayed empty after 3 tries; nothing stored; retry later"
    )
    assert stored_ids(tmp_path) == set()


def test_the_truncated_feed_is_an_error_and_none_of_its_entries_are_stored(tmp_path):
    with ArxivServer() as server:
        server.feeds["/rss/cs.AI"] = "rss_atom_cs.AI_2025-08-20_truncated.xml"
        result = fetch(tracker_config(server, tmp_path, categories=["cs.AI"]), "--source", "rss")
        url = server.url
    assert result.exit_code == 1
    assert result.stdout == "rss feed: failed, nothing stored\nstore: 0 papers\ngap days: none\n"
    assert result.stderr.splitlines()[-1] == (
        f"Error: RSS feed {url}/rss/cs.AI is malformed (<unknown>:1233:84: no element found); nothing stored; retry later"
    )
    assert stored_ids(tmp_path) == set()


def test_rss_stores_the_day_and_logs_it(tmp_path):
    day = date(2025, 8, 20)
    papers = corpus_slice(day, day)
    with ArxivServer(papers) as server:
        server.rss_day = day
        result = fetch(tracker_config(server, tmp_path, categories=["cs.AI"]), "--source", "rss")
    assert result.exit_code == 0, result.output
    assert result.stdout == "rss feed of 2025-08-20: 60 papers (60 new, 0 updated), 1 request\nstore: 60 papers\ngap days: none\n"
    assert stored_ids(tmp_path) == {p.arxiv_id for p in papers if p.announced == "2025-08-20" and "cs.AI" in p.categories}
    with Store(tmp_path / "kd.db") as store:
        assert [(r.day, r.category, r.source, r.count) for r in store.fetch_log()] == [("2025-08-20", "cs.AI", "rss", 60)]


def test_an_empty_weekday_feed_is_a_gap(tmp_path):
    with ArxivServer() as server:
        server.rss_day = date(2025, 8, 20)
        result = fetch(tracker_config(server, tmp_path, categories=["cs.AI"]), "--source", "rss")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "gap days: 2025-08-20 (rss: empty feed)"


def test_both_sources_over_the_corpus_missing_listings_report_the_gaps(tmp_path):
    since, until = date(2025, 11, 24), date(2025, 11, 30)
    papers = corpus_slice(since, until)
    with ArxivServer(papers) as server:
        server.rss_day = date(2025, 11, 26)
        result = fetch(tracker_config(server, tmp_path, categories=["cs.CL", "cs.AI"]), "--since", "2025-11-24", "--until", "2025-11-30")
    watched = [p for p in papers if {"cs.CL", "cs.AI"} & set(p.categories)]
    assert len(watched) == 393 and len([p for p in watched if p.announced == "2025-11-26"]) == 165
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "api 2025-11-24..2025-11-30: 393 papers (393 new, 0 updated), 1 request\n"
        "rss feed of 2025-11-26: 165 papers (0 new, 165 updated), 1 request\n"
        "store: 393 papers\n"
        "gap days: 2025-11-25 (no cs.CL papers), 2025-11-28 (no papers)\n"
    )


def test_defaults_read_the_last_window_days_up_to_today(tmp_path):
    today = datetime.now(timezone.utc).date()
    with ArxivServer() as server:
        result = fetch(tracker_config(server, tmp_path, window_days=3, max_retries=1), "--source", "api")
        assert result.exit_code == 0, result.output
        since = today - timedelta(days=3)
        assert server.requests[0].params["search_query"].endswith(f"submittedDate:[{since:%Y%m%d}0000 TO {today:%Y%m%d}2359]")
    assert result.stdout.splitlines()[0] == f"api {since}..{today}: 0 papers (0 new, 0 updated), 1 request"


def test_a_bad_date_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["fetch", "--since", "11/03/2024"])
    assert result.exit_code == 1  # not 2: the weekly run's "done with warnings"
    assert result.stderr == ("Error: Invalid value for '--since': '11/03/2024' is not a date; write it YYYY-MM-DD "
                             "(see `kd-tracker fetch --help`)\n")
