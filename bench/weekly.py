"""Time each stage of a weekly run on a served week, with the politeness delay at 0 and at 3 s.

The arXiv API and GitHub are the local test servers (real clients, real HTTP on
127.0.0.1) serving real corpus records; the list is the real README of
2024-03-19. The store is seeded with the 60 days before the window (as a
first run's backfill would), so the model has its negatives.

    python -m bench.weekly [--as-of 2025-10-27] [--delays 0 3]

Prints one table: case, papers, API requests, seconds per stage and their total, the politeness waits
between requests ((requests - 1) x delay), the compute (total - waits), and the politeness floor of the
run as the fetch bench counts it (requests x delay).
"""

from __future__ import annotations

import argparse
import functools
import logging
import platform
import shutil
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import sklearn

from devservers.arxiv_server import ArxivServer, corpus_slice
from devservers.github_server import GithubServer
from devservers.paths import SHARED
from tracker.config import ArxivConfig, Config, GithubConfig, ListConfig, ModelConfig, StoreConfig
from tracker.github.client import build_github
from tracker.listdoc.document import ListDocument
from tracker.publish.publisher import Publisher
from tracker.records import Paper
from tracker.sources.corpus import read_corpus
from tracker.store.papers import Store
from tracker.weekly.pipeline import Pipeline, RunOptions

README = SHARED / "fixtures" / "kd-list" / "README.2024-03-19.before-weekly.md"
REPO = "owner/list"
TOKEN = "bench-token-0123456789"
STAGES = ("list", "learn", "fetch", "train", "score", "publish")


def config_for(arxiv: ArxivServer, github: GithubServer, folder: Path, model_dir: Path, delay: float, page_size: int) -> Config:
    return Config(
        list=ListConfig(repo=REPO),
        arxiv=ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.url, categories=("cs.CL", "cs.AI"),
                          delay_seconds=delay, page_size=page_size, backoff_seconds=0, timeout_seconds=30),
        github=replace(GithubConfig(), api_url=github.url, write_delay_seconds=0.0),
        model=ModelConfig(path=str(model_dir)),
        store=StoreConfig(path=str(folder / "kd.db")),
    )


@functools.lru_cache(maxsize=1)
def list_papers() -> tuple[Paper, ...]:
    """Corpus records of the list's papers, so the server answers the id lookups of training."""
    ids = {row.arxiv_id for row in ListDocument.parse(README.read_text(encoding="utf-8")).rows() if row.arxiv_id}
    return tuple(p for p in read_corpus(SHARED / "data" / "arxiv_corpus.jsonl.gz") if p.arxiv_id in ids)


def one_run(as_of: date, days: int, delay: float, model_dir: Path, page_size: int = 2000) -> tuple[dict[str, float], int, int, bool]:
    since = as_of - timedelta(days=days)
    papers = corpus_slice(since - timedelta(days=60), as_of) + list_papers()
    with tempfile.TemporaryDirectory() as tmp, ArxivServer(papers) as arxiv:
        github = GithubServer().start()
        try:
            github.add_token(TOKEN, "bot")
            github.add_repo(REPO, {"README.md": README.read_text(encoding="utf-8")})
            folder = Path(tmp)
            config = config_for(arxiv, github, folder, model_dir, delay, page_size)
            with Store(config.store.path) as store:
                before = [p for p in papers if p.day < since.isoformat()]
                store.upsert_papers(before, seen=since)
                publisher = Publisher(build_github(config, TOKEN), REPO, config)
                report = Pipeline(config, store, publisher).run(RunOptions(as_of=as_of, since=since, today=as_of))
            requests = len(arxiv.api_requests())
            return report.seconds, report.papers_in_window, requests, report.trained
        finally:
            github.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 4, 27))
    parser.add_argument("--days", type=int, default=14, help="window length (the corpus has ~1,000 papers per 10 days)")
    parser.add_argument("--page-size", type=int, default=2000)
    parser.add_argument("--delays", type=float, nargs="+", default=[0.0, 3.0])
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"python {platform.python_version()}, scikit-learn {sklearn.__version__}, as of {args.as_of}, "
          f"window {args.days} days, categories cs.CL+cs.AI, list {README.name}")
    header = (f"{'case':<40} {'papers':>6} {'req':>4} " + " ".join(f"{s:>8}" for s in STAGES)
              + f" {'total':>8} {'waits':>6} {'compute':>8} {'floor':>6}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as model_home:
        model_dir = Path(model_home) / "model"
        for delay in args.delays:
            shutil.rmtree(model_dir, ignore_errors=True)
            for label in ("first run (trains)", "weekly run (model current)"):
                seconds, papers, requests, trained = one_run(args.as_of, args.days, delay, model_dir, args.page_size)
                total = sum(seconds.values())
                case = f"{label}, delay {delay:g} s" + ("" if trained == label.startswith("first") else " ?")
                cells = " ".join(f"{seconds.get(s, 0.0):>8.2f}" for s in STAGES)
                waits = max(requests - 1, 0) * delay
                floor = requests * delay
                print(f"{case:<40} {papers:>6} {requests:>4} {cells} {total:>8.2f} {waits:>6.1f} {total - waits:>8.2f}"
                      f" {floor:>6.1f}")


if __name__ == "__main__":
    main()
