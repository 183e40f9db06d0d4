"""Untrusted text and links made safe for a markdown table cell or a PR body.

Titles, venues and links come from arXiv and from other people's comments:
they can hold ``|``, newlines, HTML, ``[``/``]``/``(``/``)``, backticks or a
``javascript:`` URL. :func:`escape_cell` turns any text into one line of
literal text (no column break, no link, no HTML, no emphasis) that GitHub
renders as the original characters; :func:`safe_url` lets only http(s) links
through and percent-encodes what could end a markdown link early.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracker.errors import ProposalError

_BACKSLASH_ESCAPED = frozenset("\\`*_[]()|~$")
"""Characters that get a backslash: markdown syntax for code, emphasis, links, cells, strikethrough, math."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
"""A character reference; only an ``&`` that starts one needs escaping (``A & B`` stays as written)."""
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(lt|gt|amp);")
_URL_UNSAFE = frozenset(' ()<>|"\\`')
"""Characters percent-encoded in a link: they could end a markdown link or a table cell early."""


def escape_cell(text: str) -> str:
    """``text`` as one line of literal markdown, safe inside a table cell or a PR body.

    Whitespace runs (newlines included) become one space; ``\\ ` * _ [ ] ( ) | ~ $``
    get a backslash (``$`` so a title's LaTeX shows as written instead of half-rendered math); ``<`` and ``>`` become ``&lt;``/``&gt;``; an ``&`` that would
    start a character reference becomes ``&amp;``; ``://`` and ``www.`` are broken
    up so GitHub does not turn a bare URL into a link. :func:`unescape_cell` undoes it.
    """
    text = " ".join(str(text).split())
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _BACKSLASH_ESCAPED:
            out.append("\\" + ch)
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&" and _ENTITY.match(text, i):
            out.append("&amp;")
        else:
            out.append(ch)
    escaped = "".join(out).replace("://", ":\\/\\/")
    return re.sub(r"(?i)\b(www)\.", r"\1\\.", escaped)


def unescape_cell(text: str) -> str:
    """The literal text a cell written by :func:`escape_cell` shows (backslash escapes and ``&lt;&gt;&amp;`` undone)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        return {"lt": "<", "gt": ">", "amp": "&"}[match.group(2)]

    return _UNESCAPE.sub(replace, text)


def safe_url(url: str) -> str:
    """``url`` ready for ``[text](url)``; :class:`ProposalError` unless it is an http(s) URL with a host.

    Spaces, control characters, ``( ) < > | " \\`` and backticks are percent-encoded,
    so the link cannot end early, break the table row or smuggle in markup.
    """
    raw = str(url).strip()
    encoded = "".join(_percent(ch) if ch in _URL_UNSAFE or ord(ch) < 32 or ord(ch) == 127 or ch.isspace() else ch
                      for ch in raw)
    try:
        parts = urlsplit(encoded)
    except ValueError as e:
        raise ProposalError(f"refusing link {raw!r}: {e}; give an http(s) URL") from e
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ProposalError(f"refusing link {raw!r}: only http(s) URLs with a host go into the list; fix the link")
    return encoded


def is_web_link(url: str) -> bool:
    """Whether :func:`safe_url` accepts ``url`` (an http(s) URL with a host): links read from untrusted text are kept only then."""
    try:
        safe_url(url)
    except ProposalError:
        return False
    return True


def _percent(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))
