"""Lists of other shapes (../shared/fixtures/other-lists): items and tables read as papers, counted independently,
written back in the list's own style (golden diffs), and lists that yield no paper refused before any work.

The independent count does not call the product's parser: a heading is a line starting with ``#`` or a one-line
``<hN>`` outside code fences, and a paper is a table row or list-item line whose first (non-image) link goes to
arxiv.org, openreview.net or aclanthology.org.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from devservers.paths import SHARED
from tracker.errors import ListFormatError
from tracker.listdoc import ListDocument
from tracker.records import Proposal

OTHER = SHARED / "fixtures" / "other-lists"
GOLDEN = Path(__file__).parent / "golden"
LISTS = ["Awesome-LLM", "Awesome-LLM-Reasoning", "Awesome-Multimodal-Large-Language-Models",
         "Awesome-Knowledge-Distillation"]
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is absent (public clone)")

_HEADING = re.compile(r"^ {0,3}(?:#{1,6}[ \t]|<h[1-6][ >])", re.IGNORECASE)
_PAPER_LINE = re.compile(r"^\s*(?:\||[-*+][ \t]|\d{1,9}[.)][ \t])")
_FIRST_LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\((?P<url>[^)\s]+)")
_PAPER_HOST = re.compile(r"^https?://(?:www\.)?(?:arxiv\.org|openreview\.net|aclanthology\.org)/", re.IGNORECASE)


def _fixture_files() -> list[Path]:
    if not SHARED.is_dir():
        return []
    return sorted(path for path in (SHARED / "fixtures").rglob("*") if path.is_file())


@needs_shared
@pytest.mark.parametrize("path", _fixture_files(), ids=lambda p: str(p.relative_to(SHARED / "fixtures")))
def test_every_fixture_file_round_trips_byte_for_byte(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    document = ListDocument.parse(text, path.name)
    assert document.render() == text
    lines = text.split("\n")
    for row in document.rows():
        assert lines[row.line - 1] == row.text


def independent_counts(text: str) -> dict[int, int]:
    """Paper lines with an arxiv.org/openreview.net/aclanthology.org first link, by the heading line above them."""
    counts: dict[int, int] = {}
    heading, fenced, in_table = 0, False, False
    for number, line in enumerate(text.split("\n"), start=1):
        in_table = "|" in line and (in_table or line.lstrip().startswith("|"))
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            continue
        if _HEADING.match(line):
            heading = number
            continue
        if not (in_table or _PAPER_LINE.match(line)) or re.match(r"^\s*\|[\s:|-]*$", line):
            continue
        first = _FIRST_LINK.search(line)
        if first and _PAPER_HOST.match(first.group("url")) and heading:
            counts[heading] = counts.get(heading, 0) + 1
    return counts


_ITEM_TEXT = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+(?P<text>.*)$")
_TEXT_ARXIV = re.compile(r"arxiv(?:\s*:\s*|\s+|\.org/abs/)\d{4}\.\d{4,5}", re.IGNORECASE)
_TRAILING_LINKS = re.compile(r"(?:\s*\[?\[[^\[\]]*\]\]?(?:\([^()]*\)|\[[^\[\]]*\])\]?)+\s*$")
_ENDS_WITH_YEAR = re.compile(r"\b(?:19|20)\d\d(?:,\s*\w+|\s*\(\w+\))?[\].)]*\s*$")


def plain_text_counts(text: str) -> dict[int, int]:
    """Numbered or bulleted items per heading that name a paper: a paper link first, an arXiv id written as text,
    or (under a heading where such items are most of the items) a sentence then a year at the end.

    An item's lines are its first line and the non-blank lines right below it that start no item, heading or
    link definition; items linking to ``#anchors`` (a table of contents) are never papers.
    """
    items: dict[int, list[str]] = {}
    heading, last = 0, None
    for number, line in enumerate(text.split("\n"), start=1):
        if _HEADING.match(line):
            heading, last = number, None
        elif match := _ITEM_TEXT.match(line):
            items.setdefault(heading, []).append(match.group("text"))
            last = heading
        elif line.strip() and last is not None and not line.startswith("["):
            items[last][-1] += " " + line.strip()
        else:
            last = None
    counts = {}
    for heading, texts in items.items():
        known = [t for t in texts if "](#" not in t and (_TEXT_ARXIV.search(t) or _PAPER_HOST.match(
            (_FIRST_LINK.search(t) or re.match("", "")).groupdict().get("url") or ""))]
        titled = [t for t in texts if t not in known and "](#" not in t and (
                  (". " in t and _ENDS_WITH_YEAR.search(_TRAILING_LINKS.sub("", t)))
                  or re.search(r"\S\s*\[[^\[\]]*(?:19|20)\d\d\]\s*$", _TRAILING_LINKS.sub("", t)))]
        papers = len(known) + (len(titled) if 2 * (len(known) + len(titled)) > len(texts) else 0)
        if papers and heading:
            counts[heading] = papers
    return counts


def product_counts(document: ListDocument, plain: bool = False) -> dict[int, int]:
    counts: dict[int, int] = {}
    for section in document.sections():
        n = sum(1 for row in section.rows if _PAPER_HOST.match(row.url) or (plain and row.url == ""))
        if n:
            counts[section.line] = counts.get(section.line, 0) + n
    return counts


@needs_shared
def test_plain_text_papers_of_the_knowledge_distillation_list_match_an_independent_count() -> None:
    text = (OTHER / "Awesome-Knowledge-Distillation.README.md").read_text(encoding="utf-8")
    document = ListDocument.parse(text, "kd.md")
    expected = plain_text_counts(text)
    assert sum(expected.values()) > 650
    assert product_counts(document, plain=True) == expected
    rows = {row.line: row for row in document.rows()}
    assert (rows[36].title, rows[36].arxiv_id, rows[36].venue) == (
        "Distilling the knowledge in a neural network", "1503.02531", "")
    assert (rows[37].title, rows[37].arxiv_id, rows[37].venue) == (
        "Learning from Noisy Labels with Distillation", None, "ICCV 2017")
    assert document.render() == text


@needs_shared
@pytest.mark.parametrize("name", LISTS)
def test_sections_and_papers_match_an_independent_count(name: str) -> None:
    text = (OTHER / f"{name}.README.md").read_text(encoding="utf-8")
    document = ListDocument.parse(text, name)
    expected = independent_counts(text)
    assert expected, "the independent count found no paper"
    assert product_counts(document) == expected
    assert len([s for s in document.sections() if any(_PAPER_HOST.match(r.url) for r in s.rows)]) == len(expected)
    assert document.render() == text
    assert document.structure_problems() == []


def _proposals(section: str, year: int) -> list[Proposal]:
    return [
        Proposal(title="Distilling Step-by-Step Reasoning into Small Language Models", arxiv_id=f"{year % 100}03.01234",
                 url=f"https://arxiv.org/abs/{year % 100}03.01234v2", sections=(section,), date=f"{year}-03",
                 venue="arXiv", code=("https://github.com/example-lab/step-distill",),
                 authors=("Ada Lovelace", "Alan Turing")),
        Proposal(title="When Does a Teacher Help? An Analysis of Rationale Distillation",
                 arxiv_id=f"{year % 100}02.04321", url=f"https://arxiv.org/abs/{year % 100}02.04321",
                 sections=(section,), date=f"{year}-02", venue="ACL", authors=("Grace Hopper",)),
    ]


APPLY_CASES = {
    "Awesome-LLM": ("Milestone Papers", 2025),
    "Awesome-LLM-Reasoning": ("Technique > Reasoning in Large Language Models - An Emergent Ability > 2025", 2025),
    "Awesome-Multimodal-Large-Language-Models": ("Awesome Papers > Multimodal Chain-of-Thought", 2025),
    "Awesome-Knowledge-Distillation": ("Different forms of knowledge > Self-KD", 2022),
}


def _added_lines(old: str, new: str) -> str:
    """The diff of ``old`` to ``new`` without context (unified, ``-U0``); fails on any removed line.

    ``difflib``'s alignment first (as ``unified_diff`` makes it); when that pairs a new line with a blank
    one (its junk heuristic skips lines as common as blank lines), blank lines are matched like any other.
    """
    a, b = old.split("\n"), new.split("\n")
    opcodes = difflib.SequenceMatcher(None, a, b).get_opcodes()
    if any(tag not in ("equal", "insert") for tag, *_ in opcodes):
        opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    out = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        assert tag == "insert", "an existing line changed"
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@")
        out.extend("+" + line for line in b[j1:j2])
    return "\n".join(out) + "\n"


def _range(start: int, stop: int) -> str:
    """A unified diff's line range, as ``difflib`` writes it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


@needs_shared
@pytest.mark.parametrize("name", LISTS)
def test_apply_two_proposals_adds_exactly_the_golden_lines(name: str) -> None:
    text = (OTHER / f"{name}.README.md").read_text(encoding="utf-8")
    section, year = APPLY_CASES[name]
    document = ListDocument.parse(text, name)
    result = document.apply(_proposals(section, year))
    assert len(result.inserted) == 2
    diff = _added_lines(text, result.text)
    golden = GOLDEN / f"apply_{name}.diff"
    if os.environ.get("KD_TRACKER_UPDATE_GOLDEN"):
        golden.write_text(diff, encoding="utf-8")
    assert diff == golden.read_text(encoding="utf-8"), f"KD_TRACKER_UPDATE_GOLDEN=1 rewrites {golden.name}"
    again = ListDocument.parse(result.text, name)
    assert len(again.find_section(section).rows) == len(document.find_section(section).rows) + 2
    assert again.apply(_proposals(section, year)).changed is False


@needs_shared
def test_a_list_whose_items_name_no_paper_is_refused_naming_its_headings() -> None:
    text = (OTHER / "Awesome-Knowledge-Distillation.README.md").read_text(encoding="utf-8")
    # every item a tool: a link to its repository, no paper named by link, arXiv id or title sentence
    text = re.sub(r"^(\d+\.|-) .*$", lambda m: f"{m[1]} [Tool](https://github.com/org/tool{m.start()})", text,
                  flags=re.MULTILINE)
    document = ListDocument.parse(text, "kd.md")
    assert document.sections() == []
    (problem,) = document.structure_problems()
    headings = [n for n, line in enumerate(text.split("\n"), 1) if line.startswith("### Knowledge from logits")]
    assert problem.line == headings[0]
    assert problem.message.startswith(f"no papers found: the headings at lines {headings[0]}, ")
    with pytest.raises(ListFormatError, match=rf"^kd\.md:{headings[0]}: no papers found: the headings at lines "):
        document.check_structure()


def test_items_with_paper_links_are_papers_and_sentences_are_not() -> None:
    text = "\n".join([
        "# My list", "", "## News", "",
        '- **2024-02-20**: we released "**[A Survey](https://arxiv.org/abs/2402.13116)**". Read it.', "",
        "## Papers", "",
        "* [First Paper](https://openreview.net/forum?id=abc) - a note",
        "  * **[Nested Paper.](https://aclanthology.org/2024.acl-long.1.pdf)** [[code](https://github.com/a/b)]",
        "",
        "    *A. Author, B. Author.* ACL'24",
        "3. Plain Title. Someone et al. CVPR 2020 [[paper]][ref] [[code]][c]",
        "- [A tool](https://github.com/x/y)", "",
        "[ref]: https://arxiv.org/pdf/2001.00001v3.pdf", "[c]: https://github.com/c/d", "",
    ])
    document = ListDocument.parse(text)
    assert document.render() == text
    (section,) = document.sections()
    assert section.path == "Papers"
    rows = [(r.title, r.url, r.arxiv_id, r.venue, r.code, r.kind) for r in section.rows]
    assert rows == [
        ("First Paper", "https://openreview.net/forum?id=abc", None, "", (), "item"),
        ("Nested Paper.", "https://aclanthology.org/2024.acl-long.1.pdf", None, "ACL'24", ("https://github.com/a/b",),
         "item"),
        ("Plain Title. Someone et al. CVPR 2020", "https://arxiv.org/pdf/2001.00001v3.pdf", "2001.00001", "",
         ("https://github.com/c/d",), "item"),
    ]
    assert document.contains("2001.00001") and not document.contains("2402.13116")


def test_numbered_items_continue_their_numbers_and_bullets_newest_first_go_on_top() -> None:
    numbered = "## A\n\n1. [One](https://arxiv.org/abs/2001.00001)\n2. [Two](https://arxiv.org/abs/2002.00001)\n\nEnd\n"
    proposal = Proposal(title="Three", url="https://arxiv.org/abs/2003.00001", arxiv_id="2003.00001", sections=("A",),
                        date="2020-03")
    result = ListDocument.parse(numbered).apply([proposal])
    assert result.text == numbered.replace("2.00001)\n", "2.00001)\n3. [Three](https://arxiv.org/abs/2003.00001)\n")
    bullets = "## A\n\n- **[Two](https://arxiv.org/pdf/2002.00001)**\n- **[One](https://arxiv.org/pdf/2001.00001)**\n"
    result = ListDocument.parse(bullets).apply([proposal])
    assert result.text == "## A\n\n- **[Three](https://arxiv.org/pdf/2003.00001)**\n" + bullets[6:]
