"""escape_cell / unescape_cell / safe_url: untrusted text can't break a table row or add links or HTML."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.hidden_text import HIDDEN, forbidden_in, gfm_links, hostile_text
from tracker.errors import ProposalError
from tracker.listdoc.cells import scan_links, split_cells
from tracker.markdown_safe import escape_cell, safe_url, unescape_cell, visible_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain Title: A Study", "Plain Title: A Study"),
        ("A | B", "A \\| B"),
        ("line one\nline two\r\n  three", "line one line two three"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("[click](javascript:alert(1))", "\\[click\\]\\(javascript:alert\\(1\\)\\)"),
        ("**bold** _it_ `code` ~~del~~", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~del\\~\\~"),
        ("back\\slash", "back\\\\slash"),
        ("Q&A and A & B", "Q&A and A & B"),
        ("&amp; &lt;b&gt; &#60; &#x3C;", "&amp;amp; &amp;lt;b&amp;gt; &amp;`#`60; &amp;#x3C;"),
        ("see https://evil.example and www.evil.example", "see https:\\/\\/evil.example and www\\.evil.example"),
        ("Divide-or-Conquer? Which Part", "Divide-or-Conquer? Which Part"),
        ("Sub-$\\approx$1B Models in $\\mathcal{O}(n_1)$", "Sub-\\$\\\\approx\\$1B Models in \\$\\\\mathcal{O}\\(n\\_1\\)\\$"),
    ],
)
def test_escape_cell(text, expected):
    assert escape_cell(text) == expected
    assert unescape_cell(expected) == visible_text(text)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2403.02966", "https://arxiv.org/abs/2403.02966"),
        ("  http://example.org/a b  ", "http://example.org/a%20b"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_%28bar%29"),
        ('https://x.org/<a>|"q"', "https://x.org/%3Ca%3E%7C%22q%22"),
        ("https://x.org/a\\b`c", "https://x.org/a%5Cb%60c"),
        ("https://x.org/a\nb\tc", "https://x.org/a%0Ab%09c"),
        ("HTTPS://X.ORG/ok?x=1#frag", "HTTPS://X.ORG/ok?x=1#frag"),
        ("https://x.org/%20already", "https://x.org/%20already"),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "java\nscript:alert(1)", "data:text/html,<b>x</b>",
     "vbscript:x", "ftp://x.org/file", "mailto:a@b.c", "//x.org/a", "/relative/path", "https://", "http:/x.org",
     "", "   "],
)
def test_safe_url_refuses(url):
    with pytest.raises(ProposalError) as error:
        safe_url(url)
    message = str(error.value)
    assert message == f"refusing link {url.strip()!r}: only http(s) URLs with a host go into the list; fix the link"
    assert "\n" not in message


@given(st.text())
def test_escaped_text_is_one_literal_cell(text):
    escaped = escape_cell(text)
    row = f"| [**{escaped}**](https://x.org) | {escaped} | 2024-01 |"
    assert "\n" not in escaped and "\r" not in escaped
    assert "<" not in escaped and ">" not in escaped
    cells = split_cells(row)
    assert len(cells) == 3
    assert [link.url for link in scan_links(row).links] == ["https://x.org"]
    assert scan_links(escaped).links == ()
    assert unescape_cell(escaped) == visible_text(text)


@given(st.text())
def test_safe_url_output_cannot_end_a_link(tail):
    url = safe_url("https://example.org/" + tail)
    assert not any(ch in url for ch in ' ()<>|"\\`\n\r\t')
    assert [link.url for link in scan_links(f"[x]({url})").links] == [url]


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_hidden_characters_never_reach_a_cell(name):
    chars = HIDDEN[name]
    escaped = escape_cell(f"Dis{chars}tilled{chars} Titles")
    # whitespace (tab, newline, U+2028, NEL, U+001F) becomes one space; any other hidden character goes without a trace
    assert escaped == ("Dis tilled Titles" if any(ch.isspace() for ch in chars) else "Distilled Titles")
    assert forbidden_in(escaped) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contact first.last+kd@uni.example.edu", "Contact first.last+kd`@`uni.example.edu"),
        ("mailto:kd@x.org", "mailto:kd`@`x.org"),
        ("xmpp:kd@x/y.z", "xmpp:kd`@`x/y.z"),
        ("thanks @octocat and @org/team", "thanks `@`octocat and `@`org/team"),
        ("pass@k and Recall@10", "pass@k and Recall@10"),
        ("fixes #12 and org/repo#3, not C# or # 1", "fixes `#`12 and org/repo`#`3, not C# or # 1"),
        ("_www.evil.example (www.evil.example) ~www.x.io", "\\_www\\.evil.example \\(www\\.evil.example\\) \\~www\\.x.io"),
        ("ftp://files.example and HTTP://X.IO", "ftp:\\/\\/files.example and HTTP:\\/\\/X.IO"),
        ("x&#64;y.org", "x&amp;`#`64;y.org"),
    ],
)
def test_no_autolink_mention_or_reference(text, expected):
    escaped = escape_cell(text)
    assert escaped == expected
    assert gfm_links(escaped) == []
    assert unescape_cell(escaped) == text


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_safe_url_percent_encodes_hidden_characters(name):
    url = safe_url(f"https://example.org/a{HIDDEN[name]}b")
    assert forbidden_in(url) == [] and url.startswith("https://example.org/a%") and url.endswith("b")


@given(hostile_text)
def test_escaped_text_has_no_hidden_character_and_no_link(text):
    escaped = escape_cell(text)
    assert forbidden_in(escaped) == []
    assert gfm_links(escaped) == []
    assert unescape_cell(escaped) == visible_text(text)
    assert scan_links(f"| [**{escaped}**](https://x.org) | {escaped} |").links[0].url == "https://x.org"
