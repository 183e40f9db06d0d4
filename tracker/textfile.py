"""Reading a user's text file: UTF-8 or a one-line error naming the file and the line of the first bad byte;
the strict rules of a JSON Lines record (one flat object, no key twice, no unknown key)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

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


class _RepeatedKey(Exception):
    """A JSON object sets one key twice (``json`` would silently keep the last)."""


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise _RepeatedKey(key)
        obj[key] = value
    return obj


def json_object_line(line: str, where: str, error: type[TrackerError], what: str) -> dict[str, Any]:
    """One line of a JSON Lines file as a flat JSON object, or ``error`` naming ``where`` (``file:line``).

    Refused: invalid JSON, a key set twice, JSON nested too deeply, anything but an object. ``what`` names one
    line's record in the message ("a proposal", "a label").
    """
    try:
        obj = json.loads(line, object_pairs_hook=_object_pairs)
    except json.JSONDecodeError as e:
        raise error(f"{where}: invalid JSON ({e.msg} at column {e.colno}); write one JSON object per line") from e
    except _RepeatedKey as e:
        raise error(f"{where}: key {e.args[0]!r} is set twice; keep one") from e
    except RecursionError as e:
        raise error(f"{where}: the JSON is nested too deeply; {what} is one flat object") from e
    except ValueError as e:  # an integer of thousands of digits
        raise error(f"{where}: invalid JSON ({e}); write one JSON object per line") from e
    if not isinstance(obj, dict):
        raise error(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return obj


def refuse_unknown_keys(obj: dict[str, Any], keys: tuple[str, ...], where: str, error: type[TrackerError],
                        what: str) -> None:
    """``error`` naming the first key of ``obj`` not in ``keys`` (with the closest known key, if any)."""
    unknown = [key for key in obj if key not in keys]
    if unknown:
        close = difflib.get_close_matches(unknown[0], keys, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; {what} has {', '.join(keys)}"
        raise error(f"{where}: unknown key {unknown[0]!r}{hint}")


def shown(value: Any) -> str:
    """``repr(value)`` cut to 80 characters: one line whatever it holds (repr escapes line breaks and controls)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
