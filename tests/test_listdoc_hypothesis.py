"""Property tests: any text parses and renders back; any untrusted title or link stays one safe row."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.listdoc_sample import LABELING, SAMPLE
from tracker.errors import ListFormatError, ProposalError
from tracker.listdoc.cells import scan_links, split_cells
from tracker.listdoc.document import ListDocument
from tracker.markdown_safe import escape_cell, safe_url, unescape_cell, visible_text
from tracker.records import Proposal

FRAGMENTS = [
    "| Title | Venue | Date |\n", "|---|---|---|\n", "|:--|:--:|--:|\n", "| [**P**](https://arxiv.org/abs/2401.00001) ",
    "| arXiv | 2024-01 |", "## ", "### S\n", "# T\n", "```\n", "~~~\n", "<div>\n", "</div>\n", "<!--", "-->\n",
    "    ", "\n", "\r\n", "|", "\\|", "[", "](", ")", "<br>", "- Update Log\n", "## News\n", "*", "`", "\ufeff",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), markdownish))
def test_any_text_parses_and_renders_back(text):
    doc = ListDocument.parse(text)
    assert doc.render() == text
    for row in doc.rows():
        assert doc.lines[row.line - 1] == row.text
        assert row.title
    for section in doc.sections():
        assert section.path == " > ".join(section.parts)
    for problem in doc.lint():  # line 0: the whole file (no paper table at all)
        assert 0 <= problem.line <= len(doc.lines) and "\n" not in problem.message
        assert problem.line or not doc.sections()


ROWISH = ["| [**R**](https://arxiv.org/abs/2301.00001) | arXiv | 2023-01 |", "| Q | - | 2025-12",
          "| [**S**](https://x.org/s | ACL | 2024-01 |", "| | | |", "|x|", "| T | - | 2024-01 |"]
short_markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=8).map("".join)
documents = st.builds(
    lambda before, rows, after: f"{before}\n## S\n| Title | Venue | Date |\n|---|---|---|\n" + "".join(
        row + "\n" for row in rows) + after,
    short_markdownish,
    st.lists(st.one_of(st.sampled_from(ROWISH), st.text(max_size=20).map(lambda t: "| " + t)), max_size=6),
    short_markdownish,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(documents)
def test_apply_only_adds_lines(text):
    """Whatever the document, applying a proposal to one of its sections only adds lines."""
    doc = ListDocument.parse(text)
    assume(doc.sections())
    section = doc.sections()[0].path
    paper = Proposal(title="Zeta Paper", url="https://arxiv.org/abs/2401.00077", sections=(section,),
                     arxiv_id="2401.00077", date="2024-01")
    if doc.structure_problems():  # a block never closed hides paper tables: refused, not half-applied
        with pytest.raises(ListFormatError):
            doc.apply([paper])
        return
    result = doc.apply([paper], log_date=datetime.date(2024, 3, 19))
    new_lines = result.text.split("\n")
    old_lines = text.split("\n")
    matched = iter(new_lines)
    assert all(any(old == new for new in matched) for old in old_lines)  # old lines are a subsequence
    assert len(new_lines) - len(old_lines) in range(1, 6)
    assert result.document.contains("2401.00077", section)
    assert result.document.apply([paper], log_date=datetime.date(2024, 3, 19)).text == result.text


untrusted = st.text(alphabet=st.characters(codec="utf-8"), min_size=1) | st.sampled_from([
    "A | B", "x\ny", "<script>alert(1)</script>", "[a](javascript:alert(1))", "](", "**", "`", "\\", "a\\",
    "&lt;b&gt;", "https://evil.example", "www.evil.example", "<b>", "|||", "\\|", "_*_"])


@settings(max_examples=200, deadline=None)
@given(title=untrusted, venue=untrusted, path=st.text(), code_path=st.text())
def test_untrusted_text_makes_one_safe_row(title, venue, path, code_path):
    assume(escape_cell(title))
    url, code = "https://example.org/" + path, "https://github.com/" + code_path
    paper = Proposal(title=title, url=url, sections=(LABELING,), venue=venue, date="2024-01", code=(code,))
    result = ListDocument.parse(SAMPLE).apply([paper])
    old_lines = SAMPLE.split("\n")
    new_lines = result.text.split("\n")
    assert len(new_lines) == len(old_lines) + 1
    (added,) = [line for line in new_lines if line not in old_lines]
    # same column count as a clean row, no raw HTML, exactly the two links we put there
    assert len(split_cells(added)) == 4
    assert "<" not in added and ">" not in added
    assert [link.url for link in scan_links(added).links] == [safe_url(url), safe_url(code)]
    assert scan_links(added).broken is None
    # the row parses back with the escaped title, which reads as the original text
    (row,) = [r for r in result.document.rows() if r.text == added]
    assert row.title == escape_cell(title)
    assert unescape_cell(row.title) == visible_text(title)
    assert (row.url, row.code, row.date) == (safe_url(url), (safe_url(code),), "2024-01")
    assert row.venue == (escape_cell(venue) or "-")
    assert result.document.render() == result.text


@settings(max_examples=100, deadline=None)
@given(scheme=st.sampled_from(["javascript", "data", "vbscript", "file", "ftp", "JaVaScRiPt", ""]), rest=st.text())
def test_non_http_links_are_refused(scheme, rest):
    paper = Proposal(title="T", url=f"{scheme}:{rest}", sections=(LABELING,), date="2024-01")
    doc = ListDocument.parse(SAMPLE)
    try:
        doc.apply([paper])
    except ProposalError as e:
        assert str(e).startswith("refusing link ") and "\n" not in str(e)
    else:
        raise AssertionError(f"{paper.url!r} was accepted")
