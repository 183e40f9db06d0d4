"""Which rows of the store's ``papers`` table a command reads: every SQL statement run on a store file, traced with
sqlite3's own ``set_trace_callback`` (parameters expanded), then replayed and planned on a second connection."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

_CONNECT = sqlite3.connect
_READS_PAPERS = re.compile(r"^\s*SELECT\b.*\bFROM papers\b", re.IGNORECASE | re.DOTALL)


def trace_statements(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """A list that fills with every statement run on the store at ``path`` by connections opened from now on."""
    statements: list[str] = []

    def connect(database: str | Path, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = _CONNECT(database, *args, **kwargs)  # type: ignore[arg-type]
        if str(database) == str(path):
            conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    return statements


def paper_reads(statements: list[str]) -> list[str]:
    """The statements that read the ``papers`` table."""
    return [sql for sql in statements if _READS_PAPERS.match(sql)]


def whole_table_reads(path: Path, statements: list[str]) -> list[str]:
    """The statements that visit every row of ``papers`` (a ``SCAN`` of the table or a non-covering index; a scan of
    a covering index, ``COUNT(*)``, reads no text and is not one)."""
    found = []
    with closing(_CONNECT(path)) as conn:
        for sql in paper_reads(statements):
            plan = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
            if any(re.match(r"SCAN papers\b(?! USING COVERING INDEX)", step) for step in plan):
                found.append(sql)
    return found


def ids_read(path: Path, statements: list[str]) -> set[str]:
    """The ids of the papers the statements that select rows of ``papers`` (``SELECT arxiv_id, ...``) return, replayed
    on the store as it is now."""
    ids: set[str] = set()
    with closing(_CONNECT(path)) as conn:
        for sql in paper_reads(statements):
            if re.match(r"\s*SELECT\s+arxiv_id\b", sql, re.IGNORECASE):
                ids.update(str(row[0]) for row in conn.execute(sql))
    return ids
