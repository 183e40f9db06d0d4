"""Untrusted text and links made safe for a markdown table cell or a PR body.

Titles, venues and links come from arXiv and from other people's comments:
they can hold ``|``, newlines, HTML, ``[``/``]``/``(``/``)``, backticks, a
``javascript:`` URL, an e-mail address, or invisible characters (NUL, ESC,
bidi overrides such as U+202E, zero-width spaces). :func:`escape_cell` turns
any text into one line of literal text (no column break, no link, no HTML, no
emphasis, no hidden character) that GitHub renders as the visible characters
of the original; :func:`safe_url` lets only http(s) links through and
percent-encodes what could end a markdown link early or hide in it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from tracker.errors import ProposalError

_BACKSLASH_ESCAPED = frozenset("\\`*_[]()|~$")
"""Characters that get a backslash: markdown syntax for code, emphasis, links, cells, strikethrough, math."""
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
"""A character reference; only an ``&`` that starts one needs escaping (``A & B`` stays as written)."""
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(lt|gt|amp);|`([@#])`")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories never written: controls, format characters, lone surrogates, line/paragraph separators."""
_DOMAIN_RUN = re.compile(r"[A-Za-z0-9._/-]*")
"""What cmark-gfm reads as the domain of an e-mail (or xmpp) autolink after an ``@``."""
_ASCII_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_URL_UNSAFE = frozenset(' ()<>|"\\`')
"""Characters percent-encoded in a link: they could end a markdown link or a table cell early."""


def is_hidden(ch: str) -> bool:
    """Whether ``ch`` is a character no output of kd-tracker holds.

    Controls (C0 such as NUL, ESC, BEL, BS, tab and newline; DEL; C1), format
    characters (bidi embeddings, overrides and isolates U+202A-U+202E and
    U+2066-U+2069, the marks U+200E, U+200F and U+061C, zero-width space and
    joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, tags),
    lone surrogates, and the separators U+2028/U+2029.
    """
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def visible_text(text: str) -> str:
    """``text`` on one line: every whitespace run (tab, newline, U+2028 included) one space, hidden characters dropped.

    A hidden character that is not whitespace (a zero-width space, a bidi
    override, NUL) is dropped without leaving a space, so a word it splits
    reads as one word again.
    """
    return " ".join("".join(ch for ch in str(text) if ch.isspace() or not is_hidden(ch)).split())


def escape_cell(text: str) -> str:
    """``text`` as one line of literal markdown, safe inside a table cell or a PR body.

    Hidden characters (:func:`is_hidden`) are dropped and whitespace runs
    become one space (:func:`visible_text`); ``\\ ` * _ [ ] ( ) | ~ $`` get a
    backslash (``$`` so a title's LaTeX shows as written instead of half-rendered
    math); ``<`` and ``>`` become ``&lt;``/``&gt;``; an ``&`` that would start a
    character reference becomes ``&amp;``. Nothing becomes a link: ``://`` and
    ``www.`` are broken up with backslashes (GitHub's URL autolinks need them
    literally); an ``@`` that GitHub would make an e-mail link or a mention, and
    a ``#`` before a digit (an issue reference in a PR), become a code span
    (`` `@` ``), because GitHub finds e-mail addresses in the text *after*
    backslash escapes and entities are resolved. :func:`unescape_cell` undoes it.
    """
    text = visible_text(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch in _BACKSLASH_ESCAPED:
            out.append("\\" + ch)
        elif (ch == "@" and _may_link_at(text, i)) or (ch == "#" and text[i + 1 : i + 2].isdigit()):
            out.append(f"`{ch}`")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&" and _ENTITY.match(text, i):
            out.append("&amp;")
        else:
            out.append(ch)
    escaped = "".join(out).replace("://", ":\\/\\/")
    # any "www.", even after "_", "*", "~" or "(" (which GitHub's www autolink accepts before it)
    return re.sub(r"(?i)(www)\.", r"\1\\.", escaped)


def _may_link_at(text: str, i: int) -> bool:
    """Whether GitHub could link the ``@`` at ``text[i]``: an e-mail (or ``mailto:``/``xmpp:``) autolink or a mention.

    An e-mail autolink needs a domain with a dot after the ``@``; a mention
    (``@user``, ``@org/team``) needs a letter or digit after it and no word
    character before it. Both checks err on the side of the code span.
    """
    domain = _DOMAIN_RUN.match(text, i + 1)
    if domain is not None and "." in domain.group():
        return True
    after = text[i + 1 : i + 2]
    return after.isascii() and after.isalnum() and (i == 0 or text[i - 1] not in _ASCII_WORD)


def unescape_cell(text: str) -> str:
    """The literal text a cell written by :func:`escape_cell` shows (backslash escapes, ``&lt;&gt;&amp;`` and `` `@` `` undone)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1)
        if match.group(3) is not None:
            return match.group(3)
        return {"lt": "<", "gt": ">", "amp": "&"}[match.group(2)]

    return _UNESCAPE.sub(replace, text)


def safe_url(url: str) -> str:
    """``url`` ready for ``[text](url)``; :class:`ProposalError` unless it is an http(s) URL with a host.

    Spaces, hidden characters (:func:`is_hidden`: controls, bidi and zero-width
    characters), ``( ) < > | " \\`` and backticks are percent-encoded, so the
    link cannot end early, break the table row, smuggle in markup or hide text.
    """
    raw = str(url).strip()
    encoded = "".join(_percent(ch) if ch in _URL_UNSAFE or ch.isspace() or is_hidden(ch) else ch for ch in raw)
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
    """``ch`` as UTF-8 percent escapes; a lone surrogate (which has no UTF-8) as U+FFFD's."""
    if unicodedata.category(ch) == "Cs":
        ch = "\ufffd"
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))
