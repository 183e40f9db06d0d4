"""What arXiv now says about a listed paper: the venue it was accepted at (with the year), a code repository.

Pure functions, conservative on purpose: a venue is only read when a known
venue name stands right before its year (``ACL 2024``, ``NeurIPS'23``,
``EMNLP 2024 Findings``, ``Findings of EMNLP 2024``); in the comment, the same
clause must also say it was accepted (``Accepted to``, ``Published at``,
``to appear``, ``camera-ready``, ``Findings``, ``oral`` …), while a journal
reference is a publication by definition. A clause that says *submitted*,
*under review* or *preprint*, a workshop, or two different venues give
nothing. A code repository is a ``github.com``/``gitlab.com`` repository or a
Hugging Face model or Space that the abstract or comment links as code
(:func:`tracker.links.extract_links`), written as its plain https URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.links import extract_links

VENUES: tuple[tuple[str, str], ...] = (
    ("NeurIPS", r"NeurIPS|NIPS"),
    ("NAACL", r"NAACL(?:-HLT)?"),
    ("EACL", r"EACL"),
    ("AACL", r"AACL(?:-IJCNLP)?"),
    ("EMNLP", r"EMNLP"),
    ("TACL", r"TACL"),
    ("ACL", r"ACL"),
    ("COLING", r"COLING"),
    ("LREC", r"LREC"),
    ("CoNLL", r"CoNLL"),
    ("ICLR", r"ICLR"),
    ("ICML", r"ICML"),
    ("AAAI", r"AAAI"),
    ("IJCAI", r"IJCAI"),
    ("KDD", r"KDD"),
    ("SIGIR", r"SIGIR"),
    ("CIKM", r"CIKM"),
    ("WSDM", r"WSDM"),
    ("WWW", r"WWW"),
    ("CVPR", r"CVPR"),
    ("ICCV", r"ICCV"),
    ("ECCV", r"ECCV"),
    ("CoRL", r"CoRL"),
    ("ICRA", r"ICRA"),
    ("COLM", r"COLM"),
    ("UAI", r"UAI"),
    ("AISTATS", r"AISTATS"),
    ("TMLR", r"TMLR"),
    ("Interspeech", r"INTERSPEECH|Interspeech"),
    ("ICASSP", r"ICASSP"),
    ("MLSys", r"MLSys"),
)
"""Known venues: (name as written, pattern). Longer names first, so NAACL is not read as ACL."""
FINDINGS_VENUES = frozenset({"ACL", "EMNLP", "NAACL", "EACL", "AACL"})
"""Venues with a Findings track."""

_VENUE_YEAR = re.compile(
    r"(?<![A-Za-z0-9@/.-])(?:" + "|".join(f"(?P<v{i}>{pattern})" for i, (_, pattern) in enumerate(VENUES)) + r")"
    r"(?:[\s-]*(?P<year>20\d\d)|\s*['’](?P<yy>\d\d))(?![0-9])"
)
_CLAUSE = re.compile(r";|\n|,|\.(?:\s|$)")
_NOT_ACCEPTED = re.compile(
    r"\b(?:submit(?:ted)?|submission|under review|in review|under submission|reviewing|rejected|preprint|"
    r"withdrawn|workshops?|tutorial|challenge|shared task)\b",
    re.IGNORECASE,
)
_ACCEPTED = re.compile(
    r"\b(?:accepted|accept|to appear|appear(?:s|ed)? (?:in|at)|published|camera[- ]ready|main conference|"
    r"main track|proceedings|oral|poster|spotlight|findings|presented at)\b",
    re.IGNORECASE,
)
_FINDINGS = re.compile(r"\bfindings\b", re.IGNORECASE)
_REPO = re.compile(r"^https?://(?:www\.)?(?P<host>github\.com|gitlab\.com)/(?P<owner>[A-Za-z0-9_.-]+)/"
                   r"(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?(?:/(?:tree|blob)/.*)?/?$")
_HF = re.compile(r"^https?://(?:www\.)?huggingface\.co/(?P<path>(?:spaces/)?[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/?$")
_NOT_OWNERS = frozenset({"orgs", "topics", "features", "settings", "marketplace", "sponsors", "explore", "collections",
                         "datasets", "papers", "docs", "blog", "search", "login", "join"})


@dataclass(frozen=True)
class Venue:
    """A venue a paper was accepted at."""

    name: str
    """``ACL``, ``Findings of EMNLP``."""
    year: int

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


def accepted_venue(comment: str = "", journal_ref: str = "") -> Venue | None:
    """The venue (with year) the journal_ref, else the comment, says the paper was accepted at; None if unsure."""
    for text, is_ref in ((journal_ref or "", True), (comment or "", False)):
        found = _venues_in(text, is_ref)
        if len(found) == 1:
            return found.pop()
        if found:
            return None  # two different venues: which one is it?
    return None


def _venues_in(text: str, is_ref: bool) -> set[Venue]:
    found: set[Venue] = set()
    for match in _VENUE_YEAR.finditer(text):
        assert match.lastgroup is not None
        index = next(int(name[1:]) for name, value in match.groupdict().items() if value and name.startswith("v"))
        name = VENUES[index][0]
        year = int(match.group("year")) if match.group("year") else 2000 + int(match.group("yy"))
        clause = _clause(text, match.start(), match.end())
        if _NOT_ACCEPTED.search(clause):
            continue
        if not is_ref and not _ACCEPTED.search(clause):
            continue
        if _FINDINGS.search(clause):
            if name not in FINDINGS_VENUES:
                continue
            name = f"Findings of {name}"
        found.add(Venue(name, year))
    return found


def _clause(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]``: from the break before it to the break after it."""
    before = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    after = _CLAUSE.search(text, end)
    return text[before : after.start() if after else len(text)]


def code_repository(abstract: str = "", comment: str = "") -> str | None:
    """The first code repository the comment or abstract links as code, as a plain https URL; None if none."""
    links = extract_links(comment, abstract)
    for url in (*links.code, *links.data):
        repo = _REPO.match(url)
        if repo is not None and url in links.code and repo.group("owner").lower() not in _NOT_OWNERS:
            return f"https://{repo.group('host')}/{repo.group('owner')}/{repo.group('repo')}"
        hf = _HF.match(url)
        if hf is not None and hf.group("path").split("/")[0].lower() not in _NOT_OWNERS:
            return f"https://huggingface.co/{hf.group('path')}"
    return None
