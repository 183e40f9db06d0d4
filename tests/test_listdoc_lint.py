"""ListDocument.lint: malformed rows are kept byte for byte and reported with their line numbers."""

from __future__ import annotations

import pytest

from tests.conftest import requires_shared
from tracker.errors import ListFormatError
from tracker.listdoc.document import LintProblem, ListDocument
from tracker.paper_ids import normalise_title
from tracker.records import Proposal

BROKEN = """\
## S
| Title | Venue | Date | Code | Data |
|---|---|---|---|---|
| [**Fine**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |
| [**Too Few**](https://arxiv.org/abs/2401.00002) | arXiv
| [**Unclosed**](https://arxiv.org/abs/2401.00003 | arXiv | 2024-01 |
| [**Stray**](https://x.org/4) | arXiv | 2024-01 | Github](https://github.com/a/b) |
| [**Extra**](https://x.org/5) | arXiv | 2024-01 | | | surplus |
| [**Bad Date**](https://x.org/6) | arXiv | Spring 2024 |
| [**Script**](javascript:alert(1)) | arXiv | 2024-01 |
|  | arXiv | 2024-01 |
| [**Fine again**](https://arxiv.org/pdf/2401.00001v2.pdf) | arXiv | 2024-01 |
| [**Other Title, Same Id**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |

## T
| Title | Venue | Date |
|---|---|---|
| [**Fine**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |
"""


def test_each_problem_with_its_line():
    doc = ListDocument.parse(BROKEN)
    assert doc.render() == BROKEN
    assert doc.lint() == [
        LintProblem(5, "row has 2 cells; a paper row needs at least 3 (Title | Venue | Date)"),
        LintProblem(6, "broken link near '[**Unclosed**](https://arxiv.org/abs/240'"),
        LintProblem(7, "broken link near 'Github](https://'"),
        LintProblem(8, "row has 6 cells but the header has 5; GitHub drops the extra cells"),
        LintProblem(9, "date 'Spring 2024' is not a date such as 2024-03, 2024.03, 2024-03-15, Mar 2024 or 2024"),
        LintProblem(10, "link 'javascript:alert(1)' is not http(s)"),
        LintProblem(11, "row has no title"),
        LintProblem(12, "same paper as line 4 in 'S'"),
        LintProblem(12, "links arXiv 2401.00001 like line 4, whose title differs ('Fine')"),
        LintProblem(13, "same paper as line 4 in 'S'"),
        LintProblem(13, "links arXiv 2401.00001 like line 4, whose title differs ('Fine')"),
    ]
    assert [str(p) for p in doc.lint()][:1] == ["5: row has 2 cells; a paper row needs at least 3 (Title | Venue | Date)"]


def test_clean_table_has_no_problems():
    assert ListDocument.parse(BROKEN.split("\n\n")[1]).lint() == []


@requires_shared
def test_head_readme_problems(shared):
    text = (shared / "fixtures" / "kd-list" / "README.2025-03-09.head.md").read_text(encoding="utf-8")
    problems = [(p.line, p.message.split(" (")[0]) for p in ListDocument.parse(text).lint()]
    assert problems == [
        (289, "links arXiv 2306.14050 like line 165, whose title differs"),
        (345, "same paper as line 344 in 'KD Algorithms > Distillation Algorithms > Divergence and Similarity'"),
        (414, "links arXiv 2310.16944 like line 379, whose title differs"),
        (447, "links arXiv 2310.16944 like line 379, whose title differs"),
        (450, "links arXiv 2307.12950 like line 288, whose title differs"),
        (451, "links arXiv 2305.13735 like line 366, whose title differs"),
        (454, "links arXiv 2212.08073 like line 269, whose title differs"),
        (461, "links arXiv 2307.12950 like line 288, whose title differs"),
        (464, "links arXiv 2212.08073 like line 269, whose title differs"),
    ]


TABLE = "| Title | Venue | Date |\n|---|---|---|\n| [**P**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |\n"


@pytest.mark.parametrize(("opener", "described", "closer"), [
    ("```", "code fence ```", "```"), ("~~~~ python", "code fence ~~~~", "~~~~"),
    ("<!-- to do", "HTML block <!--", "-->"), ("<pre>", "HTML block <pre", "</pre>"),
])
def test_a_block_never_closed_that_hides_paper_tables_is_named_at_its_line(opener, described, closer):
    text = f"# List\n\n## A\n{TABLE}\n{opener}\n## B\n{TABLE}\n## C\n{TABLE}"
    doc = ListDocument.parse(text)
    assert [s.path for s in doc.sections()] == ["A"]
    problem = LintProblem(8, f"{described} opened here is never closed, so it hides the rest of the file with "
                             f"2 paper tables (2 rows); close it with a {closer} line")
    assert doc.lint() == doc.structure_problems() == [problem]
    with pytest.raises(ListFormatError) as error:
        doc.apply([Proposal(title="New", url="https://arxiv.org/abs/2402.00009", sections=("A",), date="2024-02")])
    assert str(error.value) == f"README.md:8: {problem.message}"
    closed = ListDocument.parse(text.replace("\n## B", f"\n{closer}\n## B", 1))
    assert closed.lint() == [] and [s.path for s in closed.sections()] == ["A", "B", "C"]


def test_a_block_never_closed_that_hides_no_paper_table_is_fine():
    doc = ListDocument.parse(f"# List\n## A\n{TABLE}\n## Citation\n```\n@article{{x}}\n")
    assert doc.lint() == [] and doc.structure_problems() == []
    doc.check_structure()


def test_hidden_characters_do_not_make_two_titles_differ():
    assert normalise_title("Distil\u200bling\u202e Step\u2060-by-Step\x00!") == normalise_title("Distilling Step-by-Step!")
