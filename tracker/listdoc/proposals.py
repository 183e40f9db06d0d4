"""PROPOSALS.jsonl: the papers to insert, one JSON object a line.

Each line is a :class:`~tracker.records.Proposal`: the list document's fields
(``title``, ``url``, ``sections``, ``arxiv_id``, ``venue``, ``date``, ``code``,
``data``; ``date`` is ``YYYY-MM``) plus the optional ``score``, ``alternatives``, ``terms``, ``abstract`` and
``authors`` the PR body shows. Blank lines are skipped. This is the one reader of the format: ``list apply``
and ``publish`` (its proposals and near-misses) check every line by the same rules. A bad line (not a
JSON object, nested JSON, an unknown or repeated key, a value of the wrong type such as a list as
``venue``, a score that is not a probability, NaN included, a paper proposed twice) is a
:class:`ProposalError` naming ``file:line`` and the key, before anything is written or published::

    {"title": "Distilling Step-by-Step!", "url": "https://arxiv.org/abs/2305.02301",
     "sections": ["KD Algorithms > Knowledge Elicitation > Labeling"], "date": "2023-05", "score": 0.93,
     "alternatives": [{"section": "Skill Distillation > NLU", "score": 0.41}], "terms": ["rationale", "distill"]}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tracker.errors import ProposalError
from tracker.paper_ids import arxiv_id_of, normalise_arxiv_id
from tracker.records import Proposal, SectionScore
from tracker.textfile import json_object_line, read_utf8, refuse_unknown_keys, shown

REQUIRED = ("title", "url", "sections")
KEYS = (*REQUIRED, "arxiv_id", "venue", "date", "code", "data", "score", "alternatives", "terms", "abstract",
        "authors")
"""Every key a proposal line may have."""
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def read_numbered_proposals(path: str | Path) -> list[tuple[int, Proposal]]:
    """The proposals of a PROPOSALS.jsonl file with their line numbers; :class:`ProposalError` names
    the file, the line and the key of a bad proposal."""
    return parse_numbered_proposals(read_utf8(path, "proposals file", ProposalError), str(path))


def read_proposals(path: str | Path) -> list[Proposal]:
    """Read a PROPOSALS.jsonl file; :class:`ProposalError` names the file and line of a bad proposal."""
    return [proposal for _, proposal in read_numbered_proposals(path)]


def parse_proposals(text: str, name: str = "PROPOSALS.jsonl") -> list[Proposal]:
    """Proposals from JSONL ``text``; errors name ``name:line``."""
    return [proposal for _, proposal in parse_numbered_proposals(text, name)]


def parse_numbered_proposals(text: str, name: str = "PROPOSALS.jsonl") -> list[tuple[int, Proposal]]:
    """Proposals from JSONL ``text`` with their line numbers (lines end at ``\\n`` only, as JSON Lines say)."""
    proposals: list[tuple[int, Proposal]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        proposal = _parse_line(line, where)
        key = proposal.arxiv_id or proposal.url
        if key in seen:
            raise ProposalError(f"{where}: {key} is already proposed on line {seen[key]}; keep one line per paper")
        seen[key] = number
        proposals.append((number, proposal))
    return proposals


def _parse_line(line: str, where: str) -> Proposal:
    obj = json_object_line(line, where, ProposalError, "a proposal")
    refuse_unknown_keys(obj, KEYS, where, ProposalError, "a proposal")
    missing = [key for key in REQUIRED if key not in obj]
    if missing:
        raise ProposalError(f"{where}: missing {', '.join(repr(k) for k in missing)}; "
                            f"a proposal needs {', '.join(REQUIRED)}")
    sections = [obj["sections"]] if isinstance(obj["sections"], str) else obj["sections"]
    if not isinstance(sections, list) or not sections or not all(isinstance(s, str) and s.strip() for s in sections):
        raise ProposalError(f"{where}: 'sections' must be a non-empty list of section paths (\"A > B\")")
    title = obj["title"]
    if not isinstance(title, str) or not title.strip():
        raise ProposalError(f"{where}: 'title' must be a non-empty string, got {shown(title)}")
    url = obj["url"]
    if not isinstance(url, str) or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        raise ProposalError(f"{where}: 'url' must be an http(s) link, got {shown(url)}")
    date = _text(obj, "date", where)
    if not _MONTH.fullmatch(date):
        raise ProposalError(f"{where}: 'date' must be YYYY-MM (the month the paper appeared), got {date!r}")
    arxiv_id = _text(obj, "arxiv_id", where)
    if arxiv_id:
        found = normalise_arxiv_id(arxiv_id)
        if found is None:
            raise ProposalError(f"{where}: 'arxiv_id' must be an arXiv id such as '2403.06414', got {arxiv_id!r}")
        arxiv_id = found
    return Proposal(
        title=title,
        url=url,
        sections=tuple(sections),
        arxiv_id=arxiv_id_of(arxiv_id, url) or "",
        venue=_text(obj, "venue", where) or "arXiv",
        date=date,
        code=_strings(obj, "code", where),
        data=_strings(obj, "data", where),
        score=_probability(obj.get("score"), "'score'", where),
        alternatives=_alternatives(obj.get("alternatives"), where),
        terms=_strings(obj, "terms", where),
        abstract=_text(obj, "abstract", where),
        authors=_strings(obj, "authors", where),
    )


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    """The optional string ``obj[key]`` (``""`` when absent or null)."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProposalError(f"{where}: '{key}' must be a string, got {shown(value)}")
    return value


def _strings(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """The optional list of strings ``obj[key]`` (empty when absent or null)."""
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProposalError(f"{where}: '{key}' must be a list of strings, got {shown(value)}")
    return tuple(value)


def _probability(value: Any, what: str, where: str) -> float | None:
    """A probability in [0, 1] (None when absent or null); NaN, infinities, booleans and strings are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProposalError(f"{where}: {what} must be a probability in [0, 1], got {shown(value)}")
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ProposalError(f"{where}: {what} must be a probability in [0, 1], got {value}")
    return float(value)


def _alternatives(value: Any, where: str) -> tuple[SectionScore, ...]:
    """``[{"section": "A > B", "score": 0.4}, ...]`` or ``[["A > B", 0.4], ...]`` (empty when absent or null)."""
    if value is None:
        return ()
    form = "a list of {\"section\": \"A > B\", \"score\": 0.4} (or [\"A > B\", 0.4])"
    if not isinstance(value, list):
        raise ProposalError(f"{where}: 'alternatives' must be {form}, got {shown(value)}")
    alternatives = []
    for number, item in enumerate(value, 1):
        if isinstance(item, dict) and set(item) == {"section", "score"}:
            section, score = item["section"], item["score"]
        elif isinstance(item, list) and len(item) == 2:
            section, score = item
        else:
            raise ProposalError(f"{where}: 'alternatives' item {number} must be {{\"section\": \"A > B\", "
                                f"\"score\": 0.4}} or [\"A > B\", 0.4], got {shown(item)}")
        if not isinstance(section, str) or not section.strip():
            raise ProposalError(f"{where}: 'alternatives' item {number}: the section must be a section path "
                                f"(\"A > B\"), got {shown(section)}")
        probability = _probability(score, f"'alternatives' item {number}: the score", where)
        if probability is None:
            raise ProposalError(f"{where}: 'alternatives' item {number}: the score must be a probability in [0, 1], "
                                "got null")
        alternatives.append(SectionScore(section, probability))
    return tuple(alternatives)


def write_proposals(proposals: Iterable[Proposal], path: str | Path) -> int:
    """Write ``proposals`` as JSONL (UTF-8, one object a line); return how many were written."""
    lines = [p.to_json() for p in proposals]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
