"""The RSS/Atom source against the local arXiv: the verbatim feeds, a feed rebuilt from the corpus, and faults."""

from __future__ import annotations

from datetime import date

import feedparser
import pytest
import requests

from devservers.arxiv_server import FIXTURES, ArxivServer, Fault, corpus_slice
from tests.conftest import requires_shared
from tracker.config import ArxivConfig
from tracker.errors import SourceError
from tracker.sources.rss import RssSource

pytestmark = requires_shared

RSS2 = "rss2_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24.xml"
ATOM7 = "rss_atom_cs.AI_2025-08-20_trimmed7.xml"
TRUNCATED = "rss_atom_cs.AI_2025-08-20_truncated.xml"
RSS1 = "rss1_hep-ex_2018-05-23_physbiblio.xml"
AUG20 = date(2025, 8, 20)


@pytest.fixture
def server():
    with ArxivServer() as s:
        yield s


def rss(server: ArxivServer, sleeps: list[float] | None = None, **overrides) -> RssSource:
    settings = dict(rss_url=server.url, backoff_seconds=1.0, max_retries=3, timeout_seconds=5.0)
    settings.update(overrides)
    return RssSource(requests.Session(), ArxivConfig(**settings), sleep=(sleeps if sleeps is not None else []).append)


def test_rss2_keeps_new_and_cross_and_skips_replace(server):
    server.feeds["/rss/cs.LG+cs.AI+cs.CL+stat.ML"] = RSS2
    result = rss(server).fetch(["cs.LG", "cs.AI", "cs.CL", "stat.ML"])
    assert result.url == f"{server.url}/rss/cs.LG+cs.AI+cs.CL+stat.ML"
    assert result.feed_date == date(2026, 9, 24)
    assert result.announce_types == {"2609.26811": "new", "2609.26820": "new", "2205.06398": "cross"}
    assert result.skipped == {"replace": 1}
    assert result.requests == 1
    new, second, cross = result.papers
    assert (new.title, new.authors, new.categories, new.primary_category, new.version) == (
        "The Drift Contract: Spectral Updates for Depth-Robust Local Learning",
        ("Fabien Polly",),
        ("cs.LG",),
        "cs.LG",
        1,
    )
    assert new.abstract.startswith("Local learning trains each layer with its own auxiliary loss")
    assert (new.published, new.announced, new.source) == ("2026-09-24", "2026-09-24", "rss")
    assert second.authors == ("Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan")
    assert (cross.version, cross.doi, cross.primary_category, cross.announced) == (2, "10.1093/bioinformatics/btac431", "stat.ME", "")
    [request] = server.requests
    assert request.path == "/rss/cs.LG+cs.AI+cs.CL+stat.ML"


def test_atom_feed(server):
    server.feeds["/atom/cs.AI"] = ATOM7
    result = rss(server).fetch(["cs.AI"], kind="atom")
    assert result.feed_date == AUG20
    assert list(result.announce_types.values()) == ["cross"] * 5 + ["new"] * 2
    assert [p.arxiv_id for p in result.papers][-2:] == ["2508.14001", "2508.14002"]
    assert result.papers[0].authors == ("Chunhua Liu", "Kabir Manandhar Shrestha", "Sukai Huang")


def test_only_configured_announce_types_are_kept(server):
    server.feeds["/rss/cs.LG+cs.AI+cs.CL+stat.ML"] = RSS2
    result = rss(server, rss_announce_types=("new",)).fetch(["cs.LG", "cs.AI", "cs.CL", "stat.ML"])
    assert list(result.announce_types) == ["2609.26811", "2609.26820"]
    assert result.skipped == {"cross": 1, "replace": 1}


def test_the_truncated_atom_feed_is_one_line_error_and_no_entries(server):
    server.feeds["/atom/cs.AI"] = TRUNCATED
    with pytest.raises(SourceError) as e:
        rss(server).fetch(["cs.AI"], kind="atom")
    assert str(e.value) == (
        f"RSS feed {server.url}/atom/cs.AI is malformed (<unknown>:1233:84: no element found); nothing stored; retry later"
    )


def test_a_feed_cut_mid_transfer_is_refused(server):
    server.feeds["/rss/cs.AI"] = RSS2
    server.add_faults(Fault(path="/rss/", truncate=4000))
    with pytest.raises(SourceError) as e:
        rss(server).fetch(["cs.AI"])
    assert str(e.value).startswith(f"RSS feed {server.url}/rss/cs.AI is malformed (")
    assert str(e.value).endswith("); nothing stored; retry later")


def test_old_rss1_titles_give_the_announce_type(server):
    server.feeds["/rss/hep-ex"] = RSS1
    result = rss(server).fetch(["hep-ex"])
    assert result.feed_date == date(2018, 5, 23)
    assert result.announce_types == {"1805.08875": "new", "1805.09166": "cross"}
    assert result.skipped == {"replace": 1}
    assert [p.title for p in result.papers] == [
        "Measurement of Transverse Single Spin Asymmetries.",
        "Recent Top quark results from the Tevatron.",
    ]
    assert not result.papers[0].abstract.startswith("<p>")


def test_503_then_success_and_retry_after(server):
    server.feeds["/rss/cs.AI"] = ATOM7
    server.add_faults(Fault(path="/rss/", status=503), Fault(path="/rss/", status=429, headers={"Retry-After": "4"}))
    sleeps: list[float] = []
    result = rss(server, sleeps).fetch(["cs.AI"])
    assert len(result.papers) == 7 and result.requests == 3
    assert 0.5 <= sleeps[0] <= 1.0 and sleeps[1] == 4.0


def test_a_hang_past_the_timeout_then_every_try_failing(server):
    server.add_faults(*[Fault(path="/rss/", hang=0.6)] * 2)
    with pytest.raises(SourceError) as e:
        rss(server, max_retries=2, timeout_seconds=0.2).fetch(["cs.AI"])
    assert str(e.value) == f"RSS feed {server.url}/rss/cs.AI failed after 2 tries (last status: timeout after 0.2 s); retry later"


def test_a_404_is_not_retried(server):
    with pytest.raises(SourceError) as e:
        rss(server).fetch(["cs.AI"], kind="nope")
    assert str(e.value) == f"RSS feed {server.url}/nope/cs.AI returned HTTP 404; check arxiv.rss_url and arxiv.categories"
    assert len(server.requests) == 1


def test_a_weekend_feed_is_empty(server):
    server.rss_day = date(2025, 8, 23)
    result = rss(server).fetch(["cs.AI"])
    assert (result.papers, result.feed_date, result.skipped) == ([], date(2025, 8, 23), {})


def test_a_day_rebuilt_from_the_corpus_matches_the_real_feed():
    """The generated feed of 2025-08-20 has every cs.AI paper of that day; the real feed's 41 new ones among them."""
    papers = corpus_slice(AUG20, AUG20)
    with ArxivServer(papers) as server:
        server.rss_day = AUG20
        result = rss(server).fetch(["cs.AI"])
    expected = {p.arxiv_id for p in papers if p.announced == "2025-08-20" and "cs.AI" in p.categories}
    assert {p.arxiv_id for p in result.papers} == expected
    real = feedparser.parse((FIXTURES / TRUNCATED).read_bytes())
    real_new = {e.id.split(":")[-1].split("v")[0] for e in real.entries if e.get("arxiv_announce_type") == "new"}
    assert len(real_new) == 41
    assert {i for i, kind in result.announce_types.items() if kind == "new"} == real_new
