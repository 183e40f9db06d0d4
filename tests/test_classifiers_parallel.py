"""Scoring a large batch in forked workers gives what scoring in one process gives."""

from __future__ import annotations

import pytest

from classifiers import training
from tests.test_classifiers_training import corpus, model  # noqa: F401 - fixtures


def test_forked_scoring_equals_serial_scoring(model, corpus, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    papers = corpus[0] * 3
    serial = model.score(papers)
    monkeypatch.setattr(training, "PARALLEL_MIN", 10)
    monkeypatch.setattr(training.os, "cpu_count", lambda: 2)
    forked = model.score(papers)
    assert [p.paper for p in forked] == [p.paper for p in serial]
    for a, b in zip(forked, serial, strict=True):
        assert a.score == pytest.approx(b.score, abs=1e-9)
        assert a.terms == b.terms
        assert [s.section for s in a.sections] == [s.section for s in b.sections]
        assert [s.score for s in a.sections] == pytest.approx([s.score for s in b.sections], abs=1e-5)
    assert training._FORKED is None


def test_small_batches_stay_in_process(model, corpus, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    monkeypatch.setattr(training.multiprocessing, "get_context", lambda *_: pytest.fail("forked a small batch"))
    assert len(model.score(corpus[0])) == len(corpus[0])
