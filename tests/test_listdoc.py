"""ListDocument parsing: lossless round trip, sections, rows and the README's quirks."""

from __future__ import annotations

import json

import pytest

from tests.conftest import requires_shared
from tests.listdoc_sample import FEEDBACK, LABELING, SAMPLE
from tracker.errors import ProposalError
from tracker.listdoc.document import ListDocument, Row
from tracker.paper_ids import normalise_title

FIXTURES = ["README.2024-02-20.first.md", "README.2024-03-19.before-weekly.md",
            "README.2024-03-19.after-weekly.md", "README.2025-03-09.head.md"]


def read_fixture(shared, name: str) -> str:
    return (shared / "fixtures" / "kd-list" / name).read_bytes().decode("utf-8")


@pytest.fixture
def head(shared) -> ListDocument:
    return ListDocument.parse(read_fixture(shared, "README.2025-03-09.head.md"))


@requires_shared
@pytest.mark.parametrize("name", FIXTURES)
def test_round_trip_is_byte_identical(shared, name):
    raw = (shared / "fixtures" / "kd-list" / name).read_bytes()
    doc = ListDocument.parse(raw.decode("utf-8"), name)
    assert doc.render().encode("utf-8") == raw
    assert len(doc.lines) == raw.count(b"\n") + 1


@requires_shared
@pytest.mark.parametrize(("name", "sections", "rows"), [
    ("README.2024-02-20.first.md", 30, 290),
    ("README.2024-03-19.before-weekly.md", 30, 307),
    ("README.2024-03-19.after-weekly.md", 30, 337),
    ("README.2025-03-09.head.md", 31, 345),
])
def test_fixture_counts(shared, name, sections, rows):
    doc = ListDocument.parse(read_fixture(shared, name))
    assert (len(doc.sections()), len(doc.rows())) == (sections, rows)
    assert sum(len(s.rows) for s in doc.sections()) == rows
    for row in doc.rows():
        assert doc.lines[row.line - 1] == row.text


@requires_shared
def test_head_sections_and_rows_match_list_history(shared, head):
    """Every head row maps to its paper in list_history.jsonl with the same sections, URL and date."""
    history = [json.loads(line) for line in (shared / "data" / "list_history.jsonl").read_text().splitlines()]
    present = [h for h in history if h["present_at_head"]]

    def entry_of(row: Row) -> dict:
        matches = [h for h in present
                   if (h["arxiv_id"] or None) == row.arxiv_id
                   and normalise_title(row.title) in {normalise_title(t) for t in h["titles_seen"]}]
        assert len(matches) == 1, row
        return matches[0]

    found: dict[str, set[str]] = {}
    for row in head.rows():
        entry = entry_of(row)
        assert row.url in (entry["urls_seen"] or [""]), row
        assert row.date == entry["date"]
        found.setdefault(entry["key"], set()).add(row.section)
    assert found == {h["key"]: {" > ".join(parts) for parts in h["sections"]} for h in present}
    paths = [s.path for s in head.sections()]
    assert set(paths) == {" > ".join(p) for h in present for p in h["sections"]}
    assert paths[0] == "KD Algorithms > Knowledge Elicitation > Labeling"
    assert paths[-1] == "Encoder-based KD"


@requires_shared
def test_head_quirks(shared, head):
    history = {json.loads(line)["key"]: json.loads(line)
               for line in (shared / "data" / "list_history.jsonl").read_text().splitlines()}
    rows = {row.line: row for row in head.rows()}
    # no trailing pipe, a code link with a space inside the parentheses
    fuse = rows[234]
    assert fuse.text.endswith("[Github](https://github.com/fanqiwan/FuseLLM ) ")
    assert (fuse.title, fuse.arxiv_id, fuse.venue, fuse.date, fuse.code, fuse.data) == (
        history["arxiv:2401.10491"]["title"], "2401.10491", "ICLR", "2024-01",
        ("https://github.com/fanqiwan/FuseLLM",), ())
    # a leading space inside the parentheses; an escaped % and a * in the title are kept as written
    vicuna = rows[322]
    assert "[Github]( https://github.com/lm-sys/FastChat)" in vicuna.text
    assert "\\%*" in vicuna.title and vicuna.title in {h["title"] for h in history.values()}
    assert (vicuna.arxiv_id, vicuna.venue, vicuna.code) == (None, "-", ("https://github.com/lm-sys/FastChat",))
    # <br> between two links of the Data cell
    assert " <br> " in rows[193].text
    assert rows[193].data == tuple(history["arxiv:2304.12244"]["data"])
    # two spaces after the leading pipe
    assert rows[174].text.startswith("|  [**") and rows[174].arxiv_id == "2212.10450"
    assert rows[174].title == history["arxiv:2212.10450"]["title"]
    # a title without a link
    assert (rows[196].url, rows[196].arxiv_id, rows[196].venue) == ("", None, "-")
    assert rows[196].title in {h["title"] for h in history.values() if h["url"] is None}
    # aclanthology: no arXiv id; arxiv pdf links with a version: versionless id
    assert (rows[155].url, rows[155].arxiv_id) == ("https://aclanthology.org/2024.eacl-long.109.pdf", None)
    assert [r.arxiv_id for r in head.rows() if r.url.endswith("2403.06414v1.pdf")] == ["2403.06414"] * 2
    # the Multi-Modality header has one space less: still a paper table
    assert head.lines[head.find_section("Skill Distillation > Multi-Modality").line].startswith("| Title  |")
    assert len(head.find_section("Skill Distillation > Multi-Modality").rows) == 14


@requires_shared
def test_non_paper_tables_and_headings_are_not_sections(head):
    paths = [s.path for s in head.sections()]
    assert not any(p.endswith(("Why KD of LLMs?", "Summary Table", "News", "Table of Contents", "Citation"))
                   for p in paths)
    assert [row for row in head.rows() if row.line < 149] == []  # the Role | Description | Trend table
    with pytest.raises(ProposalError) as error:
        head.find_section("Skill Distillation > Summary Table")
    assert str(error.value) == ("unknown section 'Skill Distillation > Summary Table'; "
                                "did you mean 'Skill Distillation > Multi-Modality'?")


def test_sample_sections_and_rows():
    doc = ListDocument.parse(SAMPLE)
    assert [(s.path, s.parts, s.level, s.line, len(s.rows)) for s in doc.sections()] == [
        (LABELING, ("Methods", "Knowledge Elicitation", "Labeling"), 4, 20, 4),
        (FEEDBACK, ("Methods", "Knowledge Elicitation", "Feedback"), 4, 28, 0),
    ]
    lines = SAMPLE.split("\n")
    assert doc.rows() == [
        Row("Alpha Distillation", "https://arxiv.org/abs/2402.00001", "2402.00001", "arXiv", "2024-02", (), (),
            23, lines[22], LABELING),
        Row("Beta Teaching: A Study", "https://arxiv.org/pdf/2401.00002v2.pdf", "2401.00002", "ACL", "2024-01",
            ("https://github.com/x/beta",),
            ("https://huggingface.co/datasets/x/a", "https://huggingface.co/datasets/x/b"), 24, lines[23], LABELING),
        Row("Gamma Labels", "https://aclanthology.org/2023.acl-long.1.pdf", None, "ACL", "2023-12", (), (),
            25, lines[24], LABELING),
        Row("Delta Without Link", "", None, "-", "2023-11", ("https://github.com/x/delta",), (),
            26, lines[25], LABELING),
    ]
    assert doc.render() == SAMPLE
    assert [h.text for h in doc.headings] == [
        "Awesome Sample List", "\U0001f4a1 News", "\U0001f4d2 Table of Contents", "Methods",
        "Knowledge Elicitation", "Labeling", "Feedback", "\u2b50 Summary Table", "Why Distil?", "Citation"]
    assert doc.heading_paths[1] == ("News",)
    assert doc.heading_paths[7] == ("Methods", "Summary Table")


def test_find_section_suggests_the_closest():
    doc = ListDocument.parse(SAMPLE)
    assert doc.find_section(" Methods >Knowledge Elicitation>  Labeling ").path == LABELING
    for wrong, closest in [("Methods > Knowledge Elicitation > Labelling", LABELING), ("Labeling", LABELING),
                           ("feedback", FEEDBACK), ("Methods > Feedbacks", FEEDBACK)]:
        with pytest.raises(ProposalError) as error:
            doc.find_section(wrong)
        assert str(error.value) == f"unknown section {wrong!r}; did you mean {closest!r}?"
    with pytest.raises(ProposalError) as error:
        ListDocument.parse("# Empty\n\ntext\n", "EMPTY.md").find_section("A > B")
    assert str(error.value) == "unknown section 'A > B': EMPTY.md has no paper tables (no table with a Title column)"


def test_contains_by_any_arxiv_link_form_or_normalised_title():
    doc = ListDocument.parse(SAMPLE)
    for query in ["2401.00002", "arXiv:2401.00002v5", "https://arxiv.org/abs/2401.00002",
                  "https://arxiv.org/pdf/2401.00002v1.pdf", "beta teaching - a study", "GAMMA LABELS!",
                  "Delta, without link"]:
        assert doc.contains(query), query
        assert doc.contains(query, LABELING), query
        assert not doc.contains(query, FEEDBACK), query
    for query in ["2401.00003", "https://arxiv.org/abs/2402.00002", "Gamma", "Fake", "Compression", ""]:
        assert not doc.contains(query), query


def test_headings_in_code_and_html_blocks_are_ignored():
    text = ("# T\n## A\n```md\n## In code\n```\n~~~\n## In tilde code\n~~~\n<details>\n## In HTML\n</details>\n\n"
            "    ## indented code\n<!--\n## In comment\n-->\n## B ##\n")
    doc = ListDocument.parse(text)
    assert [(h.level, h.text) for h in doc.headings] == [(1, "T"), (2, "A"), (2, "B")]
    assert doc.render() == text


def test_table_inside_code_or_html_is_not_a_paper_table():
    table = "| Title | Venue | Date |\n|---|---|---|\n| [**P**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |\n"
    for wrapped in [f"## S\n```\n{table}```\n", f"## S\n<div>\n{table}</div>\n", f"## S\n<!--\n{table}-->\n"]:
        assert ListDocument.parse(wrapped).rows() == []
    assert [r.title for r in ListDocument.parse(f"## S\n{table}").rows()] == ["P"]


def test_table_columns_found_by_header_name():
    text = "## S\n| Date | Code | Title | Venue |\n|--|--|--|--|\n| 2024-01 | [Github](https://g/x) | [**P**](https://arxiv.org/abs/2401.00001) | ICML |"
    (row,) = ListDocument.parse(text).rows()
    assert (row.title, row.venue, row.date, row.code, row.data, row.line) == (
        "P", "ICML", "2024-01", ("https://g/x",), (), 4)


def test_crlf_bom_and_no_final_newline_are_kept():
    text = ("\ufeff# T\r\n## S\r\n| Title | Venue | Date |\r\n|---|---|---|\r\n"
            "| [**P**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |\r\n| [**Q**](https://x.org/q) | - | 2023-01 |")
    doc = ListDocument.parse(text)
    assert doc.render() == text
    assert [s.path for s in doc.sections()] == ["S"]
    assert [(r.title, r.date, r.text[-1]) for r in doc.rows()] == [("P", "2024-01", "\r"), ("Q", "2023-01", "|")]


def test_title_heading_only_left_out_when_alone():
    two_tops = "# Part One\n## S\n| Title |\n|---|\n| P |\n# Part Two\n## S\n| Title |\n|---|\n| Q |\n"
    assert [s.path for s in ListDocument.parse(two_tops).sections()] == ["Part One > S", "Part Two > S"]
    emoji = "# List\n## \U0001f52c **[Deep](#deep)** <sup>new</sup> \u2728\n| Title |\n|---|\n| P |\n"
    assert [s.path for s in ListDocument.parse(emoji).sections()] == ["Deep new"]


@pytest.mark.parametrize(("title", "expected"), [
    ("Divide-or-Conquer? Which Part Should You Distill Your LLM?", "divide or conquer which part should you distill your llm"),
    ("**Bold** Title", "bold title"),
    ("90\\%* ChatGPT   Quality", "90 chatgpt quality"),
    ("A &amp; B &lt;i&gt;", "a b i"),
    ("Ｆｕｌｌwidth", "fullwidth"),
    ("", ""),
])
def test_normalise_title(title, expected):
    assert normalise_title(title) == expected


def test_parse_never_drops_lines_of_odd_text():
    for text in ["", "\n", "|", "||\n|-|", "| Title |\n|---|\n|", "```", "<div>", "# ", "#", "\r\n\r", "| Title | x |\n|---|---|\n| | |"]:
        doc = ListDocument.parse(text)
        assert doc.render() == text
        doc.lint()


def test_setext_headings_count_but_not_after_lists_or_quotes():
    text = "Top\n===\nMethods\n-------\n| Title |\n|---|\n| P |\n\n- item\n---\n> quote\n---\n\nTwo\nlines\n---\n"
    doc = ListDocument.parse(text)
    assert [(h.index, h.level, h.text) for h in doc.headings] == [(0, 1, "Top"), (2, 2, "Methods"), (13, 2, "Two lines")]
    assert [s.path for s in doc.sections()] == ["Methods"]
    assert doc.render() == text
