"""``kd-tracker train``, ``score`` and ``evaluate``: the relevance and section models."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import click

from tracker.cli.options import (
    config_option,
    list_option,
    model_option,
    papers_option,
    plots_option,
    since_option,
    train_until_option,
    until_option,
)
from tracker.config import Config
from tracker.errors import ListFormatError, StoreError
from tracker.records import Paper
from tracker.sources import read_corpus
from tracker.weekly import look_up_list_papers, proposed_by_week

log = logging.getLogger(__name__)



def _read_list(path: str) -> tuple[str, list]:
    from tracker.listdoc import ListDocument

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ListFormatError(f"{path}: cannot read the list ({e.strerror or e})") from e
    rows = ListDocument.parse(text, name=path).rows()
    if not rows:
        raise ListFormatError(f"{path}: no paper rows found; pass the list's README.md (tables of papers under headings)")
    return text, rows


@dataclass
class _Papers:
    """The papers a training or an evaluation reads: a corpus file's, or what it needs of the store."""

    papers: list[Paper]
    hard_negatives: set[str] = field(default_factory=set)
    """Hard negatives found in the store (:func:`tracker.store.hard_negative_ids`)."""
    stored: int | None = None
    """Stored papers before the cut the store's sample was drawn from (None: a corpus file, nothing sampled yet)."""


def _papers(config: Config, path: str | None, rows: list, *, labelled: Iterable[str] = (),
            before: date | None = None) -> _Papers:
    """A corpus file's papers (every one; training samples its negatives), or from the store only what a training
    reads (:func:`tracker.store.read_training_papers`): the list's and ``labelled`` papers, the hard negatives and
    the budget's sample of the papers before ``before``."""
    if path is not None:
        return _Papers(list(read_corpus(path)))
    if not Path(config.store.path).is_file():
        raise StoreError(f"no store at {config.store.path}; run `kd-tracker fetch` first or pass --papers FILE")
    from tracker.store import Store, hard_negative_ids, read_training_papers

    model = config.model
    with Store(config.store.path) as store:
        hard = hard_negative_ids(store, near_misses=model.near_misses, threshold=model.threshold)
        read = read_training_papers(store, rows, labelled=labelled, hard_negatives=hard, budget=model.negatives,
                                    random_state=model.random_state, before=before)
    return _Papers(read.papers, read.hard_negatives, read.population)


def _window(config: Config, path: str | None, since: date | None, until: date | None) -> list[Paper]:
    """The papers to score: the file's, else the store's of ``[since, until]`` (only those rows are read), either
    way only those dated in the range."""
    if path is not None:
        return [p for p in read_corpus(path) if (since is None or p.day >= since.isoformat())
                and (until is None or p.day <= until.isoformat())]
    if since is None:
        raise click.ClickException("pass --papers FILE, or --since DAY (and --until DAY) to score the store's papers "
                                   "of those days")
    if not Path(config.store.path).is_file():
        raise StoreError(f"no store at {config.store.path}; run `kd-tracker fetch` first or pass --papers FILE")
    from tracker.store import Store

    with Store(config.store.path) as store:
        return store.papers(since, until)


def _look_up_missing(config: Config, rows: list, papers: list[Paper]) -> list[Paper]:
    """List papers absent from ``papers``, fetched from the arXiv API by id (a warning, not an error, on failure)."""
    lookup = look_up_list_papers(rows, papers, config.arxiv, on_error="skip")
    if lookup.error:
        log.warning("%s; training without the %d missing list papers", lookup.error, len(lookup.ids))
    elif lookup.ids:
        log.info("looked up %d of %d missing list papers on the arXiv API", len(lookup.found), len(lookup.ids))
    return lookup.found


@click.command(name="train")
@list_option
@papers_option()
@model_option("Folder to write the model to (default: model.path).")
@train_until_option("Use only papers dated before this day as negatives (YYYY-MM-DD).")
@click.option("--offline", is_flag=True, help="Do not look up list papers missing from the papers on the arXiv API.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False), default=None,
              help="Review-labels JSONL (arxiv_id, label accepted/rejected/moved, section, week; what "
                   "`kd-tracker labels export` writes) to train with, as the weekly run does with the store's.")
@config_option
def train_cmd(config: Config, list_path: str, papers_path: str | None, model_dir: str | None,
              train_until: date | None, offline: bool, labels_path: str | None) -> None:
    """Train the relevance and section models on a list and a corpus (or the store).

    The list's papers are the positives (matched by arXiv id or title), every
    other paper a negative. List papers missing from the papers are looked up
    on the arXiv API by id, unless --offline. With --labels, the maintainers'
    review labels join the training as the weekly run's stored labels do: an
    accepted or moved paper is a positive like a list paper, a rejected one a
    hard negative.

    \b
    Example:
        kd-tracker train --list README.md --papers corpus.jsonl.gz --model .kd-tracker/model
        kd-tracker train --list README.md --labels labels.jsonl
    """
    from classifiers.training import train
    from classifiers.training_set import training_key
    from tracker.store import read_label_file, training_labels_of

    text, rows = _read_list(list_path)
    labels = training_labels_of(read_label_file(labels_path)) if labels_path is not None else []
    read = _papers(config, papers_path, rows, labelled=[e.arxiv_id for e in labels], before=train_until)
    papers = read.papers
    if not offline:  # a pruned list paper (no abstract) counts as missing: the look-up brings its texts back
        fresh = _look_up_missing(config, rows, [p for p in papers if p.abstract])
        got = {p.arxiv_id for p in fresh}
        papers = [p for p in papers if p.arxiv_id not in got] + fresh
    model = train(rows, papers, config=config.model, train_until=train_until, extra_labels=labels,
                  list_file=list_path, list_text=text, hard_negatives=read.hard_negatives,
                  presampled=read.stored is not None, stored=read.stored)
    model.metadata["training_key"] = training_key(text, rows, labels)
    directory = model.save(model_dir or config.model.path)
    meta = model.metadata
    missing = len(meta["unmatched_list_papers"])
    click.echo(f"trained on {meta['positives']} list papers and {meta['negatives']} other papers"
               + (f" ({missing} list papers not found)" if missing else "")
               + (f", with {len(labels)} review labels from {labels_path}" if labels_path is not None else ""))
    click.echo(f"sections: {len(meta['sections'])}, vocabulary: {meta['vocabulary']} terms, {meta['seconds']:.1f} s")
    click.echo(f"model {model.version} saved to {directory}")


@click.command(name="score")
@model_option("Model folder (default: model.path).")
@papers_option("Corpus file (JSONL or JSONL.gz) of the papers to score; without it, the store's papers of "
               "--since..--until.")
@since_option("First day to score (the paper's day: announced, else published).")
@until_option("Last day to score, inclusive (default: the newest).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), required=True,
              help="JSONL file to write: one line per paper (id, score, sections, terms).")
@click.option("--select", "select_", is_flag=True,
              help="Add \"proposed\": true|false to each line: the weekly run's rule (model.threshold, at most "
                   "model.proposals_per_pr) within each ISO week of the papers' day.")
@config_option
def score_cmd(config: Config, model_dir: str | None, papers_path: str | None, since: date | None, until: date | None,
              out_path: str, select_: bool) -> None:
    """Score papers with a trained model: relevance probability, ranked sections and the terms behind the score.

    The papers are a corpus file's, or the store's of --since..--until (the
    store reads only those days' rows, however big it is); with both, the
    file's papers of those days. The saved pipeline is applied as is (nothing is refitted). With --select,
    each line also says whether the weekly run would propose the paper: within
    each ISO week of the papers' day (announced, else published), those at or
    above model.threshold, best first, at most model.proposals_per_pr. Which
    papers the list holds already is not known here: every scored paper is
    eligible.

    \b
    Example:
        kd-tracker score --model .kd-tracker/model --papers week.jsonl.gz --out scores.jsonl
        kd-tracker score --papers week.jsonl.gz --out scores.jsonl --select
        kd-tracker score --since 2025-11-24 --until 2025-11-30 --out scores.jsonl
    """
    from classifiers.training import load_model

    papers = _window(config, papers_path, since, until)
    model = load_model(model_dir or config.model.path)
    scored = model.score(papers)
    proposed = proposed_by_week(scored, config.model) if select_ else None
    try:
        with open(out_path, "w", encoding="utf-8") as handle:
            for item in scored:
                line = item.to_json()
                if proposed is not None:
                    line = json.dumps({**json.loads(line), "proposed": item.paper.arxiv_id in proposed},
                                      ensure_ascii=False)
                handle.write(line + "\n")
    except OSError as e:
        raise StoreError(f"{out_path}: cannot write the scores ({e.strerror or e})") from e
    click.echo(f"scored {len(scored)} papers -> {out_path}"
               + (f" ({len(proposed)} proposed)" if proposed is not None else ""))


@click.command(name="evaluate")
@list_option
@papers_option()
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False), default=None,
              help="List-history JSONL (first_seen_date per paper): runs the temporal replay on the papers added later.")
@train_until_option("Replay: the list's date (default: the newest first_seen_date of its papers in --truth).")
@plots_option("Folder to write PNG plots to.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@model_option("Model folder whose model.json gets these figures under 'evaluation'.")
@config_option
def evaluate_cmd(config: Config, list_path: str, papers_path: str | None, truth_path: str | None,
                 train_until: date | None, plots_dir: str | None, folds: int, model_dir: str | None) -> None:
    """Cross-validate on the list's papers and, with --truth, replay the weeks after the list's date.

    Prints the model beside the keyword baseline ("distil" match count) and
    recommends a threshold: the best recall of the list papers whose median
    week of the real stream (weeks of at least model.proposals_per_pr papers
    and a quarter of the typical week, not the lone weeks of looked-up list
    papers) stays within model.proposals_per_pr.

    \b
    Example:
        kd-tracker evaluate --list README.md --papers corpus.jsonl.gz --truth list_history.jsonl --plots plots/
    """
    from classifiers.evaluation import cross_validate, list_date, temporal_replay, truth_from_history
    from classifiers.reports import evaluation_summary, format_cv, format_replay

    _, rows = _read_list(list_path)
    read = _papers(config, papers_path, rows)
    papers = read.papers
    report = cross_validate(rows, papers, config=config.model, folds=folds, presampled=read.stored is not None)
    if read.stored is not None and config.model.negatives and read.stored > config.model.negatives:
        click.echo(f"note: ranked within the store's training sample ({config.model.negatives} of {read.stored} "
                   "stored papers): weeks hold fewer papers than they did, so ranks and proposals per week are "
                   "optimistic; pass --papers FILE, or model.negatives: 0, for whole weeks")
    click.echo(format_cv(report))
    replay = None
    if truth_path is not None:
        until = train_until or list_date(truth_path, rows)
        truth = truth_from_history(truth_path, rows, until)
        replay = temporal_replay(rows, papers, truth, config=config.model, train_until=until)
        click.echo("")
        click.echo(format_replay(replay))
    if plots_dir is not None:
        from classifiers.plots import write_plots

        for path in write_plots(report, plots_dir, config.model.threshold):
            click.echo(f"wrote {path}")
    if model_dir is not None:
        from classifiers.training import record_evaluation

        click.echo(f"recorded the evaluation in {record_evaluation(model_dir, evaluation_summary(report, replay))}")
