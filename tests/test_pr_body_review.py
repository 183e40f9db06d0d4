"""The PR body as a review surface: task-list items by section, folds, stable order, ticks kept, the golden body."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.body_sample import FIFTEEN, TOOLS, sample_proposal
from tests.hidden_text import HIDDEN, forbidden_in, gfm_links
from tests.publish_sample import FEEDBACK, LABELING, context
from tracker.github.metadata import parse_pr_metadata
from tracker.publish.body import render_body
from tracker.publish.body_items import PAPERS_END, PAPERS_START, confidence, first_sentences
from tracker.records import Proposal

GOLDEN = Path(__file__).parent / "golden" / "pr_body_15.md"
THRESHOLDS = {"relevance": 0.005, "second section": 0.35, "papers per PR": 15}


def _papers(proposals=FIFTEEN) -> list[tuple[Proposal, tuple[str, ...]]]:
    return [(p, p.sections) for p in proposals]


def _context(**changes):
    overflow = (dataclasses.replace(sample_proposal(15), score=0.07), dataclasses.replace(sample_proposal(16), score=0.06))
    return context(thresholds=THRESHOLDS, overflow=overflow, **changes)


def _folds_closed(body: str) -> list[str]:
    """The lines GitHub shows with every fold closed: a fold shows only its summary line."""
    shown, depth = [], 0
    for line in body.splitlines():
        stripped = line.strip()
        if depth == 0:
            shown.append(line)
        if stripped.startswith("<details>"):
            depth += 1
        elif stripped.startswith("<summary>") and depth == 1:
            shown.append(line)
        if stripped.endswith("</details>"):
            depth -= 1
    return shown


def _items(body: str) -> str:
    return body.split(PAPERS_START)[1].split(PAPERS_END)[0]


def test_golden_fifteen_paper_body() -> None:
    body = render_body(_papers(), _context(), skipped=1)
    if os.environ.get("KD_TRACKER_UPDATE_GOLDEN"):
        GOLDEN.write_text(body, encoding="utf-8")
    assert body == GOLDEN.read_text(encoding="utf-8"), "KD_TRACKER_UPDATE_GOLDEN=1 rewrites tests/golden/pr_body_15.md"


def test_fifteen_papers_fit_a_screen_with_folds_closed() -> None:
    body = render_body(_papers(), _context())
    visible = [line for line in _folds_closed(_items(body)) if line.strip()]
    assert len(visible) <= 45
    assert sum(line.startswith("- [x] ") for line in visible) == 15


def test_every_item_line_holds_its_arxiv_abs_url_and_the_parts_in_order() -> None:
    body = render_body(_papers(), _context())
    lines = [line for line in _items(body).splitlines() if line.startswith("- [")]
    assert len(lines) == 15
    for line in lines:
        arxiv_id = re.search(r"arXiv:(\S+)", line).group(1)
        assert f"](https://arxiv.org/abs/{arxiv_id}) · arXiv:{arxiv_id} · " in line  # the abs URL, never v2
    assert lines[0] == ("- [x] [Paper 00: Distilling Rationale Distillation](https://arxiv.org/abs/2403.00010) · "
                        "arXiv:2403.00010 · ACL 2024 · [code](https://github.com/lab/p0) · "
                        "[data](https://huggingface.co/datasets/lab/p0) · high")
    assert "· arXiv ·" not in body  # arXiv is no venue


def test_sections_group_the_items_by_score_and_move_items_only_for_close_alternatives() -> None:
    items = _items(render_body(_papers(), _context()))
    headings = re.findall(r"^#### (.*)$", items, flags=re.M)
    assert headings == [s.replace(">", "&gt;") for s in (LABELING, FEEDBACK, TOOLS)]
    labeling = items.split("#### ")[1]
    assert re.findall(r"arXiv:2403\.000(\d\d)", labeling) == ["10", "13", "16", "19", "22"]
    assert labeling.count("  - [ ] move to: ") == 5  # i % 3 == 0: every paper here has one close alternative
    feedback = items.split("#### ")[2]
    assert "move to" not in feedback


def test_fold_holds_the_first_sentences_three_authors_and_the_why() -> None:
    body = render_body(_papers(FIFTEEN[2:3]), _context())
    assert ("  <details><summary>abstract · authors · why</summary>\n\n"
            "  We study tool use traces for small students. Large teachers are costly at inference time. "
            "We distil tool use traces into a 1B student and match the teacher on 5 benchmarks.\n\n"
            "  Author A2, Author B2, Author C2 et al. · why: “tool use traces”, “small students”\n\n"
            "  </details>\n") in body
    assert first_sentences("One. Two. Three. Four.") == "One. Two. Three."
    assert first_sentences("A" * 300 + ". " + "B" * 200 + ". C.") == "A" * 300 + ". " + "B" * 200 + "."


def test_single_words_are_never_a_why() -> None:
    body = render_body(_papers([dataclasses.replace(FIFTEEN[0], terms=("distill", "teacher", "a + b"))]), _context())
    assert "why:" not in body


@pytest.mark.parametrize(("score", "word"), [(0.9, "high"), (0.34, "high"), (0.33, "medium"), (0.05, "medium"),
                                             (0.047, "low"), (0.005, "low"), (None, "")])
def test_confidence_word_from_the_odds_against_the_threshold(score, word) -> None:
    assert confidence(score, 0.005) == word


def test_order_is_stable_across_renders_and_new_papers_are_marked() -> None:
    first = render_body(_papers(FIFTEEN[:6]), _context())
    previous = parse_pr_metadata(first)
    assert {p.first_seen for p in previous.papers} == {"2024-03-19"}
    rescored = [dataclasses.replace(p, score=0.99 - p.score) for p in FIFTEEN[:6]]  # next week: scores changed
    newcomer = dataclasses.replace(FIFTEEN[6], score=0.99, sections=(LABELING,))
    second = render_body(_papers([newcomer, *rescored]), _context(as_of=dt.date(2024, 3, 26), previous=previous))
    ids = re.findall(r"^- \[.\] .*?arXiv:(\S+)", _items(second), flags=re.M)
    before = re.findall(r"^- \[.\] .*?arXiv:(\S+)", _items(first), flags=re.M)
    assert [i for i in ids if i != newcomer.arxiv_id][:2] == [i for i in before if i in ids][:2]  # Labeling first
    labeling = _items(second).split("#### ")[1]
    assert newcomer.arxiv_id in re.findall(r"^- .*", labeling, flags=re.M)[-1]  # after the papers waiting
    new_lines = [line for line in _items(second).splitlines() if line.endswith("**new**")]
    assert len(new_lines) == 1 and newcomer.arxiv_id in new_lines[0]
    meta = parse_pr_metadata(second)
    seen = {p.arxiv_id: p.first_seen for p in meta.papers}
    assert seen[newcomer.arxiv_id] == "2024-03-26" and {seen[p.arxiv_id] for p in FIFTEEN[:6]} == {"2024-03-19"}
    assert "**new**" not in first


def test_old_papers_keep_their_place_when_rescored() -> None:
    first = render_body(_papers(FIFTEEN[:6]), _context())
    rescored = [dataclasses.replace(p, score=0.5) for p in FIFTEEN[:6]]
    second = render_body(_papers(rescored), _context(previous=parse_pr_metadata(first)))
    order = re.findall(r"arXiv:(\S+)", _items(first))
    assert re.findall(r"arXiv:(\S+)", _items(second)) == order


def test_dropped_papers_stay_unticked_in_place_and_moves_keep_their_tick() -> None:
    first = render_body(_papers(FIFTEEN[:6]), _context())
    previous = parse_pr_metadata(first)
    dropped, moved = FIFTEEN[1], FIFTEEN[0]
    target = moved.alternatives[0].section
    kept = [(dataclasses.replace(moved, sections=(target,)), (target,))] + \
        [(p, p.sections) for p in FIFTEEN[2:6]]
    second = render_body(kept, _context(previous=previous, dropped=(dropped,), moves={moved.arxiv_id: target}))
    items = _items(second)
    assert f"- [ ] [{dropped.title}](https://arxiv.org/abs/{dropped.arxiv_id})" in items
    moved_block = items.split(f"arXiv:{moved.arxiv_id}")[1].split("\n- [")[0]
    assert f"  - [x] move to: {target.replace('>', '&gt;')}" in moved_block
    order = [i for i in re.findall(r"arXiv:(\S+)", _items(first)) if i != moved.arxiv_id]
    assert [i for i in re.findall(r"arXiv:(\S+)", items) if i != moved.arxiv_id] == order  # the dropped one too
    assert "**new**" not in items
    meta = parse_pr_metadata(second)
    assert [p.arxiv_id for p in meta.dropped] == [dropped.arxiv_id] and dropped.arxiv_id not in meta.arxiv_ids
    assert meta.moves == {moved.arxiv_id: target}
    # the section it left is offered too: the reviewer can move it back
    assert {p.arxiv_id: p.alternatives for p in meta.papers}[moved.arxiv_id] == (target, *moved.sections)


def test_metadata_round_trips_alternatives_and_first_seen() -> None:
    meta = parse_pr_metadata(render_body(_papers(FIFTEEN[:4]), _context()))
    assert {p.arxiv_id: p.alternatives for p in meta.papers} == {
        "2403.00010": (FEEDBACK,), "2403.00011": (), "2403.00012": (), "2403.00013": (FEEDBACK,)}
    assert all(p.first_seen == "2024-03-19" for p in meta.papers + meta.overflow)
    assert meta.dropped == () and meta.moves == {}


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_fold_text_is_escaped_hidden_characters_links_and_mentions(name) -> None:
    chars = HIDDEN[name]
    text = f"A{chars}B @octocat see https://evil.example/x or www.evil.example, mail kd{chars}@uni.example.edu #12 <b>"
    evil = dataclasses.replace(FIFTEEN[0], abstract=text, authors=(text, "@mallory", "Eve <e@x.io>", "D"),
                               terms=(text, "two words"), venue=text)
    body = render_body(_papers([evil]), _context())
    visible = body.split("<!-- kd-tracker-metadata")[0]
    fold = visible.split("<details><summary>abstract · authors · why</summary>")[1].split("</details>")[0]
    assert forbidden_in(body, newlines=True) == []
    assert gfm_links(fold) == []
    assert "<b>" not in visible and "et al." in fold and "“two words”" in fold

