"""PR title and body: what a reviewer reads, escaped; the hidden metadata and reading it back."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.body_sample import sample_proposal
from tests.hidden_text import HIDDEN, forbidden_in, hostile_text
from tests.publish_sample import EPSILON, FEEDBACK, LABELING, ZETA, context
from tracker.github.metadata import PaperMetadata, parse_pr_metadata
from tracker.publish.body import MAX_BODY, render_blocked_comment, render_body, render_title
from tracker.publish.publisher import PublishContext
from tracker.records import Proposal, SectionScore

EXPECTED = """\
**kd-tracker proposes 2 papers** from arXiv 2024-03-11..2024-03-18 · model lr-2024-03-18 · as of 2024-03-19 · 1 already in the list, skipped.

Untick a paper to drop it, tick a *move to* to move it: kd-tracker rebuilds the branch and learns from each tick. Merge to accept.

<!-- kd-tracker:papers -->
#### KD Algorithms &gt; Knowledge Elicitation &gt; Labeling

- [x] [Epsilon: Distilling Rationales](https://arxiv.org/abs/2403.00005) · arXiv:2403.00005 · [code](https://github.com/x/epsilon) · medium
- [x] [Zeta Teachers](https://arxiv.org/abs/2403.00006) · arXiv:2403.00006 · low

<!-- kd-tracker:papers-end -->

<details>
<summary>Near misses: 1 best paper under the threshold</summary>

- [Eta, almost](https://arxiv.org/abs/2403.00009) · 0.44 · KD Algorithms &gt; Knowledge Elicitation &gt; Feedback

</details>

**Coverage** of 2024-03-11..2024-03-18: 7 of 8 days read; gaps: 2024-03-16.

**Thresholds:** relevance 0.5.

Edit this branch yourself and kd-tracker leaves it alone and only comments, until the label `kd-tracker:take-over` lets it rebuild the branch. What you merge is what kd-tracker learns from.

<!-- kd-tracker-metadata
"""


def test_body_reads_in_a_minute() -> None:
    body = render_body([(EPSILON, (LABELING, FEEDBACK)), (ZETA, (LABELING,))], context(), skipped=1)
    assert body.startswith(EXPECTED)
    assert body.endswith("\n-->\n")
    assert body.count("<!-- kd-tracker-metadata") == 1


def test_metadata_round_trip() -> None:
    body = render_body([(EPSILON, (LABELING, FEEDBACK)), (ZETA, (LABELING,))], context())
    meta = parse_pr_metadata(body)
    assert meta.arxiv_ids == ("2403.00005", "2403.00006")
    assert meta.sections == {"2403.00005": (LABELING, FEEDBACK), "2403.00006": (LABELING,)}
    assert meta.scores == {"2403.00005": 0.91, "2403.00006": 0.77}
    assert (meta.model_version, meta.as_of, meta.since, meta.until) == ("lr-2024-03-18", "2024-03-19",
                                                                        "2024-03-11", "2024-03-18")
    assert meta.thresholds == {"relevance": 0.5}
    assert meta.near_misses == (PaperMetadata("2403.00009", "Eta, almost", "https://arxiv.org/abs/2403.00009",
                                              (FEEDBACK,), 0.44),)


def test_metadata_takes_the_arxiv_id_from_the_link_when_missing() -> None:
    bare = Proposal(title="Bare", url="https://arxiv.org/pdf/2403.01234v3.pdf", sections=(LABELING,), date="2024-03")
    assert parse_pr_metadata(render_body([(bare, (LABELING,))], context())).arxiv_ids == ("2403.01234",)


def test_minimal_context_says_what_is_not_reported() -> None:
    body = render_body([(ZETA, (LABELING,))], PublishContext(as_of=dt.date(2024, 3, 19)))
    assert body.startswith("**kd-tracker proposes 1 paper** from arXiv until 2024-03-19 · model unknown · "
                           "as of 2024-03-19.\n")
    assert "**Coverage** of until 2024-03-19: not reported; gaps: none." in body
    assert "**Thresholds:** not reported." in body
    assert "<details>" not in body


def test_hostile_text_cannot_close_the_metadata_comment_or_add_markup() -> None:
    title = "A --> <script>alert(1)</script> ](javascript:x) | b"
    evil = Proposal(title=title, url="javascript:alert(1)", sections=(LABELING + " --><img>",), arxiv_id="2403.1",
                    date="2024-03", score=0.5, terms=("`x`", "<b>"), code=("https://ok.example/a b(c)",))
    body = render_body([(evil, evil.sections)], context(model_version="v<1>", near_misses=()))
    visible, _, hidden = body.partition("<!-- kd-tracker-metadata")
    assert "<script>" not in body and "<img>" not in body and "<b>" not in body
    assert "](javascript:" not in visible
    assert "- [x] [A --&gt; &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\]\\(javascript:x\\) \\| b](https://arxiv.org/abs/2403.1)" \
        in visible
    assert "[code](https://ok.example/a%20b%28c%29)" in visible
    assert hidden.count("-->") == 1 and hidden.rstrip().endswith("-->")
    assert parse_pr_metadata(body).papers[0].title == title


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80), st.text(max_size=30))
def test_any_title_and_model_version_round_trip_through_the_metadata(title: str, version: str) -> None:
    proposal = Proposal(title=title, url="https://arxiv.org/abs/2403.00001", sections=(LABELING,),
                        arxiv_id="2403.00001", date="2024-03", score=0.5)
    body = render_body([(proposal, (LABELING,))], context(model_version=version))
    meta = parse_pr_metadata(body)
    assert meta.papers[0].title == title and meta.model_version == version
    assert body.count("<!-- kd-tracker-metadata") == 1 and body.rstrip().endswith("-->")


def test_parse_returns_none_without_or_with_broken_metadata(caplog) -> None:
    assert parse_pr_metadata("A PR a human wrote.") is None
    assert parse_pr_metadata(None) is None
    assert parse_pr_metadata("x\n<!-- kd-tracker-metadata\n{not json\n-->\n") is None
    assert "cannot be read" in caplog.text


def test_near_misses_are_cut_before_the_body_gets_too_long() -> None:
    many = [Proposal(title="N" * 300 + str(i), url=f"https://arxiv.org/abs/2403.{i:05d}", sections=(FEEDBACK,),
                     arxiv_id=f"2403.{i:05d}", date="2024-03", score=0.4) for i in range(400)]
    body = render_body([(ZETA, (LABELING,))], context(near_misses=many))
    assert len(body) <= MAX_BODY
    shown = int(re.search(r"Near misses: (\d+) best papers", body).group(1))
    assert 0 < shown < 400
    assert len(parse_pr_metadata(body).near_misses) == shown


def test_with_long_notes_folds_are_cut_but_every_item_line_and_its_link_stays() -> None:
    papers = [(replace(sample_proposal(i % 15), title="P" * 250 + str(i), arxiv_id=f"2403.{i:05d}",
                       url=f"https://arxiv.org/abs/2403.{i:05d}"), (LABELING,)) for i in range(40)]
    full = render_body(papers, context(near_misses=()))
    limit = len(full) - 2000  # what is left after a maintainer's long notes
    body = render_body(papers, context(near_misses=()), limit=limit)
    assert len(body) <= limit
    assert 0 < body.count("<details><summary>") < 40
    for i in range(40):
        assert re.search(rf"^- \[x\] \[P+{i}\]\(https://arxiv.org/abs/2403.{i:05d}\) · ", body, flags=re.M)
    assert len(parse_pr_metadata(body).arxiv_ids) == 40


def test_a_body_still_too_long_cuts_titles_never_links() -> None:
    papers = [(Proposal(title="T" * 2000, url=f"https://arxiv.org/abs/2403.{i:05d}", sections=(LABELING,),
                        arxiv_id=f"2403.{i:05d}", date="2024-03", score=0.9), (LABELING,)) for i in range(40)]
    body = render_body(papers, context(near_misses=()), limit=40_000)
    assert body.count("](https://arxiv.org/abs/2403.") == 40 and "T" * 81 not in body.split("<!-- kd-tracker-m")[0]
    assert [p.title for p in parse_pr_metadata(body).papers] == ["T" * 2000] * 40


def test_title_from_template() -> None:
    assert render_title("Weekly update: {count} new papers ({window})", 3, "2024-03-11..2024-03-18") == \
        "Weekly update: 3 new papers (2024-03-11..2024-03-18)"
    assert render_title("{count}\npapers", 1, "w") == "1 papers"


def test_blocked_comment_escapes_commit_lines() -> None:
    text = render_blocked_comment([(ZETA, (LABELING,))], branch="kd-tracker/weekly",
                                  foreign=["abc1234 by Mallory <m@x>: [pwn](javascript:x)"], base_branch="main",
                                  base_sha="f" * 40, takeover_label="kd-tracker:take-over")
    assert "- abc1234 by Mallory &lt;m@x&gt;: \\[pwn\\]\\(javascript:x\\)" in text
    assert "one commit on `main` at fffffff, adding 1 paper:" in text
    assert "| [Zeta Teachers](https://arxiv.org/abs/2403.00006) | KD Algorithms &gt; Knowledge Elicitation &gt; " \
           "Labeling |" in text


def test_metadata_json_is_plain_json() -> None:
    body = render_body([(ZETA, (LABELING,))], context())
    raw = body.split("<!-- kd-tracker-metadata\n")[1].split("\n-->")[0]
    assert json.loads(raw)["papers"][0]["sections"] == [LABELING]


def test_scores_near_the_threshold_keep_their_digits() -> None:
    from tracker.records import format_score

    assert [format_score(x) for x in (0.93, 0.1, 0.12, 0.012, 0.005, 0.0049, 0.00012)] == [
        "0.93", "0.10", "0.12", "0.012", "0.005", "0.0049", "0.00012"]


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_body_and_comment_hold_no_hidden_character_and_add_no_link(name) -> None:
    chars = HIDDEN[name]
    text = f"A{chars}B \u202eC{chars} kd{chars}@uni.example.edu"
    evil = Proposal(title=text, url=f"https://arxiv.org/abs/2403.00001{chars}", sections=(text,), arxiv_id="2403.00001",
                    venue=text, date="2024-03", score=0.5, alternatives=(SectionScore(text, 0.2),), terms=(text,),
                    code=(f"https://github.com/x/{chars}y",))
    body = render_body([(evil, evil.sections)], context(near_misses=(evil,), gaps=(text,), model_version=text,
                                                         thresholds={text: 0.5}, overflow=(evil,)))
    comment = render_blocked_comment([(evil, evil.sections)], branch="kd-tracker/weekly", foreign=(text,),
                                     base_branch="main", base_sha="abc1234", takeover_label="take-over")
    for out in (body, comment):
        assert forbidden_in(out, newlines=True) == []
    gap = " " if any(ch.isspace() for ch in chars) else ""
    shown = f"AB C kd{gap}`@`uni.example.edu" if not gap else "A B C kd `@`uni.example.edu"
    assert f"- [x] [{shown}](https://arxiv.org/abs/2403.00001) · arXiv:2403.00001 · {shown} · " in body  # + venue
    assert f"#### {shown}\n" in body and f"- [ ] add [{shown}](https://arxiv.org/abs/2403.00001) · 0.50" in body
    assert f"  - [ ] move to: {shown}\n" not in body  # the alternative is the section it is in: not offered
    assert parse_pr_metadata(body).papers[0].title == text  # the metadata keeps the text as it came, JSON-escaped


@settings(max_examples=80, deadline=None)
@given(hostile_text, hostile_text)
def test_no_body_holds_a_hidden_character(title: str, other: str) -> None:
    proposal = Proposal(title=title or "t", url="https://arxiv.org/abs/2403.00001", sections=(other,),
                        arxiv_id="2403.00001", venue=other, date="2024-03", score=0.5, terms=(title, other),
                        alternatives=(SectionScore(other, 0.1),))
    proposal = replace(proposal, abstract=f"{title}. {other}", authors=(title, other, title, other))
    body = render_body([(proposal, (other, title))], context(near_misses=(proposal,), gaps=(other,),
                                                            model_version=title, overflow=(proposal,),
                                                            moves={"2403.00001": other}))
    comment = render_blocked_comment([(proposal, (title,))], branch="b", foreign=(other,), base_branch="main",
                                     base_sha="abc1234", takeover_label="take-over")
    assert forbidden_in(body + comment, newlines=True) == []


def test_papers_past_the_cap_are_listed_as_add_items_in_a_fold_and_kept_in_the_metadata() -> None:
    body = render_body([(EPSILON, (LABELING,))], context(overflow=(ZETA,), thresholds={"papers per PR": 1}))
    assert ("<!-- kd-tracker:overflow -->\n<details><summary>1 more above the threshold (past the cap of 1 papers "
            "per PR)</summary>\n\nTick one to add it to this pull request at the next review or run.\n\n"
            "- [ ] add [Zeta Teachers](https://arxiv.org/abs/2403.00006) · 0.77\n\n</details>\n"
            "<!-- kd-tracker:overflow-end -->\n") in body
    meta = parse_pr_metadata(body)
    assert meta.arxiv_ids == ("2403.00005",)
    assert meta.overflow == (PaperMetadata("2403.00006", "Zeta Teachers", "https://arxiv.org/abs/2403.00006",
                                           (LABELING,), 0.77, first_seen="2024-03-19"),)
    assert [p.arxiv_id for p in meta.waiting] == ["2403.00005", "2403.00006"]
