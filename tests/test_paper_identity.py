"""The paper-identity rule, in one place: same arXiv id, else same normalised title."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.paper_ids import KnownPapers, arxiv_id_of, paper_key


@dataclass(frozen=True)
class Rec:
    arxiv_id: str | None
    title: str


def test_found_by_id_else_by_normalised_title() -> None:
    first, second = Rec("2403.06414", "Divide-or-Conquer?"), Rec(None, "A Survey")
    known = KnownPapers.of([first, second])
    assert known.find("2403.06414") is first
    assert known.find("2401.00001", "**divide or conquer**") is first  # a paper with an id is found by title too
    assert known.find(None, "a survey") is second
    assert known.find("2401.00001", "Other") is None
    assert not known.has(None, "")


def test_an_empty_normalised_title_finds_nothing() -> None:
    known = KnownPapers.of([Rec(None, "🔥")])
    assert not known.has(None, "???") and not known.has(None, "🔥")


def test_the_first_paper_keeps_a_shared_id_or_title() -> None:
    known: KnownPapers[int] = KnownPapers()
    known.add("2403.06414", "Same", 1)
    known.add("2403.06414", "Other", 2)
    known.add(None, "Same", 3)
    assert (known.find("2403.06414"), known.find(None, "same"), known.find(None, "other")) == (1, 1, 2)


def test_one_key_per_paper() -> None:
    assert paper_key("2403.06414", "Title") == "2403.06414"
    assert paper_key(None, "A **Title**!") == "a title"
    assert paper_key(None, "2403.06414") != paper_key("2403.06414", "")  # an id and a title never meet


def test_arxiv_id_from_the_field_else_the_link() -> None:
    assert arxiv_id_of("arXiv:2403.06414v2", "https://example.org") == "2403.06414"
    assert arxiv_id_of("", "https://arxiv.org/pdf/2403.06414v1.pdf") == "2403.06414"
    assert arxiv_id_of(None, "https://example.org") is None
