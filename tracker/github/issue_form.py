"""A "please add our paper" issue read: the arXiv id, the section and the code link asked for; pure, no requests.

Two kinds of body are read. The issue form kd-tracker ships
(``examples/ISSUE_TEMPLATE/add-paper.yml``) renders on GitHub as headings, each
followed by the answer (``_No response_`` for an optional field left empty)::

    ### arXiv link or id

    https://arxiv.org/abs/2403.01234

    ### Section (optional)

    Knowledge Elicitation > Labeling

    ### Code link (optional)

    _No response_

Any other body is free text: the first arXiv link or id in it (any form
:func:`~tracker.paper_ids.normalise_arxiv_id` reads), a ``section: ...`` line,
and a ``code: <url>`` line (else the first GitHub or GitLab link). Everything
read here is untrusted: the caller escapes it before it reaches markdown, uses
a section only when it names a table of the list, and a code link only when it
is http(s).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.markdown_safe import is_web_link, visible_text
from tracker.paper_ids import normalise_arxiv_id

FORM_FIELDS = {"arxiv": "arXiv link or id", "section": "Section (optional)", "code": "Code link (optional)"}
"""The labels of the issue form's fields (the headings of its rendered body), by what they hold."""
NO_RESPONSE = "_No response_"
"""What GitHub writes for an optional form field left empty."""
WRITTEN_CHARS = 120
"""What the author wrote where an id should be is kept to this many characters (for the reply)."""

_HEADING = re.compile(r"^###[ \t]+(?P<label>.+?)[ \t]*#*[ \t]*$", re.M)
_LINK = re.compile(r"(?:https?://)?[\w.-]+\.[a-z]{2,}/[^\s<>()\[\]\"'`]+", re.I)
_BARE_ID = re.compile(r"(?<![\w./-])(?:arxiv:\s*)?(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?![\w/])",
                      re.I)
_SECTION_LINE = re.compile(r"^[ \t]*[-*]?[ \t]*\**section\**[ \t]*:[ \t]*(?P<value>.+)$", re.I | re.M)
_CODE_LINE = re.compile(r"^[ \t]*[-*]?[ \t]*\**code(?:[ \t]+link)?\**[ \t]*:[ \t]*(?P<value>\S+)", re.I | re.M)
_CODE_HOST = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com)/", re.I)
_TRAILING = ".,;:!?*_>"


@dataclass(frozen=True)
class PaperRequest:
    """What an issue asks for."""

    arxiv_id: str | None
    """The versionless arXiv id asked for; None when the issue holds none that reads as one."""
    written: str = ""
    """What the author wrote where the id should be (the form's field, on one line, cut), for the reply."""
    section: str = ""
    """The section asked for, as written (untrusted; empty: none)."""
    code: str = ""
    """The code link given, when it is an http(s) link (empty: none)."""
    form: bool = False
    """The body is kd-tracker's issue form."""


def form_fields(body: str) -> dict[str, str] | None:
    """The answers of a rendered issue form by field (``arxiv``, ``section``, ``code``); None when it is no form."""
    headings = list(_HEADING.finditer(body))
    answers: dict[str, str] = {}
    for k, heading in enumerate(headings):
        field = _field_of(heading.group("label"))
        if field is None or field in answers:
            continue
        end = headings[k + 1].start() if k + 1 < len(headings) else len(body)
        value = body[heading.end():end].strip()
        answers[field] = "" if value == NO_RESPONSE else value
    return answers if "arxiv" in answers else None


def _field_of(label: str) -> str | None:
    words = label.strip().lower()
    for field, name in FORM_FIELDS.items():
        if words == name.lower() or words.startswith(name.split(" (")[0].lower()):
            return field
    return None


def parse_request(body: str | None) -> PaperRequest:
    """What ``body`` asks for: the form's answers, else what free text holds."""
    text = body or ""
    answers = form_fields(text)
    if answers is not None:
        written = visible_text(answers["arxiv"])
        return PaperRequest(first_arxiv_id(answers["arxiv"]), written[:WRITTEN_CHARS],
                            visible_text(answers.get("section", "")), _code(answers.get("code", "")), form=True)
    section = _SECTION_LINE.search(text)
    code = _CODE_LINE.search(text)
    link = code.group("value") if code else next(
        (m.group() for m in _LINK.finditer(text) if _CODE_HOST.match(m.group())), "")
    return PaperRequest(first_arxiv_id(text), section=visible_text(section.group("value")) if section else "",
                        code=_code(link))


def _code(value: str) -> str:
    link = value.strip().rstrip(_TRAILING)
    return link if link and is_web_link(link) else ""


def first_arxiv_id(text: str) -> str | None:
    """The first arXiv id in ``text``, as a link (any form arXiv ids are linked by) or written (``arXiv:2403.01234``)."""
    found: list[tuple[int, str]] = []
    for match in _LINK.finditer(text):
        arxiv_id = normalise_arxiv_id(match.group().rstrip(_TRAILING))
        if arxiv_id:
            found.append((match.start(), arxiv_id))
    for match in _BARE_ID.finditer(text):
        arxiv_id = normalise_arxiv_id(match.group())
        if arxiv_id:
            found.append((match.start(), arxiv_id))
    return min(found)[1] if found else None


def asks_for_paper(body: str | None, keywords: Sequence[str]) -> bool:
    """Whether free text asks for a paper: it holds an arXiv link or id and one of ``keywords`` (whole words, any case)."""
    text = body or ""
    if first_arxiv_id(text) is None:
        return False
    return any(_keyword(word).search(text) for word in keywords if word.strip())


def _keyword(word: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in word.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.I)
