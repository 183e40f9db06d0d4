"""Code/data links and venue hints from abstracts, comments and journal refs."""

from __future__ import annotations

import pytest

from tracker.links import Links, annotate, extract_links, venue_hint
from tracker.records import Paper


def test_code_link_in_abstract_with_trailing_period():
    text = "We release our code at https://github.com/itsnamgyu/reasoning-teacher."
    assert extract_links(text) == Links(code=("https://github.com/itsnamgyu/reasoning-teacher",))


def test_bare_github_link_gets_a_scheme_and_loses_dot_git():
    assert extract_links("Code: github.com/yizhongw/self-instruct.git") == Links(code=("https://github.com/yizhongw/self-instruct",))


def test_hugging_face_is_data_and_github_called_a_dataset_is_data():
    text = (
        "Our dataset is available at https://github.com/Toyhom/Chinese-medical-dialogue-data. "
        "Models: https://huggingface.co/BelleGroup and data https://huggingface.co/datasets/tatsu-lab/alpaca)."
    )
    assert extract_links(text) == Links(
        data=(
            "https://github.com/Toyhom/Chinese-medical-dialogue-data",
            "https://huggingface.co/BelleGroup",
            "https://huggingface.co/datasets/tatsu-lab/alpaca",
        )
    )


def test_project_pages_and_code_context_are_code_other_links_are_ignored():
    comment = "Project page: https://selfrag.github.io/ ; see also https://en.wikipedia.org/wiki/Distillation"
    abstract = "The implementation is at https://gorilla.cs.berkeley.edu/ (with a demo video at https://youtu.be/abc)."
    assert extract_links(abstract, comment) == Links(code=("https://gorilla.cs.berkeley.edu/", "https://selfrag.github.io/"))


def test_links_are_deduplicated_across_texts():
    assert extract_links("Code: https://github.com/a/b", "code at https://github.com/a/b/").code == ("https://github.com/a/b",)


def test_url_inside_latex_url_and_parentheses():
    text = r"(code: \url{https://github.com/ezelikman/STaR}) and (see https://github.com/x/y_(z))"
    assert extract_links(text).code == ("https://github.com/ezelikman/STaR", "https://github.com/x/y_(z)")


@pytest.mark.parametrize(
    ("comment", "journal_ref", "venue"),
    [
        ("Accepted to ACL 2024", "", "ACL"),
        ("Accepted to NAACL 2024 (main)", "", "NAACL"),
        ("EMNLP 2023 Findings", "", "Findings of EMNLP"),
        ("Findings of ACL 2024, 12 pages", "", "Findings of ACL"),
        ("ICLR 2024 Workshop on Reliable and Responsible Foundation Models", "", "ICLR Workshop"),
        ("Accepted at NeurIPS 2023 as a spotlight", "", "NeurIPS"),
        ("Published in Transactions on Machine Learning Research (05/2024)", "", "TMLR"),
        ("Submitted to ICLR 2025", "", ""),
        ("Under review at NeurIPS 2024", "", ""),
        ("Under review at ICLR 2025; accepted at the EMNLP 2024 BlackboxNLP workshop", "", "EMNLP Workshop"),
        ("20 pages, 3 figures", "", ""),
        ("An extension of an earlier ACL paper", "", ""),
        ("", "Proceedings of the 61st Annual Meeting of the ACL, pages 1-12", "ACL"),
        ("", "Phys. Rev. D 94, 012345 (2016)", ""),
    ],
)
def test_venue_hint(comment, journal_ref, venue):
    assert venue_hint(comment, journal_ref) == venue


def test_annotate_fills_fields_and_keeps_given_ones_first():
    paper = Paper(
        arxiv_id="2305.02301",
        title="Distilling Step-by-Step!",
        abstract="Our code is available at https://github.com/google-research/distilling-step-by-step.",
        comment="Accepted to Findings of ACL 2023",
        code=("https://github.com/given/first",),
    )
    annotated = annotate(paper)
    assert annotated.code == ("https://github.com/given/first", "https://github.com/google-research/distilling-step-by-step")
    assert annotated.venue == "Findings of ACL"
    assert annotate(annotated) is annotated


def test_annotate_keeps_only_http_links_given_or_found():
    """A corpus file's code/data links are untrusted too: javascript:, data: and ftp: links are dropped."""
    paper = Paper(
        arxiv_id="2403.09999",
        title="Evil",
        abstract='Code: javascript:alert(1), http://x|y and https://github.com/evil/repo"><script> '
                 "and www.github.com/a/b)](javascript:alert(2)). Data: https://huggingface.co/datasets/e/v|x",
        code=("javascript:alert(1)", "https://github.com/given/first"),
        data=("data:text/html,<script>", "ftp://x.org/d"),
    )
    annotated = annotate(paper)
    assert annotated.code == ("https://github.com/given/first", "https://github.com/evil/repo", "https://www.github.com/a/b")
    assert annotated.data == ("https://huggingface.co/datasets/e/v",)
