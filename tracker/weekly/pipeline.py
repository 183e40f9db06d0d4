"""The weekly job: read the list → learn → fetch → (re)train → score → select → publish; wiring only.

Each stage logs what it did with counts and its time; :class:`RunReport` is what
the CLI prints as the one-screen summary. A failed stage fails the run (the run
log records it) before anything is published, and a re-run completes the job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from tracker.config import Config
from tracker.errors import ModelError, ModelVersionError, SourceError, TrackerError
from tracker.github import IssueDesk, PaperMetadata, PrMetadata
from tracker.listdoc import ListSet
from tracker.publish import (
    DashboardIssue,
    PublishContext,
    Publisher,
    PublishOutcome,
    TakeOver,
    TakeOverHook,
    thresholds_in_force,
)
from tracker.records import Paper, Proposal, ScoredPaper, SectionScore
from tracker.review import record_takeover
from tracker.sources import ArxivSource, PageEvent, RssSource
from tracker.store import RunLog, Store, hard_negative_ids, read_training_papers
from tracker.weekly.dashboard_step import (
    build_view,
    read_dashboard,
    record_requests,
    requested_only,
    with_requests,
    write_dashboard,
)
from tracker.weekly.fetch import HarvestReport, harvest
from tracker.weekly.intake import Intake, answer, gather, requested_in, score_requested
from tracker.weekly.lookup import look_up_list_papers
from tracker.weekly.prune_step import prune_store, prune_summary, scorable
from tracker.weekly.refresh import RefreshOutcome, refresh_rows
from tracker.weekly.report import RunReport
from tracker.weekly.review_step import (
    Applied,
    OpenReview,
    applied,
    apply_moves,
    dropped_proposals,
    read_open_review,
    record,
)
from tracker.weekly.selection import select
from tracker.weekly.windows import fetch_source, pending_since, run_days

log = logging.getLogger(__name__)

MIN_NEGATIVES = 500
"""Fewer papers than this before the window: train on the window's papers too (with a warning)."""


@dataclass
class RunOptions:
    """How one run is asked to behave (the CLI's options)."""

    as_of: date
    """The day the run acts as: the window ends here and the update log shows it."""
    since: date | None = None
    """Read arXiv from this day instead of the last successful run."""
    dry_run_dir: Path | None = None
    """Write the preview here instead of publishing."""
    today: date | None = None
    """The real date; a run as of an earlier day reads the API alone (RSS holds only the latest listing)."""


class Pipeline:
    """One weekly run over collaborators passed in (store, publisher, sources, labels)."""

    def __init__(
        self,
        config: Config,
        store: Store,
        publisher: Publisher,
        *,
        api: ArxivSource | None = None,
        rss: RssSource | None = None,
        progress: Callable[[PageEvent], None] | None = None,
        learner: Callable[[str], Any] | None = None,
        labels: Any = None,
        on_stage: Callable[[str], None] | None = None,
        dashboard: DashboardIssue | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.publisher = publisher
        self.api = api
        self.rss = rss
        self.progress = progress
        self.learner = learner
        """Called with the list's text at the head of the default branch (read once per run); with its files by
        path when ``list.path`` names several."""
        self.labels = labels
        self.on_stage = on_stage
        """Called with each stage's name as it starts (the CLI's progress bar)."""
        self.dashboard = dashboard
        """The dashboard issue (None: off): its ticks are read before selection, its body rewritten after the run."""
        self.runs = RunLog(store)
        self._review: tuple[OpenReview | None, Applied] = (None, Applied())
        self._in_pr: set[str] = set()
        self._refresh = RefreshOutcome()
        self._list_papers: dict[str, Paper] = {}
        """The list's papers read from arXiv by id for training this run: the refresh does not ask for them again."""
        self._issues: IssueDesk | None = None
        self._list_rows: list = []
        """The list's rows read this run: pruning keeps their papers' texts."""

    def issues(self) -> IssueDesk:
        """The list repository's issues, where "please add our paper" requests are read and answered."""
        if self._issues is None:
            self._issues = IssueDesk(self.publisher.github, self.publisher.repo_name, self.config)
        return self._issues

    @contextmanager
    def _stage(self, report: RunReport, name: str) -> Iterator[None]:
        if self.on_stage is not None:
            self.on_stage(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            report.seconds[name] = round(time.perf_counter() - started, 2)

    def run(self, options: RunOptions) -> RunReport:
        history = self.runs.runs()  # read once: the windows and the pending PR's first day both come from it
        days = run_days(self.config, history, options.as_of, asked_since=options.since)
        first = pending_since(history, days.score_since, self.config.arxiv.window_days)
        since, until = days.since, days.until
        report = RunReport(options.as_of, since, until, score_since=days.score_since, given_up_gaps=list(days.given_up))
        dry = options.dry_run_dir is not None
        if days.carried.reread:
            log.info("re-reading %d gap days of earlier runs: %s", len(days.carried.reread),
                     ", ".join(d.isoformat() for d in days.carried.reread))
        if report.given_up_gaps:
            log.warning("gap days still missing, no longer re-read (older than arxiv.gap_lookback_days = %d): %s",
                        self.config.arxiv.gap_lookback_days, ", ".join(d.isoformat() for d in report.given_up_gaps))
        report.run_id = self.runs.start(as_of=options.as_of, since=since, until=until, dry_run=dry,
                                        score_since=report.score_since)
        log.info("run %d as of %s: window %s..%s%s", report.run_id, options.as_of, since, until, " (dry run)" if dry else "")
        try:
            self._run(options, report, first)
        except BaseException as e:
            error = str(e) if isinstance(e, TrackerError) else f"{type(e).__name__}: {e}"
            self.runs.finish(report.run_id, status="failed", error=error, model_version=report.model_version)
            raise
        outcome = report.outcome
        self.runs.finish(
            report.run_id,
            status="warnings" if report.exit_code else "ok",
            outcome=("preview" if dry else outcome.status) if outcome else "",
            pr_number=outcome.pr_number if outcome and not dry else None,
            pr_url=(outcome.pr_url or "") if outcome and not dry else "",
            papers_read=report.papers_in_window,
            proposals=len(report.selection.proposals) if report.selection else 0,
            gaps=report.gaps,
            model_version=report.model_version,
        )
        self._dashboard(options, report)
        self._prune(options, report)
        return report

    def _prune(self, options: RunOptions, report: RunReport) -> None:
        """Prune the store after a finished run (``store.prune``), never after a dry run; a failure is a warning."""
        if not self.config.store.prune or options.dry_run_dir is not None:
            return
        started = time.perf_counter()
        try:
            report.prune = prune_summary(prune_store(self.config, self.store, self._list_rows, as_of=options.as_of))
        except TrackerError as e:
            log.warning("could not prune the store (%s); the run is done, the next one prunes again", e)
            report.prune = f"not pruned ({e})"
        report.seconds["prune"] = round(time.perf_counter() - started, 2)

    def _dashboard(self, options: RunOptions, report: RunReport) -> None:
        """Rewrite the dashboard after a finished run; a failure here is a warning. A failed run leaves the
        dashboard as it was, its ticks (and a ticked ``run now``) waiting for the next run."""
        if self.dashboard is None:
            return
        selection = report.selection
        ticks = self._review[1]
        view = build_view(self.config, self.store, self.dashboard.repo_name, options.as_of,
                          outcome=report.outcome, inserted=len(selection.proposals) if selection else 0,
                          overflow=selection.overflow if selection else (), ticks=ticks,
                          in_pr=self._in_pr, given_up=report.given_up_gaps)
        report.dashboard = write_dashboard(self.dashboard, view, options.dry_run_dir)

    def _run(self, options: RunOptions, report: RunReport, first: date) -> None:
        """The stages of one run; ``first``: the first day scored (back to the open PR's first day)."""
        with self._stage(report, "list"):
            files = self.publisher.read_lists()  # every file of list.path
            document = ListSet.parse(files)
            text = document.fingerprint  # one file: its text
            document.check_structure()  # a list no paper can be read from or go into stops the run before any fetch
            log.info("list: %d sections, %d rows", len(document.sections()), len(document.rows()))
            self._list_rows = document.rows()
        if self.learner is not None:
            with self._stage(report, "learn"):
                report.learned = self.learner(files if document.multi else text)
        with self._stage(report, "fetch"):
            report.harvest = self._fetch(options, report)
        with self._stage(report, "train"):
            model = self._model(document, text, report)
        with self._stage(report, "score"):
            papers = scorable(self.store.papers(first, report.until))
            report.papers_in_window = len(papers)
            scored = model.score(papers)
            review = read_open_review(self.publisher)
            asked = read_dashboard(self.dashboard)
            review, ticks = with_requests(review, applied(review), asked)
            if self.labels is not None and options.dry_run_dir is None:
                record(self.labels, review, options.as_of)  # no open review: records nothing
                record_requests(self.labels, asked, options.as_of)
            waiting = _waiting(review, ticks) if review is not None else requested_only(asked)
            added = ticks.added if review is not None else tuple(p.paper_id for p in waiting.overflow) if waiting else ()
            scored += self._carried(waiting, {p.arxiv_id for p in papers}, model, report.as_of)
            rejected = self.labels.rejected_ids() if self.labels is not None else set()
            rejected = (set(rejected) - ticks.kept - (asked.revived if asked else frozenset())) | ticks.dropped
            report.intake = gather(self.issues(), self.config, document, rejected=rejected, store=self.store,
                                   api=self.api, as_of=report.as_of)
            scored += score_requested(report.intake, model, scored)
            report.selection = select(scored, document, self.config.model, rejected=rejected,
                                      carried={p.arxiv_id for p in waiting.waiting} if waiting else (),
                                      first=ticks.kept, added=(*added, *report.intake.accepted))
            report.selection = replace(report.selection, proposals=report.intake.apply(report.selection.proposals))
            if review is not None:
                self._in_pr = {pid for p in (*review.metadata.papers, *review.metadata.dropped) if (pid := p.paper_id)}
            self._review = (review, ticks)
            self.runs.record_scores(report.run_id, scored, [p.arxiv_id for p in report.selection.proposals])
            log.info("scored %d papers: %d proposals, %d near-misses", len(scored),
                     len(report.selection.proposals), len(report.selection.near_misses))
        with self._stage(report, "refresh"):
            self._refresh = refresh_rows(self.config, self.store, document, self._review[0], as_of=options.as_of,
                                         api=self.api, record=options.dry_run_dir is None,
                                         fresh=self._list_papers)
            report.refresh = self._refresh
        with self._stage(report, "publish"):
            report.outcome = self._publish(options, report, files if document.multi else text)

    def _fetch(self, options: RunOptions, report: RunReport) -> HarvestReport:
        result = harvest(
            self.config, self.store, since=report.since, until=report.until,
            source=fetch_source(options.as_of, options.today),
            progress=self.progress, api=self.api, rss=self.rss, today=options.as_of,
        )
        result.check()
        log.info("fetched %s: %d requests, %d gap days", report.since.isoformat() + ".." + report.until.isoformat(),
                 result.requests, len(result.gap_days))
        return result

    def _model(self, document: ListSet, text: str, report: RunReport) -> Any:
        from classifiers.persistence import has_model
        from classifiers.training import load_model, train
        from classifiers.training_set import training_key

        path = Path(self.config.model.path)
        labels = self.labels.training_labels() if self.labels is not None else []
        key = training_key(text, document.rows(), labels)
        model = None
        if not has_model(path):
            log.info("no model in %s yet: training one", path)
        else:
            try:
                model = load_model(path)
            except ModelVersionError as e:
                log.info("retraining: the model in %s was made by %s, this run has %s", path, e.made_by, e.running)
            except ModelError as e:
                log.info("retraining: the model in %s cannot be used (%s)", path, e)
        if model is not None and model.metadata.get("training_key") == key:
            report.model_version = model.version
            log.info("model %s is current (list and labels unchanged)", model.version)
            return model
        if model is not None:
            log.info("retraining: the list or the review labels changed since model %s", model.version)
        rows = document.rows()
        self._look_up_list_papers(rows, report.as_of)
        train_until: date | None = report.score_since
        before = len(self.store.ids_and_days(train_until))
        if before < MIN_NEGATIVES:
            log.warning("only %d stored papers before %s: training on the window's papers too "
                        "(import a corpus with `kd-tracker papers import` for a better first model)",
                        before, report.score_since)
            train_until = None
        model_config = self.config.model
        hard = hard_negative_ids(self.store, near_misses=model_config.near_misses, threshold=model_config.threshold,
                                 labels=self.labels.all() if self.labels is not None else [])
        read = read_training_papers(self.store, rows, labelled=[e.arxiv_id for e in labels], hard_negatives=hard,
                                    budget=model_config.negatives, random_state=model_config.random_state,
                                    before=train_until)
        model = train(rows, read.papers, config=model_config, train_until=train_until, extra_labels=labels,
                      list_file=self.config.list.shown, list_text=text, hard_negatives=read.hard_negatives,
                      presampled=True, stored=read.population)
        model.metadata["training_key"] = key
        model.save(path)
        report.trained = True
        report.model_version = model.version
        return model

    def _carried(self, waiting: PrMetadata | None, scored_ids: set[str], model: Any, as_of: date) -> list[ScoredPaper]:
        """The papers waiting in the open PR (its metadata) that this run's papers lack, scored.

        The open PR is the truth about what waits, whatever the run log says (a
        run not recorded, a lost store): each such paper is re-scored from the
        store, else looked up on the arXiv API by id; one arXiv does not give
        keeps the title, sections and score the PR recorded.
        """
        wanted = {p.arxiv_id: p for p in (waiting.waiting if waiting else ()) if p.arxiv_id not in scored_ids}
        wanted.pop("", None)
        if not wanted:
            return []
        found = {pid: p for pid, p in self.store.get(wanted).items() if p.abstract}  # a pruned one is looked up again
        missing = [i for i in wanted if i not in found]
        if missing:
            api = self.api or ArxivSource.from_config(self.config.arxiv)
            try:
                fetched: list[Paper] = api.fetch_ids(missing)
            except SourceError as e:
                log.warning("could not look up %d papers of the open PR on arXiv (%s); keeping them as the PR "
                            "recorded them", len(missing), e)
                fetched = []
            self.store.upsert_papers(fetched, seen=as_of)
            found.update({pid: p for pid, p in self.store.get(p.arxiv_id for p in fetched).items() if p.abstract})
        kept = [_as_recorded(wanted[i]) for i in wanted if i not in found]
        log.info("the open PR holds %d papers outside this run's window: %d re-scored (%d looked up on arXiv), "
                 "%d kept as recorded", len(wanted), len(found), len(missing) - len(kept), len(kept))
        return [*model.score(list(found.values())), *kept] if found else kept

    def _look_up_list_papers(self, rows: list, as_of: date) -> None:
        # a pruned list paper (no abstract) counts as missing: looking it up gives it its texts back
        stored = [p for p in self.store.get(r.arxiv_id for r in rows if r.arxiv_id).values() if p.abstract]
        lookup = look_up_list_papers(rows, stored, self.config.arxiv, on_error="fail", api=self.api)
        if not lookup.ids:
            return
        self._list_papers = {p.arxiv_id: p for p in lookup.found}
        counts = self.store.upsert_papers(lookup.found, seen=as_of)
        log.info("looked up %d list papers missing from the store: %d found (%d new)", len(lookup.ids),
                 len(lookup.found), counts.new)

    def _publish(self, options: RunOptions, report: RunReport, text: str | dict[str, str]) -> PublishOutcome:
        """Publish the selection; the open PR's metadata (its review) keeps each paper's place in the body."""
        selection = report.selection
        assert selection is not None
        context = PublishContext(
            as_of=options.as_of,
            since=report.since,
            until=report.until,
            days_read=(report.until - report.since).days + 1,
            gaps=tuple(d.isoformat() for d in report.gaps),
            thresholds=thresholds_in_force(self.config.model),
            model_version=report.model_version,
            near_misses=selection.near_misses,
            overflow=selection.overflow,
            updates=self._refresh.updates,
            declined_updates=self._refresh.declined,
        )
        review, ticks = self._review
        intake = report.intake or Intake()
        proposals: tuple[Proposal, ...] = apply_moves(selection.proposals, ticks.moves)
        context = replace(context, requested=requested_in(proposals, intake,
                                                          dict(review.metadata.requested) if review else {}))
        if review is not None:
            ids = {p.arxiv_id for p in proposals}
            context = replace(context, previous=review.metadata,
                              moves={k: v for k, v in ticks.moves.items() if k in ids},
                              dropped=dropped_proposals(review.metadata, ticks.dropped, self.store))
        if options.dry_run_dir is not None:
            return self.publisher.preview(proposals, context, options.dry_run_dir, readme_text=text)
        hook = takeover_recorder(self.labels, self.config, options.as_of) if self.labels is not None else None
        outcome = self.publisher.publish(proposals, context, on_takeover=hook)
        answer(self.issues(), intake, outcome, proposals, threshold=self.config.model.threshold)
        return outcome


def takeover_recorder(labels: Any, config: Config, as_of: date) -> TakeOverHook:
    """The publisher's take-over hook: the maintainers' removed and moved rows become review labels first."""

    def record(takeover: TakeOver) -> set[str]:
        return record_takeover(labels, takeover.own_list, takeover.edited_list, pr_number=takeover.pr_number,
                               date=as_of.isoformat(), name=config.list.files[0])

    return record


def _waiting(review: OpenReview | None, ticks: Applied) -> PrMetadata | None:
    """The open PR's papers still waiting: its inserted ones and those ticked again after a drop, not the dropped."""
    if review is None:
        return None
    meta = review.metadata
    papers = tuple(p for p in (*meta.papers, *meta.dropped) if p.arxiv_id in ticks.kept)
    return replace(meta, papers=papers)


def _as_recorded(paper: PaperMetadata) -> ScoredPaper:
    """A paper of the open PR that arXiv did not give back, with the title, sections and score the PR recorded."""
    score = paper.score or 0.0
    yymm = paper.arxiv_id.split(".")[0] if "." in paper.arxiv_id else ""
    month = f"20{yymm[:2]}-{yymm[2:]}-01" if len(yymm) == 4 and yymm.isdigit() else ""
    record = Paper(arxiv_id=paper.arxiv_id, title=paper.title, published=month, source="pr")
    return ScoredPaper(record, score, tuple(SectionScore(s, score) for s in paper.sections))


def run_weekly(
    config: Config,
    options: RunOptions,
    *,
    token: str | None,
    repo: str | None = None,
    progress: Callable[[PageEvent], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> RunReport:
    """Build the collaborators from ``config`` and run once, holding the run lock."""
    from tracker.github import build_github
    from tracker.review import MAX_COMMITS, learn
    from tracker.store import LabelStore
    from tracker.weekly.lock import run_lock

    repo_name = repo or config.list.repo
    max_commits = MAX_COMMITS if token is not None else ANONYMOUS_LIST_COMMITS
    with run_lock(config.store.path), Store(config.store.path) as store:
        publisher = Publisher(build_github(config, token), repo_name, config)

        def learner(list_text: str | dict[str, str]) -> Any:
            return learn(publisher.github, repo_name, config, store, readme_text=list_text, max_commits=max_commits)

        dashboard = DashboardIssue(publisher.github, repo_name, config) if config.dashboard.enabled else None
        pipeline = Pipeline(config, store, publisher, progress=progress, learner=learner, labels=LabelStore(store),
                            on_stage=on_stage, dashboard=dashboard)
        return pipeline.run(options)


ANONYMOUS_LIST_COMMITS = 5
"""Without a token GitHub allows 60 requests an hour: a run reads at most this many list commits per learn."""
