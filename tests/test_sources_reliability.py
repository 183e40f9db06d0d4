"""No paper lost, no hang (issue 13): arXiv's unstable paging, pages cut inside an entry, bodies dripped past the timeout.

Everything goes through the real ``arxiv``/``requests``/``feedparser`` stack
against the local arXiv (:mod:`devservers.arxiv_server`).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import arxiv
import pytest
import requests
from click.testing import CliRunner

from devservers.arxiv_server import ArxivServer, Fault, corpus_slice, tracker_config
from tests.conftest import requires_shared
from tracker.cli.main import cli
from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources.arxiv_api import ArxivSource
from tracker.sources.deadline import DeadlineExceeded, request_within
from tracker.sources.rss import RssSource
from tracker.store.papers import Store

pytestmark = requires_shared

MON, SUN = date(2024, 3, 11), date(2024, 3, 17)
WINDOW = f"{MON}..{SUN}"
FEED_DAY = date(2025, 8, 20)
FETCH_WEEK = ("--since", MON.isoformat(), "--until", SUN.isoformat(), "--source", "api")


@pytest.fixture(scope="module")
def week() -> list[Paper]:
    """The 382 cs.CL papers submitted in the ISO week of 2024-03-11, in the order the server pages them."""
    papers = [p for p in corpus_slice(MON, SUN) if MON.isoformat() <= p.published <= SUN.isoformat() and "cs.CL" in p.categories]
    with ArxivServer(papers) as server:
        return server.search("cat:cs.CL")


@pytest.fixture
def server(week):
    with ArxivServer(week) as s:
        yield s


def api(server: ArxivServer, sleeps: list[float] | None = None, **overrides) -> ArxivSource:
    settings = dict(api_url=server.api_url, categories=("cs.CL",), delay_seconds=0, backoff_seconds=0, max_retries=3,
                    timeout_seconds=5.0, page_size=100)  # fmt: skip
    settings.update(overrides)
    return ArxivSource.from_config(ArxivConfig(**settings), sleep=(sleeps if sleeps is not None else []).append)


def rss(server: ArxivServer, **overrides) -> RssSource:
    settings = dict(rss_url=server.url, backoff_seconds=0, max_retries=3, timeout_seconds=5.0)
    settings.update(overrides)
    return RssSource(requests.Session(), ArxivConfig(**settings), sleep=lambda _: None)


def ids(papers) -> set[str]:
    return {p.arxiv_id for p in papers}


def starts(server: ArxivServer) -> list[int]:
    return [r.start for r in server.api_requests()]


def fetch(config: Path, *args: str):
    return CliRunner().invoke(cli, ["fetch", "--config", str(config), *args])


def stored(folder: Path) -> set[str]:
    if not (folder / "kd.db").exists():
        return set()
    with Store(folder / "kd.db") as store:
        return {p.arxiv_id for p in store.papers()}


# D2: a later page repeats the previous page's last entry, so one entry is never served


def test_the_fault_serves_as_many_records_as_total_results_but_one_paper_twice(server, week):
    server.add_faults(Fault(repeat_last=True, start=300))
    client = api(server).client
    client.query_url_format = server.api_url + "?{}"
    results = list(client.results(arxiv.Search("cat:cs.CL", max_results=None)))
    assert len(results) == 382
    assert len({r.entry_id for r in results}) == 381  # week[381] was never served


def test_a_one_off_repeat_is_caught_by_the_distinct_count_and_a_fresh_read_recovers(server, week):
    server.add_faults(Fault(repeat_last=True, start=300))
    sleeps: list[float] = []
    result = api(server, sleeps).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week) and len(result.papers) == 382
    assert starts(server) == [0, 100, 200, 300, 0, 100, 200, 300]
    assert result.requests == 8 and len(sleeps) == 1


def test_a_repeat_on_every_read_fails_the_window_with_one_line_naming_it(server):
    server.add_faults(Fault(repeat_last=True, start=100, times=None))
    with pytest.raises(SourceError) as e:
        api(server).fetch_window(MON, SUN)
    assert str(e.value) == (
        f"arXiv API served 381 distinct papers of 382 (opensearch:totalResults) in 382 records for window {WINDOW} "
        "on each of 2 reads (paging repeated or skipped entries); nothing stored; retry later"
    )
    assert starts(server) == [0, 100, 200, 300] * 2


def test_fetch_stores_nothing_on_a_persistent_repeat_and_everything_on_a_one_off(server, week, tmp_path):
    config = tracker_config(server, tmp_path, categories=["cs.CL"], page_size=100)
    server.add_faults(Fault(repeat_last=True, start=200, times=2))
    failed = fetch(config, *FETCH_WEEK)
    assert failed.exit_code == 1
    [line] = [x for x in failed.stderr.splitlines() if x.startswith("Error:")]
    assert line.startswith("Error: arXiv API served 381 distinct papers of 382 (opensearch:totalResults)")
    assert f"for window {WINDOW}" in line
    assert stored(tmp_path) == set()
    server.add_faults(Fault(repeat_last=True, start=200))
    again = fetch(config, *FETCH_WEEK)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == f"api {WINDOW}: 382 papers (382 new, 0 updated), 8 requests"
    assert stored(tmp_path) == ids(week)


# D6: a page cut inside an entry


def test_a_page_cut_inside_an_entry_is_retried_and_the_record_keeps_its_authors_and_comment(week):
    signed = [replace(p, authors=(f"Author {i}", "Second Author"), comment=f"Accepted at ACL 2024; code: https://github.com/kd/p{i}")
              for i, p in enumerate(week)]  # fmt: skip
    with ArxivServer(signed) as server:
        server.add_faults(Fault(cut_in_entry=10, start=100, times=2))  # cut right after the entry's </published>
        result = api(server).fetch_window(MON, SUN)
        assert starts(server) == [0, 100, 100, 100, 200, 300]
    assert ids(result.papers) == ids(week)
    by_id = {p.arxiv_id: p for p in result.papers}
    for record in signed:
        got = by_id[record.arxiv_id]
        assert (got.authors, got.comment, got.primary_category) == (record.authors, record.comment, record.primary_category)


def test_a_first_page_cut_inside_an_entry_is_retried_too(server, week):
    server.add_faults(Fault(cut_in_entry=0, start=0))
    result = api(server).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert starts(server) == [0, 0, 100, 200, 300]


def test_a_page_cut_inside_an_entry_on_every_try_is_an_error(server):
    server.add_faults(Fault(cut_in_entry=10, start=100, times=None))
    with pytest.raises(SourceError) as e:
        api(server).fetch_window(MON, SUN)
    assert re.fullmatch(
        rf"arXiv API failed for window {WINDOW} after 3 tries \(last status: incomplete or malformed Atom feed "
        r"\(no element found: line \d+, column \d+\)\); nothing stored; retry later",
        str(e.value),
    ), str(e.value)
    assert starts(server) == [0, 100, 100, 100]


def test_fetch_stores_nothing_when_every_try_of_a_page_is_cut(server, tmp_path):
    config = tracker_config(server, tmp_path, categories=["cs.CL"], page_size=100)
    server.add_faults(Fault(cut_in_entry=3, start=300, times=None))
    failed = fetch(config, *FETCH_WEEK)
    assert failed.exit_code == 1
    assert failed.stderr.strip().splitlines()[-1].startswith(
        f"Error: arXiv API failed for window {WINDOW} after 3 tries (last status: incomplete or malformed Atom feed ("
    )
    assert stored(tmp_path) == set()


def test_a_connection_closed_mid_body_is_retried(server, week):
    server.add_faults(Fault(close_after=5000, start=100))
    result = api(server).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert starts(server) == [0, 100, 100, 200, 300]


@pytest.fixture
def feed_server():
    """The local arXiv announcing the cs.AI papers of 2025-08-20 in its RSS feed."""
    with ArxivServer(corpus_slice(FEED_DAY, FEED_DAY)) as s:
        s.rss_day = FEED_DAY
        yield s


def test_an_rss_feed_cut_inside_an_item_is_refused_whole(feed_server):
    assert len(rss(feed_server).fetch(["cs.AI"]).papers) > 4
    feed_server.add_faults(Fault(path="/rss/", cut_in_entry=4))
    with pytest.raises(SourceError) as e:
        rss(feed_server).fetch(["cs.AI"])
    assert re.fullmatch(
        rf"RSS feed {feed_server.url}/rss/cs\.AI is malformed \(<unknown>:\d+:\d+: no element found\); nothing stored; retry later",
        str(e.value),
    ), str(e.value)


# D7: timeout_seconds bounds the whole request, not each read


def test_request_within_abandons_a_dripped_body_at_the_deadline_headers_wait_included(server):
    server.add_faults(Fault(hang=0.5, drip=0.2))
    started = time.monotonic()
    with requests.Session() as session, pytest.raises(DeadlineExceeded, match="no whole answer within 1 s"):
        request_within(session.request, "GET", server.api_url + "?search_query=cat:cs.CL", timeout=1.0)
    assert time.monotonic() - started < 1.5  # the body alone would take over a day at this pace


def test_request_within_reads_a_whole_answer(server):
    with requests.Session() as session:
        response = request_within(session.request, "GET", server.api_url + "?search_query=cat:cs.CL", timeout=5.0)
    assert response.status_code == 200 and response.content.rstrip().endswith(b"</feed>")


def test_an_api_page_dripped_past_the_timeout_is_abandoned_and_retried(server, week):
    server.add_faults(Fault(drip=0.3, start=100))
    started = time.monotonic()
    result = api(server, timeout_seconds=1.0).fetch_window(MON, SUN)
    assert time.monotonic() - started < 2.0
    assert ids(result.papers) == ids(week)
    assert starts(server) == [0, 100, 100, 200, 300]


def test_an_api_page_dripped_on_every_try_is_a_one_line_error(server):
    server.add_faults(Fault(drip=0.3, start=0, times=None))
    started = time.monotonic()
    with pytest.raises(SourceError) as e:
        api(server, timeout_seconds=1.0, max_retries=2).fetch_window(MON, SUN)
    assert time.monotonic() - started < 3.0
    assert str(e.value) == (
        f"arXiv API failed for window {WINDOW} after 2 tries (last status: timeout after 1 s); nothing stored; retry later"
    )


def test_an_rss_feed_dripped_past_the_timeout_is_abandoned_and_retried(feed_server):
    feed_server.add_faults(Fault(path="/rss/", drip=0.3))
    started = time.monotonic()
    result = rss(feed_server, timeout_seconds=1.0).fetch(["cs.AI"])
    assert time.monotonic() - started < 2.0
    assert len(result.papers) > 4 and result.requests == 2


def test_an_rss_feed_dripped_on_every_try_is_a_one_line_error(server):
    server.rss_day = MON
    server.add_faults(Fault(path="/rss/", drip=0.3, times=None))
    started = time.monotonic()
    with pytest.raises(SourceError) as e:
        rss(server, timeout_seconds=1.0, max_retries=2).fetch(["cs.CL"])
    assert time.monotonic() - started < 3.0
    assert str(e.value) == f"RSS feed {server.url}/rss/cs.CL failed after 2 tries (last status: timeout after 1 s); retry later"
