"""The cost of kd-tracker as the store grows: the issue's Targets table at 40k, 79k and 160k stored papers.

    python -m bench.scale [--sizes 40000 79000 160000] [--skip-year] [--work-dir DIR] [--week-size 7500]
                          [--retrain-limit 120]

Stores (built once with the Store API, cached under ``--work-dir`` between invocations; by default a temporary
folder): 79k is ../shared/data/arxiv_corpus.jsonl.gz as is; a smaller size is a reproducible subset stratified
by ISO week (every week keeps its share of the corpus, chosen by a hash of the id; the list's papers are always
kept); a larger size adds copies of the corpus that are not the same texts: the arXiv number shifted by 50,000
per copy (``2401.12345`` -> ``2401.62345``), every abstract's sentences and every title's words rotated (so
neither the id nor the title dedupes them), the list's own papers left out of the copies. Every measurement
works on a copy of the cached store, so a cached store is never migrated or written to.

Rows, per size:

- ``train``: the real CLI ``kd-tracker train --offline`` in a subprocess, on the newest list README in
  ../shared (``bench.judged.newest_list``); wall seconds and the child's peak resident memory (``wait4``).
- score one week: load the model, read one ISO week of the store and score it, in a subprocess that times
  itself once its libraries are imported (what a run spends to score a week: importing scikit-learn alone takes
  about a second on this machine, whatever the store); and the CLI: ``kd-tracker papers export`` of that week
  (not timed), then ``kd-tracker score`` of the file in a subprocess, from its start to its exit. Peak memory is
  the child's own high-water mark (``VmHWM``), not ``wait4``'s, which includes this bench's.
- weekly run without / with retrain (delay 0, the local arXiv and GitHub servers of ``devservers``, in this
  process, as ``bench.weekly``): first with the model ``train`` saved (current: same list, no labels), then
  after one row was removed from the list on GitHub (the list changed: the run retrains). The second is left
  out (and the table says so) at a size whose ``train`` took longer than ``--retrain-limit`` seconds, to keep
  the bench within about 25 minutes: such a run costs that ``train`` and the first run's seconds.
- store file after a year of weekly runs (simulated; ``--skip-year`` skips it): 52 weeks of ``--week-size``
  synthetic papers (corpus texts, rotated, under unused new-style ids dated after the corpus) upserted week by
  week into a copy of the store, each week followed by ``kd-tracker store prune`` (in this process, with the list
  and the next Monday as ``--as-of`` when it takes them) when the product has it (else "no prune"); the file
  size after weeks 13, 26 and 52, and the largest it was after any week.

The commands run from this checkout (``python -m tracker`` with this folder first on ``PYTHONPATH``). Timings on a
shared machine are noisy: the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import sklearn
from click.testing import CliRunner

from bench.judged import newest_list
from bench.weekly import REPO, TOKEN, config_for
from devservers.arxiv_server import ArxivServer, corpus_slice
from devservers.github_server import GithubServer
from devservers.paths import SHARED
from tracker.cli import cli
from tracker.github.client import build_github
from tracker.listdoc.document import ListDocument
from tracker.publish.publisher import Publisher
from tracker.records import Paper
from tracker.sources.corpus import read_corpus
from tracker.store.papers import Store
from tracker.store.sample import iso_week, sample_order
from tracker.store.schema import latest
from tracker.weekly.pipeline import Pipeline, RunOptions

log = logging.getLogger("bench.scale")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = SHARED / "data" / "arxiv_corpus.jsonl.gz"
ID_SHIFT = 50_000
"""Added to the arXiv number of each copy of the corpus (a copy ``k`` adds ``k * ID_SHIFT``)."""
SEED = 17
AS_OF = date(2026, 4, 27)
"""The weekly runs' day (as ``bench.weekly``); the scored week is the ISO week before it."""
WINDOW_DAYS = 14
YEAR_START = date(2026, 7, 6)
"""The Monday of the simulated year's first week (the corpus ends on 2026-07-01)."""
YEAR_NUMBER_START = 60_000
"""Synthetic ids count from here in each month: above every real and shifted number of those months."""

_NEW_ID = re.compile(r"^(\d{4})\.(\d{4,5})$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


# pure parts (tests/test_bench_scale.py)

def shift_id(arxiv_id: str, shift: int) -> str:
    """``arxiv_id`` (new style, ``YYMM.NNNNN``) with ``shift`` added to its number, kept 5 digits.

    Raises ``ValueError`` for an old-style id or a number the shift would push past 99999.
    """
    m = _NEW_ID.match(arxiv_id)
    if m is None:
        raise ValueError(f"{arxiv_id}: not a new-style arXiv id (YYMM.NNNNN)")
    number = int(m.group(2)) + shift
    if not 0 <= number <= 99_999:
        raise ValueError(f"{arxiv_id}: shifting by {shift} leaves the 5-digit range")
    return f"{m.group(1)}.{number:05d}"


def rotate(items: Sequence[str], k: int) -> list[str]:
    """``items`` rotated left by ``k`` (modulo their number)."""
    if not items:
        return []
    k %= len(items)
    return [*items[k:], *items[:k]]


def rotate_sentences(text: str, k: int = 1) -> str:
    """``text`` with its sentences rotated left by ``k`` (whitespace collapsed); when that would give the text back
    (one sentence, or ``k`` a multiple of their number) its words are rotated instead."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    if len(sentences) > 1 and k % len(sentences):
        return " ".join(rotate(sentences, k))
    return rotate_words(text, k)


def rotate_words(text: str, k: int = 1) -> str:
    """``text`` with its words rotated left by ``k`` (whitespace collapsed)."""
    return " ".join(rotate(text.split(), k))


def variant(paper: Paper, copy: int) -> Paper:
    """Copy number ``copy`` (1, 2, ...) of ``paper``: number shifted by ``copy * ID_SHIFT``, abstract sentences and
    title words rotated by ``copy``, same day and categories."""
    return replace(paper, arxiv_id=shift_id(paper.arxiv_id, copy * ID_SHIFT), title=rotate_words(paper.title, copy),
                   abstract=rotate_sentences(paper.abstract, copy), code=(), data=())


def stratified_subset(papers: Iterable[Paper], n: int, *, keep: Iterable[str] = (), seed: int = SEED) -> list[Paper]:
    """``n`` of ``papers`` (all if fewer), each ISO week keeping its share of them (largest remainders), the papers of
    a week chosen by a hash of ``seed`` and the id; ids in ``keep`` are always kept (and count towards ``n``).
    The result is in the input's order and depends only on the set of papers, ``n`` and ``seed``."""
    papers = list(papers)
    kept = set(keep)
    fixed = [p for p in papers if p.arxiv_id in kept]
    rest = [p for p in papers if p.arxiv_id not in kept]
    wanted = max(n - len(fixed), 0)
    if wanted >= len(rest):
        return papers
    by_week: dict[str, list[Paper]] = {}
    for paper in rest:
        by_week.setdefault(iso_week(paper.day), []).append(paper)
    quotas = {week: len(group) * wanted / len(rest) for week, group in by_week.items()}
    shares = {week: math.floor(q) for week, q in quotas.items()}
    by_remainder = sorted(quotas, key=lambda w: (-(quotas[w] - shares[w]), w))
    for week in by_remainder[: wanted - sum(shares.values())]:
        shares[week] += 1
    chosen = set(kept)
    for week, group in by_week.items():
        group.sort(key=lambda p: (sample_order(p.arxiv_id, seed), p.arxiv_id))
        chosen.update(p.arxiv_id for p in group[: shares[week]])
    return [p for p in papers if p.arxiv_id in chosen]


def store_papers(corpus: Sequence[Paper], n: int, list_ids: set[str]) -> list[Paper]:
    """The papers of a store of about ``n``: the corpus plus as many rotated, shifted copies as ``n`` needs (list
    papers not copied), a stratified subset when that is more than 5 % too many."""
    copies = max(1, round(n / len(corpus)))
    pool = list(corpus)
    for copy in range(1, copies):
        pool += [variant(p, copy) for p in corpus if p.arxiv_id not in list_ids]
    return pool if n >= 0.95 * len(pool) else stratified_subset(pool, n, keep=list_ids)


def year_week(corpus: Sequence[Paper], week: int, size: int, start: date = YEAR_START) -> list[Paper]:
    """Synthetic week ``week`` (0-based) of the simulated year: ``size`` corpus texts (cycling through the corpus,
    rotated by the pass number), dated Monday to Friday of ``start + week`` weeks, under new-style ids of that
    month numbered from :data:`YEAR_NUMBER_START` (distinct across the year as long as a month has < 40,000)."""
    monday = start + timedelta(weeks=week)
    first_of_month = monday.replace(day=1)
    before_in_month = sum(1 for w in range(week) if (start + timedelta(weeks=w)).replace(day=1) == first_of_month)
    out = []
    for i in range(size):
        index = week * size + i
        source = corpus[index % len(corpus)]
        turn = 1 + index // len(corpus)
        day = (monday + timedelta(days=i % 5)).isoformat()
        number = YEAR_NUMBER_START + before_in_month * size + i
        out.append(replace(source, arxiv_id=f"{monday:%y%m}.{number:05d}", title=rotate_words(source.title, turn),
                           abstract=rotate_sentences(source.abstract, turn), published=day, announced=day,
                           updated=day, code=(), data=(), first_seen=""))
    return out


# measuring

@dataclass(frozen=True)
class Child:
    """A finished subprocess: wall seconds, peak resident memory, exit code and its output."""

    seconds: float
    peak_mb: float
    code: int
    output: str

    def cell(self) -> str:
        if self.code:
            return f"failed ({self.code})"
        return f"{self.seconds:.1f} s, {self.peak_mb / 1024:.2f} GB"


def run_cli(args: Sequence[str], folder: Path) -> Child:
    """``python -m tracker ARGS`` from this checkout, with its own peak memory.

    The peak is the child's ``VmHWM`` (/proc/PID/status), read until it exits: the high-water mark of its own
    address space. ``wait4``'s ``ru_maxrss`` would not do: Linux carries the parent's peak over a fork and an exec
    into the child's, so every child would weigh at least this bench with its corpus in memory."""
    return run_python(["-m", "tracker", *args], folder)


def run_python(args: Sequence[str], folder: Path) -> Child:
    """``python ARGS`` from this checkout (see :func:`run_cli`)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    out = folder / "cli-output.txt"
    peak_kb = 0
    with out.open("w", encoding="utf-8") as handle:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=folder)
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                found = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.M)
            except OSError:
                found = None
            if found:
                peak_kb = max(peak_kb, int(found.group(1)))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    code = proc.returncode
    text = out.read_text(encoding="utf-8", errors="replace")
    if code:
        log.warning("python %s failed (%d): %s", " ".join(args), code, text.strip()[-500:])
    return Child(seconds, peak_kb / 1024, code, text)


LOAD_AND_SCORE = """
import json, sys, time
from datetime import date
from classifiers.training import load_model
from tracker.store import Store
started = time.perf_counter()
model = load_model(sys.argv[1])
loaded = time.perf_counter()
with Store(sys.argv[2]) as store:
    papers = store.papers(date.fromisoformat(sys.argv[3]), date.fromisoformat(sys.argv[4]))
scored = model.score(papers)
print(json.dumps({"load": loaded - started, "total": time.perf_counter() - started, "papers": len(scored)}))
"""
"""What a weekly run does to score a week once its libraries are imported: load the model, read the week's papers
from the store, score them (timed inside the child, so the interpreter's start and imports are left out)."""


def load_and_score(model: Path, store: Path, since: date, until: date, folder: Path) -> str:
    """The cell of :data:`LOAD_AND_SCORE`: seconds (load part) and the child's peak memory."""
    child = run_python(["-c", LOAD_AND_SCORE, str(model), str(store), since.isoformat(), until.isoformat()], folder)
    if child.code:
        return f"failed ({child.code})"
    figures = json.loads(child.output.strip().splitlines()[-1])
    return f"{figures['total']:.2f} s (load {figures['load']:.2f} s), {child.peak_mb / 1024:.2f} GB"


def write_config(folder: Path, store: Path, model: Path) -> Path:
    path = folder / "config.yaml"
    path.write_text(json.dumps({"store": {"path": str(store)}, "model": {"path": str(model)}}), encoding="utf-8")
    return path


def build_store(path: Path, papers: Sequence[Paper]) -> None:
    part = path.with_suffix(".part")
    part.unlink(missing_ok=True)
    with Store(part) as store:
        for start in range(0, len(papers), 20_000):
            store.upsert_papers(papers[start : start + 20_000], seen=date(2026, 7, 2))
    part.rename(path)


def cached_store(work: Path, n: int, corpus: Sequence[Paper], list_ids: set[str]) -> tuple[Path, int]:
    """The pristine store of size ``n`` (built on first use) and its number of papers."""
    path = work / f"store-{n}-schema{latest()}.db"
    if not path.is_file():
        started = time.perf_counter()
        papers = store_papers(corpus, n, list_ids)
        build_store(path, papers)
        log.info("built %s (%d papers) in %.0f s", path.name, len(papers), time.perf_counter() - started)
    with Store(path) as store:
        return path, store.count()


def mb(path: Path) -> float:
    return path.stat().st_size / 1e6


@dataclass(frozen=True)
class Prune:
    """``kd-tracker store prune`` as this checkout has it, run in this process (click's runner: the real command
    without a new interpreter's start-up each simulated week)."""

    args: list[str]
    as_of: bool
    """It takes ``--as-of`` (the simulated week's end is passed)."""

    def __call__(self, day: date) -> str:
        result = CliRunner().invoke(cli, [*self.args, *(["--as-of", day.isoformat()] if self.as_of else [])])
        if result.exit_code:
            raise RuntimeError(f"kd-tracker store prune failed: {result.output.strip()[-300:]}")
        return result.output.strip()


def prune_command(config: Path, list_path: Path) -> Prune | None:
    """``kd-tracker store prune`` (with the list and the day when it takes them) if this checkout has it, else None."""
    result = CliRunner().invoke(cli, ["store", "prune", "--help"])
    if result.exit_code:
        return None
    args = ["--config", str(config), "store", "prune"]
    if "--list" in result.output:
        args += ["--list", str(list_path)]
    return Prune(args, "--as-of" in result.output)


def weekly_runs(store_path: Path, model_dir: Path, list_text: str, list_papers: Sequence[Paper], *,
                retrain: bool = True) -> tuple[float, float | None]:
    """Wall seconds of a weekly run with the model current, then (``retrain``) of one after the list lost a row,
    which retrains."""
    since = AS_OF - timedelta(days=WINDOW_DAYS)
    served = corpus_slice(since, AS_OF) + tuple(list_papers)
    seconds = []
    with ArxivServer(served) as arxiv:
        github = GithubServer().start()
        try:
            github.add_token(TOKEN, "bot")
            github.add_repo(REPO, {"README.md": list_text})
            config = config_for(arxiv, github, store_path.parent, model_dir, 0.0, 2000)
            config = replace(config, store=replace(config.store, path=str(store_path)))
            for case in ("model current", "list changed")[: 2 if retrain else 1]:
                if case == "list changed":
                    github.push_commit(REPO, "main", {"README.md": without_one_row(list_text)}, message="Drop a row")
                with Store(store_path) as store:
                    publisher = Publisher(build_github(config, TOKEN), REPO, config)
                    started = time.perf_counter()
                    report = Pipeline(config, store, publisher).run(RunOptions(as_of=AS_OF, since=since, today=AS_OF))
                    seconds.append(time.perf_counter() - started)
                if report.trained != (case == "list changed"):
                    log.warning("weekly run, %s: trained=%s, not as expected", case, report.trained)
                log.info("weekly run, %s: %.1f s, %d papers in the window, stages %s", case, seconds[-1],
                         report.papers_in_window, {k: round(v, 1) for k, v in report.seconds.items()})
        finally:
            github.stop()
    return seconds[0], seconds[1] if retrain else None


def without_one_row(text: str) -> str:
    """The list with its last table row that links an arXiv paper removed (a change a maintainer makes)."""
    lines = text.splitlines(keepends=True)
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("|") and "arxiv.org/abs/" in lines[i]:
            return "".join(lines[:i] + lines[i + 1 :])
    raise ValueError("the list has no table row with an arXiv link")


def year_of_runs(store_path: Path, corpus: Sequence[Paper], week_size: int,
                 prune: Prune | None) -> dict[int, float]:
    """Store file size (MB) after weeks 13, 26 and 52 of upserting ``week_size`` papers a week (then pruning), and
    the largest after any week (key 0): a file vacuumed now and then swings between its VACUUMs."""
    sizes = {0: 0.0}
    started = time.perf_counter()
    for week in range(52):
        papers = year_week(corpus, week, week_size)
        with Store(store_path) as store:
            store.upsert_papers(papers, seen=date.fromisoformat(papers[-1].day))
        if prune is not None:
            said = prune(date.fromisoformat(papers[-1].day) + timedelta(days=3))
            log.debug("year: week %d, prune: %s", week + 1, said)
        sizes[0] = max(sizes[0], mb(store_path))
        if week + 1 in (13, 26, 52):
            sizes[week + 1] = mb(store_path)
            log.info("year: week %d, store %.0f MB, %.0f s so far", week + 1, sizes[week + 1], time.perf_counter() - started)
    return sizes


def measure_size(n: int, work: Path, corpus: Sequence[Paper], list_path: Path, list_ids: set[str],
                 list_papers: Sequence[Paper], args: argparse.Namespace) -> dict[str, str]:
    pristine, count = cached_store(work, n, corpus, list_ids)
    cells = {"papers": f"{count:,}", "file": f"{mb(pristine):.0f} MB"}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        folder = Path(tmp)
        store, model = folder / "kd.db", folder / "model"
        shutil.copyfile(pristine, store)
        config = write_config(folder, store, model)
        log.info("%d: train", n)
        train = run_cli(["--config", str(config), "train", "--list", str(list_path), "--offline"], folder)
        cells["train"] = train.cell()
        last = AS_OF - timedelta(days=AS_OF.weekday() + 1)
        week = folder / "week.jsonl.gz"
        exported = run_cli(["--config", str(config), "papers", "export", "--since", (last - timedelta(days=6)).isoformat(),
                            "--until", last.isoformat(), "-o", str(week)], folder)
        in_week = re.search(r"exported (\d+)", exported.output)
        log.info("%d: score one week", n)
        score = run_cli(["--config", str(config), "score", "--papers", str(week), "--out", str(folder / "scores.jsonl")],
                        folder)
        cells["score"] = f"{score.cell()} ({in_week.group(1) if in_week else '?'} papers)"
        cells["load_score"] = load_and_score(model, store, last - timedelta(days=6), last, folder)
        if train.code:
            cells["weekly"] = "no model"
        elif train.seconds > args.retrain_limit:
            log.info("%d: weekly runs", n)
            current, _ = weekly_runs(store, model, list_path.read_text(encoding="utf-8"), list_papers, retrain=False)
            cells["weekly"] = f"{current:.1f} s / not run (`train` took {train.seconds:.0f} s > --retrain-limit)"
        else:
            log.info("%d: weekly runs", n)
            current, retrained = weekly_runs(store, model, list_path.read_text(encoding="utf-8"), list_papers)
            cells["weekly"] = f"{current:.1f} s / {retrained:.1f} s"
        if args.skip_year:
            cells["year"] = "skipped"
        else:
            shutil.copyfile(pristine, store)
            prune = prune_command(config, list_path)
            log.info("%d: a year of weekly upserts (%s)", n, "with prune" if prune else "no prune")
            sizes = year_of_runs(store, corpus, args.week_size, prune)
            cells["year"] = (f"{sizes[52]:.0f} MB (13: {sizes[13]:.0f}, 26: {sizes[26]:.0f}; largest {sizes[0]:.0f})"
                             + ("" if prune else ", no prune"))
    return cells


def load_list(path: Path, corpus: Sequence[Paper]) -> tuple[set[str], list[Paper]]:
    ids = {row.arxiv_id for row in ListDocument.parse(path.read_text(encoding="utf-8")).rows() if row.arxiv_id}
    return ids, [p for p in corpus if p.arxiv_id in ids]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40_000, 79_000, 160_000])
    parser.add_argument("--skip-year", action="store_true", help="leave out the simulated year of weekly runs")
    parser.add_argument("--week-size", type=int, default=7_500, help="papers a simulated week adds")
    parser.add_argument("--retrain-limit", type=float, default=120.0,
                        help="skip the weekly run with a retrain at a size whose `train` took longer (seconds)")
    parser.add_argument("--work-dir", type=Path, default=None, help="cache the built stores here (default: a temp dir)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    for name in ("tracker", "classifiers", "devservers", "arxiv"):
        logging.getLogger(name).setLevel(logging.WARNING)
    started = time.perf_counter()
    corpus = sorted(read_corpus(CORPUS), key=lambda p: p.arxiv_id)
    list_path = newest_list(SHARED)
    list_ids, list_papers = load_list(list_path, corpus)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work_dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        columns = {n: measure_size(n, work, corpus, list_path, list_ids, list_papers, args) for n in args.sizes}
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    print(f"commit {git or '?'}, python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
          f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, list {list_path.name}, "
          f"weekly runs as of {AS_OF} ({WINDOW_DAYS} days), bench {time.perf_counter() - started:.0f} s")
    print()
    rows = [
        ("stored papers / store file", lambda c: f"{c['papers']} / {c['file']}", ""),
        ("`train --offline` wall / peak memory", lambda c: c["train"], "≤ 20 s, ≤ 1 GB, flat"),
        ("score one week: load + read + score, libraries imported", lambda c: c["load_score"], "≤ 1 s"),
        ("score one week: the `score` CLI, process start to exit", lambda c: c["score"], ""),
        ("weekly run without / with retrain (delay 0)", lambda c: c["weekly"], "≤ 10 s / ≤ 30 s"),
        (f"store file after a year ({args.week_size:,} papers × 52 weeks)", lambda c: c["year"], "≤ 300 MB"),
    ]
    print("| measure | " + " | ".join(f"{n // 1000}k" for n in args.sizes) + " | target |")
    print("|---|" + "---|" * len(args.sizes) + "---|")
    for name, cell, target in rows:
        print(f"| {name} | " + " | ".join(cell(columns[n]) for n in args.sizes) + f" | {target} |")


if __name__ == "__main__":
    main()
