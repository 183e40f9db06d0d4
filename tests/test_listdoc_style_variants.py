"""Row style in lists unlike ours: code link texts and badges, bold titles, a table's own pipes and spacing."""

from __future__ import annotations

import pytest

from tracker.listdoc.document import ListDocument
from tracker.listdoc.linktext import REPO, LinkText, github_repo, text_key
from tracker.records import Proposal

BADGE = "[![Star](https://img.shields.io/github/stars/{0}.svg?style=social&label=Star)](https://github.com/{0})"


def new_row(text: str, section: str = "S", code: tuple[str, ...] = (), data: tuple[str, ...] = ()) -> str:
    """The line ``list apply`` writes for a paper of 2024-02 in ``section`` of ``text``."""
    paper = Proposal(title="New", url="https://arxiv.org/abs/2402.00009", sections=(section,), date="2024-02",
                     code=code, data=data)
    result = ListDocument.parse(text).apply([paper])
    [line] = [line for line in result.text.split("\n") if "2402.00009" in line]
    return line


def table(header: str, *rows: str, section: str = "S") -> str:
    return f"## {section}\n{header}\n{'|---' * (header.count('|') - 1)}|\n" + "".join(f"{row}\n" for row in rows)


# F3: code link texts are only learnt when they are generic; star badges are re-pointed at the new repo

def test_star_badge_of_the_rows_own_repo_is_repointed_at_the_new_repo():
    text = table("| Title | Venue | Date | Code |",
                 f"| [**P1**](https://x.org/1) | arXiv | 2024-03 | {BADGE.format('o/p1')} |",
                 f"| [**P2**](https://x.org/2) | arXiv | 2024-01 | {BADGE.format('o/p2')} |")
    assert new_row(text, code=("https://github.com/new/repo.js",)) == (
        f"| [**New**](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 | {BADGE.format('new/repo.js')} |")


def test_a_badge_table_gives_a_non_github_link_the_generic_label_not_a_badge():
    text = table("| Title | Venue | Date | Code |",
                 f"| [**P1**](https://x.org/1) | arXiv | 2024-03 | {BADGE.format('o/p1')} |")
    assert new_row(text, code=("https://gitlab.com/new/new", "https://github.com/new/new/tree/main")) == (
        "| [**New**](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 |"
        " [Github](https://gitlab.com/new/new) <br> [Github](https://github.com/new/new/tree/main) |")


def test_row_specific_link_texts_are_not_copied():
    """Awesome-LLM-Inference writes the paper's name as the code link text: the new row must not get another's."""
    text = table("|Date|Title|Venue|Code|",
                 "|2024-03|[FastThing](https://x.org/1)|arXiv|[[FastThing]](https://github.com/a/fast)|",
                 "|2024-01|[SlowThing](https://x.org/2)|arXiv|[[SlowThing]](https://github.com/a/slow)|")
    assert new_row(text, code=("https://github.com/new/new",)) == (
        "|2024-02|[New](https://arxiv.org/abs/2402.00009)|arXiv|[Github](https://github.com/new/new)|")


def test_a_table_without_a_generic_text_takes_the_documents_label():
    text = table("| Title | Venue | Date | Code |",
                 "| [A](https://x.org/1) | arXiv | 2024-03 | [[A-impl]](https://github.com/a/a) |") + table(
                 "| Title | Venue | Date | Code |",
                 "| [B](https://x.org/2) | arXiv | 2024-03 | [[code]](https://github.com/b/b) |", section="T")
    assert new_row(text, code=("https://github.com/n/n",)).endswith(" [[code]](https://github.com/n/n) |")


def test_a_text_used_for_several_urls_is_a_label_and_images_never_are():
    text = table("| Title | Venue | Date | Code | Data |",
                 "| [A](https://x.org/1) | arXiv | 2024-03 | [Source](https://github.com/a/a) |"
                 " [![HF](https://img.shields.io/badge/HF-yellow)](https://huggingface.co/a) |",
                 "| [B](https://x.org/2) | arXiv | 2024-01 | [Source](https://github.com/b/b) |"
                 " [![HF](https://img.shields.io/badge/HF-yellow)](https://huggingface.co/b) |")
    assert new_row(text, code=("https://github.com/n/n",), data=("https://huggingface.co/n",)) == (
        "| [New](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 | [Source](https://github.com/n/n) |"
        " [Data](https://huggingface.co/n) |")


@pytest.mark.parametrize(("text", "url", "key"), [
    ("Github", "https://github.com/a/b", "Github"),
    ("![Star](https://img.shields.io/github/stars/a/b.svg)", "https://github.com/a/b",
     f"![Star](https://img.shields.io/github/stars/{REPO}.svg)"),
    ("![Star](https://img.shields.io/github/stars/A/B?style=social)", "https://github.com/a/b/",
     f"![Star](https://img.shields.io/github/stars/{REPO}?style=social)"),
    ("![Star](https://img.shields.io/github/stars/a/b.svg)", "https://github.com/a/other", None),
    ("![Star](https://img.shields.io/github/stars/a/bc.svg)", "https://github.com/a/b", None),
    ("![Star](https://img.shields.io/github/stars/a/b.svg)", "https://gitlab.com/a/b", None),
    ("![logo](https://x.org/logo.png)", "https://github.com/a/b", None),
    ('<img src="https://x.org/logo.png">', "https://github.com/a/b", None),
])
def test_text_key(text, url, key):
    assert text_key(text, url) == key


def test_link_text_for_url():
    text = LinkText("Code", f"![Star](https://img.shields.io/github/stars/{REPO}.svg)")
    assert text.for_url("https://github.com/o/r.git") == "![Star](https://img.shields.io/github/stars/o/r.svg)"
    assert text.for_url("https://github.com/o/r/issues") == "Code"
    assert github_repo("https://github.com/o/r/issues") is None
    assert github_repo("https://www.github.com/o/r") == "o/r"


# F8: bold is learnt from the Title column, in the table's own form

@pytest.mark.parametrize(("title", "expected"), [
    ("[{0}](https://x.org/{1})", "[New](https://arxiv.org/abs/2402.00009)"),
    ("[**{0}**](https://x.org/{1})", "[**New**](https://arxiv.org/abs/2402.00009)"),
    ("**[{0}](https://x.org/{1})**", "**[New](https://arxiv.org/abs/2402.00009)**"),
    ("[{0}](https://x.org/{1})<br>*Ann Author*", "[New](https://arxiv.org/abs/2402.00009)"),
])
def test_bold_title_form_comes_from_the_title_column(title, expected):
    text = table("| Date | Title | Venue |",
                 *(f"| 2024-0{i} | {title.format(name, i)} | arXiv |" for i, name in ((3, "Alpha"), (1, "Beta"))))
    assert new_row(text) == f"| 2024-02 | {expected} | arXiv |"


# F9: a table's own pipes, spacing and indentation win over the rest of the document

OTHER = table("| Title | Venue | Date |", *(f"| [**O{i}**](https://x.org/o{i}) | ACL | 2023-0{i} |" for i in range(1, 8)),
              section="Other")


@pytest.mark.parametrize(("rows", "expected"), [
    (["|[A](https://x.org/1)|arXiv|2024-03|"], "|[New](https://arxiv.org/abs/2402.00009)|arXiv|2024-02|"),
    (["  [A](https://x.org/1) | arXiv | 2024-03", "  [B](https://x.org/2) | arXiv | 2024-01"],
     "  [New](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02"),
    (["|\t[A](https://x.org/1)\t|\tarXiv\t|\t2024-03\t|   "],
     "|\t[New](https://arxiv.org/abs/2402.00009)\t|\tarXiv\t|\t2024-02\t|"),
    (["| [**A**](https://x.org/1) | arXiv | 2024-03 |  "], "| [**New**](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 |"),
])
def test_a_one_or_two_row_table_keeps_its_own_form(rows, expected):
    assert new_row(OTHER + table("| Title | Venue | Date |", *rows)) == expected


def test_an_empty_table_takes_the_documents_form():
    assert new_row(OTHER + table("| Title | Venue | Date |")) == (
        "| [**New**](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 |")


# a table whose paper link has a column of its own (| Title | Paper |): the new row keeps the title plain there

def test_a_link_column_gets_the_new_rows_link_and_the_title_stays_plain():
    text = table("|Date|Title|Paper|Code|",
                 "|2024.03|**FastThing**|[[pdf]](https://arxiv.org/pdf/2403.00010.pdf)|[Github](https://github.com/a/fast)|",
                 "|2024.01|**SlowThing**|[[pdf]](https://arxiv.org/pdf/2401.00011.pdf)|[Github](https://github.com/a/slow)|")
    assert new_row(text, code=("https://github.com/n/new",)) == (
        "|2024.02|**New**|[[pdf]](https://arxiv.org/pdf/2402.00009.pdf)|[Github](https://github.com/n/new)|"
    )  # the link in the table's own form (tests/test_listdoc_linkform.py)
    doc = ListDocument.parse(text)
    assert [(r.title, r.arxiv_id) for r in doc.rows()] == [("FastThing", "2403.00010"), ("SlowThing", "2401.00011")]


def test_a_link_column_that_the_rows_leave_empty_keeps_the_link_in_the_title():
    text = table("| Title | Venue | Date | Link |",
                 "| [**A**](https://arxiv.org/abs/2403.00001) | arXiv | 2024-03 | |",
                 "| [**B**](https://arxiv.org/abs/2401.00002) | arXiv | 2024-01 | [blog](https://b.example/post) |")
    assert new_row(text) == "| [**New**](https://arxiv.org/abs/2402.00009) | arXiv | 2024-02 |"
