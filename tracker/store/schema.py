"""The SQLite store's schema, as numbered forward migrations.

Each migration is SQL run once, in order, inside one transaction, and recorded
in ``schema_version``. A later feature adds a table by appending a migration
(``(2, "CREATE TABLE runs (...)")``); never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE papers (
            arxiv_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL DEFAULT '',
            authors TEXT NOT NULL DEFAULT '[]',
            categories TEXT NOT NULL DEFAULT '[]',
            primary_category TEXT NOT NULL DEFAULT '',
            published TEXT NOT NULL DEFAULT '',
            updated TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            comment TEXT NOT NULL DEFAULT '',
            journal_ref TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            announced TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL DEFAULT '',
            last_seen TEXT NOT NULL DEFAULT '',
            code TEXT NOT NULL DEFAULT '[]',
            data TEXT NOT NULL DEFAULT '[]',
            venue TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX papers_day ON papers (day);
        CREATE TABLE fetch_log (
            day TEXT NOT NULL,
            category TEXT NOT NULL,
            source TEXT NOT NULL,
            count INTEGER NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (day, category, source)
        );
        """,
    ),
    (
        2,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            as_of TEXT NOT NULL,
            since TEXT NOT NULL,
            until TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'running',
            outcome TEXT NOT NULL DEFAULT '',
            pr_number INTEGER,
            pr_url TEXT NOT NULL DEFAULT '',
            papers_read INTEGER NOT NULL DEFAULT 0,
            proposals INTEGER NOT NULL DEFAULT 0,
            gaps TEXT NOT NULL DEFAULT '[]',
            model_version TEXT NOT NULL DEFAULT '',
            list_sha TEXT NOT NULL DEFAULT '',
            dry_run INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE run_scores (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            arxiv_id TEXT NOT NULL,
            score REAL NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            proposed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, arxiv_id)
        );
        CREATE INDEX run_scores_paper ON run_scores (arxiv_id);
        """,
    ),
    (
        3,
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            arxiv_id TEXT NOT NULL,
            label INTEGER NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            ref TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (arxiv_id, section, kind, source, ref)
        );
        CREATE INDEX labels_paper ON labels (arxiv_id);
        CREATE TABLE reviews (
            pr_number INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            closed_at TEXT NOT NULL DEFAULT '',
            as_of TEXT NOT NULL DEFAULT '',
            model_version TEXT NOT NULL DEFAULT '',
            proposed INTEGER NOT NULL DEFAULT 0,
            kept INTEGER NOT NULL DEFAULT 0,
            moved INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            scores TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE learn_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    (
        4,
        # First day a run scored (the first run fetches a backfill but scores only its last window);
        # '' on runs recorded before: unknown (see tracker.weekly.pipeline.pending_since).
        """
        ALTER TABLE runs ADD COLUMN score_since TEXT NOT NULL DEFAULT ''
        """,
    ),
]
"""``(version, sql)`` pairs, in increasing version order."""



def latest() -> int:
    """The schema version this code writes."""
    return MIGRATIONS[-1][0]


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of an open database (0 for a new, empty file)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration newer than the database; returns the versions applied."""
    applied = []
    version = current_version(conn)
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        conn.execute("BEGIN")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (number, datetime.now(timezone.utc).isoformat(timespec="seconds")),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(number)
    return applied
