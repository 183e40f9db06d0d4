"""Scoring a large batch in forked workers gives what scoring in one process gives."""

from __future__ import annotations

import gc

import pytest

from classifiers import training
from classifiers.vectorizer import FastTfidfVectorizer


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


def test_scoring_pauses_the_collector_and_restores_it(model, corpus, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    seen = []
    score_slice = training.TrainedModel._score_slice

    def spy(self, papers):
        seen.append(gc.isenabled())
        return score_slice(self, papers)

    monkeypatch.setattr(training.TrainedModel, "_score_slice", spy)
    serial = model.score(corpus[0][:3])
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        assert model.score(corpus[0][:3]) == serial
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_scoring_restores_the_collector_after_an_error(model, corpus, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    def broken(self, papers):
        raise RuntimeError("boom")

    monkeypatch.setattr(training.TrainedModel, "_score_slice", broken)
    with pytest.raises(RuntimeError, match="boom"):
        model.score(corpus[0][:3])
    assert gc.isenabled()


def test_forked_workers_share_the_tables_built_before_forking(model, corpus, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    vectorizers = [step for step in training._steps(model.relevance) if isinstance(step, FastTfidfVectorizer)]
    assert len(vectorizers) == 2
    for step in vectorizers:
        step.__dict__.pop("_token_table", None)
    serial = model.score(corpus[0][:3])
    assert all(step._kept_table() is None for step in vectorizers)  # too few papers to pay for the tables
    monkeypatch.setattr(training, "PARALLEL_MIN", 2)
    monkeypatch.setattr(training.os, "cpu_count", lambda: 2)
    assert model.score(corpus[0][:3]) == serial
    assert all(step._kept_table() is not None for step in vectorizers)


def test_scored_papers_from_slice_arrays(model, corpus):  # noqa: F811
    papers = corpus[0][:4]
    scores = model._score_slice(papers)
    assert scores.proba.shape == (4,) and scores.sections.shape == scores.section_scores.shape == (4, 2)
    assert scores.terms.shape == (4, 5) and scores.terms.dtype.kind == "i"
    scored = model._scored_papers(papers, scores)
    names = list(model.sections.classes_)
    for i, s in enumerate(scored):
        assert s.paper is papers[i] and s.score == scores.proba[i]
        assert [x.section for x in s.sections] == [names[j] for j in scores.sections[i]]
        assert [x.score for x in s.sections] == [round(v, 6) for v in scores.section_scores[i]]
        assert s.terms == tuple(model.explainer.terms[t] for t in scores.terms[i] if t >= 0)
    without = training.TrainedModel(model.relevance, None, model.metadata)
    assert [s.sections for s in without.score(papers)] == [()] * 4
    assert [s.terms for s in without.score(papers)] == [s.terms for s in scored]
