"""Records passed between kd-tracker's modules: papers, proposals, scores.

Conversions happen at the boundaries (sources, store, corpus files, the list
document); everything in between passes these dataclasses.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass
from typing import Any


def iso_week(day: str) -> str:
    """ISO week of a ``YYYY-MM-DD`` day: ``2024-03-19`` -> ``2024-W12`` (``""`` for an empty or bad date)."""
    try:
        year, week, _ = datetime.date.fromisoformat(day[:10]).isocalendar()
    except ValueError:
        return ""
    return f"{year}-W{week:02d}"


def format_score(score: float) -> str:
    """A relevance probability for people: two decimals from 0.1 up, two significant digits below.

    Scores sit at a base rate of 1 in 500 (:mod:`classifiers.base_rate`), so
    thresholds and near-misses live around 0.01: ``0.93``, ``0.12``, ``0.012``, ``0.0049``.
    """
    return f"{score:.2f}" if score >= 0.1 else f"{score:.2g}"


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper, as fetched, stored, exported and scored."""

    arxiv_id: str
    """arXiv identifier without version (``2403.02966``): the paper's identity everywhere."""
    title: str
    """Title, whitespace collapsed."""
    abstract: str = ""
    """Abstract as the API gives it (hard line-wraps kept)."""
    authors: tuple[str, ...] = ()
    """Author names in order."""
    categories: tuple[str, ...] = ()
    """All arXiv categories, primary first when known."""
    primary_category: str = ""
    """The primary arXiv category."""
    published: str = ""
    """Date of v1 (``YYYY-MM-DD``), or the listing date for records that only know that."""
    updated: str = ""
    """Date of the latest version (``YYYY-MM-DD``)."""
    version: int = 1
    """Latest version number seen."""
    comment: str = ""
    """The arXiv comment (venues and code links often sit here)."""
    journal_ref: str = ""
    """The journal reference, when the authors gave one."""
    doi: str = ""
    """DOI, when given."""
    announced: str = ""
    """Listing (announcement) date, when known (``YYYY-MM-DD``)."""
    source: str = ""
    """Where the record came from: ``api``, ``rss``, ``corpus`` or ``list``."""
    first_seen: str = ""
    """Date the store first saw the paper (``YYYY-MM-DD``)."""
    code: tuple[str, ...] = ()
    """Code links found in the abstract or comment (GitHub, GitLab, project pages)."""
    data: tuple[str, ...] = ()
    """Data links found in the abstract or comment (Hugging Face datasets, …)."""
    venue: str = ""
    """Venue hint from the comment or journal_ref (``ACL``), empty when none."""

    @property
    def url(self) -> str:
        """The paper's abstract page."""
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def day(self) -> str:
        """The date a paper belongs to for weekly ranking: announced, else published."""
        return self.announced or self.published

    def __str__(self) -> str:
        return f"{self.arxiv_id} {self.title[:70]}"

    def to_corpus(self) -> dict[str, Any]:
        """This paper as one line of the corpus JSONL format (``../shared/data/arxiv_corpus.jsonl.gz``)."""
        return {
            "id": self.arxiv_id,
            "title": self.title,
            "abstract": self.abstract,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "primary_category": self.primary_category,
            "published": self.published,
            "published_kind": "submitted_v1",
            "updated": self.updated or None,
            "announced": self.announced or None,
            "comment": self.comment or None,
            "journal_ref": self.journal_ref or None,
            "doi": self.doi or None,
            "version": self.version,
            "source": self.source or None,
            "first_seen": self.first_seen or None,
            "code": list(self.code),
            "data": list(self.data),
            "venue": self.venue or None,
        }

    @classmethod
    def from_corpus(cls, obj: dict[str, Any]) -> Paper:
        """Read one corpus JSONL object (extra keys are ignored, missing ones default)."""
        categories = tuple(obj.get("categories") or ())
        return cls(
            arxiv_id=str(obj["id"]),
            title=" ".join(str(obj.get("title") or "").split()),
            abstract=str(obj.get("abstract") or ""),
            authors=tuple(obj.get("authors") or ()),
            categories=categories,
            primary_category=str(obj.get("primary_category") or (categories[0] if categories else "")),
            published=str(obj.get("published") or "")[:10],
            updated=str(obj.get("updated") or "")[:10],
            version=int(obj.get("version") or 1),
            comment=str(obj.get("comment") or ""),
            journal_ref=str(obj.get("journal_ref") or ""),
            doi=str(obj.get("doi") or ""),
            announced=str(obj.get("announced") or "")[:10],
            source=str(obj.get("source") or "corpus"),
            first_seen=str(obj.get("first_seen") or ""),
            code=tuple(obj.get("code") or ()),
            data=tuple(obj.get("data") or ()),
            venue=str(obj.get("venue") or ""),
        )


@dataclass(frozen=True)
class SectionScore:
    """A section and the probability that a paper belongs there."""

    section: str
    """Section path, ``A > B > C``."""
    score: float
    """Probability in [0, 1]."""


@dataclass(frozen=True)
class Proposal:
    """A paper to insert into the list: one line of a PROPOSALS.jsonl file.

    The first fields are the list document's (what a row shows); ``score``,
    ``alternatives`` and ``terms`` are optional and feed the PR body.
    """

    title: str
    """Paper title (untrusted text: escaped before it enters a table)."""
    url: str
    """Link of the title; only http(s)."""
    sections: tuple[str, ...]
    """Section paths the row goes into, best first."""
    arxiv_id: str = ""
    """arXiv id without version, empty for non-arXiv papers."""
    venue: str = "arXiv"
    """Venue cell."""
    date: str = ""
    """Date cell, ``YYYY-MM``."""
    code: tuple[str, ...] = ()
    """Code links (Code cell)."""
    data: tuple[str, ...] = ()
    """Data links (Data cell)."""
    score: float | None = None
    """Relevance probability, when a model scored it."""
    alternatives: tuple[SectionScore, ...] = ()
    """Other sections with their probabilities, best first."""
    terms: tuple[str, ...] = ()
    """Top terms that pushed the score up (the PR body shows the multi-word ones: the "why" phrases)."""
    abstract: str = ""
    """The paper's abstract (untrusted text: the PR body shows its first sentences, escaped)."""
    authors: tuple[str, ...] = ()
    """Author names in order (the PR body shows the first three)."""

    def to_json(self) -> str:
        obj = asdict(self)
        for key in ("sections", "code", "data", "terms", "authors"):
            obj[key] = list(obj[key])
        obj["alternatives"] = [{"section": a.section, "score": a.score} for a in self.alternatives]
        return json.dumps(obj, ensure_ascii=False)

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Proposal:
        """Read one PROPOSALS.jsonl object; raises KeyError/TypeError/ValueError on bad shapes."""
        alternatives = []
        for alt in obj.get("alternatives") or ():
            if isinstance(alt, dict):
                alternatives.append(SectionScore(str(alt["section"]), float(alt["score"])))
            else:
                alternatives.append(SectionScore(str(alt[0]), float(alt[1])))
        sections = obj["sections"]
        if isinstance(sections, str):
            sections = [sections]
        return cls(
            title=str(obj["title"]),
            url=str(obj["url"]),
            sections=tuple(str(s) for s in sections),
            arxiv_id=str(obj.get("arxiv_id") or ""),
            venue=str(obj.get("venue") or "arXiv"),
            date=str(obj.get("date") or ""),
            code=tuple(str(c) for c in obj.get("code") or ()),
            data=tuple(str(d) for d in obj.get("data") or ()),
            score=None if obj.get("score") is None else float(obj["score"]),
            alternatives=tuple(alternatives),
            terms=tuple(str(t) for t in obj.get("terms") or ()),
            abstract=str(obj.get("abstract") or ""),
            authors=tuple(str(a) for a in obj.get("authors") or ()),
        )


@dataclass(frozen=True)
class ScoredPaper:
    """A paper with its relevance score, section ranking and reasons."""

    paper: Paper
    """The paper scored."""
    score: float
    """Relevance probability in [0, 1]."""
    sections: tuple[SectionScore, ...] = ()
    """Sections ranked best first."""
    terms: tuple[str, ...] = ()
    """Top terms that pushed the score up."""
    ngrams: tuple[str, ...] = ()
    """The word n-grams of two words or more that pushed the score up most, strongest first: the PR body's "why",
    shown as the paper's own text writes them (:func:`classifiers.explain.why_phrases`, for proposals only)."""

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.paper.arxiv_id,
                "score": round(self.score, 6),
                "sections": [{"section": s.section, "score": round(s.score, 6)} for s in self.sections],
                "terms": list(self.terms),
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class ExtraLabel:
    """A maintainer's review signal about one paper."""

    arxiv_id: str
    """The paper (versionless arXiv id)."""
    label: int
    """1: belongs in the list; 0: does not (or, with ``section``, not in that section)."""
    section: str | None = None
    """The section the signal is about, or None for the paper as a whole."""

    @classmethod
    def coerce(cls, obj: Any) -> ExtraLabel:
        """Accept an ExtraLabel, a mapping with the same keys, or a tuple ``(arxiv_id, label[, section])``."""
        if isinstance(obj, cls):
            return obj
        if isinstance(obj, dict):
            return cls(str(obj["arxiv_id"]), int(obj["label"]), obj.get("section") or None)
        if isinstance(obj, tuple | list):
            return cls(str(obj[0]), int(obj[1]), (obj[2] if len(obj) > 2 else None) or None)
        return cls(str(obj.arxiv_id), int(obj.label), getattr(obj, "section", None) or None)


@dataclass(frozen=True)
class RowUpdate:
    """An edit to a row already in the list, found on arXiv: the paper was accepted at a venue, or its code appeared.

    Proposed in the weekly PR under "Updates to listed papers", one tick each; an unticked one is declined for
    good (for that field of that paper, whatever the value).
    """

    arxiv_id: str
    """The listed paper (versionless id)."""
    field: str
    """``venue`` or ``code``."""
    old: str
    """The cell as the list wrote it (``arXiv``, ``""``)."""
    new: str
    """What arXiv says: the venue with its year (``ACL 2024``, ``Findings of EMNLP 2024``), or the code URL."""
    title: str = ""
    """The row's title, as the PR body shows it."""
    venue: str = ""
    """For a venue: its name without the year (``ACL``, ``Findings of EMNLP``)."""
    year: int | None = None
    """For a venue: its year."""
    written: str = ""
    """What the cell now says, in the list's own style (filled when the edit is applied)."""

    @property
    def key(self) -> tuple[str, str]:
        """``(arxiv_id, field)``: what a maintainer declines by unticking."""
        return (self.arxiv_id, self.field)

    def __str__(self) -> str:
        return f"{self.arxiv_id} {self.field}: {self.old or '-'} -> {self.new}"


@dataclass(frozen=True)
class WeekRecord:
    """The bot's reviewed PRs of one ISO week (by the week the PR was built for): ``kd-tracker report``'s counts,
    which the dashboard shows too."""

    week: str
    prs: int
    proposed: int
    kept: int
    moved: int
    removed: int
    rejected: int

    @property
    def precision(self) -> float | None:
        """Kept rows over proposed rows (``kd-tracker report``'s precision)."""
        return self.kept / self.proposed if self.proposed else None

    @property
    def acceptance(self) -> float | None:
        """Rows that stayed in the list (kept where proposed, or moved) over proposed rows."""
        return (self.kept + self.moved) / self.proposed if self.proposed else None
