"""One writer at a time: an exclusive lock file beside the store.

Every command that writes the store (``run``, ``schedule``'s runs, ``fetch``,
``papers import``, ``learn``) holds ``<store>.lock`` while it works, so one
never finds the SQLite file locked by another half-way (``database is
locked``). The file names the holder (pid and command) for the error the
others get.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tracker.errors import StoreError


def lock_path(store_path: str | Path) -> Path:
    """The lock file of the store at ``store_path``."""
    return Path(f"{store_path}.lock")


@contextmanager
def run_lock(store_path: str | Path, command: str = "run") -> Iterator[Path]:
    """Hold ``<store>.lock`` while ``command`` writes the store; when another command holds it, fail at once."""
    path = lock_path(store_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
    except OSError as e:
        raise StoreError(f"{path}: cannot open the store's lock file ({e.strerror or e}); check store.path") from e
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise StoreError(f"another kd-tracker {_holder(handle)} holds {path}; wait for it to finish") from e
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {command}\n")
        handle.flush()
        yield path
    finally:
        handle.close()


def _holder(handle: TextIO) -> str:
    """The command named in the lock file (``command`` when it names none: just created, or an older kd-tracker)."""
    try:
        handle.seek(0)
        _, _, command = handle.read().strip().partition(" ")
    except OSError:
        command = ""
    return command or "command"
