"""A list split into files (``list.path`` names several): sections named with their file, identity across files,
apply into the right file, lint over every file."""

from __future__ import annotations

import datetime
import difflib

import pytest

from tracker.errors import ListFormatError, ProposalError
from tracker.listdoc import FILE_SEPARATOR, ListDocument, ListSet
from tracker.records import Proposal

README = """\
# Awesome Split List

## News
- Update Log
  - **2024-3-1**: Add 2 papers.

## Language
| Title | Venue | Date |
|:--|:--|:--|
| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) | arXiv | 2024-02 |
| [**Beta Teaching**](https://arxiv.org/abs/2401.00002) | ACL | 2024-01 |
"""

VISION = """\
# Vision

## Image Classification
- **[Gamma Pixels](https://arxiv.org/abs/2403.00003)** - *A. Author*, CVPR'24
- **[Delta Patches](https://arxiv.org/abs/2312.00004)** - *B. Author*, arXiv'23

## Detection
| Title | Venue | Date |
|:--|:--|:--|
| [**Epsilon Boxes**](https://arxiv.org/abs/2310.00005) | ICCV | 2023-10 |
"""

FILES = {"README.md": README, "docs/vision.md": VISION}


def _proposal(title: str, arxiv_id: str, *sections: str) -> Proposal:
    return Proposal(title=title, url=f"https://arxiv.org/abs/{arxiv_id}", sections=sections, arxiv_id=arxiv_id,
                    date="2024-04")


def test_sections_are_named_with_their_file() -> None:
    lists = ListSet.parse(FILES)
    assert FILE_SEPARATOR == " › "
    assert [s.path for s in lists.sections()] == [
        "README.md › Language", "docs/vision.md › Image Classification", "docs/vision.md › Detection"]
    assert lists.sections()[1].parts == ("docs/vision.md", "Image Classification")
    assert [(r.title, r.section) for r in lists.rows()] == [
        ("Alpha Distillation", "README.md › Language"), ("Beta Teaching", "README.md › Language"),
        ("Gamma Pixels", "docs/vision.md › Image Classification"),
        ("Delta Patches", "docs/vision.md › Image Classification"),
        ("Epsilon Boxes", "docs/vision.md › Detection")]
    assert [r.title for r in lists.find_section("docs/vision.md › Detection").rows] == ["Epsilon Boxes"]
    # a name without its file is found when only one file has it
    assert lists.find_section("Detection").path == "docs/vision.md › Detection"
    with pytest.raises(ProposalError, match=r"did you mean 'docs/vision.md › Detection'"):
        lists.find_section("docs/vision.md › Detectoin")


def test_one_file_is_the_document_itself() -> None:
    lists = ListSet.parse({"README.md": README})
    doc = ListDocument.parse(README, "README.md")
    assert [s.path for s in lists.sections()] == [s.path for s in doc.sections()] == ["Language"]
    assert lists.rows() == doc.rows()
    proposals = [_proposal("Zeta New", "2404.00009", "Language")]
    day = datetime.date(2024, 4, 2)
    assert lists.apply(proposals, log_date=day).text == doc.apply(proposals, log_date=day).text
    assert lists.fingerprint == README


def test_a_paper_in_any_file_is_in_the_list() -> None:
    lists = ListSet.parse(FILES)
    assert lists.contains("2403.00003")  # in docs/vision.md
    assert lists.contains("Alpha Distillation")  # in README.md
    assert lists.contains("https://arxiv.org/pdf/2310.00005v2")
    assert not lists.contains("2404.00009")
    assert lists.contains("2403.00003", "docs/vision.md › Image Classification")
    assert not lists.contains("2403.00003", "README.md › Language")


def test_apply_writes_each_proposal_into_the_file_of_its_section() -> None:
    lists = ListSet.parse(FILES)
    proposals = [
        _proposal("Zeta Vision", "2404.00010", "docs/vision.md › Detection"),
        _proposal("Eta Words", "2404.00011", "README.md › Language", "docs/vision.md › Image Classification"),
        _proposal("Gamma Pixels", "2403.00003", "docs/vision.md › Image Classification"),  # there already
    ]
    result = lists.apply(proposals, log_date=datetime.date(2024, 4, 2))
    assert [(p.title, s) for p, s in result.inserted] == [
        ("Zeta Vision", "docs/vision.md › Detection"), ("Eta Words", "README.md › Language"),
        ("Eta Words", "docs/vision.md › Image Classification")]
    assert [(p.title, s) for p, s in result.skipped] == [("Gamma Pixels", "docs/vision.md › Image Classification")]
    assert result.papers == 2
    assert set(result.changed_files) == {"README.md", "docs/vision.md"}
    assert _added(README, result.changed_files["README.md"]) == [
        "  - **2024-4-2**: Add 2 papers.",
        "| [**Eta Words**](https://arxiv.org/abs/2404.00011) | arXiv | 2024-04 |"]
    assert _added(VISION, result.changed_files["docs/vision.md"]) == [
        "- **[Eta Words](https://arxiv.org/abs/2404.00011)**",
        "| [**Zeta Vision**](https://arxiv.org/abs/2404.00010) | arXiv | 2024-04 |"]
    assert result.log_line == "**2024-4-2**: Add 2 papers."
    again = result.document.apply(proposals, log_date=datetime.date(2024, 4, 2))
    assert not again.changed and again.changed_files == {}


def test_the_update_log_goes_into_the_first_file_with_news_even_when_only_another_file_changed() -> None:
    result = ListSet.parse(FILES).apply([_proposal("Zeta Vision", "2404.00010", "docs/vision.md › Detection")],
                                        log_date=datetime.date(2024, 4, 2))
    assert set(result.changed_files) == {"README.md", "docs/vision.md"}
    assert _added(README, result.changed_files["README.md"]) == ["  - **2024-4-2**: Add 1 papers."]
    without = ListSet.parse(FILES).apply([_proposal("Zeta Vision", "2404.00010", "Detection")])
    assert set(without.changed_files) == {"docs/vision.md"}


def test_an_unknown_or_ambiguous_section_changes_nothing() -> None:
    lists = ListSet.parse({"a.md": "## Same\n| Title | Venue | Date |\n|-|-|-|\n",
                           "b.md": "## Same\n| Title | Venue | Date |\n|-|-|-|\n"})
    with pytest.raises(ProposalError, match=r"section 'Same' is in more than one file \('a.md › Same' and 'b.md › Same'\)"):
        lists.apply([_proposal("Zeta", "2404.00010", "Same")])
    with pytest.raises(ProposalError, match="unknown section 'c.md › Other'"):
        lists.validate(_proposal("Zeta", "2404.00010", "c.md › Other"))
    assert lists.apply([_proposal("Zeta", "2404.00010", "b.md › Same")]).changed_files.keys() == {"b.md"}


def test_lint_and_structure_name_the_file() -> None:
    broken = VISION + "\n## Segmentation\n| Title | Venue | Date |\n|:--|:--|:--|\n| [**Theta](https://x | arXiv | 2024-1 |\n"
    lists = ListSet.parse({"README.md": README + "| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) "
                                                 "| arXiv | 2024-02 |\n",
                           "docs/vision.md": broken})
    shown = [f"{p.file}:{p.line}: {p.message}" for p in lists.lint()]
    assert shown == [
        "README.md:12: same paper as line 10 in 'Language'",
        "docs/vision.md:15: broken link near '[**Theta](https://x'",
    ]
    # a file of intro text only is fine when another file has sections; a hiding fence is not
    intro = ListSet.parse({"README.md": "# Intro\nSee the topic files.\n", "docs/vision.md": VISION})
    assert intro.structure_problems() == []
    fenced = ListSet.parse({"README.md": README, "docs/vision.md": "```\n" + VISION})
    with pytest.raises(ListFormatError, match=r"^docs/vision.md:1: code fence ``` opened here is never closed"):
        fenced.check_structure()
    empty = ListSet.parse({"a.md": "# A\n", "b.md": "# B\n"})
    assert [(p.file, p.line) for p in empty.structure_problems()] == [("a.md", 0), ("b.md", 0)]
    with pytest.raises(ListFormatError, match="^a.md: no paper table found"):
        empty.check_structure()


def _added(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    lines = [line for line in diff if not line.startswith(("---", "+++", "@@"))]
    assert all(line.startswith("+") for line in lines), lines
    return [line[1:] for line in lines]
