"""Code links, data links and a venue hint, read from a paper's abstract, comment and journal_ref.

A list row has Venue, Code and Data cells; these functions fill them from what
the authors wrote ("Code is available at https://github.com/…", "Accepted to
ACL 2024"). Pure functions: no I/O.

- Code: GitHub/GitLab/Bitbucket/Codeberg repositories and project pages
  (``*.github.io``, or any link the text calls code, a project page or a website).
- Data: Hugging Face (datasets, models, organisations: the list files them under
  Data), Zenodo, Kaggle, Figshare, Google Drive, and any GitHub link the
  sentence calls a dataset or benchmark.
- Venue: a known conference or journal named in the comment or journal_ref,
  unless the text only says it was *submitted* to or is *under review* there.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from tracker.markdown_safe import is_web_link
from tracker.records import Paper

_URL = re.compile(
    r"(?:https?://|(?<![\w./@-])(?=(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/))"
    r"[^\s<>\"'{}|\\^`\[\]]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\""
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")
_DATA_HOSTS = ("huggingface.co", "zenodo.org", "kaggle.com", "figshare.com", "drive.google.com", "hf.co")
_NEVER_HOSTS = ("arxiv.org", "doi.org", "youtube.com", "youtu.be", "bilibili.com", "twitter.com", "x.com")
_DATA_WORDS = re.compile(r"\b(?:data(?:set|sets)?|benchmarks?|corpus|corpora)\b", re.IGNORECASE)
_CODE_WORDS = re.compile(r"\b(?:code|codes|implementation|project page|website|homepage|demo)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Links:
    """What :func:`extract_links` found, in order of appearance, without duplicates."""

    code: tuple[str, ...] = ()
    """Code repositories and project pages."""
    data: tuple[str, ...] = ()
    """Datasets, released models and other artefacts."""


def _clean(url: str) -> str:
    url = url.rstrip(_TRAILING)
    # a closing bracket that the URL did not open belongs to the sentence
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(_TRAILING)
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    if url.endswith(".git"):
        url = url[:-4]
    return url.rstrip("/") if url.count("/") > 3 else url


def _host(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def _on(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _context(text: str, start: int) -> str:
    """The words of the sentence before a URL (what the authors call it)."""
    before = text[max(0, start - 120) : start]
    cut = max(before.rfind(". "), before.rfind(".\n"), before.rfind("; "))
    return before[cut + 1 :] if cut >= 0 else before


def extract_links(*texts: str) -> Links:
    """Code and data links in ``texts`` (abstract, comment), classified by host and by the words before them."""
    code: list[str] = []
    data: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for match in _URL.finditer(text or ""):
            url = _clean(match.group(0))
            host = _host(url)
            if "." not in host or url.lower() in seen:
                continue
            if _on(host, _NEVER_HOSTS):
                continue
            context = _context(text, match.start())
            says_data = bool(_DATA_WORDS.search(context))
            says_code = bool(_CODE_WORDS.search(context))
            if _on(host, _DATA_HOSTS):
                target = data
            elif host in _CODE_HOSTS:
                target = data if says_data and not says_code else code
            elif host.endswith(".github.io") or host.endswith(".gitlab.io") or says_code:
                target = code
            elif says_data:
                target = data
            else:
                continue
            seen.add(url.lower())
            target.append(url)
    return Links(tuple(code), tuple(data))


# Known venues: (regex, name as the list writes it). Longer names first so NAACL is not read as ACL.
_VENUES: tuple[tuple[str, str], ...] = (
    (r"NeurIPS|NIPS", "NeurIPS"),
    (r"NAACL(?:-HLT)?", "NAACL"),
    (r"EACL", "EACL"),
    (r"AACL(?:-IJCNLP)?", "AACL"),
    (r"EMNLP", "EMNLP"),
    (r"ACL", "ACL"),
    (r"COLING", "COLING"),
    (r"LREC", "LREC"),
    (r"CoNLL", "CoNLL"),
    (r"TACL|Transactions of the Association for Computational Linguistics", "TACL"),
    (r"ICLR", "ICLR"),
    (r"ICML", "ICML"),
    (r"AAAI", "AAAI"),
    (r"IJCAI", "IJCAI"),
    (r"KDD", "KDD"),
    (r"SIGIR", "SIGIR"),
    (r"CIKM", "CIKM"),
    (r"WSDM", "WSDM"),
    (r"WWW|The Web Conference", "WWW"),
    (r"CVPR", "CVPR"),
    (r"ICCV", "ICCV"),
    (r"ECCV", "ECCV"),
    (r"CoRL", "CoRL"),
    (r"ICRA", "ICRA"),
    (r"COLM", "COLM"),
    (r"UAI", "UAI"),
    (r"AISTATS", "AISTATS"),
    (r"TMLR|Transactions on Machine Learning Research", "TMLR"),
    (r"JMLR|Journal of Machine Learning Research", "JMLR"),
    (r"PMLR", "PMLR"),
    (r"INTERSPEECH|Interspeech", "Interspeech"),
    (r"ICASSP", "ICASSP"),
    (r"MLSys", "MLSys"),
)
_VENUE_RE = re.compile(
    r"(?<![A-Za-z0-9.@/-])(?:" + "|".join(f"(?P<v{i}>{pattern})" for i, (pattern, _) in enumerate(_VENUES)) + r")(?![A-Za-z])"
)
_NOT_ACCEPTED = re.compile(r"\b(?:submitted|submission|under review|in review|reviewing|preprint version of|rejected)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;.\n]|\band\b|,")
_CLAUSE_END = re.compile(r"[;.\n]")
_YEAR_AFTER = re.compile(r"^[\s'’-]*(?:\(?[A-Za-z ]{0,12}\)?[\s'’-]*)?(?:19|20)?\d\d\b")
_ACCEPTED = re.compile(
    r"\b(?:accepted|to appear|appear(?:s|ed)? (?:in|at)|published|camera[- ]ready|main conference|proceedings|"
    r"oral|poster|spotlight|findings|workshop)\b",
    re.IGNORECASE,
)


def venue_hint(comment: str = "", journal_ref: str = "") -> str:
    """The venue a paper was accepted at, from its comment or journal_ref (``"Accepted to ACL 2024"`` → ``ACL``).

    ``Findings`` gives ``Findings of X`` and a workshop ``X Workshop``; a venue
    the text only was submitted to (or is under review at) gives nothing.
    """
    for text, is_ref in ((comment or "", False), (journal_ref or "", True)):
        for match in _VENUE_RE.finditer(text):
            assert match.lastgroup is not None  # the venue alternatives are the pattern's only groups
            name = _VENUES[int(match.lastgroup[1:])][1]
            start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, match.start())), default=0)
            end_match = _CLAUSE_END.search(text, match.end())
            clause = text[start : end_match.start() if end_match else len(text)]
            if _NOT_ACCEPTED.search(text[start : match.start()]) or _NOT_ACCEPTED.search(clause):
                continue
            if not (is_ref or _YEAR_AFTER.match(text[match.end() :]) or _ACCEPTED.search(clause)):
                continue
            if re.search(r"\bfindings\b", clause, re.IGNORECASE):
                return f"Findings of {name}"
            if re.search(r"\bworkshops?\b", clause, re.IGNORECASE):
                return f"{name} Workshop"
            return name
    return ""


def annotate(paper: Paper) -> Paper:
    """``paper`` with code/data links and venue filled from its text (links it already has come first).

    Only http(s) links are kept: links given with the paper (a corpus file's
    ``code``/``data``) are as untrusted as its abstract, and a ``javascript:``
    link must not reach the store, let alone fail a weekly run at the list.
    """
    found = extract_links(paper.abstract, paper.comment)
    code = tuple(dict.fromkeys(link for link in (*paper.code, *found.code) if is_web_link(link)))
    data = tuple(dict.fromkeys(link for link in (*paper.data, *(d for d in found.data if d not in code)) if is_web_link(link)))
    venue = paper.venue or venue_hint(paper.comment, paper.journal_ref)
    if (code, data, venue) == (paper.code, paper.data, paper.venue):
        return paper
    return dataclasses.replace(paper, code=code, data=data, venue=venue)
