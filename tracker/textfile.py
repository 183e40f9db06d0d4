"""Reading a user's text file: UTF-8 or a one-line error naming the file and the line of the first bad byte."""

from __future__ import annotations

from pathlib import Path

from tracker.errors import TrackerError


def read_utf8(path: str | Path, what: str, error: type[TrackerError]) -> str:
    """The text of ``path``, described to the user as ``what`` ("config file", "proposals file", "list").

    The bytes are kept as they are (CRLF included). A file that cannot be read or
    is not UTF-8 raises ``error`` with one line: ``PATH: cannot read the … (…)`` or
    ``PATH:LINE: byte 0x.. is not UTF-8; save the … as UTF-8``.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise error(f"{path}: cannot read the {what} ({e.strerror or e})") from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise error(f"{path}:{line}: byte 0x{data[e.start]:02x} is not UTF-8; save the {what} as UTF-8") from e
