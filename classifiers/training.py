"""Fit, save, load and apply the models.

:func:`train` fits the relevance and section models and records what they were made from;
:class:`TrainedModel` scores papers. Saving and loading go through :mod:`classifiers.persistence`, the only
module that reads or writes model files (``model.pkl``, ``model.npz`` and ``model.json``, checked before unpickling).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import logging
import multiprocessing
import os
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import FeatureUnion, Pipeline

from classifiers.explain import Explainer
from classifiers.headings import heading_features
from classifiers.models import (
    RELEVANCE_DEFAULTS,
    RELEVANCE_MODEL_PARAMS,
    make_relevance_model,
    make_section_model,
)
from classifiers.persistence import MODEL_FORMAT, library_versions, read_model, write_evaluation, write_model
from classifiers.sections import SectionClassifier, apply_roll_up, roll_up
from classifiers.training_set import RowLike, TrainingSet, build_training_set, sections_of
from classifiers.vectorizer import FastTfidfVectorizer
from tracker.config import ModelConfig
from tracker.errors import ModelError
from tracker.records import Paper, ScoredPaper, SectionScore

log = logging.getLogger(__name__)

@dataclass
class TrainedModel:
    """A fitted relevance model and section model, with their metadata."""

    relevance: Pipeline
    """Papers -> P(the paper belongs in the list)."""
    sections: SectionClassifier | None
    """Word features (``relevance`` step ``features__words``) -> probability of each section (None without sections)."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """What ``model.json`` holds (see :func:`train`)."""

    @property
    def version(self) -> str:
        """Short id for PR bodies: creation date and a hash of the fitted model (``20240220-1a2b3c4d``)."""
        return str(self.metadata.get("version", "unsaved"))

    @cached_property
    def explainer(self) -> Explainer:
        return Explainer(self.relevance)

    def relevance_scores(self, papers: Sequence[Paper]) -> np.ndarray:
        """P(belongs in the list) of each paper (no refit: the saved TF-IDF is applied)."""
        if not papers:
            return np.zeros(0)
        clf = self.relevance[-1]
        column = list(clf.classes_).index(1)
        return self.relevance.predict_proba(list(papers))[:, column]

    def features(self, papers: Sequence[Paper]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The relevance features and the word features (a block of them) of ``papers``, tokenizing once."""
        union = self.relevance[0]
        weights = union.transformer_weights or {}
        blocks = {name: sp.csr_matrix(step.transform(papers)) for name, step in union.transformer_list if step != "drop"}
        stacked = sp.hstack([blocks[name] * weights.get(name, 1.0) for name in blocks], format="csr", dtype=np.float32)
        return stacked, blocks["words"]

    def score(self, papers: Sequence[Paper]) -> list[ScoredPaper]:
        """Score, rank sections and explain each paper, in the order given.

        Tokenizing dominates; from :data:`PARALLEL_MIN` papers on the work is split across the CPUs
        (forked workers inherit the model and the papers, and send back only arrays of scores, section and
        term indices; the main process turns them into :class:`ScoredPaper` objects).
        """
        papers = list(papers)
        if not papers:
            return []
        # scoring makes hundreds of thousands of objects but no reference cycles: collections in between
        # would only walk the model's and the papers' objects again and again
        with _gc_paused():
            scored = _in_forked_workers(self, papers)
            return scored if scored is not None else self._scored_papers(papers, self._score_slice(papers))

    def _prepare(self) -> None:
        """Build what scoring builds on first use (the explainer's terms, the vectorizers' token tables) now.

        Called before forking: workers then inherit it, instead of each building it again (and copying the
        pages of the vocabulary it reads, since reading Python objects writes their reference counts).
        """
        _ = self.explainer.terms
        for step in _steps(self.relevance[0]):
            if isinstance(step, FastTfidfVectorizer):
                step.prepare()

    def _score_slice(self, papers: Sequence[Paper]) -> SliceScores:
        features, words = self.features(papers)
        clf = self.relevance[-1]
        proba = clf.predict_proba(features)[:, list(clf.classes_).index(1)]
        terms, phrases = self.explainer.top_term_and_phrase_ids(features, int(self.metadata.get("top_terms", 5)),
                                                                WHY_NGRAMS)
        if self.sections is not None:
            sections, section_scores = self.sections.rank_indices(words, int(self.metadata.get("sections_shown", 4)))
        else:
            sections, section_scores = np.zeros((len(papers), 0), dtype=np.int64), np.zeros((len(papers), 0))
        return SliceScores(np.asarray(proba, dtype=np.float64), sections, section_scores, terms, phrases)

    def _scored_papers(self, papers: Sequence[Paper], scores: SliceScores) -> list[ScoredPaper]:
        """``papers`` with their :class:`SliceScores` as :class:`ScoredPaper` objects."""
        names = [str(c) for c in self.sections.classes_] if self.sections is not None else []
        sections = [
            tuple(SectionScore(names[j], round(v, 6)) for j, v in zip(idx, values, strict=True))
            for idx, values in zip(scores.sections.tolist(), scores.section_scores.tolist(), strict=True)
        ]
        terms = self.explainer.term_names(scores.terms)
        ngrams = self.explainer.term_names(scores.phrases)
        return [ScoredPaper(paper, p, s, t, g)
                for paper, p, s, t, g in zip(papers, scores.proba.tolist(), sections, terms, ngrams, strict=True)]

    def save(self, directory: str | Path) -> Path:
        """Write ``model.pkl``, ``model.npz`` and ``model.json`` (with both files' sha256) into ``directory`` (created
        if needed); returns it."""
        directory = write_model(directory, self.relevance, self.sections, self.metadata)
        log.info("saved model %s to %s", self.version, directory)
        return directory


WHY_NGRAMS = 6
"""Word n-grams with the highest push kept with each scored paper (:attr:`ScoredPaper.ngrams`) for its "why"."""

PARALLEL_MIN = 20000
"""Score at least this many papers at once and the feature extraction runs in one process per CPU."""

_FORKED: tuple[TrainedModel, Sequence[Paper]] | None = None
"""The model and papers forked workers read (set just before the pool starts)."""


class SliceScores(NamedTuple):
    """What scoring a slice of papers gives, as arrays (cheap to send back from a worker)."""

    proba: np.ndarray
    """P(belongs in the list) of each paper."""
    sections: np.ndarray
    """Indices into the section model's ``classes_`` of each paper's best sections, best first (papers x shown)."""
    section_scores: np.ndarray
    """Probabilities of those sections."""
    terms: np.ndarray
    """Indices into the explainer's ``terms`` of each paper's top terms, strongest first, padded with -1."""
    phrases: np.ndarray
    """The same for the paper's top word n-grams (two words or more): the PR body's "why"."""


def _steps(estimator: Any) -> Iterator[Any]:
    """``estimator`` and every estimator inside it (pipeline steps, feature-union transformers)."""
    yield estimator
    if isinstance(estimator, Pipeline):
        for _, step in estimator.steps:
            yield from _steps(step)
    elif isinstance(estimator, FeatureUnion):
        for _, step in estimator.transformer_list:
            yield from _steps(step)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (re-enabled after, if it was on)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _score_of_slice(bounds: tuple[int, int]) -> SliceScores:
    assert _FORKED is not None
    model, papers = _FORKED
    return model._score_slice(papers[bounds[0]:bounds[1]])


def _in_forked_workers(model: TrainedModel, papers: Sequence[Paper]) -> list[ScoredPaper] | None:
    """The scored papers, from forked workers, or None where that doesn't pay (small input, one CPU, no fork)."""
    global _FORKED
    workers = min(os.cpu_count() or 1, 8)
    if len(papers) < PARALLEL_MIN or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    # equal numbers of papers: the section model scores blocks of rows in float32, and its last bits depend on
    # how rows are grouped, so other bounds would change a few rounded section scores
    step = -(-len(papers) // workers)
    bounds = [(i, min(i + step, len(papers))) for i in range(0, len(papers), step)]
    model._prepare()
    _FORKED = (model, papers)
    try:
        # the main process scores (and turns into objects) the first slice while forked workers score the others
        with multiprocessing.get_context("fork").Pool(len(bounds) - 1) as pool:
            others = pool.imap(_score_of_slice, bounds[1:])
            scored = model._scored_papers(papers[:bounds[0][1]], _score_of_slice(bounds[0]))
            for (start, end), scores in zip(bounds[1:], others, strict=True):
                scored += model._scored_papers(papers[start:end], scores)
            return scored
    finally:
        _FORKED = None


def fit_models(
    training: TrainingSet, config: ModelConfig, params: dict[str, Any] | None = None
) -> tuple[Pipeline, SectionClassifier | None, dict[str, str]]:
    """Fit the relevance pipeline and the section model on a training set; returns them and the section roll-up map."""
    if training.positives < 3:
        raise ModelError(
            f"only {training.positives} list papers were found among the training papers; at least 3 are needed "
            "(give papers that hold the list's: a corpus with --papers or `kd-tracker papers import`, and let "
            "kd-tracker look the missing ones up on arXiv, i.e. no --offline)"
        )
    if training.negatives < 3:
        raise ModelError(f"only {training.negatives} other papers to learn from; give a larger corpus with --papers")
    options = {k: v for k, v in (params or {}).items() if k in RELEVANCE_MODEL_PARAMS}
    relevance = make_relevance_model(random_state=config.random_state, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # stop-word list vs token pattern
        papers, y, weight = training.fit_data()
        relevance.fit(papers, y, clf__sample_weight=weight)
    sections, mapping = fit_sections(relevance, training, config)
    return relevance, sections, mapping


def fit_sections(
    relevance: Pipeline, training: TrainingSet, config: ModelConfig
) -> tuple[SectionClassifier | None, dict[str, str]]:
    """Fit the section model on the positives' word features (sections rolled up by ``min_section_papers``),
    each section's centroid moved towards its heading."""
    positives = [p for p, label in zip(training.papers, training.y, strict=True) if label == 1]
    mapping, rolled = roll_up(sections_of(training), config.min_section_papers)
    keep = [i for i, s in enumerate(rolled) if s]
    if not keep:
        return None, mapping
    words = relevance.named_steps["features"].named_transformers["words"]
    model = make_section_model()
    headings = heading_features((sec for i in keep for sec in rolled[i]), words)
    model.fit(words.transform([positives[i] for i in keep]), [rolled[i] for i in keep], base_idf=words[-1].idf_,
              headings=headings)
    return model, mapping


def train(
    rows: Sequence[RowLike],
    papers: Iterable[Paper],
    *,
    config: ModelConfig,
    train_until: datetime.date | None = None,
    extra_labels: Iterable[Any] = (),
    list_file: str | None = None,
    list_text: str | None = None,
    params: dict[str, Any] | None = None,
    hard_negatives: Iterable[str] = (),
    presampled: bool = False,
    stored: int | None = None,
) -> TrainedModel:
    """Train on the list's ``rows`` against ``papers``; see :mod:`classifiers.training_set` for the labels.

    ``params`` overrides the relevance hyper-parameters (:data:`RELEVANCE_DEFAULTS`). The negatives are a
    sample of ``config.negatives`` (0: all) plus ``hard_negatives``; ``presampled`` says ``papers`` already are
    that sample (the store's :func:`tracker.store.read_training_papers`), and ``stored`` how many papers it was
    drawn from, for the log line.
    """
    started = time.perf_counter()
    options = {**RELEVANCE_DEFAULTS, **(params or {})}
    training = build_training_set(
        rows,
        papers,
        train_until=train_until,
        extra_labels=extra_labels,
        negatives=config.negatives,
        unlabeled_weight=float(options["unlabeled_weight"]),
        heading_weight=float(options["heading_weight"]),
        random_state=config.random_state,
        hard_negatives=hard_negatives,
        presampled=presampled,
        population=stored if presampled else None,
    )
    relevance, sections, mapping = fit_models(training, config, options)
    vocabulary = sum(len(step[-1].vocabulary_) for name, step in relevance[0].transformer_list if name in ("words", "title"))
    counts = Counter(s for labels in sections_of(training) for s in apply_roll_up(labels, mapping))
    metadata: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "list_file": list_file,
        "list_sha256": hashlib.sha256(list_text.encode("utf-8")).hexdigest() if list_text is not None else None,
        "train_until": train_until.isoformat() if train_until else None,
        "positives": training.positives,
        "negatives": training.negatives,
        "negatives_budget": config.negatives,
        "hard_negatives": training.hard,
        "heading_documents": len(training.headings),
        "unmatched_list_papers": [lp.arxiv_id or lp.title for lp in training.unmatched],
        "vocabulary": vocabulary,
        "sections": dict(sorted(counts.items())),
        "section_roll_up": {k: v for k, v in sorted(mapping.items()) if k != v},
        "params": options,
        "random_state": config.random_state,
        "top_terms": config.top_terms,
        "sections_shown": config.alternatives + 1,
        "threshold": config.threshold,
        "evaluation": {},
        "seconds": round(time.perf_counter() - started, 1),
    }
    log.info("trained on %d positives and %d negatives: %d sampled (budget %s, of %d %s before the cut), "
             "%d hard negatives; %.1f s", training.positives, training.negatives, training.sampled,
             config.negatives or "0 = all", training.candidates if stored is None else stored,
             "given" if stored is None else "stored", training.hard, metadata["seconds"])
    return TrainedModel(relevance, sections, metadata)


def record_evaluation(directory: str | Path, evaluation: dict[str, Any]) -> Path:
    """Store ``evaluation`` under ``evaluation`` in the model's ``model.json`` (the model files and the version stay)."""
    meta_path = write_evaluation(directory, evaluation)
    log.info("recorded the evaluation in %s", meta_path)
    return meta_path


def load_model(directory: str | Path) -> TrainedModel:
    """Load a saved model; :class:`ModelError` if it is missing, unreadable or made by incompatible versions."""
    relevance, sections, metadata = read_model(directory)
    return TrainedModel(relevance, sections, metadata)
