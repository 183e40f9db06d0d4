"""harvest(): each source all-or-nothing, the fetch log, gap days, failures kept and raised once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from devservers.arxiv_server import ArxivServer, Fault, corpus_slice
from tests.conftest import requires_shared
from tracker.config import ArxivConfig, Config, StoreConfig
from tracker.errors import SourceError
from tracker.records import Paper
from tracker.store.papers import Store
from tracker.weekly.fetch import harvest, watched_category

pytestmark = requires_shared

DAY = date(2025, 8, 20)


def config_for(server: ArxivServer, tmp_path, **arxiv) -> Config:
    settings = dict(api_url=server.api_url, rss_url=server.url, delay_seconds=0, backoff_seconds=0, max_retries=2,
                    categories=("cs.CL", "cs.AI"))  # fmt: skip
    settings.update(arxiv)
    return Config(arxiv=ArxivConfig(**settings), store=StoreConfig(path=str(tmp_path / "kd.db")))


def test_watched_category_is_primary_else_first_watched():
    assert watched_category(Paper("1", "t", categories=("cs.CL", "cs.AI"), primary_category="cs.CL"), ("cs.AI", "cs.CL")) == "cs.CL"
    assert watched_category(Paper("1", "t", categories=("cs.LG", "cs.AI"), primary_category="cs.LG"), ("cs.CL", "cs.AI")) == "cs.AI"


def test_api_failure_keeps_the_rss_papers_and_is_raised(tmp_path):
    papers = corpus_slice(DAY, DAY)
    with ArxivServer(papers) as server, Store(tmp_path / "kd.db") as store:
        server.rss_day = DAY
        server.add_faults(Fault(status=503), Fault(status=503))
        report = harvest(config_for(server, tmp_path), store, since=DAY, until=DAY, today=date(2025, 8, 21))
        assert [(s.source, s.papers, s.error != "") for s in report.sources] == [("api", 0, True), ("rss", 79, False)]
        assert report.requests == 3
        assert store.count() == 79
        listed = [p for p in papers if p.announced == "2025-08-20" and {"cs.CL", "cs.AI"} & set(p.categories)]
        counts = Counter(watched_category(p, ("cs.CL", "cs.AI")) for p in listed)
        assert len(listed) == 79 and counts == {"cs.AI": 44, "cs.CL": 35}
        assert [(r.source, r.category, r.count) for r in store.fetch_log()] == [("rss", "cs.AI", 44), ("rss", "cs.CL", 35)]
    with pytest.raises(SourceError) as e:
        report.check()
    assert str(e.value) == (
        "arXiv API failed for window 2025-08-20..2025-08-20 after 2 tries (last status: HTTP 503); nothing stored; retry later"
    )


def test_both_failing_are_raised_as_one_line(tmp_path):
    with ArxivServer() as server, Store(tmp_path / "kd.db") as store:
        server.add_faults(Fault(status=400), Fault(path="/rss/", status=500), Fault(path="/rss/", status=500))
        report = harvest(config_for(server, tmp_path), store, since=DAY, until=DAY, today=date(2025, 8, 21))
        assert store.count() == 0 and store.fetch_log() == []
    with pytest.raises(SourceError) as e:
        report.check()
    assert str(e.value) == (
        "arXiv API refused window 2025-08-20..2025-08-20 (HTTP 400); nothing stored; check arxiv.api_url and arxiv.categories"
        " (and 1 more source failure)"
    )


def test_today_is_not_checked_for_gaps(tmp_path):
    papers = corpus_slice(DAY, DAY)
    submitted = [p for p in papers if p.published == "2025-08-20" and {"cs.CL", "cs.AI"} & set(p.categories)]
    with ArxivServer(papers) as server, Store(tmp_path / "kd.db") as store:
        report = harvest(config_for(server, tmp_path), store, since=DAY, until=date(2025, 8, 21), source="api", today=date(2025, 8, 21))
    assert report.gaps == {}
    assert len(submitted) == 68
    assert [(s.source, s.scope, s.papers, s.new) for s in report.sources] == [("api", "2025-08-20..2025-08-21", 68, 68)]


def test_unknown_source_is_refused(tmp_path):
    with Store(tmp_path / "kd.db") as store, pytest.raises(SourceError) as e:
        harvest(Config(), store, since=DAY, until=DAY, source="ftp")
    assert str(e.value) == "unknown source 'ftp'; use one of both, api, rss"
