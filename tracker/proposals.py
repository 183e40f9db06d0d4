"""PROPOSALS.jsonl: the papers to insert, one JSON object a line.

Each line is a :class:`~tracker.records.Proposal`: the list document's fields
(``title``, ``url``, ``sections``, ``arxiv_id``, ``venue``, ``date``, ``code``,
``data``; ``date`` is ``YYYY-MM``) plus the optional ``score``, ``alternatives`` and ``terms`` the PR body
shows. Blank lines are skipped. A bad line is a :class:`ProposalError` naming
``file:line`` and what to fix, before anything is published::

    {"title": "Distilling Step-by-Step!", "url": "https://arxiv.org/abs/2305.02301",
     "sections": ["KD Algorithms > Knowledge Elicitation > Labeling"], "date": "2023-05", "score": 0.93,
     "alternatives": [{"section": "Skill Distillation > NLU", "score": 0.41}], "terms": ["rationale", "distill"]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from tracker.arxiv_ids import normalise_arxiv_id
from tracker.errors import ProposalError
from tracker.records import Proposal

REQUIRED = ("title", "url", "sections")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def parse_proposals(text: str, name: str = "PROPOSALS.jsonl") -> list[Proposal]:
    """Proposals from JSONL ``text``; errors name ``name:line``."""
    proposals: list[Proposal] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        proposal = _parse_line(line, where)
        key = proposal.arxiv_id or proposal.url
        if key in seen:
            raise ProposalError(f"{where}: {key} is already proposed on line {seen[key]}; keep one line per paper")
        seen[key] = number
        proposals.append(proposal)
    return proposals


def _parse_line(line: str, where: str) -> Proposal:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ProposalError(f"{where}: invalid JSON ({e.msg} at column {e.colno}); write one JSON object per line") from e
    if not isinstance(obj, dict):
        raise ProposalError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    missing = [key for key in REQUIRED if key not in obj]
    if missing:
        raise ProposalError(f"{where}: missing {', '.join(repr(k) for k in missing)}; "
                            f"a proposal needs {', '.join(REQUIRED)}")
    sections = obj["sections"]
    if isinstance(sections, str):
        sections = [sections]
    if not isinstance(sections, list) or not sections or not all(isinstance(s, str) and s.strip() for s in sections):
        raise ProposalError(f"{where}: 'sections' must be a non-empty list of section paths (\"A > B\")")
    if not isinstance(obj["title"], str) or not obj["title"].strip():
        raise ProposalError(f"{where}: 'title' must be a non-empty string")
    if urlsplit(str(obj["url"]).strip()).scheme.lower() not in ("http", "https"):
        raise ProposalError(f"{where}: 'url' must be an http(s) link, got {str(obj['url'])[:80]!r}")
    for key in ("code", "data", "terms", "alternatives"):
        if key in obj and obj[key] is not None and not isinstance(obj[key], list):
            raise ProposalError(f"{where}: '{key}' must be a list")
    try:
        proposal = Proposal.from_dict({**obj, "sections": sections})
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ProposalError(f"{where}: bad value ({e}); see the PROPOSALS.jsonl format in README.md") from e
    if not _MONTH.fullmatch(proposal.date):
        raise ProposalError(f"{where}: 'date' must be YYYY-MM (the month the paper appeared), got {proposal.date!r}")
    if proposal.score is not None and not 0.0 <= proposal.score <= 1.0:
        raise ProposalError(f"{where}: 'score' must be a probability in [0, 1], got {proposal.score}")
    if not proposal.arxiv_id:
        found = normalise_arxiv_id(proposal.url)
        if found:
            proposal = Proposal.from_dict({**obj, "sections": sections, "arxiv_id": found})
    return proposal


def read_proposals(path: str | Path) -> list[Proposal]:
    """Read a PROPOSALS.jsonl file; :class:`ProposalError` names the file and line of a bad proposal."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ProposalError(f"{path}: cannot read the proposals file ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise ProposalError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    return parse_proposals(text, str(path))


def write_proposals(proposals: Iterable[Proposal], path: str | Path) -> int:
    """Write ``proposals`` as JSONL (UTF-8, one object a line); return how many were written."""
    lines = [p.to_json() for p in proposals]
    Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
