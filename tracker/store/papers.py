"""The paper store: one SQLite file (stdlib ``sqlite3``) holding papers and the fetch log.

Papers are keyed by their versionless arXiv id. Upserting a paper the store
already has merges the two records (see :func:`merge`), so overlapping fetch
windows and several sources never duplicate a paper. The fetch log records,
per day, category and source, how many papers a source saw. Every sqlite error
becomes a :class:`~tracker.errors.StoreError` naming the file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from tracker.errors import StoreError
from tracker.links import annotate
from tracker.records import Paper
from tracker.store.schema import current_version, latest, migrate

log = logging.getLogger(__name__)

_COLUMNS = (
    "arxiv_id", "title", "abstract", "authors", "categories", "primary_category", "published", "updated",
    "version", "comment", "journal_ref", "doi", "announced", "source", "first_seen", "code", "data", "venue",
)  # fmt: skip
_JSON_COLUMNS = {"authors", "categories", "code", "data"}
_TITLE_GROUPS = 200
"""Title groups per query of :meth:`Store.ids_and_titles_with`."""
_BATCH = 900


@dataclass(frozen=True)
class UpsertCounts:
    """What :meth:`Store.upsert_papers` did."""

    new: int = 0
    """Papers the store did not have."""
    updated: int = 0
    """Papers it had whose stored record changed (new version, new fields)."""
    unchanged: int = 0
    """Papers it had, identical after merging."""

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.new + other.new, self.updated + other.updated, self.unchanged + other.unchanged)


@dataclass(frozen=True)
class FetchLogRow:
    """How many papers one source saw for one day and category."""

    day: str
    """The day (``YYYY-MM-DD``): submission day for the API, listing day for RSS."""
    category: str
    """The watched category the papers were counted under (primary, else the first watched one)."""
    source: str
    """``api`` or ``rss``."""
    count: int
    """Papers seen (0 is recorded too: the source was asked and had none)."""
    fetched_at: str
    """When it was fetched (UTC, ISO 8601)."""


def _pick(preferred: Any, other: Any) -> Any:
    return preferred if preferred else other


def _earliest(a: str, b: str) -> str:
    return min((x for x in (a, b) if x), default="")


def merge(old: Paper, new: Paper) -> Paper:
    """One record from two sightings of the same paper.

    The higher version's fields win (on a tie the stored ones do), and blanks
    are filled from the other record; ``published`` and ``announced`` keep the
    earliest date (v1 precedes its listing), ``source`` and ``first_seen`` the
    first sighting; code/data links are united.
    """
    first, second = (new, old) if new.version > old.version else (old, new)
    merged = Paper(
        arxiv_id=old.arxiv_id,
        title=_pick(first.title, second.title),
        abstract=_pick(first.abstract, second.abstract),
        authors=_pick(first.authors, second.authors),
        categories=_pick(first.categories, second.categories),
        primary_category=_pick(first.primary_category, second.primary_category),
        published=_earliest(old.published, new.published),
        updated=_pick(first.updated, second.updated),
        version=max(old.version, new.version),
        comment=_pick(first.comment, second.comment),
        journal_ref=_pick(first.journal_ref, second.journal_ref),
        doi=_pick(first.doi, second.doi),
        announced=_earliest(old.announced, new.announced),
        source=_pick(old.source, new.source),
        first_seen=_earliest(old.first_seen, new.first_seen),
        code=tuple(dict.fromkeys((*first.code, *second.code))),
        data=tuple(dict.fromkeys((*first.data, *second.data))),
        venue=_pick(first.venue, second.venue),
    )
    return annotate(merged)


class Store:
    """The SQLite paper store at ``path`` (``:memory:`` works too); a context manager.

    Opening creates the parent folders and applies pending schema migrations.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"{self.path}: cannot create the store's folder ({e.strerror or e}); check store.path") from e
        with self._errors("open"):
            self._conn = sqlite3.connect(self.path, isolation_level=None)
            version = current_version(self._conn)
            if version > latest():
                self._conn.close()
                raise StoreError(
                    f"{self.path}: schema version {version} is newer than this kd-tracker knows ({latest()}); upgrade kd-tracker"
                )
            applied = migrate(self._conn)
        if applied:
            log.debug("%s: applied schema migrations %s", self.path, applied)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            raise StoreError(
                f"{self.path}: cannot {action} the paper store ({e}); check that it is a kd-tracker store and writable"
            ) from e

    @contextmanager
    def transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; a sqlite error is a StoreError saying it could not ``action`` the store."""
        with self._errors(action):
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read-only ``sql`` (for the modules that own the store's other tables)."""
        with self._errors("read"):
            return self._conn.execute(sql, params).fetchall()

    def vacuum(self) -> None:
        """Rebuild the file without its free pages (``VACUUM``; needs as much free disk again as the file)."""
        with self._errors("vacuum"):
            self._conn.execute("VACUUM")

    @property
    def schema_version(self) -> int:
        with self._errors("read"):
            return current_version(self._conn)

    # papers

    def upsert_papers(self, papers: Iterable[Paper], *, seen: date) -> UpsertCounts:
        """Insert or merge ``papers`` in one transaction; ``seen`` is the first-seen date of new ones."""
        seen_text = seen.isoformat()
        incoming: dict[str, Paper] = {}
        for paper in papers:
            kept = incoming.get(paper.arxiv_id)
            incoming[paper.arxiv_id] = paper if kept is None else merge(kept, paper)
        new = updated = unchanged = 0
        with self.transaction("write to"):
            ids = list(incoming)
            rows: list[tuple[Any, ...]] = []
            touched: list[tuple[str, str]] = []
            for start in range(0, len(ids), _BATCH):
                existing = self._get_many(ids[start : start + _BATCH])
                for arxiv_id in ids[start : start + _BATCH]:
                    paper = incoming[arxiv_id]
                    old = existing.get(arxiv_id)
                    if old is None:
                        stored = annotate(dataclasses.replace(paper, first_seen=paper.first_seen or seen_text))
                        new += 1
                    else:
                        stored = merge(old, paper)
                        if stored == old:
                            unchanged += 1
                            touched.append((seen_text, arxiv_id))
                            continue
                        updated += 1
                    rows.append(_to_row(stored, seen_text))
            placeholders = ", ".join("?" for _ in range(len(_COLUMNS) + 2))
            self._conn.executemany(
                f"INSERT OR REPLACE INTO papers ({', '.join(_COLUMNS)}, last_seen, day) VALUES ({placeholders})", rows
            )
            self._conn.executemany("UPDATE papers SET last_seen = ? WHERE arxiv_id = ?", touched)
        log.debug("%s: upserted %d new, %d updated, %d unchanged papers", self.path, new, updated, unchanged)
        return UpsertCounts(new, updated, unchanged)

    def papers(self, since: date | None = None, until: date | None = None) -> list[Paper]:
        """Papers whose :attr:`Paper.day` is in ``[since, until]`` (either open), by day then id."""
        where, args = _day_range(since, until)
        with self._errors("read"):
            cursor = self._conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM papers{where} ORDER BY day, arxiv_id", args)
            return [_from_row(row) for row in cursor]

    def ids_and_days(self, before: date | None = None, *, with_abstract: bool = True) -> list[tuple[str, str]]:
        """``(arxiv_id, day)`` of the stored papers with a day dated before ``before`` (all if None), by day then id; with
        ``with_abstract``, only those that still have their abstract (not pruned). Reads no text: the training
        sample (:func:`tracker.week_sample.stratified_sample`) is drawn from these."""
        clauses, args = ["day != ''"], []
        if before is not None:
            clauses.append("day < ?")
            args.append(before.isoformat())
        if with_abstract:
            clauses.append("abstract != ''")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        with self._errors("read"):
            cursor = self._conn.execute(f"SELECT arxiv_id, day FROM papers{where} ORDER BY day, arxiv_id", args)
            return [(str(pid), str(day)) for pid, day in cursor]

    def ids_and_titles(self) -> list[tuple[str, str]]:
        """``(arxiv_id, title)`` of every stored paper, by id; reads no abstract (matching list rows by title)."""
        with self._errors("read"):
            return [(str(pid), str(title)) for pid, title in
                    self._conn.execute("SELECT arxiv_id, title FROM papers ORDER BY arxiv_id")]

    def count_before(self, before: date | None = None) -> int:
        """Stored papers with a day before ``before`` (all with a day if None), pruned ones too (the day index)."""
        where, args = ("WHERE day != '' AND day < ?", [before.isoformat()]) if before else ("WHERE day != ''", [])
        with self._errors("read"):
            return int(self._conn.execute(f"SELECT COUNT(*) FROM papers {where}", args).fetchone()[0])

    def ids_and_titles_with(self, groups: Iterable[Iterable[str]]) -> list[tuple[str, str]]:
        """:meth:`ids_and_titles` of the papers whose title contains every word of one of ``groups`` (ASCII letters
        and digits, any case): a cheap first sieve for a title match, done by SQLite instead of reading every title."""
        groups = sorted({tuple(sorted(set(g))) for g in groups})
        words = [w for g in groups for w in g]
        if not groups or not all(groups) or not all(w.isascii() and w.isalnum() for w in words):
            raise ValueError(f"title words must be non-empty groups of ASCII letters and digits, got {groups[:3]}")
        found: dict[str, str] = {}
        with self._errors("read"):
            for start in range(0, len(groups), _TITLE_GROUPS):  # SQLite caps an expression's depth at 1000
                chunk = groups[start : start + _TITLE_GROUPS]
                where = " OR ".join("(" + " AND ".join("title LIKE ?" for _ in g) + ")" for g in chunk)
                found.update(self._conn.execute(f"SELECT arxiv_id, title FROM papers WHERE {where}",
                                                [f"%{w}%" for g in chunk for w in g]))
        return [(str(pid), str(found[pid])) for pid in sorted(found)]

    def get(self, arxiv_ids: Iterable[str]) -> dict[str, Paper]:
        """The stored papers among ``arxiv_ids`` (versionless), by id; unknown ids are absent."""
        ids = list(dict.fromkeys(arxiv_ids))
        found: dict[str, Paper] = {}
        with self._errors("read"):
            for start in range(0, len(ids), _BATCH):
                found.update(self._get_many(ids[start : start + _BATCH]))
        return found

    def _get_many(self, ids: list[str]) -> dict[str, Paper]:
        if not ids:
            return {}
        cursor = self._conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM papers WHERE arxiv_id IN ({', '.join('?' for _ in ids)})", ids
        )
        return {row[0]: _from_row(row) for row in cursor}

    def count(self) -> int:
        """Number of stored papers."""
        with self._errors("read"):
            return int(self._conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def day_counts(self, since: date | None = None, until: date | None = None) -> dict[str, dict[str, int]]:
        """Stored papers per day and primary category: ``{day: {primary_category: n}}``."""
        where, args = _day_range(since, until)
        counts: dict[str, dict[str, int]] = {}
        with self._errors("read"):
            cursor = self._conn.execute(
                f"SELECT day, primary_category, COUNT(*) FROM papers{where} GROUP BY day, primary_category", args
            )
            for day, category, n in cursor:
                counts.setdefault(day, {})[category] = int(n)
        return counts

    # fetch log

    def log_fetch(self, day: date | str, category: str, source: str, count: int) -> None:
        """Record that ``source`` saw ``count`` papers of ``category`` for ``day`` (replaces an earlier count)."""
        self.log_fetches(source, {(day, category): count})

    def log_fetches(self, source: str, counts: Mapping[tuple[date | str, str], int]) -> None:
        """:meth:`log_fetch` for every ``(day, category): count`` of ``counts``, in one transaction."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = [
            (day if isinstance(day, str) else day.isoformat(), category, source, int(count), now)
            for (day, category), count in counts.items()
        ]
        with self.transaction("write to"):
            self._conn.executemany(
                "INSERT OR REPLACE INTO fetch_log (day, category, source, count, fetched_at) VALUES (?, ?, ?, ?, ?)", rows
            )

    def fetch_log(self, since: date | None = None, until: date | None = None) -> list[FetchLogRow]:
        """Fetch-log rows for days in ``[since, until]``, by day, source, category."""
        where, args = _day_range(since, until)
        with self._errors("read"):
            cursor = self._conn.execute(
                f"SELECT day, category, source, count, fetched_at FROM fetch_log{where} ORDER BY day, source, category",
                args,
            )
            return [FetchLogRow(*row) for row in cursor]


def _day_range(since: date | None, until: date | None) -> tuple[str, list[str]]:
    clauses, args = [], []
    if since is not None:
        clauses.append("day >= ?")
        args.append(since.isoformat())
    if until is not None:
        clauses.append("day <= ?")
        args.append(until.isoformat())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _to_row(paper: Paper, seen: str) -> tuple[Any, ...]:
    values = []
    for name in _COLUMNS:
        value = getattr(paper, name)
        values.append(json.dumps(list(value), ensure_ascii=False) if name in _JSON_COLUMNS else value)
    return (*values, seen, paper.day)


def _from_row(row: tuple[Any, ...]) -> Paper:
    values = {name: (tuple(json.loads(value)) if name in _JSON_COLUMNS else value) for name, value in zip(_COLUMNS, row, strict=True)}
    return Paper(**values)
