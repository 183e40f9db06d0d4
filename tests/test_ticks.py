"""The tick reader (pure, on bodies written to the contract by hand), the labels ticks give, and what they apply."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from tests.ticks_sample import PAPERS_END, Item, contract_body, paper
from tracker.github import PrMetadata, Ticks, read_ticks
from tracker.review import record_ticks, tick_labels
from tracker.store import LabelStore, Store
from tracker.weekly import OpenReview, applied, rebuild
from tracker.weekly.review_step import apply_moves
from tracker.weekly.selection import select

LAB, FEED, OTHER = "KD > Labeling", "KD > Feedback", "KD > Other"
A = paper("2403.00011", "Alpha [ticks]", LAB, 0.95, (FEED, OTHER))
B = paper("2403.00012", "Beta", LAB, 0.9)
C = paper("2403.00013", "Gamma", FEED, 0.8, (LAB,))
O1 = paper("2403.00021", "Over one", LAB, 0.7)
O2 = paper("2403.00022", "Over two", FEED, 0.65)
META = PrMetadata(papers=(A, B, C), model_version="m1", as_of="2024-03-19", overflow=(O1, O2))


def body(*items: Item, meta: PrMetadata = META, added: tuple[str, ...] = ()) -> str:
    return contract_body(items or (Item(A), Item(B), Item(C)), meta, added=added)


def test_untick_move_and_add_are_read() -> None:
    text = body(Item(A, moves=((FEED, True), (OTHER, True))), Item(B, ticked=False), Item(C), added=("2403.00022",))
    ticks = read_ticks(text, META)
    assert ticks.read
    assert (ticks.ticked, ticks.dropped) == ({"2403.00011", "2403.00013"}, {"2403.00012"})
    assert ticks.moves == {"2403.00011": OTHER}  # the last ticked move item wins
    assert ticks.added == ("2403.00022",)


def test_a_body_as_built_reads_as_all_ticked_nothing_else() -> None:
    ticks = read_ticks(body(), META)
    assert (ticks.read, ticks.dropped, dict(ticks.moves), ticks.added) == (True, frozenset(), {}, ())
    assert ticks.state(B.arxiv_id) is True and ticks.state("2403.99999") is None


def test_a_move_to_a_section_not_offered_is_ignored(caplog) -> None:
    with caplog.at_level(logging.INFO):
        ticks = read_ticks(body(Item(A), Item(B, moves=((FEED, True),)), Item(C)), META)
    assert dict(ticks.moves) == {} and "not one of its alternatives" in caplog.text


def test_ticks_of_unknown_ids_are_ignored_with_a_log_line(caplog) -> None:
    stranger = paper("2403.00099", "Stranger", LAB)
    with caplog.at_level(logging.INFO):
        ticks = read_ticks(body(Item(A), Item(stranger, ticked=False, moves=((FEED, True),)), Item(B), Item(C)), META)
    assert ticks.read and ticks.dropped == frozenset() and dict(ticks.moves) == {}
    assert "arXiv:2403.00099, which this PR does not hold: ignored" in caplog.text


def test_nonsense_bodies_read_no_ticks() -> None:
    dropping = body(Item(A), Item(B, ticked=False), Item(C))
    lines = dropping.splitlines()
    b_line = next(line for line in lines if "2403.00012" in line and line.startswith("- ["))
    cases = {
        "end marker deleted": dropping.replace(PAPERS_END, ""),
        "all markers deleted": dropping.replace("<!-- kd-tracker:papers -->", "").replace(PAPERS_END, ""),
        "item twice": dropping.replace(b_line, b_line + "\n" + b_line),
        "item moved out": dropping.replace(b_line + "\n", "").replace("<!-- kd-tracker-metadata", b_line + "\n\n<!-- kd-tracker-metadata"),
        "move under no item": dropping.replace("#### KD &gt; Labeling\n", "#### KD &gt; Labeling\n  - [x] move to: KD &gt; Feedback\n"),
        "overflow markers deleted": dropping.replace("<!-- kd-tracker:overflow -->", ""),
        "item into overflow": dropping.replace(b_line + "\n", "").replace("</details>\n<!-- kd-tracker:overflow-end", b_line + "\n</details>\n<!-- kd-tracker:overflow-end"),
    }
    for name, text in cases.items():
        assert text != dropping, name
        assert read_ticks(text, META) == Ticks.empty(), name
    assert read_ticks(None, META) == Ticks.empty() and read_ticks(dropping, None) == Ticks.empty()


def test_labels_drop_move_and_retick(tmp_path) -> None:
    ticks = read_ticks(body(Item(A, moves=((FEED, True),)), Item(B, ticked=False), Item(C)), META)
    labels = {(lb.arxiv_id, lb.label, lb.section, lb.kind) for lb in tick_labels(ticks, META, pr_number=7, date="d")}
    assert labels == {("2403.00012", 0, "", "dropped"), ("2403.00011", 0, LAB, "moved"), ("2403.00011", 1, FEED, "moved")}
    with Store(tmp_path / "s.db") as store:
        store_labels = LabelStore(store)
        assert record_ticks(store_labels, ticks, META, pr_number=7, date="2024-03-20").added == 3
        assert record_ticks(store_labels, ticks, META, pr_number=7, date="2024-03-20").added == 0  # same ticks: nothing
        assert store_labels.rejected_ids() == {"2403.00012"}
        # the PR rebuilt: B shown unticked as dropped, A in Feedback; the reviewer ticks B again
        rebuilt = replace(META, papers=(replace(A, sections=(FEED,), alternatives=(LAB, OTHER)), C), dropped=(B,),
                          moves={"2403.00011": FEED})
        again = read_ticks(contract_body([Item(rebuilt.papers[0], moves=((LAB, False),)), Item(B), Item(C)], rebuilt),
                           rebuilt)
        record_ticks(store_labels, again, rebuilt, pr_number=7, date="2024-03-21")
        assert store_labels.rejected_ids() == set()
        stored = {(lb.arxiv_id, lb.label, lb.section, lb.kind) for lb in store_labels.all()}
        assert ("2403.00012", 1, "", "kept") in stored and ("2403.00011", 1, FEED, "moved") in stored
        # and unticks it once more: rejected again
        third = read_ticks(contract_body([Item(rebuilt.papers[0]), Item(B, ticked=False), Item(C)], rebuilt), rebuilt)
        record_ticks(store_labels, third, rebuilt, pr_number=7, date="2024-03-21")
        assert store_labels.rejected_ids() == {"2403.00012"}
    nothing = record_ticks(LabelStore(Store(tmp_path / "t.db")), Ticks.empty(), META, pr_number=7, date="d")
    assert nothing.added == 0


def test_rebuild_applies_drops_moves_and_adds() -> None:
    text = body(Item(A, moves=((FEED, True),)), Item(B, ticked=False), Item(C), added=("2403.00021",))
    review = OpenReview(7, META, read_ticks(text, META))
    ticks = applied(review)
    assert (ticks.dropped, ticks.added, dict(ticks.moves), ticks.changes) == (
        {"2403.00012"}, ("2403.00021",), {"2403.00011": FEED}, 3)
    proposals, context = rebuild(review, ticks, None)
    assert [(p.arxiv_id, p.sections) for p in proposals] == [("2403.00011", (FEED,)), ("2403.00013", (FEED,)),
                                                             ("2403.00021", (LAB,))]
    assert [a.section for a in proposals[0].alternatives] == [LAB, OTHER]  # the section it left is offered back
    assert [p.arxiv_id for p in context.dropped] == ["2403.00012"]
    assert [p.arxiv_id for p in context.overflow] == ["2403.00022"]
    assert (dict(context.moves), context.previous, context.as_of) == ({"2403.00011": FEED}, META, dt.date(2024, 3, 19))
    assert applied(OpenReview(7, META, read_ticks(body(), META))).changes == 0
    nonsense = applied(OpenReview(7, META, Ticks.empty()))
    assert (nonsense.dropped, nonsense.changes) == (frozenset(), 0)


def test_apply_moves_puts_a_paper_in_the_chosen_section_only() -> None:
    from tests.publish_sample import EPSILON, FEEDBACK, LABELING

    (moved,) = apply_moves([EPSILON], {EPSILON.arxiv_id: FEEDBACK})
    assert moved.sections == (FEEDBACK,) and [a.section for a in moved.alternatives] == [LABELING]


def test_select_puts_the_prs_papers_first_and_added_overflow_above_the_cap() -> None:
    from tests.test_selection import DOC, scored
    from tracker.config import ModelConfig

    model = ModelConfig(threshold=0.5, proposals_per_pr=2)
    items = [scored("2403.1", 0.95), scored("2403.2", 0.9), scored("2403.3", 0.6), scored("2403.4", 0.55),
             scored("2403.5", 0.52)]
    sel = select(items, DOC, model, carried={"2403.3", "2403.4", "2403.5"}, first={"2403.3"}, added={"2403.5"})
    # the PR's paper takes the cap first, one new paper fills the room, the ticked overflow paper joins above it
    assert [p.arxiv_id for p in sel.proposals] == ["2403.1", "2403.3", "2403.5"]
    assert [p.arxiv_id for p in sel.overflow] == ["2403.2", "2403.4"] and sel.over_limit == 2
