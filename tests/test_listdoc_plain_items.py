"""List items that name their paper in plain text (``1. Title. Hinton et al. arXiv:1503.02531``), the items that
must never be read as papers (a table of contents, contributors, news, prose), and new items written as text."""

from __future__ import annotations

from tracker.listdoc import ListDocument
from tracker.listdoc.textitems import read_plain
from tracker.records import Proposal

PAPERS = "\n".join([
    "# A list", "",
    "- [Logits](#logits)",
    "- [Contributors](#contributors)", "",
    "## Logits", "",
    "1. Distilling the knowledge in a neural network. Hinton et al. arXiv:1503.02531",
    "2. Learning from Noisy Labels with Distillation. Li, Yuncheng et al. ICCV 2017",
    "3. Training Deep Networks in Generations:A More Tolerant Teacher. arXiv 1805.05551 [[code]][1.3]",
    "4. How many Observations are Enough? Distillation for Forecasting. Monti, Alessio et al. CVPR 2022",
    "5. Is It Good? Smith, Jane et al. arxiv.org/abs/2001.00001v2",
    "6. Comparing KL and MSE. Kim, Taehyeon et al. IJCAI 2021 [[code]][1.6]", "",
    "## Contributors", "",
    "- Thanks to Bob Jones. Joined 2021",
    "- Alice Smith. Maintainer since 2020",
    "- Carol White. Joined 2022", "",
    "## News", "",
    "- 2024-02-20: we released our survey. Wang et al. arXiv:2402.13116",
    "- We released a survey. Read it on arXiv:2402.13116 today", "",
    "[1.3]: https://github.com/a/generations",
    "[1.6]: https://github.com/b/kl-mse", "",
])


def test_plain_text_items_are_papers_by_arxiv_id_or_by_title() -> None:
    document = ListDocument.parse(PAPERS, "list.md")
    assert document.render() == PAPERS
    (section,) = document.sections()
    assert section.path == "Logits"
    assert [(r.title, r.arxiv_id, r.venue, r.code) for r in section.rows] == [
        ("Distilling the knowledge in a neural network", "1503.02531", "", ()),
        ("Learning from Noisy Labels with Distillation", None, "ICCV 2017", ()),
        ("Training Deep Networks in Generations:A More Tolerant Teacher", "1805.05551", "",
         ("https://github.com/a/generations",)),
        ("How many Observations are Enough? Distillation for Forecasting", None, "CVPR 2022", ()),
        ("Is It Good?", "2001.00001", "", ()),
        ("Comparing KL and MSE", None, "IJCAI 2021", ("https://github.com/b/kl-mse",)),
    ]
    assert document.contains("1503.02531") and not document.contains("2402.13116")


def test_contents_contributors_news_and_sentences_are_not_papers() -> None:
    assert read_plain("[Logits](#logits)", ()) is None
    assert read_plain("2024-02-20: we released our survey. Wang et al. arXiv:2402.13116", ()) is None
    assert read_plain("We released a survey. Read it on arXiv:2402.13116 today", ()) is None
    assert read_plain("Our lab maintains this list since 2019", ()) is None  # no title sentence
    # a list of three contributors shaped like papers is not read: no id or link in it, and no venue in sight
    document = ListDocument.parse(PAPERS)
    assert [s.path for s in document.sections()] == ["Logits"]
    # where most items are not papers, an item shaped like one stays text
    mixed = "## Notes\n\n- Setup is easy. Done in 2021\n- See the wiki.\n- Ask on the forum.\n- A paper. arXiv:2001.00001\n"
    assert [r.title for r in ListDocument.parse(mixed).rows()] == ["A paper"]


def test_titled_items_need_a_paper_by_id_in_their_section_or_a_list_written_as_text() -> None:
    alone = "## Papers\n\n1. A Study of Things. Smith et al. CVPR 2020\n2. Another Study. Doe et al. ICML 2021\n"
    assert ListDocument.parse(alone).rows() == []
    with_id = alone + "3. A Preprint. Roe et al. arXiv:2001.00001\n"
    assert [r.title for r in ListDocument.parse(with_id).rows()] == ["A Study of Things", "Another Study", "A Preprint"]


def _proposals() -> list[Proposal]:
    return [
        Proposal(title="Step-by-Step Distillation", arxiv_id="2403.01234", url="https://arxiv.org/abs/2403.01234",
                 sections=("Logits",), date="2024-03", venue="arXiv", code=("https://github.com/example/step",),
                 authors=("Ada Lovelace", "Alan Turing")),
        Proposal(title="When Does a Teacher Help?", arxiv_id="2402.04321", url="https://arxiv.org/abs/2402.04321",
                 sections=("Logits",), date="2024-02", venue="ACL", authors=("Grace Hopper",)),
    ]


def test_apply_writes_text_items_with_reference_code_links_in_the_lists_label_scheme() -> None:
    result = ListDocument.parse(PAPERS).apply(_proposals())
    expected = PAPERS.replace(
        "IJCAI 2021 [[code]][1.6]\n",
        "IJCAI 2021 [[code]][1.6]\n"
        "7. Step-by-Step Distillation. Lovelace, Ada et al. arXiv:2403.01234 [[code]][1.7]\n"
        "8. When Does a Teacher Help? Hopper, Grace. ACL 2024\n",
    ).replace("[1.6]: https://github.com/b/kl-mse\n", "[1.6]: https://github.com/b/kl-mse\n"
                                                      "[1.7]: https://github.com/example/step\n")
    assert result.text == expected
    again = ListDocument.parse(result.text)
    assert [(r.title, r.arxiv_id, r.code) for r in again.rows()[-2:]] == [
        ("Step-by-Step Distillation", "2403.01234", ("https://github.com/example/step",)),
        ("When Does a Teacher Help?", None, ()),
    ]
    assert again.apply(_proposals()).changed is False


def test_a_taken_label_gets_a_suffix_and_a_list_without_a_label_scheme_gets_inline_links() -> None:
    taken = PAPERS.replace("[1.6]: https://github.com/b/kl-mse\n", "[1.6]: https://github.com/b/kl-mse\n"
                                                                   "[1.7]: https://github.com/c/other\n")
    result = ListDocument.parse(taken).apply(_proposals()[:1])
    assert "arXiv:2403.01234 [[code]][1.72]\n" in result.text
    assert result.text.endswith("[1.7]: https://github.com/c/other\n[1.72]: https://github.com/example/step\n")
    named = PAPERS.replace("[1.3]", "[gen]").replace("[1.6]", "[klmse]")
    result = ListDocument.parse(named).apply(_proposals()[:1])
    assert "7. Step-by-Step Distillation. Lovelace, Ada et al. arXiv:2403.01234 " \
           "[[code]](https://github.com/example/step)\n" in result.text
    assert result.text.endswith("[klmse]: https://github.com/b/kl-mse\n")


def test_titles_keep_their_inner_emphasis_and_lose_the_emphasis_around_them() -> None:
    assert [(p.title, p.authors, p.venue) for p in (
        read_plain("**Bold Title.** Smith et al. CVPR 2020", ()),
        read_plain("**Is It?** Smith et al. CVPR 2020", ()),
        read_plain("Semi-Supervised _Shadow Detection_. Chen, Zhihao et al. CVPR 2020(pre)", ()),
        read_plain("When Does Label Smoothing Help? Müller, Rafael, Kornblith, and Hinton. NeurIPS 2019", ()),
    ) if p is not None] == [
        ("Bold Title", "Smith et al", "CVPR 2020"),
        ("Is It?", "Smith et al", "CVPR 2020"),
        ("Semi-Supervised _Shadow Detection_", "Chen, Zhihao et al", "CVPR 2020(pre)"),
        ("When Does Label Smoothing Help?", "Müller, Rafael, Kornblith, and Hinton", "NeurIPS 2019"),
    ]
