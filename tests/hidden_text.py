"""Hostile text for the renderers: hidden characters by class, and an oracle for what must never come out.

The oracle is written from the issue's list and the GFM spec, not from
:mod:`tracker.markdown_safe`, so a test that uses it checks the code against
an independent statement of the rule.
"""

from __future__ import annotations

import html
import re

from hypothesis import strategies as st

HIDDEN = {
    "NUL": "\x00",
    "ESC": "\x1b",
    "BEL": "\x07",
    "BS": "\x08",
    "other C0": "\x01\x0e\x1f",
    "DEL": "\x7f",
    "C1": "\x80\x85\x9b\x9f",
    "bidi embedding and override": "\u202a\u202b\u202c\u202d\u202e",
    "bidi isolate": "\u2066\u2067\u2068\u2069",
    "bidi mark": "\u200e\u200f\u061c",
    "zero width": "\u200b\u200c\u200d\u2060",
    "BOM": "\ufeff",
    "line and paragraph separator": "\u2028\u2029",
    "tab and newline": "\t\n\r\x0b\x0c",
    "lone surrogate": "\ud800",
}
"""One sample of each class of character that must not reach a README, a PR body or a report."""

FORBIDDEN = frozenset(
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2060", "\ufeff", "\u2028", "\u2029"]
    + [chr(c) for c in range(0xD800, 0xE000)]
)
"""Code points no rendered output may hold (a multi-line output may hold ``\\n`` between lines)."""

hostile_text = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(sorted("".join(HIDDEN.values()))),
              st.sampled_from(["a@b.org", "x.y+z@uni.example.edu", "@octocat", "mailto:m@n.io", "#12",
                               "www.evil.example", "_www.x.io", "https://evil.example/a", "ftp://f.example",
                               "pass@k", "|", "`", "\\", "<b>", "](", "&#64;"])),
    max_size=12,
).map("".join)
"""Any text, with hidden characters, e-mail addresses, mentions and bare URLs mixed in."""


def forbidden_in(text: str, *, newlines: bool = False) -> list[str]:
    """The forbidden code points in ``text`` (``\\n`` allowed when ``newlines``)."""
    return [ch for ch in text if ch in FORBIDDEN and not (newlines and ch == "\n")]


_EMAIL = re.compile(r"[A-Za-z0-9.+_:-]@[A-Za-z0-9._/-]*\.[A-Za-z0-9]")
_MENTION = re.compile(r"(?:^|[^A-Za-z0-9_])@[A-Za-z0-9]")
_ISSUE = re.compile(r"#\d")


def gfm_links(escaped: str) -> list[str]:
    """What GitHub would turn into a link in the markdown text ``escaped`` (no link syntax in it).

    GFM's extended URL and www autolinks are found in the source as written
    (``http://``, ``https://``, ``ftp://``; ``www.``); e-mail autolinks in
    each text node after backslash escapes and entities are resolved, where
    only a code span (or other inline) splits the text. GitHub also links
    ``@user`` and ``#123`` in text (not in code) in a pull request.
    """
    found = [m.group() for m in re.finditer(r"(?i)(?:https?|ftp)://|www\.", escaped)]
    segments, current, i = [], [], 0
    while i < len(escaped):
        ch = escaped[i]
        if ch == "\\" and i + 1 < len(escaped):
            current.append(escaped[i + 1])
            i += 2
        elif ch == "`":
            close = escaped.find("`", i + 1)
            if close == -1:
                current.append(ch)
                i += 1
                continue
            segments.append("".join(current))
            current = []
            i = close + 1
        else:
            current.append(ch)
            i += 1
    segments.append("".join(current))
    for segment in map(html.unescape, segments):
        found += [m.group() for pattern in (_EMAIL, _MENTION, _ISSUE) for m in pattern.finditer(segment)]
    return found
