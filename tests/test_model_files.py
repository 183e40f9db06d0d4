"""model.pkl + model.npz: large arrays and vocabularies leave the pickle and come back exactly."""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from classifiers import model_files
from classifiers.model_files import dump_model, load_model_bytes


class Holder:
    """A small object that holds what an estimator holds."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)


def test_large_arrays_and_vocabularies_go_to_the_npz_and_come_back_exactly():
    rng = np.random.default_rng(0)
    coef = rng.normal(size=5000)
    vocabulary = {f"term {i:05d}": int(c) for i, c in enumerate(rng.permutation(3000))}
    vocabulary["naïve café"] = 3000
    matrix = sp.random(200, 300, density=0.05, format="csr", dtype=np.float32, random_state=0)
    obj = {
        "model": Holder(coef_=coef, same=coef, idf_=coef.astype(np.float32), vocabulary_=vocabulary, small=np.ones(3),
                        names=np.asarray(["a", "b"] * 200, dtype=object), matrix=matrix, params={"C": 1.0}),
        "other": None,
    }
    skeleton, arrays = dump_model(obj)
    assert len(skeleton) < 4000  # no large array and no vocabulary left in the pickle
    with np.load(io.BytesIO(arrays), allow_pickle=False) as npz:
        stored = {key: npz[key] for key in npz.files}
    assert len(stored) == 5  # coef (once, shared), idf, vocabulary, the matrix's data and indices (indptr is small)
    back = load_model_bytes(skeleton, arrays)["model"]
    assert back.coef_.dtype == np.float64 and np.array_equal(back.coef_, coef)
    assert back.same is back.coef_  # an array held twice is stored once and shared again
    assert back.idf_.dtype == np.float32 and np.array_equal(back.idf_, coef.astype(np.float32))
    assert back.vocabulary_ == vocabulary
    assert np.array_equal(back.small, np.ones(3)) and list(back.names) == ["a", "b"] * 200
    assert (back.matrix != matrix).nnz == 0 and back.matrix.dtype == np.float32
    assert back.params == {"C": 1.0}


def test_the_same_object_gives_the_same_bytes():
    obj = {"w": np.arange(10000, dtype=np.float64), "v": {f"t{i}": i for i in range(500)}}
    assert dump_model(obj) == dump_model(obj)
    with zipfile.ZipFile(io.BytesIO(dump_model(obj)[1])) as zf:
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("vocabulary", [
    {f"t{i}": i + 1 for i in range(400)},  # columns not 0 .. n - 1
    {f"t{i}": i % 300 for i in range(400)},  # columns repeated
    {**{f"t{i}": i for i in range(399)}, "a\nb": 399},  # a term holding the separator
    {f"t{i}": float(i) for i in range(400)},  # not columns
])
def test_dicts_that_are_no_vocabulary_stay_in_the_pickle(vocabulary):
    skeleton, arrays = dump_model({"v": vocabulary})
    assert load_model_bytes(skeleton, arrays)["v"] == vocabulary
    with np.load(io.BytesIO(arrays), allow_pickle=False) as npz:
        assert npz.files == []


def test_small_vocabularies_and_arrays_stay_in_the_pickle(monkeypatch: pytest.MonkeyPatch):
    obj = {"v": {f"t{i}": i for i in range(10)}, "a": np.arange(10)}
    with np.load(io.BytesIO(dump_model(obj)[1]), allow_pickle=False) as npz:
        assert npz.files == []
    monkeypatch.setattr(model_files, "VOCABULARY_MIN_TERMS", 5)
    monkeypatch.setattr(model_files, "ARRAY_MIN_BYTES", 8)
    skeleton, arrays = dump_model(obj)
    with np.load(io.BytesIO(arrays), allow_pickle=False) as npz:
        assert sorted(npz.files) == ["a0", "a1"]
    back = load_model_bytes(skeleton, arrays)
    assert back["v"] == obj["v"] and np.array_equal(back["a"], obj["a"])


def test_an_unknown_persistent_id_is_an_unpickling_error():
    class Odd(pickle.Pickler):
        def persistent_id(self, obj):
            return ("other", "x") if obj == "marker" else None

    buffer = io.BytesIO()
    Odd(buffer).dump(["marker"])
    with pytest.raises(pickle.UnpicklingError, match="unknown persistent id kind 'other'"):
        load_model_bytes(buffer.getvalue(), dump_model({})[1])
