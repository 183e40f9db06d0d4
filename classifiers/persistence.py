"""Model files: the only module that reads or writes them.

A model folder holds ``model.json`` (metadata: when, from which list, on how
many papers, with which library versions, the sha256 of the two model files,
and evaluation figures) and the fitted pipelines in two files
(:mod:`classifiers.model_files`): ``model.npz``, every large numpy array (the
TF-IDF vocabularies as one string each, IDF, coefficients, the section model's
arrays; loaded with ``allow_pickle=False``), and ``model.pkl``, a small pickle of
the estimators without those arrays. Reading checks the format and versions
first and asks for a retrain when they do not match (a folder of an older
format, ``model.joblib``, is such a model), then checks both files' sha256
against the recorded ones before unpickling anything.
:mod:`classifiers.training` turns what is read into a model (``load_model``).
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn

from classifiers.model_files import dump_model, load_model_bytes
from tracker import __version__
from tracker.errors import ModelError, ModelVersionError

MODEL_FORMAT = 6
"""Bumped whenever the saved layout or the pipelines' classes change incompatibly (5: ``model_sha256`` recorded;
6: ``model.pkl`` + ``model.npz`` instead of ``model.joblib``, ``arrays_sha256`` recorded)."""
MODEL_FILE = "model.pkl"
"""The estimators without their large arrays (a pickle: checked before it is loaded)."""
ARRAYS_FILE = "model.npz"
"""The large arrays, loaded without pickles."""
META_FILE = "model.json"
LEGACY_FILES = ("model.joblib",)
"""Model files of older formats: removed when a model is saved into their folder."""


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def library_versions() -> dict[str, str]:
    return {
        "kd_tracker": __version__,
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "python": platform.python_version(),
    }


def has_model(directory: str | Path) -> bool:
    """Whether ``directory`` holds a saved model's metadata (it may still be unusable, e.g. of an older format:
    :func:`read_model` says)."""
    return (Path(directory) / META_FILE).is_file()


def write_model(directory: str | Path, relevance: Any, sections: Any, metadata: dict[str, Any]) -> Path:
    """Write the fitted models to ``model.pkl`` and ``model.npz`` and ``metadata`` to ``model.json`` in
    ``directory`` (created if needed); ``metadata`` gets the model's ``version`` and both files' sha256 first.
    Returns ``directory``."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        skeleton, arrays = dump_model({"relevance": relevance, "sections": sections})
        (directory / MODEL_FILE).write_bytes(skeleton)
        (directory / ARRAYS_FILE).write_bytes(arrays)
        for name in LEGACY_FILES:
            (directory / name).unlink(missing_ok=True)
        model_sha, arrays_sha = hashlib.sha256(skeleton).hexdigest(), hashlib.sha256(arrays).hexdigest()
        both = hashlib.sha256(f"{model_sha} {arrays_sha}".encode()).hexdigest()
        created = str(metadata.get("created_at", ""))[:10].replace("-", "")
        metadata["version"] = f"{created}-{both[:8]}"
        metadata["model_sha256_8"] = both[:8]
        metadata["model_sha256"] = model_sha  # read_model checks both before unpickling anything
        metadata["arrays_sha256"] = arrays_sha
        _write_metadata(directory / META_FILE, metadata)
    except OSError as e:
        raise ModelError(f"{directory}: cannot write the model ({e.strerror or e}); check the folder is writable") from e
    return directory


def read_model(directory: str | Path) -> tuple[Any, Any, dict[str, Any]]:
    """The relevance model, section model and metadata of a saved model; :class:`ModelError` if it is missing,
    unreadable or made by incompatible versions (:class:`ModelVersionError`)."""
    directory = Path(directory)
    meta_path = directory / META_FILE
    if not has_model(directory):
        raise ModelError(f"no model in {directory} ({META_FILE}, {MODEL_FILE} and {ARRAYS_FILE} expected); "
                         "train one with `kd-tracker train`")
    metadata = _read_metadata(meta_path)
    versions = metadata.get("versions") if isinstance(metadata.get("versions"), dict) else {}
    made_by = f"kd-tracker {versions.get('kd_tracker', '?')} / scikit-learn {versions.get('scikit_learn', '?')}"
    if metadata.get("format") != MODEL_FORMAT or _minor(str(versions.get("scikit_learn", ""))) != _minor(sklearn.__version__):
        raise ModelVersionError(
            f"model in {directory} was made by {made_by} (model format {metadata.get('format')}), this is "
            f"kd-tracker {__version__} / scikit-learn {sklearn.__version__} (format {MODEL_FORMAT}); retrain with `kd-tracker train`",
            made_by=f"{made_by} (format {metadata.get('format')})",
            running=f"kd-tracker {__version__} / scikit-learn {sklearn.__version__} (format {MODEL_FORMAT})",
        )
    for name in (MODEL_FILE, ARRAYS_FILE):
        if not (directory / name).is_file():
            raise ModelError(f"no model in {directory} ({META_FILE}, {MODEL_FILE} and {ARRAYS_FILE} expected, "
                             f"{name} is missing); retrain with `kd-tracker train`")
    skeleton = _checked_model_bytes(directory / MODEL_FILE, metadata.get("model_sha256"), "model_sha256")
    arrays = _checked_model_bytes(directory / ARRAYS_FILE, metadata.get("arrays_sha256"), "arrays_sha256")
    try:
        blob = load_model_bytes(skeleton, arrays)  # the bytes just checked, not the files again
        return blob["relevance"], blob["sections"], metadata
    except Exception as e:  # a pickle can fail in many ways; all mean "retrain"
        raise ModelError(f"{directory / MODEL_FILE}: cannot load the model ({_one_line(e)}); retrain with `kd-tracker train`") from e


def write_evaluation(directory: str | Path, evaluation: dict[str, Any]) -> Path:
    """Store ``evaluation`` under ``evaluation`` in the model's ``model.json`` (the model files and the version
    stay); returns the path of ``model.json``."""
    meta_path = Path(directory) / META_FILE
    if not meta_path.is_file():
        raise ModelError(f"no model in {directory} ({META_FILE} expected); train one with `kd-tracker train`")
    metadata = _read_metadata(meta_path)
    metadata["evaluation"] = evaluation
    try:
        _write_metadata(meta_path, metadata)
    except OSError as e:
        raise ModelError(f"{meta_path}: cannot write the model metadata ({e.strerror or e}); check the folder is writable") from e
    return meta_path


def _read_metadata(meta_path: Path) -> dict[str, Any]:
    """The metadata in ``meta_path`` (``model.json``); :class:`ModelError` if it cannot be read or is not an object."""
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as e:  # ValueError: not UTF-8, not JSON
        raise ModelError(f"{meta_path}: unreadable model metadata ({_one_line(e)}); retrain with `kd-tracker train`") from e
    if not isinstance(metadata, dict):
        raise ModelError(f"{meta_path}: the model metadata must be a JSON object, got {type(metadata).__name__}; "
                         "retrain with `kd-tracker train`")
    return metadata


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


def _write_metadata(meta_path: Path, metadata: dict[str, Any]) -> None:
    """Write ``model.json`` (indented, sorted keys); the caller turns an ``OSError`` into its message."""
    meta_path.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _checked_model_bytes(path: Path, recorded: Any, key: str) -> bytes:
    """The bytes of ``path`` (``model.pkl`` or ``model.npz``) if their sha256 is the one ``model.json`` records
    under ``key``.

    Unpickling runs code, so nothing is loaded before both files pass this check: a model file swapped or altered
    in a shared cache, or a model.json that records no hash, is a :class:`ModelError` and nothing is loaded.
    """
    meta_path = path.with_name(META_FILE)
    if not isinstance(recorded, str) or not recorded:
        raise ModelError(f"{meta_path}: records no '{key}' of {path.name}, so {path.parent} is not loaded "
                         "(unpickling runs code); retrain with `kd-tracker train`")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelError(f"{path}: cannot read the model ({e.strerror or e}); retrain with `kd-tracker train`") from e
    actual = hashlib.sha256(data).hexdigest()
    if actual != recorded:
        raise ModelError(f"{path}: sha256 {actual[:12]}... is not the {recorded[:12]}... that {meta_path.name} "
                         f"records ('{key}'); refusing to load a changed model file (unpickling runs code); "
                         "retrain with `kd-tracker train`")
    return data
