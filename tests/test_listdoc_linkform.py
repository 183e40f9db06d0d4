"""The list's own arXiv link form: new rows link arxiv.org the way their table's rows do (issue 15, deliverable 5)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.listdoc.document import ListDocument
from tracker.listdoc.linkform import LinkForm, link_form
from tracker.markdown_safe import safe_url
from tracker.paper_ids import normalise_arxiv_id
from tracker.records import Proposal

NEW = "https://arxiv.org/abs/2402.00009"


def table(*urls: str, section: str = "S", header: str = "| Title | Venue | Date |") -> str:
    """A paper table under ``## section`` whose rows link ``urls``."""
    rows = "".join(f"| [**P{i}**]({url}) | arXiv | 2024-03 |\n" for i, url in enumerate(urls))
    return f"## {section}\n{header}\n{'|---' * (header.count('|') - 1)}|\n{rows}"


def new_link(text: str, url: str = NEW, section: str = "S", arxiv_id: str = "") -> str:
    """The link of the row ``list apply`` writes for a paper of 2024-02 at ``url`` in ``section``."""
    paper = Proposal(title="New", url=url, arxiv_id=arxiv_id, sections=(section,), date="2024-02")
    result = ListDocument.parse(text).apply([paper])
    [row] = [row for row in result.document.rows() if row.title == "New"]
    return row.url


# one test per form: the table's own form is written, whatever form the proposal came in

@pytest.mark.parametrize(("rows", "expected"), [
    (("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00002"), "https://arxiv.org/abs/2402.00009"),
    (("https://arxiv.org/pdf/2401.00001", "https://arxiv.org/pdf/2401.00002"), "https://arxiv.org/pdf/2402.00009"),
    (("https://arxiv.org/pdf/2401.00001.pdf", "https://arxiv.org/pdf/2401.00002.pdf"),
     "https://arxiv.org/pdf/2402.00009.pdf"),
    (("https://arxiv.org/abs/2401.00001v2", "https://arxiv.org/abs/2401.00002v1"), "https://arxiv.org/abs/2402.00009v1"),
    (("https://arxiv.org/pdf/2401.00001v3.pdf", "https://arxiv.org/pdf/2401.00002v1.pdf"),
     "https://arxiv.org/pdf/2402.00009v1.pdf"),
    (("https://www.arxiv.org/abs/2401.00001", "https://www.arxiv.org/abs/2401.00002"),
     "https://www.arxiv.org/abs/2402.00009"),
    (("http://arxiv.org/pdf/2401.00001.pdf", "http://arxiv.org/pdf/2401.00002.pdf"),
     "http://arxiv.org/pdf/2402.00009.pdf"),
], ids=["abs", "pdf", "pdf.pdf", "abs-versioned", "pdf.pdf-versioned", "www", "http"])
@pytest.mark.parametrize("given_url", [NEW, "https://arxiv.org/pdf/2402.00009.pdf", "http://www.arxiv.org/pdf/2402.00009/"])
def test_a_new_row_links_arxiv_in_its_tables_form(rows, expected, given_url):
    assert new_link(table(*rows), given_url) == expected


def test_a_versioned_form_keeps_the_proposals_version_and_writes_v1_when_it_has_none():
    text = table("https://arxiv.org/pdf/2401.00001v2.pdf")
    assert new_link(text, "https://arxiv.org/abs/2402.00009v3") == "https://arxiv.org/pdf/2402.00009v3.pdf"
    assert new_link(text, NEW) == "https://arxiv.org/pdf/2402.00009v1.pdf"
    assert new_link(table("https://arxiv.org/abs/2401.00001"), "https://arxiv.org/pdf/2402.00009v3.pdf") == NEW


def test_the_tables_own_rows_decide_and_the_list_breaks_ties():
    pdf = [f"https://arxiv.org/pdf/2401.0000{i}.pdf" for i in range(1, 6)]
    other = table(*pdf, section="T")
    # the table's own majority beats the whole list's
    own = table("https://arxiv.org/abs/2401.00011", "https://arxiv.org/abs/2401.00012", pdf[0]) + other
    assert new_link(own) == NEW
    # a tie in the table: the list's rows decide, either way round
    tied = table("https://arxiv.org/abs/2401.00011", "https://arxiv.org/pdf/2401.00012.pdf")
    assert new_link(tied + other) == "https://arxiv.org/pdf/2402.00009.pdf"
    abs_other = table(*(url.replace("/pdf/", "/abs/").removesuffix(".pdf") for url in pdf), section="T")
    assert new_link(tied + abs_other, "https://arxiv.org/pdf/2402.00009") == NEW


def test_a_table_without_arxiv_rows_takes_the_lists_form():
    empty = "## S\n| Title | Venue | Date |\n|---|---|---|\n"
    other = table("https://arxiv.org/pdf/2401.00001.pdf", section="T")
    assert new_link(empty + other) == "https://arxiv.org/pdf/2402.00009.pdf"
    non_arxiv = table("https://aclanthology.org/2024.eacl-long.1.pdf", "https://openreview.net/forum?id=x")
    assert new_link(non_arxiv + other) == "https://arxiv.org/pdf/2402.00009.pdf"


def test_a_list_without_arxiv_links_keeps_the_url_as_given():
    text = table("https://aclanthology.org/2024.eacl-long.1.pdf", "https://huggingface.co/papers/2401.00002")
    assert new_link(text, "https://arxiv.org/pdf/2402.00009v2") == "https://arxiv.org/pdf/2402.00009v2"


@pytest.mark.parametrize("url", [
    "https://aclanthology.org/2024.eacl-long.109.pdf",
    "https://huggingface.co/papers/2402.00009",
    "https://ar5iv.labs.arxiv.org/html/2402.00009",
    "https://arxiv.org/abs/2402.00009#S3",
    "https://arxiv.org/list/cs.CL/new",
    "https://notarxiv.org/abs/2402.00009",
])
def test_other_links_are_written_as_given(url):
    """Only a plain arxiv.org abs/pdf/html link of the paper is rewritten, even when the proposal has an arXiv id."""
    text = table("https://arxiv.org/pdf/2401.00001.pdf", "https://arxiv.org/pdf/2401.00002.pdf")
    assert new_link(text, url, arxiv_id="2402.00009") == url


def test_code_and_data_links_are_untouched():
    text = table("https://arxiv.org/pdf/2401.00001.pdf", header="| Title | Venue | Date | Code | Data |")
    paper = Proposal(title="New", url=NEW, sections=("S",), date="2024-02",
                     code=("https://arxiv.org/abs/2402.00001",), data=("https://arxiv.org/abs/2402.00002",))
    [row] = [r for r in ListDocument.parse(text).apply([paper]).document.rows() if r.title == "New"]
    assert (row.url, row.code, row.data) == (
        "https://arxiv.org/pdf/2402.00009.pdf", ("https://arxiv.org/abs/2402.00001",), ("https://arxiv.org/abs/2402.00002",))


def test_a_link_column_is_learnt_and_written_in_the_tables_form():
    text = ("## S\n| Title | Paper |\n|---|---|\n"
            "| **P1** | [pdf](https://arxiv.org/pdf/2401.00001) |\n| **P2** | [pdf](https://arxiv.org/pdf/2401.00002) |\n")
    paper = Proposal(title="New", url=NEW, sections=("S",), date="2024-02")
    lines = ListDocument.parse(text).apply([paper]).document.render().split("\n")
    assert "| **New** | [pdf](https://arxiv.org/pdf/2402.00009) |" in lines


def test_applying_twice_equals_applying_once_and_any_form_is_a_duplicate():
    text = table("https://arxiv.org/pdf/2401.00001.pdf", "https://www.arxiv.org/abs/2401.00002v2")
    papers = [Proposal(title="New", url=NEW, sections=("S",), date="2024-02")]
    once = ListDocument.parse(text).apply(papers).document
    assert ListDocument.parse(once.render()).apply(papers).document.render() == once.render()
    again = [Proposal(title="Other title", url=f"http://arxiv.org/{path}", sections=("S",), date="2024-03")
             for path in ("abs/2401.00001v3", "pdf/2401.00002", "pdf/2402.00009v2.pdf")]
    result = ListDocument.parse(once.render()).apply(again)
    assert not result.inserted and len(result.skipped) == 3


def test_link_form_reads_arxiv_org_paper_links_only():
    assert link_form("https://arxiv.org/pdf/2403.06414v1.pdf") == LinkForm(kind="pdf.pdf", versioned=True)
    assert link_form("HTTP://WWW.arXiv.org/abs/hep-th/9901001") == LinkForm("http", "www.arxiv.org", "abs")
    assert link_form("https://arxiv.org/abs/2403.06414/") == LinkForm()
    for url in ("https://arxiv.org/html/2403.06414", "https://arxiv.org/abs/2403.06414.pdf",
                "https://export.arxiv.org/abs/2403.06414", "https://ar5iv.org/abs/2403.06414", ""):
        assert link_form(url) is None


def test_old_style_ids_keep_their_archive():
    assert LinkForm(kind="pdf.pdf").write("https://arxiv.org/abs/math.GT/0309136v2") == (
        "https://arxiv.org/pdf/math.GT/0309136.pdf")


FORMS = st.builds(LinkForm, st.sampled_from(["http", "https"]), st.sampled_from(["arxiv.org", "www.arxiv.org"]),
                  st.sampled_from(["abs", "pdf", "pdf.pdf"]), st.booleans())
NEW_ID = st.builds("{}{:02d}.{:05d}".format, st.integers(15, 29), st.integers(1, 12), st.integers(0, 99999))


@settings(max_examples=200, deadline=None)
@given(FORMS, FORMS, NEW_ID, st.one_of(st.none(), st.integers(1, 30)))
def test_writing_keeps_the_paper_and_its_version_and_gives_a_safe_link_of_the_form(form, given_form, arxiv_id, version):
    versioned = f"{arxiv_id}v{version}" if version else arxiv_id
    path, ext = {"abs": ("abs", ""), "pdf": ("pdf", ""), "pdf.pdf": ("pdf", ".pdf")}[given_form.kind]
    url = f"{given_form.scheme}://{given_form.host}/{path}/{versioned}{ext}"
    written = form.write(url)
    assert safe_url(written) == written
    assert normalise_arxiv_id(written) == arxiv_id
    assert link_form(written) == form
    assert form.write(written) == written
    if form.versioned:
        assert written.removesuffix(".pdf").endswith(f"v{version or 1}")


# the real lists in ../shared

def test_kd_list_tables_get_their_own_form(shared):
    text = (shared / "fixtures" / "kd-list" / "README.2024-03-19.before-weekly.md").read_text(encoding="utf-8")
    feature = "KD Algorithms > Knowledge Elicitation > Feature"  # 10 rows /pdf/ID.pdf, 2 /abs/ID
    labeling = "KD Algorithms > Knowledge Elicitation > Labeling"  # 12 rows /abs/ID, 6 /pdf/ID.pdf
    assert new_link(text, section=feature) == "https://arxiv.org/pdf/2402.00009.pdf"
    assert new_link(text, "https://arxiv.org/pdf/2402.00009v2.pdf", section=labeling) == NEW


def test_mllm_list_tables_get_their_own_form(shared):
    """Awesome-MLLM writes /pdf/ID.pdf in most tables and /pdf/ID in its RLHF table (5 to 3)."""
    name = "Awesome-Multimodal-Large-Language-Models.README.md"
    text = (shared / "fixtures" / "other-lists" / name).read_text(encoding="utf-8")
    doc = ListDocument.parse(text)
    rlhf = next(s.path for s in doc.sections() if s.path.endswith("Multimodal RLHF") and "Papers" in s.path)
    hallucination = next(s.path for s in doc.sections() if s.path.endswith("Multimodal Hallucination"))
    assert new_link(text, section=rlhf) == "https://arxiv.org/pdf/2402.00009"
    assert new_link(text, section=hallucination) == "https://arxiv.org/pdf/2402.00009.pdf"
