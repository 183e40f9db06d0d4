"""What the refresh of listed rows keeps between runs: the day of the last arXiv look-up, the updates declined.

Kept in the ``learn_state`` table (no schema change): ``refresh:last`` holds the
day (``YYYY-MM-DD``); each declined update is one key
``refresh:declined:<arxiv id>:<field>`` whose value is JSON (the value
declined, the day, the PR). A lost store only costs one early look-up; the
declined updates are also carried in the PR metadata, which restores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date

from tracker.records import RowUpdate
from tracker.store.labels import LabelStore
from tracker.store.papers import Store

_LAST = "refresh:last"
_DECLINED = "refresh:declined:"


class RefreshState:
    """The refresh's memory in the store's SQLite file."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def last_refresh(self) -> date | None:
        """The day the list's papers were last looked up (None: never, or the store was lost)."""
        value = LabelStore(self.store).state(_LAST)
        try:
            return date.fromisoformat(value) if value is not None else None
        except ValueError:
            return None

    def set_last_refresh(self, day: date) -> None:
        LabelStore(self.store).set_state(_LAST, day.isoformat())

    def declined(self) -> dict[tuple[str, str], RowUpdate]:
        """Every declined update, by ``(arxiv_id, field)`` (:attr:`RowUpdate.new`: the value declined)."""
        rows = self.store.query("SELECT key, value FROM learn_state WHERE key LIKE ?", (_DECLINED + "%",))
        found = {}
        for key, value in rows:
            arxiv_id, _, field = str(key)[len(_DECLINED):].rpartition(":")
            try:
                data = json.loads(value)
            except ValueError:
                data = {}
            found[arxiv_id, field] = RowUpdate(arxiv_id, field, str(data.get("old") or ""),
                                               str(data.get("value") or ""), str(data.get("title") or ""))
        return found

    def decline(self, declined: Iterable[RowUpdate], *, day: str = "", ref: str = "") -> int:
        """Record declined updates (the first record of a field of a paper stays); returns how many were new.

        ``day`` and ``ref`` (the PR it was unticked in) are kept with each, for people reading the store.
        """
        rows = [(f"{_DECLINED}{d.arxiv_id}:{d.field}",
                 json.dumps({"old": d.old, "value": d.new, "title": d.title, "date": day, "ref": ref}))
                for d in declined]
        with self.store.transaction("write to") as conn:
            before = conn.total_changes
            conn.executemany("INSERT OR IGNORE INTO learn_state (key, value) VALUES (?, ?)", rows)
            return conn.total_changes - before
