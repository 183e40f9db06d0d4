"""One run at a time: an exclusive lock file beside the store."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.errors import TrackerError


@contextmanager
def run_lock(store_path: str | Path) -> Iterator[Path]:
    """Hold ``<store>.lock`` for the duration; a second run fails at once with a clear error."""
    path = Path(f"{store_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise TrackerError(f"another kd-tracker run holds {path}; wait for it to finish") from e
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield path
    finally:
        handle.close()
