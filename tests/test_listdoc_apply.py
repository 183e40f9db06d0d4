"""ListDocument.apply: rows in the list's style and place, duplicates, idempotence, errors, the update log."""

from __future__ import annotations

import datetime
import logging

import pytest

from tests.listdoc_sample import FEEDBACK, LABELING, SAMPLE
from tracker.errors import ConfigError, ProposalError
from tracker.listdoc.document import ListDocument
from tracker.records import Proposal

DAY = datetime.date(2024, 3, 19)


def proposal(title="New Paper", url="https://arxiv.org/abs/2401.00005", sections=(LABELING,), **fields) -> Proposal:
    fields.setdefault("arxiv_id", "2401.00005" if "arxiv.org" in url else "")
    fields.setdefault("date", "2024-01")
    return Proposal(title=title, url=url, sections=tuple(sections), **fields)


def sample_with(inserts: dict[int, list[str]], text: str = SAMPLE) -> str:
    """SAMPLE with lines added after the given 1-based line numbers."""
    out = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        out.append(line)
        out.extend(inserts.get(number, []))
    return "\n".join(out)


def test_row_in_the_tables_style_on_top_of_its_date():
    result = ListDocument.parse(SAMPLE).apply([proposal(code=("https://github.com/n/p",))])
    row = "| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 | [Github](https://github.com/n/p) |"
    assert result.text == sample_with({23: [row]})
    assert result.inserted == ((proposal(code=("https://github.com/n/p",)), LABELING),)
    assert result.skipped == ()
    assert result.changed and result.papers == 1
    assert result.document.find_section(LABELING).rows[1].title == "New Paper"


@pytest.mark.parametrize(("date", "after_line"), [
    ("2024-03", 22), ("2024-02", 22), ("2023-12-30", 24), ("2023-1", 26), ("2019-10", 26),
])
def test_newest_first_position(date, after_line):
    result = ListDocument.parse(SAMPLE).apply([proposal(date=date)])
    month = date[:5] + date[5:].split("-")[0].zfill(2)
    assert result.text == sample_with(
        {after_line: [f"| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | {month} |"]})


def test_rows_of_one_run_keep_their_order_among_equal_dates():
    papers = [proposal(title=f"P{i}", url=f"https://arxiv.org/abs/2402.0001{i}", arxiv_id="", date="2024-02")
              for i in range(3)]
    result = ListDocument.parse(SAMPLE).apply(papers)
    assert result.text == sample_with({22: [
        f"| [**P{i}**](https://arxiv.org/abs/2402.0001{i}) | arXiv | 2024-02 |" for i in range(3)]})


def test_cells_code_data_venue_and_empty_table():
    papers = [
        proposal(title="Data Only", url="https://aclanthology.org/2024.acl-long.9", arxiv_id="", venue="ACL",
                 data=("https://huggingface.co/datasets/d/1",), sections=(LABELING, FEEDBACK)),
        proposal(title="Two Repos", url="https://example.org/paper", arxiv_id="", venue="", date="2023-11",
                 code=("https://github.com/a/1", "https://gitlab.com/a/2")),
    ]
    result = ListDocument.parse(SAMPLE).apply(papers)
    data_only = "| [**Data Only**](https://aclanthology.org/2024.acl-long.9) | ACL | 2024-01 |  | [Data](https://huggingface.co/datasets/d/1) |"
    two_repos = ("| [**Two Repos**](https://example.org/paper) | - | 2023-11 | "
                 "[Github](https://github.com/a/1) <br> [Github](https://gitlab.com/a/2) |")
    assert result.text == sample_with({23: [data_only], 25: [two_repos], 31: [data_only]})
    assert [(p.title, s) for p, s in result.inserted] == [
        ("Data Only", LABELING), ("Data Only", FEEDBACK), ("Two Repos", LABELING)]
    assert result.papers == 2


def test_no_trailing_pipe_style_is_copied():
    text = ("## S\n| Title | Venue | Date | Code |\n|---|---|---|---|\n"
            "|[Old](https://x.org/1)|ACL|2023-01\n|[Older](https://x.org/2)|ACL|2022-01\n")
    result = ListDocument.parse(text).apply([proposal(sections=("S",))])
    assert result.text.split("\n")[3] == "|[New Paper](https://arxiv.org/abs/2401.00005)|arXiv|2024-01"


def test_rows_written_with_empty_trailing_cells_do_not_add_columns():
    """Rows like ``| … | 2024-01 | | |`` end after the Date cell: their empty cells are not part of the row end."""
    text = ("## S\n| Title | Venue | Date | Code | Data |\n|:--|:--:|:--:|:--:|:--:|\n"
            "| [**Old**](https://x.org/1) | ACL | 2023-01 | | |\n| [**Older**](https://x.org/2) | ACL | 2022-01 | | |\n")
    new = proposal(sections=("S",), code=("https://github.com/n/p",), data=("https://huggingface.co/d",))
    result = ListDocument.parse(text).apply([new])
    assert result.text.split("\n")[3] == ("| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 |"
                                          " [Github](https://github.com/n/p) | [Data](https://huggingface.co/d) |")
    assert ListDocument.parse(result.text).lint() == []


def test_already_there_is_skipped_and_applying_twice_equals_once():
    papers = [
        proposal(title="Beta Teaching (v3 title)", url="https://arxiv.org/pdf/2401.00002v3.pdf", arxiv_id=""),
        proposal(title="gamma labels!", url="https://example.org/gamma", arxiv_id=""),
        proposal(title="Alpha Distillation", url="https://arxiv.org/abs/2402.00001", sections=(LABELING, FEEDBACK)),
        proposal(),
        proposal(url="https://arxiv.org/pdf/2401.00005v2.pdf", title="New Paper, again"),
    ]
    once = ListDocument.parse(SAMPLE).apply(papers, log_date=DAY)
    assert [(p.title, s) for p, s in once.skipped] == [
        ("Beta Teaching (v3 title)", LABELING), ("gamma labels!", LABELING), ("Alpha Distillation", LABELING),
        ("New Paper, again", LABELING)]
    assert [(p.title, s) for p, s in once.inserted] == [("Alpha Distillation", FEEDBACK), ("New Paper", LABELING)]
    twice = once.document.apply(papers, log_date=DAY)
    assert twice.text == once.text
    assert not twice.changed and twice.inserted == () and twice.log_line is None
    assert len(twice.skipped) == 6


def test_empty_proposals_give_the_text_back():
    doc = ListDocument.parse(SAMPLE)
    result = doc.apply([], log_date=DAY)
    assert result.text == SAMPLE and result.document is doc and not result.changed


@pytest.mark.parametrize(("bad", "message"), [
    (proposal(sections=("Methods > Labelling",)),
     "unknown section 'Methods > Labelling'; did you mean 'Methods > Knowledge Elicitation > Labeling'?"),
    (proposal(url="javascript:alert(1)"),
     "refusing link 'javascript:alert(1)': only http(s) URLs with a host go into the list; fix the link"),
    (proposal(code=("ftp://x.org/c",)),
     "refusing link 'ftp://x.org/c': only http(s) URLs with a host go into the list; fix the link"),
    (proposal(date="March 2024"),
     "date 'March 2024' of 'New Paper' is not YYYY-MM; give the month the paper appeared"),
    (proposal(date="2024-13"), "date '2024-13' of 'New Paper' is not YYYY-MM; give the month the paper appeared"),
    (proposal(title=" \n "), "proposal for 'https://arxiv.org/abs/2401.00005' has an empty title; give the paper's title"),
    (proposal(sections=()), "proposal 'New Paper' names no section; give at least one section path"),
])
def test_bad_proposal_changes_nothing(bad, message):
    doc = ListDocument.parse(SAMPLE)
    good = proposal(title="Good", url="https://arxiv.org/abs/2401.00009", arxiv_id="")
    with pytest.raises(ProposalError) as error:
        doc.apply([good, bad], log_date=DAY)
    assert str(error.value) == message
    with pytest.raises(ProposalError):
        doc.validate(bad)
    doc.validate(good)
    assert doc.render() == SAMPLE


def test_untrusted_title_and_links_stay_in_one_row():
    nasty = proposal(
        title="A | B\n<img src=x onerror=alert(1)> [c](javascript:x) **bold** `code`",
        url="https://example.org/a b)(<x>|y",
        arxiv_id="",
        venue="NeurIPS | <b>",
        code=("https://github.com/a/b)[x](javascript:y)",),
    )
    result = ListDocument.parse(SAMPLE).apply([nasty])
    row = ("| [**A \\| B &lt;img src=x onerror=alert\\(1\\)&gt; \\[c\\]\\(javascript:x\\) \\*\\*bold\\*\\* \\`code\\`**]"
           "(https://example.org/a%20b%29%28%3Cx%3E%7Cy) | NeurIPS \\| &lt;b&gt; | 2024-01 | "
           "[Github](https://github.com/a/b%29[x]%28javascript:y%29) |")
    assert result.text == sample_with({23: [row]})
    new = result.document.find_section(LABELING).rows[1]
    assert (new.title, new.url, new.venue, new.code) == (
        "A \\| B &lt;img src=x onerror=alert\\(1\\)&gt; \\[c\\]\\(javascript:x\\) \\*\\*bold\\*\\* \\`code\\`",
        "https://example.org/a%20b%29%28%3Cx%3E%7Cy", "NeurIPS \\| &lt;b&gt;",
        ("https://github.com/a/b%29[x]%28javascript:y%29",))


def test_crlf_file_gets_crlf_rows():
    text = SAMPLE.replace("\n", "\r\n")
    result = ListDocument.parse(text).apply([proposal()], log_date=DAY)
    assert result.text == sample_with({
        11: ["- Update Log\r", "  - **2024-3-19**: Add 1 papers.\r"],
        23: ["| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 |\r"],
    }, text)


def test_update_log_is_created_under_news():
    result = ListDocument.parse(SAMPLE).apply([proposal(), proposal(sections=(FEEDBACK,))], log_date=DAY)
    assert result.log_line == "**2024-3-19**: Add 1 papers."
    assert result.text == sample_with({
        11: ["- Update Log", "  - **2024-3-19**: Add 1 papers."],
        23: ["| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 |"],
        31: ["| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 |"],
    })


@pytest.mark.parametrize(("news", "expected"), [
    # no blank line after the last item: one is added before the new bullet
    ("## News\n- **2024-1-5**: Started.\n## Next\n",
     "## News\n- **2024-1-5**: Started.\n\n- Update Log\n  - **2024-3-19**: Add 1 papers.\n\n## Next\n"),
    # an empty News section
    ("## News\n## Next\n", "## News\n- Update Log\n  - **2024-3-19**: Add 1 papers.\n\n## Next\n"),
    # the list's bullet character is kept
    ("## News\n* **2024-1-5**: Started.\n\n## Next\n",
     "## News\n* **2024-1-5**: Started.\n\n* Update Log\n  * **2024-3-19**: Add 1 papers.\n\n## Next\n"),
    # an existing log: the new item goes on top, with the items' indent
    ("## News\n- Update Log\n    - **2024-3-12**: Add 2 papers.\n\n## Next\n",
     "## News\n- Update Log\n    - **2024-3-19**: Add 1 papers.\n    - **2024-3-12**: Add 2 papers.\n\n## Next\n"),
    # the same day again: the day's count grows, no second item
    ("## News\n- **Update Log**\n  - **2024-3-19**: Add 2 papers.\n\n## Next\n",
     "## News\n- **Update Log**\n  - **2024-3-19**: Add 3 papers.\n\n## Next\n"),
])
def test_update_log_forms(news, expected):
    table = "## S\n| Title | Venue | Date |\n|---|---|---|\n"
    result = ListDocument.parse(news + table).apply([proposal(sections=("S",))], log_date=DAY)
    assert result.text == expected + table + "| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 |\n"


def test_update_log_template_and_missing_news(caplog):
    table = "## S\n| Title | Venue | Date |\n|---|---|---|\n"
    result = ListDocument.parse("## News\n" + table).apply(
        [proposal(sections=("S",))], log_date=datetime.date(2025, 1, 2), log_template="{date}: {count} new")
    assert result.text.startswith("## News\n- Update Log\n  - 2025-1-2: 1 new\n\n## S\n")
    with caplog.at_level(logging.WARNING, logger="tracker.listdoc.update_log"):
        result = ListDocument.parse(table, "LIST.md").apply([proposal(sections=("S",))], log_date=DAY)
    assert result.log_line is None and "Update Log" not in result.text
    assert caplog.messages == ["LIST.md has no News heading; the update-log line is not added"]
    with pytest.raises(ConfigError) as error:
        ListDocument.parse("## News\n" + table).apply([proposal(sections=("S",))], log_date=DAY,
                                                      log_template="{day}: {count}")
    assert str(error.value) == ("list.update_log_template '{day}: {count}' is invalid (KeyError('day')); "
                                "use only {date} and {count}")


def test_malformed_rows_are_kept_and_skipped_for_ordering():
    text = ("## S\n| Title | Venue | Date |\n|---|---|---|\n| [**Broken**](https://x.org/1 | ACL\n"
            "| | | |\n| [**Old**](https://x.org/2) | ACL | 2020-01 |\n")
    result = ListDocument.parse(text).apply([proposal(sections=("S",), date="2021-05")])
    assert result.text == text.replace(
        "| [**Old**]", "| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2021-05 |\n| [**Old**]")


def test_titles_without_letters_are_not_duplicates_of_each_other():
    text = "## S\n| Title | Venue | Date |\n|---|---|---|\n| [**???**](https://x.org/1) | - | 2024-01 |\n"
    result = ListDocument.parse(text).apply([proposal(title="!!!", url="https://x.org/2", venue="-", sections=("S",))])
    assert [(p.title, s) for p, s in result.inserted] == [("!!!", "S")]
    assert result.text.endswith("| [**!!!**](https://x.org/2) | - | 2024-01 |\n| [**???**](https://x.org/1) | - | 2024-01 |\n")
