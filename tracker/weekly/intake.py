""""Please add our paper" issues: read them, decide each, put the papers asked for in the PR, answer each once.

An open issue (never a pull request, never one of the bot's own) is a request
when it carries the ``intake.label`` label, is kd-tracker's issue form, or its
title and body hold an arXiv link or id and one of ``intake.keywords``
(:func:`read_requests`). :func:`decide` says what each asks for, in this order:

- no arXiv id in it: ``malformed`` (the answer says how to fix it);
- the paper is in the list (paper identity: its id, else its title): ``listed`` (the answer names the row's section);
- a maintainer rejected it before (a dropped tick, a row removed, a closed PR): ``rejected`` (the answer says a
  maintainer can tick *propose again* on the dashboard);
- arXiv does not know the id: ``unknown``;
- otherwise ``accepted``: the paper (from the store, else looked up on the arXiv API by id) is scored, and the
  weekly selection takes it whatever its score and the cap; the section asked for wins when it is a table of the
  list, and a code link given is used when arXiv named none (:meth:`Intake.apply`). The PR body shows it in its
  "Requested" group with ``Closes #N``.

Each run reads the open issues again, so a requested paper stays in the PR until
the merge closes its issue or a maintainer drops it. :func:`answer` comments once
per issue and paper (:class:`~tracker.github.IssueDesk`'s hidden marker
``<!-- kd-tracker:intake ID -->`` is read back from GitHub): an accepted paper
only once the PR holds it; a dry run answers nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from tracker.config import Config, IntakeConfig
from tracker.errors import SourceError, TrackerError
from tracker.github import IssueDesk, OpenIssue, PaperRequest, asks_for_paper, parse_request
from tracker.listdoc import ListDocument, ListSet
from tracker.publish import PublishOutcome
from tracker.records import Paper, Proposal, ScoredPaper
from tracker.sources import ArxivSource
from tracker.store import Store
from tracker.weekly import intake_replies as replies
from tracker.weekly.review_step import apply_moves

log = logging.getLogger(__name__)

KIND = "intake"
"""The kind of the bot's answers on request issues (their marker is ``<!-- kd-tracker:intake KEY -->``)."""
NO_ID = "no-id"
"""The marker key of the answer to an issue that holds no arXiv id."""

Verdict = Literal["accepted", "listed", "rejected", "unknown", "malformed"]


@dataclass(frozen=True)
class Request:
    """An issue that asks for a paper, and what it asks for."""

    issue: OpenIssue
    ask: PaperRequest


@dataclass(frozen=True)
class Decision:
    """What the bot does about one request."""

    request: Request
    verdict: Verdict
    section: str = ""
    """``listed``: the section of the row; ``accepted``: the table asked for, when the list has it."""
    paper: Paper | None = None
    """``accepted``: the paper as arXiv (or the store) gives it."""

    @property
    def number(self) -> int:
        return self.request.issue.number

    @property
    def key(self) -> str:
        """What the answer is about: the paper's id, or :data:`NO_ID`; ``ID-rejected``/``ID-unknown`` for verdicts
        that may turn into ``accepted`` later (propose again, arXiv announcing it), so that answer still comes."""
        pid = self.request.ask.arxiv_id or NO_ID
        return f"{pid}-{self.verdict}" if self.verdict in ("rejected", "unknown") else pid


@dataclass
class Intake:
    """The run's requests, decided."""

    decisions: list[Decision] = field(default_factory=list)
    answered: int = 0
    """Comments written by :func:`answer`."""

    @property
    def accepted(self) -> dict[str, int]:
        """arXiv id -> the (first) issue that asked for it, for each paper going into the PR."""
        out: dict[str, int] = {}
        for d in self.decisions:
            if d.verdict == "accepted" and d.paper is not None:
                out.setdefault(d.paper.arxiv_id, d.number)
        return out

    def papers(self) -> list[Paper]:
        return list({d.paper.arxiv_id: d.paper for d in self.decisions if d.verdict == "accepted" and d.paper}.values())

    def apply(self, proposals: Iterable[Proposal]) -> tuple[Proposal, ...]:
        """The requested papers in the section asked for (when the list has it), with the code link given."""
        firsts = {d.paper.arxiv_id: d for d in reversed(self.decisions) if d.verdict == "accepted" and d.paper}
        moved = apply_moves(proposals, {pid: d.section for pid, d in firsts.items() if d.section})
        out = []
        for p in moved:
            d = firsts.get(p.arxiv_id)
            code = d.request.ask.code if d is not None else ""
            out.append(replace(p, code=(code,)) if code and not p.code else p)
        return tuple(out)

    def counts(self) -> str:
        """``3 issues: 1 accepted, 1 listed, 1 malformed; 2 answered``."""
        by: dict[str, int] = {}
        for d in self.decisions:
            by[d.verdict] = by.get(d.verdict, 0) + 1
        parts = ", ".join(f"{n} {verdict}" for verdict, n in by.items())
        count = len(self.decisions)
        return f"{count} issue{'' if count == 1 else 's'}{': ' + parts if parts else ''}; {self.answered} answered"


def is_request(issue: OpenIssue, config: IntakeConfig) -> bool:
    """Whether ``issue`` asks for a paper: the label, the issue form, or an arXiv id with a keyword."""
    if "<!-- kd-tracker" in issue.body:  # the bot's own issues (the dashboard) name papers too
        return False
    if config.label in issue.labels or parse_request(issue.body).form:
        return True
    return asks_for_paper(f"{issue.title}\n{issue.body}", config.keywords)


def read_requests(desk: IssueDesk, config: IntakeConfig) -> list[Request]:
    """The open issues that ask for a paper, oldest first."""
    return [Request(issue, _ask(issue)) for issue in desk.open_issues() if is_request(issue, config)]


def _ask(issue: OpenIssue) -> PaperRequest:
    ask = parse_request(issue.body)
    if ask.arxiv_id is None and not ask.form:  # free text: an id in the title counts too
        title = parse_request(issue.title)
        ask = replace(ask, arxiv_id=title.arxiv_id)
    return ask


def resolve_section(asked: str, tables: Sequence[str]) -> str:
    """The table of the list ``asked`` names: its whole path, else the one path ending in it ('' for none).

    Case and spacing do not matter (``labeling``, ``Knowledge Elicitation > Labeling``).
    """
    def parts(path: str) -> list[str]:
        return [" ".join(p.split()).casefold() for p in path.split(">") if p.strip()]

    wanted = parts(asked)
    if not wanted:
        return ""
    exact = [t for t in tables if parts(t) == wanted]
    if exact:
        return exact[0]
    ending = [t for t in tables if parts(t)[-len(wanted):] == wanted]
    return ending[0] if len(ending) == 1 else ""


def decide(requests: Sequence[Request], document: ListDocument | ListSet, *, rejected: Collection[str],
           look_up: Callable[[list[str]], dict[str, Paper]]) -> Intake:
    """Each request's verdict; ``look_up`` gives the papers of ids (store, else arXiv), leaving unknown ids out."""
    known = document.papers()
    tables = [s.path for s in document.sections()]
    wanted = [r.ask.arxiv_id for r in requests if r.ask.arxiv_id and not known.has(r.ask.arxiv_id)
              and r.ask.arxiv_id not in rejected]
    try:
        found = look_up(list(dict.fromkeys(wanted))) if wanted else {}
        unread: set[str] = set()
    except SourceError as e:
        log.warning("could not look up %d requested papers on arXiv (%s); their issues wait for the next run",
                    len(set(wanted)), e)
        found, unread = {}, set(wanted)
    decisions = []
    for r in requests:
        pid = r.ask.arxiv_id
        if pid in unread:
            continue
        row = known.find(pid) if pid else None
        paper = found.get(pid or "")
        if row is None and paper is not None:
            row = known.find(None, paper.title)
        if pid is None:
            decisions.append(Decision(r, "malformed"))
        elif row is not None:
            decisions.append(Decision(r, "listed", section=row.section))
        elif pid in rejected:
            decisions.append(Decision(r, "rejected"))
        elif paper is None:
            decisions.append(Decision(r, "unknown"))
        else:
            decisions.append(Decision(r, "accepted", section=resolve_section(r.ask.section, tables), paper=paper))
    intake = Intake(decisions)
    log.info("intake: %s", intake.counts())
    return intake


def gather(desk: IssueDesk, config: Config, document: ListDocument | ListSet, *, rejected: Collection[str], store: Store,
           api: ArxivSource | None, as_of: date) -> Intake:
    """The open request issues, decided (nothing when ``intake.enabled`` is off or the issues cannot be read)."""
    if not config.intake.enabled:
        return Intake()
    try:
        requests = read_requests(desk, config.intake)
    except TrackerError as e:
        log.warning("could not read the issues of %s (%s); no paper requests this run", desk.repo_name, e)
        return Intake()

    def look_up(ids: list[str]) -> dict[str, Paper]:
        found = {pid: p for pid, p in store.get(ids).items() if p.abstract}  # a pruned paper is looked up again
        missing = [i for i in ids if i not in found]
        if missing:
            fetched = (api or ArxivSource.from_config(config.arxiv)).fetch_ids(missing)
            store.upsert_papers(fetched, seen=as_of)
            found.update({pid: p for pid, p in store.get(p.arxiv_id for p in fetched).items() if p.abstract})
        return found

    return decide(requests, document, rejected=rejected, look_up=look_up)


def requested_in(proposals: Sequence[Proposal], intake: Intake, before: dict[str, int]) -> dict[str, int]:
    """arXiv id -> issue, for the proposals an issue asked for: this run's requests, else the open PR's (``before``)."""
    asked = {**before, **intake.accepted}
    return {p.arxiv_id: asked[p.arxiv_id] for p in proposals if p.arxiv_id in asked}


def score_requested(intake: Intake, model: object, scored: Sequence[ScoredPaper]) -> list[ScoredPaper]:
    """The accepted papers the run has not scored yet, scored by ``model``."""
    have = {s.paper.arxiv_id for s in scored}
    missing = [p for p in intake.papers() if p.arxiv_id not in have]
    return list(model.score(missing)) if missing else []  # type: ignore[attr-defined]


def answer(desk: IssueDesk, intake: Intake, outcome: PublishOutcome, proposals: Sequence[Proposal], *,
           threshold: float) -> int:
    """Comment once on each request issue; an accepted paper only when the PR now holds it. Returns comments made.

    A comment GitHub refuses is logged and left for the next run (nothing else depends on it).
    """
    in_pr = {p.arxiv_id: p for p in proposals} if outcome.status in ("created", "updated", "unchanged") else {}
    made = 0
    for d in intake.decisions:
        placed = in_pr.get(d.paper.arxiv_id) if d.paper is not None else None
        if d.verdict == "accepted" and (placed is None or outcome.pr_number is None):
            continue
        text = _reply(d, placed, outcome, threshold)
        try:
            made += desk.comment_once(d.number, KIND, d.key, text)
        except TrackerError as e:
            log.warning("could not answer issue #%d (%s); the next run tries again", d.number, e)
    intake.answered = made
    return made


def _reply(d: Decision, placed: Proposal | None, outcome: PublishOutcome, threshold: float) -> str:
    pid = d.request.ask.arxiv_id or ""
    if d.verdict == "accepted" and placed is not None:
        return replies.accepted(pid, placed, outcome, threshold, asked_section=d.request.ask.section,
                                section_found=bool(d.section))
    if d.verdict == "listed":
        return replies.listed(pid, d.section)
    if d.verdict == "rejected":
        return replies.rejected(pid)
    if d.verdict == "unknown":
        return replies.unknown(pid)
    return replies.malformed(d.request.ask.written)
