"""The arXiv API source against the local arXiv: a replayed corpus week, the recordings, and faults."""

from __future__ import annotations

import pickle
import time
from datetime import date, datetime, timezone

import arxiv
import pytest

from devservers.arxiv_server import ArxivServer, Fault, corpus_slice
from tests.conftest import requires_shared
from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.sources.arxiv_api import ArxivSource, PageEvent
from tracker.sources.arxiv_client import ArxivClient, ArxivRequestError
from tracker.sources.retry import Backoff, parse_retry_after

pytestmark = requires_shared

MON, SUN = date(2024, 3, 11), date(2024, 3, 17)
WINDOW = "2024-03-11..2024-03-17"
QUERY = "(cat:cs.CL OR cat:cs.AI OR cat:cs.LG) AND submittedDate:[202403110000 TO 202403172359]"


@pytest.fixture(scope="module")
def week() -> list[Paper]:
    """The corpus records submitted in the ISO week of 2024-03-11 (382 cs.CL papers)."""
    return [p for p in corpus_slice(MON, SUN) if MON.isoformat() <= p.published <= SUN.isoformat()]


@pytest.fixture
def server(week):
    with ArxivServer(week) as s:
        yield s


def source(server: ArxivServer, sleeps: list[float] | None = None, **overrides) -> ArxivSource:
    settings = dict(api_url=server.api_url, delay_seconds=0, backoff_seconds=1.0, max_retries=3, timeout_seconds=5.0)
    settings.update(overrides)
    return ArxivSource.from_config(ArxivConfig(**settings), sleep=(sleeps if sleeps is not None else []).append)


def ids(papers) -> set[str]:
    return {p.arxiv_id for p in papers}


def test_a_week_is_fetched_whole_in_one_request(server, week):
    events: list[PageEvent] = []
    result = source(server).fetch_window(MON, SUN, progress=events.append)
    assert len(week) == 382
    assert ids(result.papers) == ids(week)
    assert len(result.papers) == 382
    assert result.requests == 1 and result.total == 382
    assert result.per_day == {
        "2024-03-11": 70, "2024-03-12": 70, "2024-03-13": 67, "2024-03-14": 63,
        "2024-03-15": 50, "2024-03-16": 26, "2024-03-17": 36,
    }  # fmt: skip
    [request] = server.requests
    assert request.path == "/api/query"
    assert request.params == {
        "search_query": QUERY,
        "id_list": "",
        "sortBy": "submittedDate",
        "sortOrder": "ascending",
        "start": "0",
        "max_results": "2000",
    }
    assert request.headers["User-Agent"].startswith("kd-tracker/")
    assert [str(e) for e in events] == [f"page 1/1 of {WINDOW}: 382 records"]


def test_papers_keep_the_records_fields(server, week):
    by_id = {p.arxiv_id: p for p in source(server).fetch_window(MON, SUN).papers}
    for record in week:
        got = by_id[record.arxiv_id]
        assert (got.title, got.abstract, got.categories, got.primary_category, got.published, got.comment, got.source) == (
            record.title,
            record.abstract,
            record.categories,
            record.primary_category,
            record.published,
            record.comment,
            "api",
        )


def test_paging_asks_for_each_page_once_in_order(server, week):
    result = source(server, page_size=100).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert result.requests == 4
    assert [(r.start, r.params["max_results"]) for r in server.requests] == [(0, "100"), (100, "100"), (200, "100"), (300, "100")]


def test_politeness_delay_between_requests(server):
    source(server, page_size=100, delay_seconds=0.2).fetch_window(MON, SUN)
    times = [r.at for r in server.requests]
    assert len(times) == 4
    assert all(b - a >= 0.19 for a, b in zip(times, times[1:], strict=False))


def test_503_twice_then_success_gets_all_records_with_backoff(server, week):
    server.add_faults(Fault(status=503), Fault(status=503))
    sleeps: list[float] = []
    result = source(server, sleeps).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert result.requests == 3 and len(server.requests) == 3
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0 and len(sleeps) == 2


def test_429_with_retry_after_is_honoured(server, week):
    server.add_faults(Fault(status=429, headers={"Retry-After": "7"}))
    sleeps: list[float] = []
    result = source(server, sleeps).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert sleeps == [7.0]


def test_retry_after_is_capped_by_max_backoff(server):
    server.add_faults(Fault(status=429, headers={"Retry-After": "3600"}))
    sleeps: list[float] = []
    source(server, sleeps, max_backoff_seconds=30.0).fetch_window(MON, SUN)
    assert sleeps == [30.0]


def test_a_hang_past_the_timeout_is_retried(server, week):
    server.add_faults(Fault(hang=1.0))
    sleeps: list[float] = []
    started = time.monotonic()
    result = source(server, sleeps, timeout_seconds=0.3).fetch_window(MON, SUN)
    assert time.monotonic() - started < 1.0
    assert ids(result.papers) == ids(week)
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_hangs_on_every_try_are_a_one_line_error(server):
    server.add_faults(Fault(hang=0.8), Fault(hang=0.8), Fault(hang=0.8))
    with pytest.raises(SourceError) as e:
        source(server, timeout_seconds=0.2).fetch_window(MON, SUN)
    assert str(e.value) == (
        f"arXiv API failed for window {WINDOW} after 3 tries (last status: timeout after 0.2 s); nothing stored; retry later"
    )


def test_503_on_every_try_names_the_window_and_last_status(server):
    server.add_faults(*[Fault(status=503)] * 3)
    with pytest.raises(SourceError) as e:
        source(server).fetch_window(MON, SUN)
    assert str(e.value) == f"arXiv API failed for window {WINDOW} after 3 tries (last status: HTTP 503); nothing stored; retry later"
    assert len(server.requests) == 3


def test_a_400_is_not_retried(server):
    server.add_faults(Fault(status=400))
    with pytest.raises(SourceError) as e:
        source(server).fetch_window(MON, SUN)
    assert str(e.value) == (
        f"arXiv API refused window {WINDOW} (HTTP 400); nothing stored; check arxiv.api_url and arxiv.categories"
    )
    assert len(server.requests) == 1


def test_an_empty_later_page_is_retried(server, week):
    server.add_faults(Fault(empty=True, start=200))
    result = source(server, page_size=100).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert [r.start for r in server.requests] == [0, 100, 200, 200, 300]


def test_an_empty_first_page_is_suspect_and_retried(server, week):
    server.add_faults(Fault(empty=True, start=0))
    result = source(server).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert [r.start for r in server.requests] == [0, 0]


def test_total_results_larger_than_served_is_an_error_not_a_partial_result(server):
    server.total_extra = 18
    with pytest.raises(SourceError) as e:
        source(server).fetch_window(MON, SUN)
    assert str(e.value) == (
        f"arXiv API returned 382 of 400 records (opensearch:totalResults) for window {WINDOW}: "
        "the page at start=382 stayed empty after 3 tries; nothing stored; retry later"
    )
    assert [r.start for r in server.requests] == [0, 382, 382, 382]


def test_a_truncated_page_is_asked_for_again_whole(server, week):
    # lxml would recover the entries before the cut (and half an entry); the page is refused and asked for again
    server.add_faults(Fault(truncate=30000, start=0))
    result = source(server, page_size=100).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert [r.start for r in server.requests] == [0, 0, 100, 200, 300]


def test_a_window_over_the_result_cap_is_split_by_day(server, week):
    result = source(server, result_cap=100).fetch_window(MON, SUN)
    assert ids(result.papers) == ids(week)
    assert result.requests == 8
    days = [r.params["search_query"].split("submittedDate:")[1] for r in server.requests[1:]]
    assert days == [f"[202403{d}0000 TO 202403{d}2359]" for d in range(11, 18)]


def test_a_single_day_over_the_cap_is_an_error(server):
    with pytest.raises(SourceError) as e:
        source(server, result_cap=50).fetch_window(MON, MON)
    assert str(e.value) == (
        "arXiv API has 70 results for the single day 2024-03-11, over its cap of 50; nothing stored; watch fewer arxiv.categories"
    )


def test_the_query_names_one_category_without_parentheses(server):
    src = source(server, categories=("cs.CL",))
    assert src.query(MON, SUN) == "cat:cs.CL AND submittedDate:[202403110000 TO 202403172359]"


# recordings of the real API (../shared/fixtures/arxiv/)


def test_fetch_ids_reads_a_recorded_entry(server):
    [paper] = source(server).fetch_ids(["1605.08386"])
    assert paper == Paper(
        arxiv_id="1605.08386",
        title="Heat-bath random walks with Markov bases",
        abstract=paper.abstract,
        authors=("Caprice Stanley", "Tobias Windisch"),
        categories=("math.CO", "math.ST"),
        primary_category="math.CO",
        published="2016-05-26",
        updated="2016-05-26",
        version=1,
        comment="20 pages, 3 figures",
        source="api",
    )
    assert paper.abstract.startswith("Graphs on lattice points are studied")
    assert server.requests[0].params["id_list"] == "1605.08386"


def test_fetch_ids_two_ids_and_an_unknown_id(server):
    src = source(server)
    # the recording answers one entry: 0808.05394 is not a valid id (five digits before 2015)
    assert [p.arxiv_id for p in src.fetch_ids(["0808.05394", "1707.08567"])] == ["1707.08567"]
    assert src.fetch_ids(["0000.0000"]) == []
    assert len(server.requests) == 2  # an empty id lookup is an answer, not retried


def test_the_recorded_error_feed_is_a_one_line_error(server):
    with pytest.raises(SourceError) as e:
        source(server).fetch_ids(["abc"])
    assert str(e.value) == "arXiv API refused id_list=abc (HTTP 400: incorrect id format for abc); check the ids"
    assert len(server.requests) == 1


def test_the_error_feed_served_with_200_is_refused_too(server):
    src = source(server, api_url=server.fixture_url("api_id_abc_s0_m100_b79c8dcf6bc3.xml"))
    with pytest.raises(SourceError) as e:
        src.fetch_ids(["abc"])
    assert str(e.value) == "arXiv API refused id_list=abc (error feed: incorrect id format for abc); check the ids"


def test_an_old_format_response_with_doi_and_comment(server):
    src = source(server, api_url=server.fixture_url("api_old_physbiblio_1507.08204.xml"))
    [paper] = src.fetch_ids(["1507.08204"])
    assert (paper.arxiv_id, paper.version, paper.doi, paper.primary_category, paper.published, paper.updated) == (
        "1507.08204",
        2,
        "10.1088/0954-3899/43/3/033001",
        "hep-ph",
        "2015-07-29",
        "2015-12-16",
    )
    assert paper.categories == ("hep-ph", "astro-ph.CO", "hep-ex", "physics.acc-ph")
    assert paper.comment.startswith("41 pages; final version to be published")


def test_the_client_pages_through_recorded_pages(server):
    client = ArxivClient(page_size=10, delay_seconds=0, num_retries=1)
    client.query_url_format = server.api_url + "?{}"
    results = list(client.results(arxiv.Search("testing", max_results=30)))
    assert len(results) == 30 and len({r.entry_id for r in results}) == 30
    assert [(r.params["search_query"], r.start) for r in server.requests] == [("testing", 0), ("testing", 10), ("testing", 20)]
    assert client.requests == 3


# retry policy


def test_parse_retry_after_seconds_and_http_date():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_doubles_with_jitter_up_to_the_cap():
    import random

    backoff = Backoff(base=2.0, cap=10.0, rng=random.Random(0))
    waits = [backoff.wait(i) for i in range(5)]
    assert 1.0 <= waits[0] <= 2.0 and 2.0 <= waits[1] <= 4.0 and 4.0 <= waits[2] <= 8.0
    assert 5.0 <= waits[3] <= 10.0 and 5.0 <= waits[4] <= 10.0


def test_request_errors_survive_pickling():
    error = ArxivRequestError("http://x/api/query?id_list=abc", 3, "HTTP 400", "incorrect id format for abc", retryable=False)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.url, copy.tries, copy.status, copy.detail, copy.retryable) == (error.url, 3, "HTTP 400", error.detail, False)
    assert str(copy) == "HTTP 400: incorrect id format for abc after 3 tries (http://x/api/query?id_list=abc)"


def test_empty_window_is_refused():
    client = ArxivClient(delay_seconds=0)
    with pytest.raises(SourceError) as e:
        ArxivSource(client, ["cs.CL"]).fetch_window(SUN, MON)
    assert str(e.value) == "empty window 2024-03-17..2024-03-11: --since must not be after --until"
