"""The pure parts of bench/scale.py: shifted ids, rotated texts, the stratified subset, the synthetic year."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bench.scale import (
    ID_SHIFT,
    rotate_sentences,
    rotate_words,
    shift_id,
    store_papers,
    stratified_subset,
    variant,
    without_one_row,
    year_week,
)
from tracker.paper_ids import normalise_title
from tracker.records import Paper
from tracker.store.sample import iso_week


def paper(arxiv_id: str, day: str, title: str = "A study of distillation", abstract: str = "One. Two! Three?") -> Paper:
    return Paper(arxiv_id=arxiv_id, title=title, abstract=abstract, published=day)


def test_shift_id_adds_to_the_number_and_keeps_five_digits() -> None:
    assert shift_id("2401.12345", ID_SHIFT) == "2401.62345"
    assert shift_id("2401.00042", ID_SHIFT) == "2401.50042"
    assert shift_id("1501.0042", 7) == "1501.00049"


@pytest.mark.parametrize("arxiv_id", ["cs/0101001", "2401.12345v2", "", "2401.1"])
def test_shift_id_refuses_other_ids(arxiv_id: str) -> None:
    with pytest.raises(ValueError, match="new-style"):
        shift_id(arxiv_id, ID_SHIFT)


def test_shift_id_refuses_to_leave_the_five_digits() -> None:
    with pytest.raises(ValueError, match="5-digit"):
        shift_id("2401.60000", ID_SHIFT)


def test_rotate_sentences_moves_the_first_sentence_last() -> None:
    text = "We distil a model.  It is\nsmall! Is it good? Yes."
    assert rotate_sentences(text) == "It is small! Is it good? Yes. We distil a model."
    assert rotate_sentences(text, 2) == "Is it good? Yes. We distil a model. It is small!"
    assert rotate_sentences(text, 4) == rotate_words(text, 4) != " ".join(text.split())  # a full turn: words instead


def test_one_sentence_has_its_words_rotated() -> None:
    assert rotate_sentences("Knowledge distillation for small models") == "distillation for small models Knowledge"
    assert rotate_words("Tiny Distilled Models", 2) == "Models Tiny Distilled"
    assert rotate_sentences("") == ""


def test_a_variant_is_a_different_paper_with_the_same_day_and_categories() -> None:
    original = Paper(arxiv_id="2403.01234", title="Distilling LLMs into small students", abstract="First. Second.",
                     published="2024-03-05", categories=("cs.CL", "cs.LG"), code=("https://github.com/a/b",))
    copy = variant(original, 1)
    assert copy.arxiv_id == "2403.51234"
    assert copy.abstract == "Second. First."
    assert normalise_title(copy.title) != normalise_title(original.title)  # title dedupe keeps both
    assert (copy.day, copy.categories, copy.code) == (original.day, original.categories, ())
    with pytest.raises(ValueError):
        variant(original, 2)  # 1234 + 100000 is no longer 5 digits


def corpus(weeks: dict[str, int]) -> list[Paper]:
    """Papers over ISO weeks: ``{monday: n}``, ids numbered in order."""
    out, i = [], 0
    for monday, n in weeks.items():
        for _ in range(n):
            out.append(paper(f"2401.{i:05d}", monday))
            i += 1
    return out


def test_the_subset_keeps_each_weeks_share_and_the_kept_ids() -> None:
    papers = corpus({"2024-01-01": 100, "2024-01-08": 300, "2024-01-15": 600})
    subset = stratified_subset(papers, 100, keep=["2401.00999", "2401.00998"])
    assert len(subset) == 100
    assert {"2401.00999", "2401.00998"} <= {p.arxiv_id for p in subset}
    weeks = Counter(iso_week(p.day) for p in subset if p.arxiv_id not in {"2401.00999", "2401.00998"})
    assert weeks == {"2024-W01": 10, "2024-W02": 29, "2024-W03": 59}  # 98 shared 1:3:6 by largest remainders
    assert [p.arxiv_id for p in subset] == sorted(p.arxiv_id for p in subset)  # the input's order


def test_the_subset_is_reproducible_not_the_first_papers_and_seeded() -> None:
    papers = corpus({"2024-01-01": 200, "2024-01-08": 200})
    subset = stratified_subset(papers, 50)
    assert subset == stratified_subset(list(reversed(papers)), 50)[::-1]
    ids = [int(p.arxiv_id[5:]) for p in subset]
    assert ids != list(range(25)) + list(range(200, 225))
    assert max(i for i in ids if i < 200) > 100  # spread over the week, not its first papers
    assert stratified_subset(papers, 50, seed=1) != subset
    assert stratified_subset(papers, 1000) == papers


def test_a_store_of_twice_the_corpus_adds_one_rotated_copy_without_the_list_papers() -> None:
    papers = corpus({"2024-01-01": 10, "2024-01-08": 10})
    doubled = store_papers(papers, 40, list_ids={"2401.00003"})
    assert len(doubled) == 39
    ids = [p.arxiv_id for p in doubled]
    assert len(set(ids)) == 39 and "2401.50003" not in ids and "2401.50004" in ids
    assert store_papers(papers, 20, set()) == papers
    assert len(store_papers(papers, 10, {"2401.00003"})) == 10


def test_the_simulated_year_has_distinct_ids_dated_in_order() -> None:
    papers = [paper(f"2401.{i:05d}", "2024-01-02", title=f"Title number {i}", abstract=f"A {i} one. B {i} two. C {i} three.")
              for i in range(7)]
    weeks = [year_week(papers, w, 5, start=date(2026, 7, 6)) for w in range(52)]
    ids = [p.arxiv_id for week in weeks for p in week]
    assert len(set(ids)) == len(ids) == 260
    assert weeks[0][0].arxiv_id == "2607.60000" and weeks[0][0].day == "2026-07-06"
    assert [p.day for p in weeks[0]] == ["2026-07-06", "2026-07-07", "2026-07-08", "2026-07-09", "2026-07-10"]
    assert weeks[51][0].day == "2027-06-28" and weeks[51][0].arxiv_id.startswith("2706.")
    assert weeks[1][0].abstract == "B 5 two. C 5 three. A 5 one."  # first pass: rotated once
    first_passes = [p for week in weeks for p in week][:14]
    assert all(p.abstract != papers[i % 7].abstract for i, p in enumerate(first_passes))
    assert first_passes[7].abstract != first_passes[0].abstract  # the second pass rotates otherwise


def test_without_one_row_drops_the_last_arxiv_row() -> None:
    text = "# L\n\n| Title | Link |\n|---|---|\n| A | [x](https://arxiv.org/abs/2401.00001) |\n| B | [y](https://arxiv.org/abs/2401.00002) |\n| C | none |\n"
    assert without_one_row(text) == text.replace("| B | [y](https://arxiv.org/abs/2401.00002) |\n", "")
    with pytest.raises(ValueError):
        without_one_row("# no table\n")
