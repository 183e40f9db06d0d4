"""Speed of the list document on the real READMEs: parse, render, lint, apply, contains.

Run: ``python -m bench.listdoc --repeat 30``. Reads ``../shared`` in place; prints its inputs, then one table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import time
from collections.abc import Callable

from devservers.paths import SHARED
from tracker.listdoc.document import ListDocument
from tracker.records import Proposal


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def replay_proposals() -> list[Proposal]:
    proposals = []
    for line in (SHARED / "data" / "list_history.jsonl").read_text(encoding="utf-8").splitlines():
        paper = json.loads(line)
        sections = [s for s, seen in paper["section_first_seen"].items() if seen.startswith("2024-03-19")]
        if sections:
            proposals.append(Proposal(title=paper["title"], url=paper["url"], sections=tuple(sections),
                                      arxiv_id=paper["arxiv_id"] or "", venue=paper["venue"], date=paper["date"],
                                      code=tuple(paper["code"]), data=tuple(paper["data"])))
    return proposals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    kd_list = SHARED / "fixtures" / "kd-list"
    head = (kd_list / "README.2025-03-09.head.md").read_text(encoding="utf-8")
    before = (kd_list / "README.2024-03-19.before-weekly.md").read_text(encoding="utf-8")
    proposals = replay_proposals()
    head_doc, before_doc = ListDocument.parse(head), ListDocument.parse(before)
    many = [Proposal(title=f"Synthetic paper {i}", url=f"https://arxiv.org/abs/2501.{i:05d}",
                     sections=(head_doc.sections()[i % len(head_doc.sections())].path,), arxiv_id=f"2501.{i:05d}",
                     date=f"2025-{1 + i % 12:02d}") for i in range(200)]
    queries = [row.title for row in head_doc.rows()] + [f"Unknown title {i}" for i in range(655)]
    print(f"python {platform.python_version()}, repeat {args.repeat}, head README {len(head_doc.lines)} lines / "
          f"{len(head_doc.rows())} rows, replay {len(proposals)} proposals")
    cases = [
        ("parse head README", 1, lambda: ListDocument.parse(head)),
        ("render head README", 1, head_doc.render),
        ("lint head README", 1, head_doc.lint),
        ("apply 2024-03-19 replay (33 rows)", len(proposals),
         lambda: before_doc.apply(proposals, log_date=datetime.date(2024, 3, 19))),
        ("apply 200 synthetic papers", len(many), lambda: head_doc.apply(many, log_date=datetime.date(2025, 3, 9))),
        ("contains (1000 titles)", len(queries), lambda: [head_doc.contains(q) for q in queries]),
    ]
    print(f"{'case':<36} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'items/s':>10}")
    for name, n, function in cases:
        times = sorted(timed(function, args.repeat))
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"{name:<36} {n:>5} {median:>10.2f} {p95:>8.2f} {n / median * 1000:>10.0f}")


if __name__ == "__main__":
    main()
