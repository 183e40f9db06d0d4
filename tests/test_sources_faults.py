"""Answers that are no feed at all: an HTML error page or an empty body from the arXiv API or the RSS feed.

A library reads such an answer as an empty result; kd-tracker refuses it with a
one-line error and stores nothing, and a re-run completes the job.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
from tracker.sources.rss import RssSource
from tracker.store.papers import Store

pytestmark = requires_shared

MON, SUN = date(2024, 3, 11), date(2024, 3, 17)
HTML = b"<html><body>Bad gateway</body></html>"
MAINTENANCE = b"<!DOCTYPE html>\n<html><body>Service maintenance</body></html>"


@pytest.fixture(scope="module")
def week() -> list[Paper]:
    return [p for p in corpus_slice(MON, SUN) if MON.isoformat() <= p.published <= SUN.isoformat() and "cs.CL" in p.categories]


@pytest.fixture
def server(week):
    with ArxivServer(week) as s:
        yield s


def api(server: ArxivServer) -> ArxivSource:
    config = ArxivConfig(api_url=server.api_url, categories=("cs.CL",), delay_seconds=0, backoff_seconds=0,
                         max_retries=3, timeout_seconds=5.0)
    return ArxivSource.from_config(config, sleep=lambda _: None)


def rss(server: ArxivServer) -> RssSource:
    config = ArxivConfig(rss_url=server.url, backoff_seconds=0, max_retries=3, timeout_seconds=5.0)
    return RssSource(requests.Session(), config, sleep=lambda _: None)


@pytest.mark.parametrize(("body", "what"), [(HTML, "an <html> document"), (b"", "not XML")])
def test_a_first_api_page_that_is_no_atom_feed_on_every_try_is_an_error(server, body, what):
    server.add_faults(*[Fault(body=body, start=0) for _ in range(3)])
    with pytest.raises(SourceError) as e:
        api(server).fetch_window(MON, SUN)
    assert str(e.value) == (
        f"arXiv API failed for window {MON}..{SUN} after 3 tries (last status: not an Atom feed ({what})); "
        "nothing stored; retry later"
    )


def test_a_first_api_page_that_is_no_atom_feed_once_is_retried(server, week):
    server.add_faults(Fault(body=HTML, start=0))
    result = api(server).fetch_window(MON, SUN)
    assert {p.arxiv_id for p in result.papers} == {p.arxiv_id for p in week}
    assert result.requests == 2


def test_an_id_lookup_answered_with_html_is_an_error(server, week):
    server.add_faults(*[Fault(body=HTML) for _ in range(3)])
    with pytest.raises(SourceError, match=r"after 3 tries \(last status: not an Atom feed \(an <html> document\)\)"):
        api(server).fetch_ids([week[0].arxiv_id])


def _fetch(config: Path, *args: str):
    return CliRunner().invoke(cli, ["fetch", "--config", str(config), *args])


def _stored(folder: Path) -> set[str]:
    if not (folder / "kd.db").exists():
        return set()
    with Store(folder / "kd.db") as store:
        return {p.arxiv_id for p in store.papers()}


def test_fetch_refuses_an_html_first_page_stores_nothing_and_a_rerun_completes(server, week, tmp_path):
    config = tracker_config(server, tmp_path, categories=["cs.CL"], page_size=100)
    server.add_faults(*[Fault(body=HTML, start=0) for _ in range(3)])
    args = ("--since", MON.isoformat(), "--until", SUN.isoformat(), "--source", "api")
    failed = _fetch(config, *args)
    assert failed.exit_code == 1
    assert failed.stderr.strip().splitlines()[-1].startswith(f"Error: arXiv API failed for window {MON}..{SUN}")
    assert _stored(tmp_path) == set()
    again = _fetch(config, *args)
    assert again.exit_code == 0 and _stored(tmp_path) == {p.arxiv_id for p in week}


@pytest.mark.parametrize(("body", "what"), [(MAINTENANCE, "an <html> document"), (b"", "an empty answer")])
def test_an_rss_answer_that_is_no_feed_is_refused(server, body, what):
    server.rss_day = date(2024, 3, 13)
    server.add_faults(Fault(path="/rss/", body=body))
    with pytest.raises(SourceError) as e:
        rss(server).fetch(["cs.CL"])
    assert str(e.value) == f"RSS feed {server.url}/rss/cs.CL is not an RSS or Atom feed ({what}); nothing stored; retry later"
    assert len(server.requests) == 1


def test_a_real_feed_without_entries_stays_an_empty_day(server):
    server.rss_day = date(2024, 3, 16)  # a Saturday: the feed is there, with no entries
    result = rss(server).fetch(["cs.CL"])
    assert (result.papers, result.feed_date) == ([], date(2024, 3, 16))


def test_fetch_refuses_an_rss_maintenance_page_and_stores_nothing(server, tmp_path):
    server.rss_day = date(2024, 3, 13)
    config = tracker_config(server, tmp_path, categories=["cs.CL"])
    server.add_faults(Fault(path="/rss/", body=MAINTENANCE))
    failed = _fetch(config, "--source", "rss")
    assert failed.exit_code == 1
    assert failed.stderr.strip().splitlines()[-1] == (
        f"Error: RSS feed {server.url}/rss/cs.CL is not an RSS or Atom feed (an <html> document); "
        "nothing stored; retry later"
    )
    assert _stored(tmp_path) == set()
