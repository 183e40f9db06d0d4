"""Cost of one publish run against the local GitHub: wall time and requests, by case.

Run: ``python -m bench.publish --repeat 20``. Uses the list's newest README from
``../shared`` when present (else the small test list) and the test GitHub server on
127.0.0.1 (no network); prints its inputs, then one table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from devservers.github_server import GithubServer
from devservers.paths import SHARED
from devservers.samples import README
from tracker.config import Config, GithubConfig, ListConfig
from tracker.github.client import build_github
from tracker.listdoc.document import ListDocument
from tracker.publish.publisher import PublishContext, Publisher
from tracker.records import Proposal

TOKEN = "bench-token"


def proposals_for(text: str, n: int) -> list[Proposal]:
    sections = [s.path for s in ListDocument.parse(text).sections()]
    return [Proposal(title=f"Synthetic paper {i}", url=f"https://arxiv.org/abs/2501.{i:05d}",
                     sections=(sections[i % len(sections)],), arxiv_id=f"2501.{i:05d}", date="2025-01",
                     score=0.9 - i / 1000, terms=("distill", "teacher")) for i in range(n)]


def run_case(server: GithubServer, text: str, repeat: int, prepare: Callable[[Publisher], None],
             measure: Callable[[Publisher], object]) -> tuple[list[float], int, int]:
    times, requests, writes = [], 0, 0
    for _ in range(repeat):
        name = f"bench/list-{len(server.repos)}"
        server.add_repo(name, {"README.md": text})
        config = Config(list=ListConfig(repo=name),
                        github=GithubConfig(api_url=server.url, write_delay_seconds=0.0, retries=1))
        publisher = Publisher(build_github(config, TOKEN), name, config)
        prepare(publisher)
        mark = len(server.requests)
        start = time.perf_counter()
        measure(publisher)
        times.append((time.perf_counter() - start) * 1000)
        requests += len(server.requests) - mark
        writes += sum(1 for r in server.requests[mark:] if r.is_write)
    return times, requests // repeat, writes // repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    head = SHARED / "fixtures" / "kd-list" / "README.2025-03-09.head.md"
    text = head.read_text(encoding="utf-8") if head.is_file() else README
    context = PublishContext(as_of=dt.date(2025, 1, 13), since=dt.date(2025, 1, 3), until=dt.date(2025, 1, 12))
    few, many = proposals_for(text, 1), proposals_for(text, 15)
    server = GithubServer().start()
    server.add_token(TOKEN, "kd-tracker-bot")
    print(f"python {platform.python_version()}, PyGithub {version('PyGithub')}, repeat {args.repeat}, "
          f"README {len(text.splitlines())} lines ({'shared head' if head.is_file() else 'test sample'}), "
          f"local GitHub on 127.0.0.1, write delay 0 s")

    def nothing(_: Publisher) -> None:
        return None

    cases: list[tuple[str, int, Callable[[Publisher], None], Callable[[Publisher], object]]] = [
        ("create PR", 1, nothing, lambda p: p.publish(few, context)),
        ("create PR", 15, nothing, lambda p: p.publish(many, context)),
        ("re-run, unchanged", 15, lambda p: p.publish(many, context), lambda p: p.publish(many, context)),
        ("update PR (+1 paper)", 16, lambda p: p.publish(many, context),
         lambda p: p.publish([*many, *proposals_for(text, 16)[15:]], context)),
        ("close PR (all listed)", 0, lambda p: p.publish(many, context), lambda p: p.publish([], context)),
        ("dry run (preview)", 15, nothing, lambda p: p.preview(many, context, Path("/tmp/kd-bench-preview"))),
    ]
    print(f"{'case':<24} {'papers':>6} {'median ms':>10} {'p95 ms':>8} {'runs/s':>7} {'requests':>9} {'writes':>7}")
    try:
        for label, n, prepare, measure in cases:
            times, requests, writes = run_case(server, text, args.repeat, prepare, measure)
            median = statistics.median(times)
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            print(f"{label:<24} {n:>6} {median:>10.1f} {p95:>8.1f} {1000 / median:>7.1f} {requests:>9} {writes:>7}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
