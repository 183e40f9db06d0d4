"""Acceptance: replay the maintainers' first weekly update (2024-03-19) with ``kd-tracker list apply``.

Start from ``README.2024-03-19.before-weekly.md``, build the proposals from
``list_history.jsonl`` (each paper's sections first seen on 2024-03-19), run
``list apply`` and compare with ``README.2024-03-19.after-weekly.md``.

Where the result differs from the maintainers' file (``test_differences_from_the_maintainers``;
the raw line diff is 22 lines of ours against 21 of theirs):

- the log line: the maintainers wrote "Add 14 papers." for the 16 distinct papers they added that
  day (17 entered, Motif was already there); we count the 16 we insert;
- one blank line: the maintainers replaced a blank line under News with the new "Update Log"
  bullet; we only ever add lines, so that blank line stays;
- trailing spaces: 8 of the maintainers' 30 new rows end in "| " (one commit's habit); ours end in
  " |", the list's most common row end; the rows are otherwise byte-identical;
- order (6 rows): TinyLLM went below existing rows of its month in Labeling and Supervised
  Fine-Tuning and, in NLU, below an older row (a slip: 2024-02 under 2023-10); PromptMix went below
  an existing row of its month in Expansion; we put new rows on top of their month, as the
  maintainers did for the other 26. In Feature and NLU two new rows of the same month are in the
  opposite order to the proposals file, whose order we keep;
- link form (13 rows): we write each arXiv link in the form most of its table's rows use
  (``/abs/ID`` in Labeling, Supervised Fine-Tuning and Thinking Pattern, ``/pdf/ID.pdf`` elsewhere,
  never versioned); the maintainers wrote one link per paper whatever the table (mostly
  ``/pdf/ID.pdf``, two ``/abs/ID``, three ``/pdf/IDv1.pdf``). Links aside, every new row of theirs
  is one of ours.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import cli
from tracker.listdoc.dates import date_key
from tracker.listdoc.document import ListDocument, Row
from tracker.listdoc.linkform import LinkForm, link_form
from tracker.paper_ids import normalise_title

DAY = "2024-03-19"


@pytest.fixture
def replay(shared, tmp_path) -> dict:
    kd_list = shared / "fixtures" / "kd-list"
    proposals = tmp_path / "PROPOSALS.jsonl"
    with proposals.open("w", encoding="utf-8") as out:
        for line in (shared / "data" / "list_history.jsonl").read_text(encoding="utf-8").splitlines():
            paper = json.loads(line)
            sections = [s for s, seen in paper["section_first_seen"].items() if seen.startswith(DAY)]
            if sections:
                out.write(json.dumps({
                    "arxiv_id": paper["arxiv_id"], "title": paper["title"], "url": paper["url"],
                    "venue": paper["venue"], "date": paper["date"], "code": paper["code"], "data": paper["data"],
                    "sections": sections,
                }) + "\n")
    result = CliRunner().invoke(cli, ["list", "apply", str(kd_list / "README.2024-03-19.before-weekly.md"),
                                      str(proposals), "-o", str(tmp_path / "OUT.md"), "--log-date", DAY])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == ("inserted 30 rows (16 papers), skipped 3 already in their section; "
                             "update log: **2024-3-19**: Add 16 papers.\n")
    return {
        "before": (kd_list / "README.2024-03-19.before-weekly.md").read_bytes().decode("utf-8"),
        "after": (kd_list / "README.2024-03-19.after-weekly.md").read_bytes().decode("utf-8"),
        "ours": Path(tmp_path / "OUT.md").read_bytes().decode("utf-8"),
        "proposals": proposals.read_text(encoding="utf-8").splitlines(),
    }


def key(row: Row) -> str:
    return row.arxiv_id or normalise_title(row.title)


def papers_by_section(text: str) -> dict[str, set[str]]:
    return {s.path: {key(r) for r in s.rows} for s in ListDocument.parse(text).sections()}


def test_proposals_from_history(replay):
    assert len(replay["proposals"]) == 17
    assert sum(len(json.loads(line)["sections"]) for line in replay["proposals"]) == 33


def test_every_table_holds_the_maintainers_papers(replay):
    assert papers_by_section(replay["ours"]) == papers_by_section(replay["after"])
    assert papers_by_section(replay["ours"]) != papers_by_section(replay["before"])


def test_new_rows_sit_in_date_order(replay):
    before = {r.text for r in ListDocument.parse(replay["before"]).rows()}
    checked = 0
    for section in ListDocument.parse(replay["ours"]).sections():
        rows = section.rows
        for i, row in enumerate(rows):
            if row.text in before:
                continue
            checked += 1
            if i > 0:
                assert date_key(rows[i - 1].date) >= date_key(row.date), (section.path, row.line)
            if i + 1 < len(rows):
                assert date_key(rows[i + 1].date) <= date_key(row.date), (section.path, row.line)
    assert checked == 30


def test_every_other_line_is_byte_identical(replay):
    """Take out the new rows and the update-log lines: what is left is the old file, byte for byte."""
    ours = replay["ours"].split("\n")
    before_rows = {r.text for r in ListDocument.parse(replay["before"]).rows()}
    new_rows = {r.line - 1 for r in ListDocument.parse(replay["ours"]).rows() if r.text not in before_rows}
    log_lines = {i for i, line in enumerate(ours) if line in ("- Update Log", "  - **2024-3-19**: Add 16 papers.")}
    assert len(new_rows) == 30 and len(log_lines) == 2
    kept = [line for i, line in enumerate(ours) if i not in new_rows | log_lines]
    assert "\n".join(kept) == replay["before"]


def one_form(line: str) -> str:
    """``line`` with its arxiv.org links written as ``https://arxiv.org/abs/ID``."""
    return re.sub(r"https://arxiv\.org/[^)\s]+", lambda m: LinkForm().write(m.group(0)), line)


def section_orders(text: str) -> dict[str, list[str]]:
    return {s.path: [key(r) for r in s.rows] for s in ListDocument.parse(text).sections()}


def test_differences_from_the_maintainers(replay):
    ours, theirs = replay["ours"].split("\n"), replay["after"].split("\n")
    diff = [line for line in difflib.unified_diff(theirs, ours, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert (sum(line[0] == "+" for line in diff), sum(line[0] == "-" for line in diff)) == (22, 21)
    # content, trailing spaces and link forms aside: the log count and the blank line the maintainers removed
    stripped_ours = Counter(one_form(x.rstrip()) for x in ours)
    stripped_theirs = Counter(one_form(x.rstrip()) for x in theirs)
    assert stripped_ours - stripped_theirs == Counter({"  - **2024-3-19**: Add 16 papers.": 1, "": 1})
    assert stripped_theirs - stripped_ours == Counter({"  - **2024-3-19**: Add 14 papers.": 1})
    # trailing spaces: 8 of their 30 new rows end in "| "; every other new row of theirs is one of ours
    before = set(replay["before"].split("\n"))
    their_new = [line for line in theirs if line.startswith("| [") and line not in before]
    assert len(their_new) == 30
    assert all(one_form(line.rstrip()) in {one_form(x) for x in ours} for line in their_new)
    assert sum(line.endswith("| ") for line in their_new) == 8
    # link forms: per section, the new rows whose link we write in another form than the maintainers
    forms = {}
    for name, text in (("ours", replay["ours"]), ("theirs", replay["after"])):
        old = {r.text for r in ListDocument.parse(replay["before"]).rows()}
        forms[name] = {(r.section, key(r)): link_form(r.url) for r in ListDocument.parse(text).rows()
                       if r.text not in old and link_form(r.url)}
    assert forms["ours"].keys() == forms["theirs"].keys() and len(forms["ours"]) == 27
    changed = Counter((forms["theirs"][k], forms["ours"][k]) for k in forms["ours"] if forms["ours"][k] != forms["theirs"][k])
    pdf, abs_, pdf_v1 = LinkForm(kind="pdf.pdf"), LinkForm(kind="abs"), LinkForm(kind="pdf.pdf", versioned=True)
    assert changed == Counter({(pdf, abs_): 8, (abs_, pdf): 2, (pdf_v1, pdf): 3})
    # order: the sections where rows sit differently, and how many rows move
    our_order, their_order = section_orders(replay["ours"]), section_orders(replay["after"])
    differing = sorted(path for path in our_order if our_order[path] != their_order[path])
    assert differing == [
        "KD Algorithms > Distillation Algorithms > Supervised Fine-Tuning",
        "KD Algorithms > Knowledge Elicitation > Expansion",
        "KD Algorithms > Knowledge Elicitation > Feature",
        "KD Algorithms > Knowledge Elicitation > Labeling",
        "Skill Distillation > NLP Task Specialization > NLU",
    ]
    moved = 0
    for path in differing:
        matcher = difflib.SequenceMatcher(None, our_order[path], their_order[path], autojunk=False)
        moved += sum(i2 - i1 for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal")
    assert moved == 6
