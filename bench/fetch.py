"""Fetch throughput: API pages parsed and stored from the local arXiv, and the politeness floor of a weekly run.

Run: ``python -m bench.fetch`` (needs ../shared). No network: the corpus is served
by ``devservers.arxiv_server`` on 127.0.0.1 with delay 0. Prints its inputs,
then one table per measurement.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import arxiv
import feedparser
import requests

from devservers.arxiv_server import CORPUS, ArxivServer, corpus_slice
from tracker.config import ArxivConfig
from tracker.sources.arxiv_api import ArxivSource
from tracker.sources.corpus import read_corpus
from tracker.sources.rss import RssSource
from tracker.store.papers import Store

CASES = [
    ("week 2024-03-11 (cs.CL)", date(2024, 3, 11), date(2024, 3, 17), ("cs.CL",), 2000),
    ("week 2024-03-11, pages of 100", date(2024, 3, 11), date(2024, 3, 17), ("cs.CL",), 100),
    ("4 weeks 2024-03-04..31", date(2024, 3, 4), date(2024, 3, 31), ("cs.CL",), 2000),
    ("week 2025-11-24 (cs.CL+cs.AI)", date(2025, 11, 24), date(2025, 11, 30), ("cs.CL", "cs.AI"), 2000),
    ("10 days 2025-10-20..29", date(2025, 10, 20), date(2025, 10, 29), ("cs.CL", "cs.AI"), 2000),
]


def fetch_case(since: date, until: date, categories: tuple[str, ...], page_size: int, repeats: int) -> dict[str, float]:
    papers = corpus_slice(since, until)
    fetch_times, store_times = [], []
    with ArxivServer(papers) as server:
        for _ in range(repeats):
            config = ArxivConfig(api_url=server.api_url, delay_seconds=0, page_size=page_size, categories=categories)
            source = ArxivSource.from_config(config)
            started = time.perf_counter()
            result = source.fetch_window(since, until)
            fetch_times.append(time.perf_counter() - started)
            with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "kd.db") as store:
                started = time.perf_counter()
                store.upsert_papers(result.papers, seen=until)
                store_times.append(time.perf_counter() - started)
    n = len(result.papers)
    fetch_s, store_s = statistics.median(fetch_times), statistics.median(store_times)
    return {
        "records": n,
        "requests": result.requests,
        "fetch_ms": fetch_s * 1000,
        "store_ms": store_s * 1000,
        "fetch_rps": n / fetch_s,
        "store_rps": n / store_s,
        "total_rps": n / (fetch_s + store_s),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--skip-import", action="store_true", help="skip importing the whole corpus")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, arxiv {arxiv.__version__}, feedparser {feedparser.__version__}, "
          f"requests {requests.__version__}; repeats {args.repeats}; corpus {CORPUS}")  # fmt: skip
    print()
    print("API window fetched from the local server (delay 0) then stored in a fresh SQLite store")
    print(f"{'case':34} {'records':>7} {'req':>4} {'fetch ms':>9} {'store ms':>9} {'fetch rec/s':>11} {'store rec/s':>11} {'total rec/s':>11}")
    measured = {}
    for name, since, until, categories, page_size in CASES:
        r = measured[name] = fetch_case(since, until, categories, page_size, args.repeats)
        print(f"{name:34} {r['records']:>7} {r['requests']:>4} {r['fetch_ms']:>9.0f} {r['store_ms']:>9.0f} "
              f"{r['fetch_rps']:>11.0f} {r['store_rps']:>11.0f} {r['total_rps']:>11.0f}")  # fmt: skip
    print()
    print("RSS feed of one day parsed (generated from the corpus in rss.arxiv.org's format)")
    day = date(2025, 11, 26)
    with ArxivServer(corpus_slice(day, day)) as server:
        server.rss_day = day
        source = RssSource(requests.Session(), ArxivConfig(rss_url=server.url, categories=("cs.CL", "cs.AI")))
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            feed = source.fetch(["cs.CL", "cs.AI"])
            times.append(time.perf_counter() - started)
    t = statistics.median(times)
    print(f"{'feed':34} {'records':>7} {'ms':>9} {'rec/s':>11}")
    print(f"{'rss cs.CL+cs.AI ' + day.isoformat():34} {len(feed.papers):>7} {t * 1000:>9.0f} {len(feed.papers) / t:>11.0f}")

    print()
    print("Requests and politeness floor of one weekly run (window_days=10, page_size=2000, delay 3 s)")
    print(f"{'window volume':40} {'records':>7} {'req':>4} {'floor s':>8}")
    last = measured[CASES[-1][0]]
    print(f"{'corpus cs.CL+cs.AI, 10 days (served)':40} {last['records']:>7} {last['requests']:>4} {last['requests'] * 3:>8}")
    for n in (3000, 6000, 9000):
        req = math.ceil(n / 2000)
        print(f"{'cs.CL+cs.AI+cs.LG, assumed volume':40} {n:>7} {req:>4} {req * 3:>8}")

    if not args.skip_import:
        print()
        print("papers import of the whole shared corpus into a fresh store")
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "kd.db") as store:
            started = time.perf_counter()
            papers = list(read_corpus(CORPUS))
            read_s = time.perf_counter() - started
            counts = store.upsert_papers(papers, seen=date.today())
            total_s = time.perf_counter() - started
        print(f"{'records':>7} {'read s':>7} {'total s':>8} {'rec/s':>8}")
        print(f"{counts.new:>7} {read_s:>7.1f} {total_s:>8.1f} {counts.new / total_s:>8.0f}")


if __name__ == "__main__":
    main()
