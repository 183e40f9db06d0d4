"""Rows that stay current (issue 19, part 3): venue and code detection, the in-place row edit in the row's own
style, the "Updates to listed papers" group and its ticks, the PR metadata, the store's memory, ``refresh.days``."""

from __future__ import annotations

import difflib
from datetime import date

import pytest

from tracker.config import parse_config
from tracker.config_rules import ConfigProblems
from tracker.github import PrMetadata, format_pr_metadata, parse_pr_metadata, read_update_ticks
from tracker.listdoc import ListDocument
from tracker.publish.body import render_title
from tracker.publish.body_updates import render_updates
from tracker.records import Paper, RowUpdate
from tracker.store import RefreshState, Store
from tracker.weekly.refresh import detect_updates, refresh_due
from tracker.weekly.refresh_detect import Venue, accepted_venue, code_repository


@pytest.mark.parametrize(("comment", "journal_ref", "venue"), [
    ("Accepted to ACL 2024", "", Venue("ACL", 2024)),
    ("Published at NeurIPS 2023", "", Venue("NeurIPS", 2023)),
    ("EMNLP 2024 Findings", "", Venue("Findings of EMNLP", 2024)),
    ("Accepted to EMNLP 2024 (Findings)", "", Venue("Findings of EMNLP", 2024)),
    ("", "Findings of the Association for Computational Linguistics: EMNLP 2024", Venue("Findings of EMNLP", 2024)),
    ("", "ACL 2024", Venue("ACL", 2024)),
    ("", "Proceedings of the 62nd Annual Meeting (ACL 2024), pages 1-10", Venue("ACL", 2024)),
    ("Accepted at NAACL 2024 main conference", "", Venue("NAACL", 2024)),
    ("Accepted to ACL'24", "", Venue("ACL", 2024)),
    ("12 pages. Accepted at ICML 2024; previously submitted to ICLR 2024", "", Venue("ICML", 2024)),
    ("Camera-ready version, to appear in TACL 2024", "", Venue("TACL", 2024)),
])
def test_accepted_venue_with_its_year(comment, journal_ref, venue):
    assert accepted_venue(comment, journal_ref) == venue


@pytest.mark.parametrize(("comment", "journal_ref"), [
    ("Submitted to ICLR 2024", ""),
    ("under review", ""),
    ("Under review at ICLR 2025", ""),
    ("ICLR 2025 submission", ""),
    ("ICLR 2024", ""),  # a comment naming a venue without saying it was accepted
    ("Accepted to ACL", ""),  # no year
    ("Accepted to a top conference 2024", ""),
    ("Accepted to ACL 2024 workshop on knowledge distillation", ""),
    ("Accepted to ICLR 2024 and ICML 2024", ""),  # two venues: which one?
    ("Accepted to the Findings of ICLR 2024", ""),  # ICLR has no Findings track
    ("Preprint. Accepted to ACL 2024 pending revisions? no: preprint", ""),
    ("", "arXiv preprint 2024"),
])
def test_no_venue_when_unsure(comment, journal_ref):
    assert accepted_venue(comment, journal_ref) is None


@pytest.mark.parametrize(("abstract", "comment", "repo"), [
    ("Code is available at https://github.com/foo/bar.", "", "https://github.com/foo/bar"),
    ("", "Code: github.com/foo/bar/tree/main", "https://github.com/foo/bar"),
    ("Our implementation: https://gitlab.com/team/proj.git", "", "https://gitlab.com/team/proj"),
    ("Models are released at https://huggingface.co/foo/kd-model", "", "https://huggingface.co/foo/kd-model"),
    ("Our dataset is at https://github.com/foo/data", "", None),
    ("Data at https://huggingface.co/datasets/foo/x", "", None),
    ("See https://github.com/foo for more", "", None),
    ("Code: javascript:alert(1) and https://example.com/x", "", None),
])
def test_code_repository(abstract, comment, repo):
    assert code_repository(abstract, comment) == repo


LIST = """\
# Awesome

## Methods

| Title | Venue | Date | Code |
|:--|:--:|:--:|:--:|
| [**Old Paper**](https://arxiv.org/abs/2301.00001) | arXiv | 2023-01 |
| [**Other Paper**](https://arxiv.org/abs/2301.00002) | EMNLP 2023 | 2023-01 | [Github](https://github.com/a/b) |
| [**Third Paper**](https://arxiv.org/abs/2301.00003) | -  | 2023-02 |  |
| [**Fourth Paper**](https://arxiv.org/abs/2301.00004) | Findings of ACL 2023 | 2023-03 | [Github](https://github.com/c/d) |
"""


def venue(arxiv_id: str, name: str, year: int, old: str = "arXiv") -> RowUpdate:
    return RowUpdate(arxiv_id, "venue", old, f"{name} {year}", venue=name, year=year)


def code(arxiv_id: str, url: str) -> RowUpdate:
    return RowUpdate(arxiv_id, "code", "", url)


def diff_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0)
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_updates_are_written_in_place_in_the_rows_own_style_and_nothing_else_changes():
    result = ListDocument.parse(LIST).apply([], updates=[
        venue("2301.00001", "ACL", 2024), code("2301.00001", "https://github.com/x/y"),
        venue("2301.00003", "Findings of EMNLP", 2024, old="-"), code("2301.00003", "https://github.com/z/w"),
        venue("2301.00002", "ICML", 2024, old="EMNLP 2023")])  # a row naming a venue already is left alone
    assert diff_lines(LIST, result.text) == [
        "-| [**Old Paper**](https://arxiv.org/abs/2301.00001) | arXiv | 2023-01 |",
        "+| [**Old Paper**](https://arxiv.org/abs/2301.00001) | ACL 2024 | 2023-01 | [Github](https://github.com/x/y) |",
        "-| [**Third Paper**](https://arxiv.org/abs/2301.00003) | -  | 2023-02 |  |",
        "+| [**Third Paper**](https://arxiv.org/abs/2301.00003) | Findings of EMNLP 2024  | 2023-02 | "
        "[Github](https://github.com/z/w) |",
    ]
    assert [(u.arxiv_id, u.field, u.written) for u in result.updated] == [
        ("2301.00001", "venue", "ACL 2024"), ("2301.00001", "code", "[Github](https://github.com/x/y)"),
        ("2301.00003", "venue", "Findings of EMNLP 2024"), ("2301.00003", "code", "[Github](https://github.com/z/w)")]
    assert result.changed and not result.inserted


@pytest.mark.parametrize(("venues", "written"), [
    (("ACL", "EMNLP", "ICLR"), "Findings of EMNLP"),  # the list writes no years
    (("ACL'23", "ICLR'24"), "Findings of EMNLP'24"),
    (("ACL 2023", "EMNLP Findings 2023"), "EMNLP Findings 2024"),
])
def test_the_venue_follows_the_lists_year_and_findings_form(venues, written):
    rows = "".join(f"| [P{i}](https://arxiv.org/abs/2301.0001{i}) | {v} | 2023-01 |\n" for i, v in enumerate(venues))
    text = ("## A\n\n| Title | Venue | Date |\n|---|---|---|\n" + rows
            + "| [New](https://arxiv.org/abs/2302.00001) | arXiv | 2023-02 |\n")
    result = ListDocument.parse(text).apply([], updates=[venue("2302.00001", "Findings of EMNLP", 2024)])
    assert result.text.splitlines()[-1] == f"| [New](https://arxiv.org/abs/2302.00001) | {written} | 2023-02 |"


def test_code_cell_with_a_badge_crlf_and_no_outer_pipes_keeps_the_rows_form():
    badge = "[![Star](https://img.shields.io/github/stars/{r}.svg)](https://github.com/{r})"
    text = ("## A\r\n\r\nTitle | Venue | Date | Code\r\n---|---|---|---\r\n"
            f"[P](https://arxiv.org/abs/2301.00011) | ICLR | 2023-01 | {badge.format(r='a/b')}\r\n"
            "[Q](https://arxiv.org/abs/2301.00012) | arXiv | 2023-01\r\n")
    result = ListDocument.parse(text).apply([], updates=[code("2301.00012", "https://github.com/o/r")])
    assert diff_lines(text, result.text) == [
        "-[Q](https://arxiv.org/abs/2301.00012) | arXiv | 2023-01\r",
        f"+[Q](https://arxiv.org/abs/2301.00012) | arXiv | 2023-01 | {badge.format(r='o/r')}\r"]


def test_untrusted_values_are_escaped_and_only_http_links_written():
    result = ListDocument.parse(LIST).apply([], updates=[
        RowUpdate("2301.00001", "venue", "arXiv", "A|B 2024", venue="A|B <b>", year=2024),
        code("2301.00003", "javascript:alert(1)")])
    (line,) = [ln for ln in diff_lines(LIST, result.text) if ln.startswith("+")]
    assert "| A\\|B &lt;b&gt; 2024 |" in line
    assert [u.field for u in result.updated] == ["venue"]


def test_detect_updates_only_for_rows_that_say_nothing_yet_and_not_declined():
    rows = ListDocument.parse(LIST).rows()
    papers = {
        "2301.00001": Paper("2301.00001", "Old Paper", journal_ref="ACL 2024", abstract="Code: https://github.com/x/y."),
        "2301.00002": Paper("2301.00002", "Other Paper", comment="Accepted to ICML 2024. https://github.com/q/q code"),
        "2301.00003": Paper("2301.00003", "Third Paper", comment="Submitted to ICLR 2024"),
    }
    found = detect_updates(rows, papers)
    assert [(u.arxiv_id, u.field, u.old, u.new, u.title) for u in found] == [
        ("2301.00001", "venue", "arXiv", "ACL 2024", "Old Paper"),
        ("2301.00001", "code", "", "https://github.com/x/y", "Old Paper")]
    assert [u.field for u in detect_updates(rows, papers, declined=[("2301.00001", "venue")])] == ["code"]


def test_refresh_due_respects_refresh_days():
    assert refresh_due(None, date(2024, 3, 18), 30)
    assert not refresh_due(date(2024, 3, 18), date(2024, 4, 16), 30)
    assert refresh_due(date(2024, 3, 18), date(2024, 4, 17), 30)
    assert not refresh_due(None, date(2024, 3, 18), 0), "0 turns the refresh off"


def test_refresh_days_is_validated():
    assert parse_config("refresh:\n  days: 14\n", "c.yaml").refresh.days == 14
    with pytest.raises(ConfigProblems) as e:
        parse_config("refresh:\n  days: -1\n", "c.yaml")
    assert str(e.value) == "c.yaml:2: 'refresh.days' must be at least 0, got -1"


UPDATES = (RowUpdate("2301.00001", "venue", "arXiv", "ACL 2024", "Old | Paper", venue="ACL", year=2024,
                     written="ACL"),
           RowUpdate("2301.00001", "code", "", "https://github.com/x/y", "Old | Paper"))


def body_with(updates=UPDATES, declined=()) -> tuple[str, PrMetadata]:
    meta = PrMetadata(papers=(), model_version="m", as_of="2024-03-18", updates=updates, declined_updates=declined)
    return "\n".join(render_updates(updates)) + "\n" + format_pr_metadata(meta), meta


def test_updates_group_lines_and_metadata_round_trip():
    body, meta = body_with(declined=(RowUpdate("2301.00009", "code", "", "https://github.com/n/o"),))
    lines = body.splitlines()
    assert lines[:2] == ["<!-- kd-tracker:updates -->", "### Updates to listed papers"]
    assert "- [x] venue arXiv → ACL 2024 · [Old \\| Paper](https://arxiv.org/abs/2301.00001) · written as ACL" in lines
    assert ("- [x] add code link [github.com/x/y](https://github.com/x/y) · [Old \\| Paper]"
            "(https://arxiv.org/abs/2301.00001)") in lines
    assert parse_pr_metadata(body) == meta


def test_update_ticks_untick_declines_and_nonsense_declines_nothing():
    body, meta = body_with()
    assert read_update_ticks(body, meta).kept == {("2301.00001", "venue"), ("2301.00001", "code")}
    unticked = body.replace("- [x] venue", "- [ ] venue")
    ticks = read_update_ticks(unticked, meta)
    assert (ticks.kept, ticks.declined) == ({("2301.00001", "code")}, {("2301.00001", "venue")})
    for broken in (unticked.replace("<!-- kd-tracker:updates-end -->", ""),
                   unticked + "\n- [ ] venue arXiv → ACL 2024 · [x](https://arxiv.org/abs/2301.00001)\n"):
        ticks = read_update_ticks(broken, meta)
        assert not ticks.read and not ticks.declined


def test_refresh_state_remembers_the_day_and_the_declined_updates(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        state = RefreshState(store)
        assert state.last_refresh() is None and state.declined() == {}
        state.set_last_refresh(date(2024, 3, 18))
        assert state.decline(UPDATES[:1], day="2024-03-19", ref="1") == 1
        assert state.decline(UPDATES[:1]) == 0
    with Store(tmp_path / "kd.db") as store:
        state = RefreshState(store)
        assert state.last_refresh() == date(2024, 3, 18)
        assert {k: (u.new, u.old) for k, u in state.declined().items()} == {("2301.00001", "venue"): ("ACL 2024",
                                                                                                       "arXiv")}


MIXED = """\
# Awesome

## Methods

| Title | Venue | Date | Code |
|:--|:--:|:--:|:--:|
| [**Old Paper**](https://arxiv.org/abs/2301.00001) | arXiv | 2023-01 |

## Surveys

- [A Survey of Things](https://arxiv.org/abs/2301.00005) - arXiv 2023
- **[Another Survey](https://arxiv.org/abs/2301.00006)**, 2023
"""


def test_list_items_are_not_refreshed_only_table_rows():
    doc = ListDocument.parse(MIXED)
    assert [(r.arxiv_id, r.kind) for r in doc.rows()] == [
        ("2301.00001", "row"), ("2301.00005", "item"), ("2301.00006", "item")]
    papers = {i: Paper(i, "T", journal_ref="ACL 2024", abstract="Code: https://github.com/x/y.")
              for i in ("2301.00001", "2301.00005", "2301.00006")}
    assert [(u.arxiv_id, u.field) for u in detect_updates(doc.rows(), papers)] == [
        ("2301.00001", "venue"), ("2301.00001", "code")]
    # an update naming an item (an old PR's metadata) is not written into the item: it reads as not applicable
    result = doc.apply([], updates=[venue("2301.00005", "ACL", 2024), code("2301.00006", "https://github.com/x/y")])
    assert result.text == MIXED and result.updated == ()


def test_a_pr_with_only_updates_is_titled_by_its_updates():
    template = "Weekly update: {count} new papers ({window})"
    assert render_title(template, 0, "w", updates=1) == "Weekly update: 1 update to listed papers (w)"
    assert render_title(template, 0, "w", updates=2) == "Weekly update: 2 updates to listed papers (w)"
    assert render_title(template, 2, "w", updates=2) == "Weekly update: 2 new papers (w)"
    assert render_title(template, 0, "w") == "Weekly update: 0 new papers (w)"
