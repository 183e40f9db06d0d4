"""``kd-tracker list show|apply|lint`` through click's CliRunner: full outputs, files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.hidden_text import HIDDEN, forbidden_in, gfm_links
from tests.listdoc_sample import FEEDBACK, LABELING, SAMPLE
from tracker.cli.dates import utc_today
from tracker.cli.main import cli

NEW_ROW = "| [**New Paper**](https://arxiv.org/abs/2401.00005) | arXiv | 2024-01 | [Github](https://github.com/n/p) |"
PROPOSAL = {"arxiv_id": "2401.00005", "title": "New Paper", "url": "https://arxiv.org/abs/2401.00005",
            "venue": "arXiv", "date": "2024-01", "code": ["https://github.com/n/p"], "data": [],
            "sections": [LABELING]}
OTHER = {**PROPOSAL, "arxiv_id": "2401.00006", "title": "Other Paper", "url": "https://arxiv.org/abs/2401.00006"}


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A directory with README.md (the sample list) and a config that logs nothing by default."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("list:\n  update_log: false\n", encoding="utf-8")
    return tmp_path


def write_proposals(path: Path, *lines) -> None:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
                    encoding="utf-8")


def with_lines(inserts: dict[int, list[str]]) -> str:
    out = []
    for number, line in enumerate(SAMPLE.split("\n"), start=1):
        out.append(line)
        out.extend(inserts.get(number, []))
    return "\n".join(out)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_show_tree(workdir):
    result = run("list", "show", "README.md")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Methods\n"
        "  Knowledge Elicitation\n"
        "    Labeling  (4 rows)\n"
        "    Feedback  (0 rows)\n"
        "4 rows in 2 sections\n"
    )


def test_show_json(workdir):
    result = run("list", "show", "README.md", "--json")
    assert result.exit_code == 0, result.output
    lines = SAMPLE.split("\n")
    assert lines[22].startswith("| [**Alpha")
    assert json.loads(result.stdout) == {"sections": [
        {"path": LABELING, "rows": [
            {"title": "Alpha Distillation", "url": "https://arxiv.org/abs/2402.00001", "arxiv_id": "2402.00001",
             "venue": "arXiv", "date": "2024-02", "code": [], "data": [], "line": 23},
            {"title": "Beta Teaching: A Study", "url": "https://arxiv.org/pdf/2401.00002v2.pdf",
             "arxiv_id": "2401.00002", "venue": "ACL", "date": "2024-01", "code": ["https://github.com/x/beta"],
             "data": ["https://huggingface.co/datasets/x/a", "https://huggingface.co/datasets/x/b"], "line": 24},
            {"title": "Gamma Labels", "url": "https://aclanthology.org/2023.acl-long.1.pdf", "arxiv_id": None,
             "venue": "ACL", "date": "2023-12", "code": [], "data": [], "line": 25},
            {"title": "Delta Without Link", "url": "", "arxiv_id": None, "venue": "-", "date": "2023-11",
             "code": ["https://github.com/x/delta"], "data": [], "line": 26},
        ]},
        {"path": FEEDBACK, "rows": []},
    ]}


def test_show_single_row_wording(tmp_path):
    (tmp_path / "ONE.md").write_text("## S\n| Title |\n|---|\n| Only |\n", encoding="utf-8")
    result = run("list", "show", str(tmp_path / "ONE.md"))
    assert result.stdout == "S  (1 row)\n1 row in 1 section\n"


def test_apply_to_stdout(workdir):
    write_proposals(workdir / "PROPOSALS.jsonl", {**PROPOSAL, "sections": [LABELING, FEEDBACK]})
    result = run("list", "apply", "README.md", "PROPOSALS.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout == with_lines({23: [NEW_ROW], 31: [NEW_ROW]})
    assert result.stderr == "inserted 2 rows (1 paper), skipped 0 already in their section\n"
    assert (workdir / "README.md").read_text(encoding="utf-8") == SAMPLE


def test_apply_to_file_with_log_date(workdir):
    write_proposals(workdir / "PROPOSALS.jsonl", "", PROPOSAL, "   ")
    result = run("list", "apply", "README.md", "PROPOSALS.jsonl", "-o", "OUT.md", "--log-date", "2024-03-19")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == ("inserted 1 row (1 paper), skipped 0 already in their section; "
                             "update log: **2024-3-19**: Add 1 papers.\n")
    expected = with_lines({11: ["- Update Log", "  - **2024-3-19**: Add 1 papers."], 23: [NEW_ROW]})
    assert (workdir / "OUT.md").read_bytes() == expected.encode("utf-8")
    again = run("list", "apply", "OUT.md", "PROPOSALS.jsonl", "-o", "OUT.md", "--log-date", "2024-03-19")
    assert again.exit_code == 0, again.output
    assert again.stderr == "inserted 0 rows (0 papers), skipped 1 already in its section\n"
    assert (workdir / "OUT.md").read_bytes() == expected.encode("utf-8")


def test_apply_logs_today_when_the_config_says_so(workdir):
    (workdir / "config.yaml").write_text('list:\n  update_log_template: "{date}: +{count}"\n', encoding="utf-8")
    write_proposals(workdir / "PROPOSALS.jsonl", PROPOSAL)
    today = utc_today()
    result = run("list", "apply", "README.md", "PROPOSALS.jsonl")
    line = f"{today.year}-{today.month}-{today.day}: +1"
    assert result.stdout == with_lines({11: ["- Update Log", f"  - {line}"], 23: [NEW_ROW]})
    no_log = run("list", "apply", "README.md", "PROPOSALS.jsonl", "--no-log", "--log-date", "2024-03-19")
    assert no_log.stdout == with_lines({23: [NEW_ROW]})


def test_empty_proposals_give_the_input_byte_for_byte(workdir):
    raw = ("\ufeff" + SAMPLE.replace("\n", "\r\n") + "trailing  \t").encode("utf-8")
    (workdir / "CRLF.md").write_bytes(raw)
    (workdir / "EMPTY.jsonl").write_bytes(b"")
    result = run("list", "apply", "CRLF.md", "EMPTY.jsonl", "--log-date", "2024-03-19")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == raw
    assert run("list", "apply", "CRLF.md", "EMPTY.jsonl", "-o", "OUT.md").exit_code == 0
    assert (workdir / "OUT.md").read_bytes() == raw


@pytest.mark.parametrize(("lines", "error"), [
    ([PROPOSAL, OTHER, "{not json"],
     "Error: PROPOSALS.jsonl:3: invalid JSON (Expecting property name enclosed in double quotes at column 2); "
     "write one JSON object per line\n"),
    ([PROPOSAL, {**OTHER, "sections": ["Methods > Labelling"]}],
     "Error: PROPOSALS.jsonl:2: unknown section 'Methods > Labelling'; "
     "did you mean 'Methods > Knowledge Elicitation > Labeling'?\n"),
    ([{**PROPOSAL, "url": "javascript:alert(1)"}],
     "Error: PROPOSALS.jsonl:1: 'url' must be an http(s) link, got 'javascript:alert(1)'\n"),
    ([{**PROPOSAL, "code": ["javascript:alert(1)"]}],
     "Error: PROPOSALS.jsonl:1: refusing link 'javascript:alert(1)': only http(s) URLs with a host go into the list; "
     "fix the link\n"),
    ([{k: v for k, v in PROPOSAL.items() if k != "sections"}],
     "Error: PROPOSALS.jsonl:1: missing 'sections'; a proposal needs title, url, sections\n"),
    (["[1, 2]"], "Error: PROPOSALS.jsonl:1: expected a JSON object, got list\n"),
    ([{**PROPOSAL, "date": "soon"}],
     "Error: PROPOSALS.jsonl:1: 'date' must be YYYY-MM (the month the paper appeared), got 'soon'\n"),
])
def test_apply_errors_write_nothing(workdir, lines, error):
    write_proposals(workdir / "PROPOSALS.jsonl", *lines)
    result = run("list", "apply", "README.md", "PROPOSALS.jsonl", "-o", "OUT.md")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == error
    assert not (workdir / "OUT.md").exists()


def test_apply_refuses_a_readme_that_is_not_utf8(workdir):
    (workdir / "LATIN1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    write_proposals(workdir / "PROPOSALS.jsonl", PROPOSAL)
    for command in (["list", "apply", "LATIN1.md", "PROPOSALS.jsonl"], ["list", "show", "LATIN1.md"],
                    ["list", "lint", "LATIN1.md"]):
        result = run(*command)
        assert (result.exit_code, result.stderr) == (1, "Error: LATIN1.md:1: byte 0xe9 is not UTF-8; save the list as UTF-8\n")


def test_lint_reports_each_problem_and_exits_1(workdir):
    broken = SAMPLE.replace("| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) | arXiv | 2024-02 |",
                            "| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001 | arXiv | 2024-02 |")
    broken = broken.replace("| ACL | 2023-12 ", "")
    (workdir / "BROKEN.md").write_text(broken, encoding="utf-8")
    result = run("list", "lint", "BROKEN.md")
    assert result.exit_code == 1
    assert result.stdout == (
        "BROKEN.md:23: broken link near '[**Alpha Distillation**](https://arxiv.o'\n"
        "BROKEN.md:25: row has 1 cells; a paper row needs at least 3 (Title | Venue | Date)\n"
    )


def test_lint_clean_file(workdir):
    result = run("list", "lint", "README.md")
    assert (result.exit_code, result.stdout) == (0, "README.md: ok (4 rows in 2 sections)\n")


def test_list_group_help_names_its_commands():
    result = run("list", "--help")
    assert result.exit_code == 0
    commands = result.stdout.split("Commands:")[1].split()
    assert [word for word in commands if word in ("show", "apply", "lint")] == ["apply", "lint", "show"]


def test_missing_file_is_a_usage_error(workdir):
    result = run("list", "show", "NOPE.md")
    assert result.exit_code == 1
    assert result.stderr == "Error: Invalid value for 'README': File 'NOPE.md' does not exist. (see `kd-tracker list show --help`)\n"


def test_usage_errors_are_one_line_and_exit_1_and_a_bare_group_prints_its_help(workdir):
    for args, where in ((["--bogus"], "kd-tracker"), (["nosuch"], "kd-tracker"), (["run", "--since", "x"], "kd-tracker run"),
                        (["run", "--since"], "kd-tracker run"), (["score", "--papers"], "kd-tracker score")):
        result = run(*args)
        assert result.exit_code == 1, args  # exit 2 is the weekly run's "done with warnings"
        assert result.stderr.startswith("Error: ") and result.stderr.endswith(f" (see `{where} --help`)\n")
        assert len(result.stderr.splitlines()) == 1
    bare = run("list")
    assert "Usage: kd-tracker list [OPTIONS] COMMAND [ARGS]..." in bare.output and "Error" not in bare.output


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_apply_writes_no_hidden_character_and_no_link(workdir, name):
    chars = HIDDEN[name]
    title = f"Hidden{chars} Chars: \u202eevil{chars}"
    venue = f"Dept{chars} (kd{chars}@uni.example.edu, www.uni.example.edu)"
    write_proposals(workdir / "PROPOSALS.jsonl",
                    {**PROPOSAL, "title": title, "venue": venue, "url": f"https://example.org/p{chars}q"})
    result = run("list", "apply", "README.md", "PROPOSALS.jsonl", "-o", "OUT.md")
    assert result.exit_code == 0, result.output
    out = (workdir / "OUT.md").read_text(encoding="utf-8")
    assert forbidden_in(out, newlines=True) == []
    (added,) = [line for line in out.split("\n") if line not in SAMPLE.split("\n")]
    gap = " " if any(ch.isspace() for ch in chars) else ""
    title_cell, venue_cell = added.split(" | ")[:2]
    assert title_cell.startswith("| [**Hidden Chars: evil**](https://example.org/p%")
    assert venue_cell == f"Dept \\(kd{gap}`@`uni.example.edu, www\\.uni.example.edu\\)"
    assert gfm_links(venue_cell) == []


UNCLOSED = (SAMPLE.split("## Citation")[0].replace("#### Labeling\n", "#### Labeling\n```text\n")
            + "## Citation\n```\n@article{kd}\n```\n")
"""The sample list with a code fence opened above its first paper table and never closed: the Citation's opening
fence closes it, and the Citation's closing fence opens a block that runs to the end."""


def test_lint_names_the_fence_that_hides_every_table(workdir):
    (workdir / "FENCED.md").write_text(UNCLOSED, encoding="utf-8")
    result = run("list", "lint", "FENCED.md")
    assert result.exit_code == 1
    assert result.stdout == ("FENCED.md:21: code fence ``` opened here runs to line 45 and hides 2 paper tables (4 rows); "
                             "no other paper table is in the file: close it with a ``` line where it should end\n")


def test_lint_and_apply_refuse_a_list_whose_tables_an_unclosed_fence_hides(workdir):
    text = SAMPLE.split("## Citation")[0].replace("#### Feedback\n", "#### Feedback\n~~~~\n")
    (workdir / "OPEN.md").write_text(text, encoding="utf-8")
    lint = run("list", "lint", "OPEN.md")
    message = ("OPEN.md:29: code fence ~~~~ opened here is never closed, so it hides the rest of the file with "
               "1 paper table (0 rows); close it with a ~~~~ line")
    assert (lint.exit_code, lint.stdout) == (1, message + "\n")
    write_proposals(workdir / "PROPOSALS.jsonl", PROPOSAL)
    apply = run("list", "apply", "OPEN.md", "PROPOSALS.jsonl", "-o", "OUT.md")
    assert (apply.exit_code, apply.stdout, apply.stderr) == (1, "", f"Error: {message}\n")
    assert not (workdir / "OUT.md").exists()


@pytest.mark.parametrize(("text", "lint_line"), [
    ("", "EMPTY.md: no paper table found: a section is a heading with a table under it whose header has a Title "
         "column (| Title | Venue | Date |)"),
    ("# List\n\nSome prose.\n\n| Role | Description |\n|---|---|\n| a | b |\n",
     "EMPTY.md: no paper table found: a section is a heading with a table under it whose header has a Title "
     "column (| Title | Venue | Date |)"),
    ("| Title | Venue | Date |\n|---|---|---|\n| [**P**](https://x.org/p) | arXiv | 2024-01 |\n",
     "EMPTY.md:1: paper table under no heading, so the list has no section: put a section heading (## Name) above it"),
])
def test_lint_and_apply_refuse_a_list_without_sections(workdir, text, lint_line):
    (workdir / "EMPTY.md").write_text(text, encoding="utf-8")
    lint = run("list", "lint", "EMPTY.md")
    assert (lint.exit_code, lint.stdout) == (1, lint_line + "\n")
    write_proposals(workdir / "PROPOSALS.jsonl", PROPOSAL)
    apply = run("list", "apply", "EMPTY.md", "PROPOSALS.jsonl")
    assert (apply.exit_code, apply.stdout, apply.stderr) == (1, "", f"Error: {lint_line}\n")
    (workdir / "NONE.jsonl").write_text("", encoding="utf-8")
    nothing = run("list", "apply", "EMPTY.md", "NONE.jsonl")  # nothing to insert: the file comes back as it is
    assert (nothing.exit_code, nothing.stdout) == (0, text)


def test_lint_of_a_list_split_into_files_names_each_file(workdir):
    vision = "# Vision\n\n## Detection\n| Title | Venue | Date |\n|:--|:--|:--|\n" \
             "| [**Omega Boxes**](https://arxiv.org/abs/2402.00020) | arXiv | 2024-13 |\n"
    (workdir / "docs").mkdir()
    (workdir / "docs" / "vision.md").write_text(vision, encoding="utf-8")
    (workdir / "INTRO.md").write_text("# Intro\n\nSee the topic files.\n", encoding="utf-8")
    bad = run("list", "lint", "INTRO.md", "README.md", "docs/vision.md")
    assert bad.exit_code == 1
    assert bad.stdout == ("docs/vision.md:6: date '2024-13' is not a date such as 2024-03, 2024.03, 2024-03-15, "
                          "Mar 2024 or 2024\n")
    (workdir / "docs" / "vision.md").write_text(vision.replace("2024-13", "2024-02"), encoding="utf-8")
    good = run("list", "lint", "INTRO.md", "README.md", "docs/vision.md")
    assert (good.exit_code, good.stdout) == (0, "INTRO.md, README.md, docs/vision.md: ok (5 rows in 3 sections)\n")
    alone = run("list", "lint", "INTRO.md")
    assert alone.exit_code == 1
    assert alone.stdout.startswith("INTRO.md: no paper table found")


def test_apply_into_a_list_split_into_files_writes_each_changed_file(workdir):
    vision = "# Vision\n\n## Detection\n| Title | Venue | Date |\n|:--|:--|:--|\n" \
             "| [**Omega Boxes**](https://arxiv.org/abs/2402.00020) | arXiv | 2024-02 |\n"
    (workdir / "docs").mkdir()
    (workdir / "docs" / "vision.md").write_text(vision, encoding="utf-8")
    write_proposals(workdir / "P.jsonl", {**OTHER, "sections": ["docs/vision.md › Detection"]})
    result = run("list", "apply", "README.md", "docs/vision.md", "P.jsonl", "--output-dir", "new")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("inserted 1 row (1 paper), skipped 0 already in their section; "
                             "wrote docs/vision.md to new\n")
    assert sorted(p.relative_to(workdir / "new").as_posix() for p in (workdir / "new").rglob("*.md")) == [
        "docs/vision.md"]
    assert (workdir / "new" / "docs" / "vision.md").read_text(encoding="utf-8") == (
        vision + "| [**Other Paper**](https://arxiv.org/abs/2401.00006) | arXiv | 2024-01 |\n")  # older: below
    write_proposals(workdir / "BAD.jsonl", {**OTHER, "sections": ["docs/vision.md › Detectoin"]})
    bad = run("list", "apply", "README.md", "docs/vision.md", "BAD.jsonl", "--output-dir", "bad")
    assert (bad.exit_code, bad.stderr) == (1, "Error: BAD.jsonl:1: unknown section 'docs/vision.md › Detectoin'; "
                                              "did you mean 'docs/vision.md › Detection'?\n")
    assert not (workdir / "bad").exists()
    usage = run("list", "apply", "README.md", "docs/vision.md", "P.jsonl")
    assert (usage.exit_code, usage.stderr) == (1, "Error: several list files: give --output-dir DIR (each changed "
                                                  "file is written there) (see `kd-tracker list apply --help`)\n")
