"""model.pkl is unpickled only when its sha256 and model.npz's are the ones model.json records; model.json must be an
object; a model folder of an older format asks for a retrain before anything is read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from click.testing import CliRunner

from classifiers.persistence import ARRAYS_FILE, META_FILE, MODEL_FILE, MODEL_FORMAT
from classifiers.training import load_model, record_evaluation, train
from tests.training_sample import make_papers, make_readme
from tracker.cli.main import cli
from tracker.config import ModelConfig
from tracker.errors import ModelError, ModelVersionError
from tracker.listdoc.document import ListDocument


class WritesMarker:
    """Unpickling this creates the file ``path``: the stand-in for code a tampered pickle runs."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


@pytest.fixture(scope="module")
def trained():
    papers, section_of = make_papers()
    rows = ListDocument.parse(make_readme(papers, section_of)).rows()
    return train(rows, papers, config=ModelConfig(min_section_papers=2), list_file="README.md", list_text="x")


@pytest.fixture
def folder(trained, tmp_path: Path) -> Path:
    return trained.save(tmp_path / "m")


def tamper(folder: Path, marker: Path) -> None:
    """Swap model.pkl for a pickle that writes ``marker`` when unpickled (model.json untouched)."""
    joblib.dump({"relevance": WritesMarker(marker), "sections": None}, folder / MODEL_FILE, compress=3)


def test_the_payload_does_run_when_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    tamper(tmp_path, marker)
    joblib.load(tmp_path / MODEL_FILE)
    assert marker.exists()  # so the tests below would see it if load_model unpickled first


def test_save_records_the_sha256_of_both_model_files(folder: Path) -> None:
    meta = json.loads((folder / META_FILE).read_text())
    assert meta["format"] == MODEL_FORMAT
    assert meta["model_sha256"] == hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    assert meta["arrays_sha256"] == hashlib.sha256((folder / ARRAYS_FILE).read_bytes()).hexdigest()
    both = hashlib.sha256(f"{meta['model_sha256']} {meta['arrays_sha256']}".encode()).hexdigest()
    assert meta["version"].endswith("-" + both[:8])
    assert load_model(folder).version == meta["version"]


def test_a_changed_npz_file_is_refused_before_anything_is_unpickled(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    recorded = json.loads((folder / META_FILE).read_text())["arrays_sha256"]
    with np.load(folder / ARRAYS_FILE) as npz:
        arrays = {key: npz[key] for key in npz.files}
    first = sorted(arrays)[0]
    arrays[first] = arrays[first] * 2  # other weights, same layout
    np.savez_compressed(folder / ARRAYS_FILE, **arrays)
    tamper(folder, marker)  # and model.pkl too: neither is loaded
    meta = json.loads((folder / META_FILE).read_text())
    meta["model_sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()  # as if re-recorded
    (folder / META_FILE).write_text(json.dumps(meta))
    actual = hashlib.sha256((folder / ARRAYS_FILE).read_bytes()).hexdigest()
    with pytest.raises(ModelError) as e:
        load_model(folder)
    assert str(e.value) == (
        f"{folder / ARRAYS_FILE}: sha256 {actual[:12]}... is not the {recorded[:12]}... that model.json records "
        "('arrays_sha256'); refusing to load a changed model file (unpickling runs code); retrain with `kd-tracker train`")
    assert not marker.exists()


def test_a_model_folder_of_the_joblib_format_asks_for_a_retrain(folder: Path, tmp_path: Path) -> None:
    meta = json.loads((folder / META_FILE).read_text())
    for name in (MODEL_FILE, ARRAYS_FILE):
        (folder / name).unlink()
    del meta["arrays_sha256"]
    (folder / META_FILE).write_text(json.dumps({**meta, "format": 5}))
    joblib.dump({"relevance": WritesMarker(tmp_path / "ran"), "sections": None}, folder / "model.joblib")
    with pytest.raises(ModelVersionError, match=rf"\(model format 5\), this is .* \(format {MODEL_FORMAT}\); retrain with "):
        load_model(folder)
    assert not (tmp_path / "ran").exists()


def test_a_missing_model_file_asks_for_a_retrain(folder: Path) -> None:
    (folder / ARRAYS_FILE).unlink()
    with pytest.raises(ModelError) as e:
        load_model(folder)
    assert str(e.value) == (f"no model in {folder} (model.json, model.pkl and model.npz expected, model.npz is missing); "
                            "retrain with `kd-tracker train`")


def test_saving_over_a_joblib_model_removes_its_file(trained, folder: Path) -> None:
    (folder / "model.joblib").write_bytes(b"old")
    trained.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == [META_FILE, ARRAYS_FILE, MODEL_FILE]


def test_a_changed_model_pkl_is_refused_before_it_is_unpickled(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    recorded = json.loads((folder / META_FILE).read_text())["model_sha256"]
    tamper(folder, marker)
    actual = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
    with pytest.raises(ModelError) as e:
        load_model(folder)
    assert str(e.value) == (
        f"{folder / MODEL_FILE}: sha256 {actual[:12]}... is not the {recorded[:12]}... that model.json records "
        "('model_sha256'); refusing to load a changed model file (unpickling runs code); retrain with `kd-tracker train`")
    assert not marker.exists()


def test_the_cli_refuses_a_changed_model_with_one_line(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    tamper(folder, marker)
    (tmp_path / "week.jsonl").write_text("")
    result = CliRunner().invoke(cli, ["score", "--model", str(folder), "--papers", str(tmp_path / "week.jsonl"),
                                      "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {folder / MODEL_FILE}: sha256 ") and result.stderr.count("\n") == 1
    assert not marker.exists()


@pytest.mark.parametrize("recorded", [None, "", 42])
@pytest.mark.parametrize(("key", "name"), [("model_sha256", MODEL_FILE), ("arrays_sha256", ARRAYS_FILE)])
def test_a_model_json_without_a_hash_is_refused_asking_to_retrain(folder: Path, tmp_path: Path, recorded, key,
                                                                   name) -> None:
    marker = tmp_path / "ran"
    meta = json.loads((folder / META_FILE).read_text())
    if recorded is None:
        del meta[key]
    else:
        meta[key] = recorded
    (folder / META_FILE).write_text(json.dumps(meta))
    tamper(folder, marker)
    if key == "arrays_sha256":  # model.pkl's own hash is right: the missing one alone stops the load
        meta["model_sha256"] = hashlib.sha256((folder / MODEL_FILE).read_bytes()).hexdigest()
        (folder / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError) as e:
        load_model(folder)
    assert str(e.value) == (f"{folder / META_FILE}: records no '{key}' of {name}, so {folder} "
                            "is not loaded (unpickling runs code); retrain with `kd-tracker train`")
    assert not marker.exists()


def test_a_model_of_the_format_before_the_hash_is_refused_by_its_format(folder: Path, tmp_path: Path) -> None:
    meta = json.loads((folder / META_FILE).read_text())
    del meta["model_sha256"]
    (folder / META_FILE).write_text(json.dumps({**meta, "format": 4}))
    tamper(folder, tmp_path / "ran")
    with pytest.raises(ModelError, match=rf"\(model format 4\), this is .* \(format {MODEL_FORMAT}\); retrain with "):
        load_model(folder)
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize(("text", "kind"), [("[1, 2]", "list"), ('"model"', "str"), ("null", "NoneType")])
def test_a_model_json_that_is_not_an_object_is_one_line(folder: Path, tmp_path: Path, text: str, kind: str) -> None:
    (folder / META_FILE).write_text(text)
    message = (f"{folder / META_FILE}: the model metadata must be a JSON object, got {kind}; "
               "retrain with `kd-tracker train`")
    with pytest.raises(ModelError) as e:
        load_model(folder)
    assert str(e.value) == message
    with pytest.raises(ModelError) as e:
        record_evaluation(folder, {})
    assert str(e.value) == message
    (tmp_path / "week.jsonl").write_text("")
    result = CliRunner().invoke(cli, ["score", "--model", str(folder), "--papers", str(tmp_path / "week.jsonl"),
                                      "--out", str(tmp_path / "o.jsonl")])
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")


def test_a_model_json_with_odd_versions_or_bytes_is_one_line(folder: Path) -> None:
    meta = json.loads((folder / META_FILE).read_text())
    (folder / META_FILE).write_text(json.dumps({**meta, "versions": ["x"]}))
    with pytest.raises(ModelError, match=r"was made by kd-tracker \? / scikit-learn \?"):
        load_model(folder)
    (folder / META_FILE).write_bytes(b'{"format": "\xe9"}')
    with pytest.raises(ModelError, match=r"model.json: unreadable model metadata \(UnicodeDecodeError: "):
        load_model(folder)
    (folder / META_FILE).write_text("[" * 100000)
    with pytest.raises(ModelError, match=r"model.json: unreadable model metadata \(RecursionError: "):
        load_model(folder)
