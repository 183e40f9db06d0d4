"""Fitted estimators as a small pickle plus their large arrays in an ``.npz`` file.

:func:`dump_model` pickles an object graph (the fitted pipelines) with every
large numpy array and every large vocabulary (a ``dict`` of term -> column)
taken out of it by ``persistent_id``: arrays go into the ``.npz`` as they are
(same dtype, same bits), a vocabulary as one UTF-8 string of its terms in
column order. What is left is a pickle of small objects (estimator classes,
parameters, small arrays). :func:`load_model_bytes` reads the arrays with
``allow_pickle=False`` and hands them back to the unpickler by key, turning a
vocabulary string back into its dict. The estimators are thus rebuilt by their
own classes (no scikit-learn internals re-implemented here), and a loaded model
computes exactly what the saved one did.

The pickle still runs code when loaded: :mod:`classifiers.persistence` checks
both files' sha256 first.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import Any

import numpy as np

ARRAY_MIN_BYTES = 1024
"""Arrays at least this large go into the ``.npz`` file; smaller ones stay in the pickle."""

VOCABULARY_MIN_TERMS = 256
"""Vocabularies (term -> column dicts) of at least this many terms go into the ``.npz`` file."""

TERM_SEPARATOR = "\n"
"""Joins a vocabulary's terms into one string (a word n-gram never holds it)."""

COMPRESS_LEVEL = 6
"""Deflate level of the ``.npz`` members (loading decompresses ~100 MB/s or more at any level)."""

_DATE = (1980, 1, 1, 0, 0, 0)
"""Timestamp of every ``.npz`` member, so the same model gives the same bytes (and the same version)."""


class _Pickler(pickle.Pickler):
    """Takes the large arrays and vocabularies out of the pickle, into ``arrays``."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays: dict[str, np.ndarray] = {}
        self._keys: dict[int, tuple[str, str]] = {}
        self._kept: list[Any] = []  # objects whose id() is a key above stay alive until the dump ends

    def persistent_id(self, obj: Any) -> tuple[str, str] | None:
        kind = _kind(obj)
        if kind is None:
            return None
        known = self._keys.get(id(obj))
        if known is not None:
            return known
        key = f"a{len(self.arrays)}"
        self.arrays[key] = _terms_array(obj) if kind == "vocabulary" else obj
        self._keys[id(obj)] = (kind, key)
        self._kept.append(obj)
        return kind, key


def _kind(obj: Any) -> str | None:
    """``"array"`` for a large numeric array, ``"vocabulary"`` for a large term -> column dict, else None."""
    if type(obj) is np.ndarray:
        return "array" if obj.nbytes >= ARRAY_MIN_BYTES and not obj.dtype.hasobject else None
    if type(obj) is dict and len(obj) >= VOCABULARY_MIN_TERMS and _is_vocabulary(obj):
        return "vocabulary"
    return None


def _is_vocabulary(obj: dict[Any, Any]) -> bool:
    """Whether ``obj`` maps strings (no :data:`TERM_SEPARATOR`) to integers that are the columns ``0 .. len - 1``."""
    if not all(type(k) is str for k in obj) or not all(isinstance(v, (int, np.integer)) for v in obj.values()):
        return False
    try:
        columns = np.fromiter(obj.values(), dtype=np.int64, count=len(obj))
    except (TypeError, ValueError, OverflowError):
        return False
    if columns.min() != 0 or columns.max() != len(obj) - 1 or len(np.unique(columns)) != len(obj):
        return False
    return not any(TERM_SEPARATOR in k for k in obj)


def _terms_array(vocabulary: dict[str, Any]) -> np.ndarray:
    """The terms of ``vocabulary`` in column order, joined by :data:`TERM_SEPARATOR`, as UTF-8 bytes."""
    terms = [""] * len(vocabulary)
    for term, column in vocabulary.items():
        terms[int(column)] = term
    return np.frombuffer(TERM_SEPARATOR.join(terms).encode("utf-8"), dtype=np.uint8)


def _vocabulary(data: np.ndarray) -> dict[str, int]:
    terms = data.tobytes().decode("utf-8").split(TERM_SEPARATOR)
    return dict(zip(terms, range(len(terms)), strict=True))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, arrays: Any) -> None:
        super().__init__(file)
        self.arrays = arrays

    def persistent_load(self, pid: Any) -> Any:
        kind, key = pid
        if kind == "array":
            return self.arrays[key]
        if kind == "vocabulary":
            return _vocabulary(self.arrays[key])
        raise pickle.UnpicklingError(f"unknown persistent id kind {kind!r}")


def dump_model(obj: Any) -> tuple[bytes, bytes]:
    """``obj`` as a pickle without its large arrays and vocabularies, and those as ``.npz`` bytes."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    pickler.dump(obj)
    return buffer.getvalue(), _npz_bytes(pickler.arrays)


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """What ``np.savez_compressed`` writes, with a fixed member timestamp (the same arrays give the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
    return out.getvalue()


def load_model_bytes(skeleton: bytes, arrays: bytes) -> Any:
    """The object :func:`dump_model` gave these bytes for (the arrays read without pickles)."""
    with np.load(io.BytesIO(arrays), allow_pickle=False) as npz:
        loaded = {key: npz[key] for key in npz.files}
    return _Unpickler(io.BytesIO(skeleton), loaded).load()
