"""No README row and no report line holds a control, bidi or zero-width character, or a link nobody wrote."""

from __future__ import annotations

from hypothesis import given, settings

from tests.hidden_text import forbidden_in, gfm_links, hostile_text
from tests.listdoc_sample import LABELING, SAMPLE
from tracker.listdoc.cells import split_cells
from tracker.listdoc.document import ListDocument
from tracker.records import Proposal
from tracker.review.record import BotRecord, RecordWeek, render_markdown
from tracker.store.labels import Label


@settings(max_examples=150, deadline=None)
@given(title=hostile_text, venue=hostile_text, path=hostile_text)
def test_no_inserted_row_holds_a_hidden_character_or_a_new_link(title, venue, path):
    paper = Proposal(title=title + "T", url="https://example.org/" + path, sections=(LABELING,), venue=venue,
                     date="2024-01", code=("https://github.com/a/" + path,))
    result = ListDocument.parse(SAMPLE).apply([paper])
    (added,) = [line for line in result.text.split("\n") if line not in SAMPLE.split("\n")]
    assert forbidden_in(result.text, newlines=True) == []
    title_cell, venue_cell = (cell.content for cell in split_cells(added)[:2])
    assert gfm_links(venue_cell) == []
    assert gfm_links(title_cell.split("](")[0].removeprefix("[**").removesuffix("**")) == []


@settings(max_examples=100, deadline=None)
@given(title=hostile_text, section=hostile_text, ref=hostile_text, date=hostile_text)
def test_no_report_holds_a_hidden_character(title, section, ref, date):
    week = RecordWeek("2024-W12", 1, 1, 1, 0, 0, 0, runs=1, scored=1, misses=1, scores=(0.4,))
    record = BotRecord((week,), ((Label("2403.00001", 1, section, "miss", "list", "", "2024-03-20", title), 0.4,
                                  "2024-W12"),),
                       (Label(f"2403.0000{ref}", 0, "", "removed", "pr", ref, date, title),), 0.5)
    assert forbidden_in(render_markdown(record), newlines=True) == []
