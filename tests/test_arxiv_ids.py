"""normalise_arxiv_id: every link form and written form of an arXiv id, and what is not one."""

from __future__ import annotations

import pytest

from tracker.paper_ids import normalise_arxiv_id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2403.02966", "2403.02966"),
        ("2403.02966v3", "2403.02966"),
        ("arXiv:2403.02966", "2403.02966"),
        ("arxiv: 2403.02966v1", "2403.02966"),
        ("https://arxiv.org/abs/2403.02966", "2403.02966"),
        ("https://arxiv.org/abs/2403.02966v2", "2403.02966"),
        ("https://arxiv.org/pdf/2403.02966.pdf", "2403.02966"),
        ("https://arxiv.org/pdf/2403.06414v1.pdf", "2403.06414"),
        ("https://arxiv.org/pdf/2403.06414v1", "2403.06414"),
        ("http://arxiv.org/abs/2310.00166/", "2310.00166"),
        ("https://www.arxiv.org/abs/2310.00166", "2310.00166"),
        ("http://export.arxiv.org/abs/2310.00166", "2310.00166"),
        ("arxiv.org/abs/2310.00166", "2310.00166"),
        ("https://arxiv.org/html/2403.06414v1#S2", "2403.06414"),
        ("https://arxiv.org/abs/2403.06414?context=cs.CL", "2403.06414"),
        ("  https://arxiv.org/abs/2403.06414  ", "2403.06414"),
        ("0704.0001", "0704.0001"),
        ("https://arxiv.org/abs/1412.7062", "1412.7062"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("math.gt/0309136v2", "math.GT/0309136"),
        ("https://arxiv.org/pdf/cs/0112017v1.pdf", "cs/0112017"),
        # mirrors and pages about a paper that lists link to
        ("https://huggingface.co/papers/2403.06414", "2403.06414"),
        ("https://www.alphaxiv.org/abs/2403.06414v2", "2403.06414"),
        ("https://www.alphaxiv.org/overview/2403.06414", "2403.06414"),
        ("https://ar5iv.labs.arxiv.org/html/2403.06414", "2403.06414"),
        ("https://ar5iv.org/abs/2403.06414", "2403.06414"),
        ("https://doi.org/10.48550/arXiv.2403.06414", "2403.06414"),
        ("https://dx.doi.org/10.48550/arxiv.2403.06414", "2403.06414"),
    ],
)
def test_arxiv_forms(given, expected):
    assert normalise_arxiv_id(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "https://aclanthology.org/2024.eacl-long.109.pdf",
        "https://aclanthology.org/2021.findings-emnlp.354",
        "https://github.com/lranaldii/Aligning_LLMs",
        "https://kaistai.github.io/SelFee/",
        "https://www.biorxiv.org/content/10.1101/2023.07.05.547496v1.full.pdf",
        "https://arxiv.org/abs/2413.01234",  # month 13
        "https://arxiv.org/abs/1412.12345",  # 5-digit numbers start in 2015
        "https://arxiv.org/abs/1501.1234",  # 4-digit numbers end in 2014
        "https://arxiv.org/list/cs.CL/new",
        "https://notarxiv.org/abs/2403.02966",
        "Attention Is All You Need",
        "2403.02966.pdf.zip",
        "https://huggingface.co/datasets/org/2403.06414",
        "https://doi.org/10.18653/v1/2403.06414",
        "https://alphaxiv.org.evil.com/abs/2403.06414",
    ],
)
def test_not_arxiv(given):
    assert normalise_arxiv_id(given) is None
