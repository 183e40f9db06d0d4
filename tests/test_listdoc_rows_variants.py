"""Paper tables of other lists: header spellings, a separate link column, titles written before their link."""

from __future__ import annotations

import pytest

from tracker.listdoc.document import ListDocument
from tracker.listdoc.rows import columns_of


@pytest.mark.parametrize(
    ("header", "title", "venue", "date"),
    [
        (("📄 Title", "Venue", "Date"), 0, 1, 2),
        (("Papers", "Conference", "Year"), 0, 1, 2),
        (("Paper Name", "_Venue_", "**Date**"), 0, 1, 2),
        (("Title:", "Venue:", "Dates"), 0, 1, 2),
        (("Date", "Venue", "Title"), 2, 1, 0),
    ],
)
def test_header_spellings_name_their_columns(header, title, venue, date):
    columns = columns_of(header)
    assert columns is not None
    assert (columns.title, columns.venue, columns.date) == (title, venue, date)


def test_a_table_without_a_title_column_is_no_paper_table():
    assert columns_of(("Model", "Size", "License")) is None


def test_a_separate_paper_column_gives_the_link_when_the_title_has_none():
    text = (
        "## Misc\n\n|Date|Title|Paper|Code|\n|---|---|---|---|\n"
        "|2024-03|Some Title|[arXiv](https://arxiv.org/abs/2403.00001)|[Github](https://github.com/a/b)|\n"
        "|2024-02|[Linked Title](https://arxiv.org/abs/2402.00002)|[pdf](https://example.org/x.pdf)||\n"
    )
    rows = ListDocument.parse(text).rows()
    assert [(r.title, r.arxiv_id) for r in rows] == [("Some Title", "2403.00001"), ("Linked Title", "2402.00002")]
    assert rows[0].code == ("https://github.com/a/b",)


TITLE_THEN_LINK = (
    "## Papers\n\n| Title | Venue | Date |\n|---|---|---|\n"
    "| **Distilling Step-by-Step** [[pdf]](https://arxiv.org/abs/2305.02301) | ACL | 2023-05 |\n"
    "| Orca: Progressive Learning [paper](https://arxiv.org/abs/2306.02707) | arXiv | 2023-06 |\n"
    "| **A Survey Without arXiv** [[pdf]](https://example.org/survey.pdf) | arXiv | 2023-04 |\n"
    "| **Another One** [[pdf]](https://example.org/another.pdf) | arXiv | 2023-03 |\n"
)


def test_a_title_written_before_a_label_link_is_the_title():
    doc = ListDocument.parse(TITLE_THEN_LINK)
    assert [(r.title, r.arxiv_id) for r in doc.rows()] == [
        ("Distilling Step-by-Step", "2305.02301"),
        ("Orca: Progressive Learning", "2306.02707"),
        ("A Survey Without arXiv", None),
        ("Another One", None),
    ]
    assert doc.lint() == []  # the rows no longer all read as one paper called "[pdf]"
    assert doc.contains("Distilling step by step")


@pytest.mark.parametrize(
    ("cell", "title"),
    [
        ("[Distilling Step-by-Step](https://arxiv.org/abs/2305.02301) [[code]](https://github.com/x/y)", "Distilling Step-by-Step"),
        ("[LLaMA-Adapter](https://arxiv.org/abs/2305.02301) (ICLR 2024)", "LLaMA-Adapter"),
        ("[Orca](https://arxiv.org/abs/2306.02707) ![badge](https://img.shields.io/x.svg)", "Orca"),
        ("**[Bold Outside](https://arxiv.org/abs/2306.02707)**", "Bold Outside"),
        ("[**Bold Inside**](https://arxiv.org/abs/2306.02707)", "Bold Inside"),
        # only a label link ([pdf], [arXiv]) gives way to the text beside it
        ("[MiniLLM](https://arxiv.org/abs/2306.08543) (ICLR 2024)", "MiniLLM"),
        ("[DistilBERT](https://arxiv.org/abs/1910.01108) - Hugging Face", "DistilBERT"),
        ("[Self-Instruct](https://arxiv.org/abs/2212.10560) :fire: by Wang et al.", "Self-Instruct"),
        ("[Orca 2](https://arxiv.org/abs/2311.11045): Teaching Small Language Models How to Reason", "Orca 2"),
        ("Orca 2: Teaching Small Language Models [[arXiv]](https://arxiv.org/abs/2311.11045)", "Orca 2: Teaching Small Language Models"),
    ],
)
def test_a_linked_title_stays_the_title(cell, title):
    doc = ListDocument.parse(f"## Papers\n\n| Title | Venue |\n|---|---|\n| {cell} | arXiv |\n")
    assert [r.title for r in doc.rows()] == [title]
