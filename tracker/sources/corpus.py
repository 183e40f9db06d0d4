"""Corpus files: JSONL (optionally gzipped) in the format of ``../shared/data/arxiv_corpus.jsonl.gz``.

Every command that reads papers works on the store and on such a file alike.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from tracker.errors import StoreError
from tracker.records import Paper


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, mode, encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def read_corpus(path: str | Path) -> Iterator[Paper]:
    """Yield the papers of a corpus file; a bad line is a :class:`StoreError` naming file and line."""
    path = Path(path)
    try:
        handle = _open(path, "rt")
    except OSError as e:
        raise StoreError(f"{path}: cannot open the corpus file ({e.strerror or e})") from e
    with handle:
        lineno = 0
        try:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield Paper.from_corpus(json.loads(line))
                except (ValueError, KeyError, TypeError) as e:
                    raise StoreError(f"{path}:{lineno}: not a corpus record ({e}); expected a JSON object with 'id' and 'title'") from e
        except (OSError, EOFError) as e:
            raise StoreError(f"{path}:{lineno + 1}: the corpus file is truncated or not gzip ({e})") from e


def write_corpus(papers: Iterable[Paper], path: str | Path) -> int:
    """Write ``papers`` to ``path`` (gzipped when it ends in .gz); returns the count."""
    path = Path(path)
    n = 0
    with _open(path, "wt") as handle:
        for paper in papers:
            handle.write(json.dumps(paper.to_corpus(), ensure_ascii=False) + "\n")
            n += 1
    return n
