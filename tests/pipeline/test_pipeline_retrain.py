"""A run whose saved model was made by other library versions retrains, and says so in one log line."""

from __future__ import annotations

import json

import sklearn

from classifiers.persistence import MODEL_FORMAT
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import run
from tracker import __version__

pytestmark = requires_shared


def test_a_model_of_another_scikit_learn_is_retrained_with_one_line_naming_both_versions(setup, model_dir, tmp_path):
    first = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "one"))
    assert first.exit_code in (0, 2), first.output
    assert f"no model in {model_dir} yet: training one" in first.stderr
    assert "(retrained)" in first.stdout
    meta_path = model_dir / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["versions"]["scikit_learn"] = "1.0.2"  # as a model saved before the constraints moved scikit-learn on
    meta_path.write_text(json.dumps(meta))

    second = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "two"))
    assert second.exit_code in (0, 2), second.output
    lines = [line for line in second.stderr.splitlines() if "retrain" in line or "kd-tracker train" in line]
    assert len(lines) == 1, second.stderr
    assert lines[0].endswith(
        f"retraining: the model in {model_dir} was made by kd-tracker {__version__} / scikit-learn 1.0.2 (format {MODEL_FORMAT}), "
        f"this run has kd-tracker {__version__} / scikit-learn {sklearn.__version__} (format {MODEL_FORMAT})")
    assert "(retrained)" in second.stdout
    assert json.loads(meta_path.read_text())["versions"]["scikit_learn"] == sklearn.__version__

    third = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "three"))
    assert "(unchanged)" in third.stdout and "retrain" not in third.stderr


def test_a_model_folder_of_the_joblib_format_is_retrained_and_left_in_the_new_one(setup, model_dir, tmp_path):
    first = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "one"))
    assert first.exit_code in (0, 2), first.output
    meta_path = model_dir / "model.json"
    meta = json.loads(meta_path.read_text())
    # what format 5 left: model.json (without arrays_sha256) beside one model.joblib
    for name in ("model.pkl", "model.npz"):
        (model_dir / name).unlink()
    (model_dir / "model.joblib").write_bytes(b"a format-5 pickle")
    del meta["arrays_sha256"]
    meta_path.write_text(json.dumps({**meta, "format": 5}))

    second = run(setup, "--as-of", "2024-03-18", "--dry-run", str(tmp_path / "two"))
    assert second.exit_code in (0, 2), second.output
    lines = [line for line in second.stderr.splitlines() if "retrain" in line or "kd-tracker train" in line]
    assert len(lines) == 1, second.stderr
    assert lines[0].endswith(
        f"retraining: the model in {model_dir} was made by kd-tracker {__version__} / scikit-learn {sklearn.__version__} "
        f"(format 5), this run has kd-tracker {__version__} / scikit-learn {sklearn.__version__} (format {MODEL_FORMAT})")
    assert "(retrained)" in second.stdout
    assert sorted(p.name for p in model_dir.iterdir()) == ["model.json", "model.npz", "model.pkl"]
    assert json.loads(meta_path.read_text())["format"] == MODEL_FORMAT
