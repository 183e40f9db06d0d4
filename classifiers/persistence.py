"""Model files: the only module that reads or writes them.

A model folder holds ``model.joblib`` (the fitted pipelines) and ``model.json``
(metadata: when, from which list, on how many papers, with which library
versions, the sha256 of ``model.joblib``, and evaluation figures). Reading checks the
versions first and asks for a retrain when they do not match, then checks the
joblib file's sha256 against the recorded one before unpickling anything.
:mod:`classifiers.training` turns what is read into a model (``load_model``).
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import warnings
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.exceptions import InconsistentVersionWarning

from tracker import __version__
from tracker.errors import ModelError, ModelVersionError

MODEL_FORMAT = 5
"""Bumped whenever the saved layout or the pipelines' classes change incompatibly (5: ``model_sha256`` recorded)."""
MODEL_FILE = "model.joblib"
META_FILE = "model.json"


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
    """Whether ``directory`` holds a saved model's two files (it may still be unusable: :func:`read_model` says)."""
    directory = Path(directory)
    return (directory / META_FILE).is_file() and (directory / MODEL_FILE).is_file()


def write_model(directory: str | Path, relevance: Any, sections: Any, metadata: dict[str, Any]) -> Path:
    """Write the fitted models to ``model.joblib`` and ``metadata`` to ``model.json`` in ``directory`` (created
    if needed); ``metadata`` gets the model's ``version`` and the joblib file's sha256 first. Returns ``directory``."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        joblib.dump({"relevance": relevance, "sections": sections}, path, compress=3)
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        created = str(metadata.get("created_at", ""))[:10].replace("-", "")
        metadata["version"] = f"{created}-{sha256[:8]}"
        metadata["model_sha256_8"] = sha256[:8]
        metadata["model_sha256"] = sha256  # read_model checks it before unpickling anything
        _write_metadata(directory / META_FILE, metadata)
    except OSError as e:
        raise ModelError(f"{directory}: cannot write the model ({e.strerror or e}); check the folder is writable") from e
    return directory


def read_model(directory: str | Path) -> tuple[Any, Any, dict[str, Any]]:
    """The relevance model, section model and metadata of a saved model; :class:`ModelError` if it is missing,
    unreadable or made by incompatible versions."""
    directory = Path(directory)
    meta_path = directory / META_FILE
    if not has_model(directory):
        raise ModelError(f"no model in {directory} ({META_FILE} and {MODEL_FILE} expected); train one with `kd-tracker train`")
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
    data = _checked_model_bytes(directory / MODEL_FILE, metadata.get("model_sha256"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=InconsistentVersionWarning)
            blob = joblib.load(io.BytesIO(data))  # the bytes just checked, not the file again
        return blob["relevance"], blob["sections"], metadata
    except Exception as e:  # a pickle can fail in many ways; all mean "retrain"
        raise ModelError(f"{directory / MODEL_FILE}: cannot load the model ({_one_line(e)}); retrain with `kd-tracker train`") from e


def write_evaluation(directory: str | Path, evaluation: dict[str, Any]) -> Path:
    """Store ``evaluation`` under ``evaluation`` in the model's ``model.json`` (``model.joblib`` and the version
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


def _checked_model_bytes(path: Path, recorded: Any) -> bytes:
    """The bytes of ``path`` (``model.joblib``) if their sha256 is the one ``model.json`` records.

    Unpickling runs code, so nothing is unpickled before this check: a joblib file swapped or altered in a
    shared cache, or a model.json that records no hash, is a :class:`ModelError` and the file is never loaded.
    """
    meta_path = path.with_name(META_FILE)
    if not isinstance(recorded, str) or not recorded:
        raise ModelError(f"{meta_path}: records no 'model_sha256' of {MODEL_FILE}, so {path} is not loaded "
                         "(unpickling runs code); retrain with `kd-tracker train`")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ModelError(f"{path}: cannot read the model ({e.strerror or e}); retrain with `kd-tracker train`") from e
    actual = hashlib.sha256(data).hexdigest()
    if actual != recorded:
        raise ModelError(f"{path}: sha256 {actual[:12]}... is not the {recorded[:12]}... that {meta_path.name} "
                         "records ('model_sha256'); refusing to load a changed model file (unpickling runs code); "
                         "retrain with `kd-tracker train`")
    return data
