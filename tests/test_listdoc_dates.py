"""Dates in the list's own forms: reading them, writing new rows' dates like the table, sort order, lint, update log."""

from __future__ import annotations

import datetime

import pytest

from tracker.listdoc.dates import DateFormat, compare_keys, date_key, format_date, learn_format, parse_date
from tracker.listdoc.document import LintProblem, ListDocument
from tracker.records import Proposal

TABLE = "| Title | Venue | Date |\n|---|---|---|\n"


def proposal(date: str = "2024-02", title: str = "New Paper", sections: tuple[str, ...] = ("S",)) -> Proposal:
    return Proposal(title=title, url=f"https://x.org/{title.replace(' ', '-')}", sections=sections, venue="arXiv",
                    date=date)


def row(title: str, date: str) -> str:
    return f"| [{title}](https://x.org/{title.replace(' ', '-')}) | arXiv | {date} |\n"


def applied(rows: list[tuple[str, str]], *proposals: Proposal) -> list[tuple[str, str]]:
    """(title, date cell) of each row of section S after applying ``proposals``."""
    text = "## S\n" + TABLE + "".join(row(title, date) for title, date in rows)
    result = ListDocument.parse(text).apply(list(proposals))
    return [(r.title, r.date) for r in result.document.find_section("S").rows]


@pytest.mark.parametrize(("text", "key"), [
    ("2024-03", (2024, 3)), ("2024-3", (2024, 3)), ("2024.03", (2024, 3)), ("2024/03", (2024, 3)),
    ("2024-03-15", (2024, 3, 15)), ("2024/1/2", (2024, 1, 2)), ("2024.03.15", (2024, 3, 15)),
    ("Mar 2024", (2024, 3)), ("March 2024", (2024, 3)), ("sept. 2023", (2023, 9)), ("May 2024", (2024, 5)),
    ("2024", (2024,)), ("**2024.03**", (2024, 3)), ("`Mar 2024`", (2024, 3)), ("<sub>2024</sub>", (2024,)),
    (" 2024-03 ", (2024, 3)),
])
def test_accepted_forms(text, key):
    assert date_key(text) == key


@pytest.mark.parametrize("text", ["", "soon", "2024-13", "2024-02-30", "2024-03.15", "Spring 2024", "24-03", "**"])
def test_not_dates(text):
    assert parse_date(text) is None


def test_keys_compare_at_the_precision_both_have():
    assert compare_keys((2024,), (2024, 3)) == 0
    assert compare_keys((2024, 3), (2024, 3, 15)) == 0
    assert compare_keys((2024, 2, 28), (2024, 3)) == -1
    assert compare_keys((2025,), (2024, 12, 31)) == 1


def test_format_is_learnt_feature_by_feature_and_written_back():
    fmt = learn_format(["2024.3", "2024.11", "**2023.12**", "2024.4"])
    assert fmt == DateFormat(kind="numeric", sep=".", pad=False, day=False, wrap=("", ""))
    assert format_date(fmt, (2024, 2, 5)) == "2024.2"
    assert format_date(learn_format(["2024/03/01", "2024/01/11"]), (2024, 2, 5)) == "2024/02/05"
    assert format_date(learn_format(["2024/03/01"]), (2024, 2)) == "2024/02"
    assert format_date(learn_format(["May 2024", "June 2024"]), (2024, 2)) == "February 2024"
    assert format_date(learn_format(["May 2024"]), (2024, 9)) == "Sep 2024"
    assert format_date(learn_format(["2024", "2023"]), (2024, 2)) == "2024"
    assert learn_format(["2024-11", "soon"], DateFormat(pad=False)).pad is False
    assert learn_format([]) == DateFormat()


@pytest.mark.parametrize(("dates", "written", "position"), [
    (["2024.03", "2024.01"], "2024.02", 1),
    (["Mar 2024", "Jan 2024"], "Feb 2024", 1),
    (["March 2024", "January 2024"], "February 2024", 1),
    (["2024/03/01", "2024/01/02"], "2024/02", 1),
    (["**2024-03**", "**2024-01**"], "**2024-02**", 1),
    (["2025", "2024", "2024", "2023"], "2024", 1),
])
def test_new_row_takes_the_tables_date_format_and_place(dates, written, position):
    rows = [(f"R{i}", date) for i, date in enumerate(dates)]
    after = applied(rows, proposal("2024-02"))
    assert after == rows[:position] + [("New Paper", written)] + rows[position:]


def test_a_day_given_by_the_proposal_is_written_in_a_table_with_days():
    rows = [("A", "2024-03-15"), ("B", "2024-02-20"), ("C", "2024-02-01")]
    assert applied(rows, proposal("2024-02-10")) == [*rows[:2], ("New Paper", "2024-02-10"), rows[2]]
    # a month alone goes on top of its month
    assert applied(rows, proposal("2024-02")) == [rows[0], ("New Paper", "2024-02"), *rows[1:]]


def test_without_dates_in_the_table_the_documents_format_is_used():
    text = ("## T\n" + TABLE + row("A", "Mar 2024") + "\n## S\n" + TABLE)
    result = ListDocument.parse(text).apply([proposal("2024-02")])
    assert result.text.endswith(TABLE + row("New Paper", "Feb 2024"))


def test_oldest_first_table_gets_rows_in_date_order():
    rows = [("Old", "2020-01"), ("Mid", "2022-01"), ("New", "2024-01")]
    after = applied(rows, proposal("2024-06", "Newest"), proposal("2023-01", "Between"),
                    proposal("2019-05", "Oldest"), proposal("2022-01", "Same Month"), proposal("2022-01", "Same 2"))
    assert after == [("Oldest", "2019-05"), ("Old", "2020-01"), ("Mid", "2022-01"), ("Same Month", "2022-01"),
                     ("Same 2", "2022-01"), ("Between", "2023-01"), ("New", "2024-01"), ("Newest", "2024-06")]


def test_a_mostly_oldest_first_table_with_one_step_back_is_oldest_first():
    rows = [("A", "2020-01"), ("B", "2021-01"), ("C", "2020-06"), ("D", "2022-01"), ("E", "2023-01")]
    assert applied(rows, proposal("2024-01"))[-1] == ("New Paper", "2024-01")


def test_unreadable_dates_do_not_send_a_row_to_the_bottom_of_a_newest_first_table():
    rows = [("A", "2024-03"), ("B", "soon"), ("C", "2024-01"), ("D", "tbd"), ("E", "")]
    assert applied(rows, proposal("2024-02"))[:3] == [("A", "2024-03"), ("B", "soon"), ("New Paper", "2024-02")]
    assert applied(rows, proposal("2023-05")) == [*rows[:3], ("New Paper", "2023-05"), *rows[3:]]


def test_lint_accepts_the_date_forms_and_tables_without_a_date_column():
    text = ("## A\n" + TABLE + row("A", "2024.03") + row("B", "Mar 2024") + row("C", "2024/01/02")
            + "## B\n| Paper | Conference | Year |\n|---|---|---|\n| [D](https://x.org/d) | KDD | 2024 |\n"
            + "## C\n| Title | Venue |\n|---|---|\n| [E](https://x.org/e) | arXiv |\n"
            + "## D\n| Title |\n|---|\n| [F](https://x.org/f) |\n")
    assert ListDocument.parse(text).lint() == []


def test_lint_flags_a_date_in_no_accepted_form_and_an_empty_date():
    text = "## A\n" + TABLE + row("A", "Spring 2024") + row("B", "")
    assert ListDocument.parse(text).lint() == [
        LintProblem(4, "date 'Spring 2024' is not a date such as 2024-03, 2024.03, 2024-03-15, Mar 2024 or 2024"),
        LintProblem(5, "date '' is not a date such as 2024-03, 2024.03, 2024-03-15, Mar 2024 or 2024"),
    ]


def logged(news: str, day: datetime.date, template: str = "**{date}**: Add {count} papers.") -> str:
    """The News section after applying one paper on ``day``."""
    text = news + "## S\n" + TABLE
    result = ListDocument.parse(text).apply([proposal()], log_date=day, log_template=template)
    return result.text.split("## S\n")[0]


@pytest.mark.parametrize(("item", "merged"), [
    ("**2026-03-04**: Add 3 papers.", "**2026-03-04**: Add 4 papers."),
    ("**2026-3-4**: Add 3 papers.", "**2026-3-4**: Add 4 papers."),
])
def test_update_log_merges_the_same_day_written_either_way(item, merged):
    news = f"## News\n- Update Log\n  - {item}\n\n"
    assert logged(news, datetime.date(2026, 3, 4)) == f"## News\n- Update Log\n  - {merged}\n\n"


@pytest.mark.parametrize(("items", "new"), [
    (["**2026-03-04**: Add 3 papers.", "**2026-02-11**: Add 1 papers."], "**2026-03-05**: Add 1 papers."),
    (["**2026-3-4**: Add 3 papers."], "**2026-3-5**: Add 1 papers."),
    (["**2026-11-11**: Add 3 papers."], "**2026-3-5**: Add 1 papers."),  # can't tell: the template's form
    (["Started the list."], "**2026-3-5**: Add 1 papers."),
])
def test_a_new_log_item_follows_the_logs_date_form(items, new):
    news = "## News\n- Update Log\n" + "".join(f"  - {item}\n" for item in items) + "\n"
    expected = "## News\n- Update Log\n" + "".join(f"  - {item}\n" for item in [new, *items]) + "\n"
    assert logged(news, datetime.date(2026, 3, 5)) == expected


def test_update_log_with_a_template_putting_the_count_first():
    news = "## News\n- Update Log\n  - 3 papers on 2026/03/04\n\n"
    template = "{count} papers on {date}"
    assert logged(news, datetime.date(2026, 3, 4), template) == "## News\n- Update Log\n  - 4 papers on 2026/03/04\n\n"
    assert logged(news, datetime.date(2026, 3, 5), template) == (
        "## News\n- Update Log\n  - 1 papers on 2026/03/05\n  - 3 papers on 2026/03/04\n\n")
