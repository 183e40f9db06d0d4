"""Section paths of lists other than the fixtures: headings holding ``>``, extra level-1 headings, repeated headings."""

from __future__ import annotations

import pytest

from tracker.errors import ProposalError
from tracker.listdoc.document import ListDocument
from tracker.records import Proposal

TABLE = "| Title | Venue | Date |\n|---|---|---|\n"


def row(title: str, arxiv: str, date: str = "2024-01") -> str:
    return f"| [{title}](https://arxiv.org/abs/{arxiv}) | arXiv | {date} |\n"


def proposal(title: str, arxiv: str, *sections: str) -> Proposal:
    return Proposal(title=title, url=f"https://arxiv.org/abs/{arxiv}", sections=sections, arxiv_id=arxiv, date="2024-02")


ARROWS = (
    "# Awesome\n\n## Methods\n\n### LLM -> SLM Transfer\n\n" + TABLE + row("A", "2401.00001")
    + "\n### Size >7B\n\n" + TABLE + row("B", "2401.00002")
)


def test_a_heading_holding_the_separator_character_receives_papers():
    doc = ListDocument.parse(ARROWS)
    assert [s.path for s in doc.sections()] == ["Methods > LLM -> SLM Transfer", "Methods > Size >7B"]
    result = doc.apply([
        proposal("New one", "2402.00001", "Methods > LLM -> SLM Transfer"),
        proposal("New two", "2402.00002", "Methods > Size >7B"),
    ])
    assert [path for _, path in result.inserted] == ["Methods > LLM -> SLM Transfer", "Methods > Size >7B"]
    assert result.document.find_section("Methods > Size >7B").rows[0].title == "New two"


def test_a_path_typed_with_other_spacing_still_finds_its_section():
    doc = ListDocument.parse(ARROWS)
    assert doc.find_section("Methods>LLM -> SLM Transfer").path == "Methods > LLM -> SLM Transfer"
    assert doc.find_section("  Methods  >  Size >7B ").path == "Methods > Size >7B"
    with pytest.raises(ProposalError, match="did you mean 'Methods > Size >7B'"):
        doc.find_section("Methods > Size > 8B")


BODY = "## Papers\n\n### Labeling\n\n" + TABLE + row("A", "2401.00001") + "\n### Feedback\n\n" + TABLE + row("B", "2401.00002")


@pytest.mark.parametrize("tail", ["", "\n# Star History\n\n[![chart](https://x.y/z.svg)](https://x.y)\n", "\n# License\n\nMIT\n"])
def test_a_level_one_heading_without_papers_renames_nothing(tail):
    doc = ListDocument.parse("# Awesome Thing\n\n" + BODY + tail)
    assert [s.path for s in doc.sections()] == ["Papers > Labeling", "Papers > Feedback"]


def test_level_one_headings_with_papers_are_sections():
    text = "# Awesome\n\n# KD Algorithms\n\n## Labeling\n\n" + TABLE + row("A", "2401.00001")
    text += "\n# Skills\n\n## Agent\n\n" + TABLE + row("B", "2401.00002")
    assert [s.path for s in ListDocument.parse(text).sections()] == ["KD Algorithms > Labeling", "Skills > Agent"]
    # the first level-1 heading holds papers too: it is a section, not the title
    text = "# KD Algorithms\n\n## Labeling\n\n" + TABLE + row("A", "2401.00001")
    text += "\n# Skills\n\n## Agent\n\n" + TABLE + row("B", "2401.00002")
    assert [s.path for s in ListDocument.parse(text).sections()] == ["KD Algorithms > Labeling", "Skills > Agent"]


def test_a_table_right_under_the_first_heading_is_a_section():
    doc = ListDocument.parse("# Papers\n\n" + TABLE + row("A", "2401.00001") + "\n# License\n\nMIT\n")
    assert [s.path for s in doc.sections()] == ["Papers"]


def test_a_repeated_heading_shares_its_rows_for_the_duplicate_check():
    text = "## Misc\n\n" + TABLE + row("A", "2401.00001") + "\n## Misc\n\n" + TABLE + row("D", "2401.00004")
    doc = ListDocument.parse(text)
    assert doc.contains("2401.00004", "Misc") and doc.contains("D", "Misc")
    result = doc.apply([proposal("D", "2401.00004", "Misc"), proposal("E", "2401.00005", "Misc")])
    assert [p.title for p, _ in result.skipped] == ["D"]
    assert [p.title for p, _ in result.inserted] == ["E"]
    assert result.text.count("2401.00004") == 1


@pytest.mark.parametrize(
    ("heading", "name"),
    [(":rocket: Methods", "Methods"), ("Medical &amp; Healthcare", "Medical & Healthcare"), ("Talks at 10:30", "Talks at 10:30")],
)
def test_shortcodes_and_entities_are_not_part_of_a_section_name(heading, name):
    doc = ListDocument.parse(f"## {heading}\n\n" + TABLE + row("A", "2401.00001"))
    assert [s.path for s in doc.sections()] == [name]


def test_a_path_with_entities_or_shortcodes_finds_its_section():
    doc = ListDocument.parse("## Vertical\n\n### :hospital: Medical &amp; Healthcare\n\n" + TABLE + row("A", "2401.00001"))
    assert doc.sections()[0].path == "Vertical > Medical & Healthcare"
    assert doc.find_section("Vertical > Medical &amp; Healthcare").path == "Vertical > Medical & Healthcare"
    assert doc.find_section("Vertical>:hospital: Medical & Healthcare").path == "Vertical > Medical & Healthcare"
