from __future__ import annotations

from tracker.config import ModelConfig
from tracker.listdoc.document import ListDocument
from tracker.records import Paper, ScoredPaper, SectionScore, iso_week
from tracker.weekly.selection import proposed_by_week, select, threshold_and_cap

README = """# List

## KD Algorithms
### Knowledge Elicitation
#### Labeling
| Title | Venue | Date | Code | Data |
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**Old Paper On Labels**](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 | | |

#### Feedback
| Title | Venue | Date | Code | Data |
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**A Feedback Paper**](https://arxiv.org/pdf/2401.00002v2.pdf) | arXiv | 2024-01 | | |

## Skill Distillation
### Agent
#### Tool Using
| Title | Venue | Date | Code | Data |
|:--------|:--------:|:--------:|:--------:|:--------:|
| [**Tools**](https://arxiv.org/abs/2401.00003) | arXiv | 2024-01 | | |
"""

LABELING = "KD Algorithms > Knowledge Elicitation > Labeling"
FEEDBACK = "KD Algorithms > Knowledge Elicitation > Feedback"
TOOLS = "Skill Distillation > Agent > Tool Using"


def scored(arxiv_id, score, sections=((LABELING, 0.8), (FEEDBACK, 0.1)), title=None, **paper):
    paper.setdefault("published", "2024-03-12")
    p = Paper(arxiv_id=arxiv_id, title=title or f"Paper {arxiv_id}", **paper)
    return ScoredPaper(p, score, tuple(SectionScore(s, v) for s, v in sections), ("distill", "teacher"))


DOC = ListDocument.parse(README)


def test_threshold_limit_and_order():
    model = ModelConfig(threshold=0.5, proposals_per_pr=2, near_misses=2)
    items = [scored("2403.1", 0.6), scored("2403.2", 0.9), scored("2403.3", 0.7), scored("2403.4", 0.4),
             scored("2403.5", 0.3), scored("2403.6", 0.2)]
    sel = select(items, DOC, model)
    assert [p.arxiv_id for p in sel.proposals] == ["2403.2", "2403.3"]
    assert sel.over_limit == 1
    assert [p.arxiv_id for p in sel.near_misses] == ["2403.4", "2403.5"]


def test_papers_in_list_by_id_or_title_and_rejected_are_skipped():
    model = ModelConfig(threshold=0.5)
    items = [scored("2401.00002", 0.9), scored("2403.9", 0.9, title="Old paper on labels!"),
             scored("2403.7", 0.95), scored("2403.8", 0.8)]
    sel = select(items, DOC, model, rejected={"2403.7"})
    assert [p.arxiv_id for p in sel.proposals] == ["2403.8"]
    assert (sel.in_list, sel.rejected) == (2, 1)


def test_proposal_fields_sections_and_alternatives():
    model = ModelConfig(threshold=0.5, max_sections=2, section_min_score=0.35, alternatives=3)
    item = scored("2403.1", 0.91234, sections=((FEEDBACK, 0.5), (LABELING, 0.4), (TOOLS, 0.05)),
                  venue="ACL", code=("https://github.com/a/b",))
    (proposal,) = select([item], DOC, model).proposals
    assert proposal.sections == (FEEDBACK, LABELING)
    assert proposal.alternatives == ()  # TOOLS at 0.05 is no close call next to 0.5
    assert proposal.url == "https://arxiv.org/abs/2403.1"
    assert (proposal.venue, proposal.date, proposal.score) == ("ACL", "2024-03", 0.9123)
    assert proposal.code == ("https://github.com/a/b",)
    assert proposal.terms == ()  # single words are no "why"


def test_alternatives_only_within_the_margin_of_the_best_and_at_most_the_setting():
    model = ModelConfig(threshold=0.5, max_sections=1, alternatives=1)
    close = scored("2403.1", 0.9, sections=((LABELING, 0.6), (FEEDBACK, 0.31), (TOOLS, 0.3)))
    clear = scored("2403.2", 0.9, sections=((LABELING, 0.6), (FEEDBACK, 0.29)))
    first, second = select([close, clear], DOC, model).proposals
    assert [(a.section, a.score) for a in first.alternatives] == [(FEEDBACK, 0.31)]  # TOOLS: past the setting
    assert second.alternatives == ()  # 0.29 < half of 0.6


def test_proposal_carries_abstract_authors_phrases_and_only_a_real_venue():
    paper = Paper(arxiv_id="2403.1", title="T", abstract="One. A knowledge distillation loss. Two.", authors=("A", "B"),
                  published="2024-03-12")
    item = ScoredPaper(paper, 0.9, (SectionScore(LABELING, 0.8),), ("distill",),
                       ("knowledge distillation", "distillation loss"))
    (proposal,) = select([item], DOC, ModelConfig(threshold=0.5)).proposals
    assert (proposal.abstract, proposal.authors) == ("One. A knowledge distillation loss. Two.", ("A", "B"))
    assert proposal.terms == ("knowledge distillation loss",)  # the n-grams as the text writes them, joined
    assert proposal.venue == ""  # no venue hint: the README row still says arXiv, the PR body says nothing
    with_bigrams = ScoredPaper(paper, 0.9, (SectionScore(LABELING, 0.8),), ("distill", "teacher model", "a + b"))
    assert select([with_bigrams], DOC, ModelConfig(threshold=0.5)).proposals[0].terms == ("teacher model",)


def test_second_section_needs_min_score():
    model = ModelConfig(threshold=0.5, max_sections=2, section_min_score=0.35)
    (proposal,) = select([scored("2403.1", 0.9, sections=((LABELING, 0.6), (FEEDBACK, 0.3)))], DOC, model).proposals
    assert proposal.sections == (LABELING,)
    assert proposal.alternatives[0].section == FEEDBACK


def test_rolled_up_parent_maps_to_its_table_and_unknown_sections_are_dropped():
    model = ModelConfig(threshold=0.5, max_sections=1)
    item = scored("2403.1", 0.9, sections=(("Nowhere > Else", 0.7), ("Skill Distillation > Agent", 0.6),
                                            (LABELING, 0.4)))
    (proposal,) = select([item], DOC, model).proposals
    assert proposal.sections == (TOOLS,)
    assert [a.section for a in proposal.alternatives] == [LABELING]


def test_selected_proposals_apply_to_the_document():
    model = ModelConfig(threshold=0.5)
    sel = select([scored("2403.12345", 0.9, title="New | Paper")], DOC, model)
    result = DOC.apply(sel.proposals)
    assert result.changed
    assert "2403.12345" in result.text


def test_links_that_are_not_http_never_reach_the_list():
    """A stored javascript:/data: code or data link is dropped, not a reason to fail the whole weekly run."""
    model = ModelConfig(threshold=0.5)
    item = scored("2403.12346", 0.9, code=("javascript:alert(1)", "https://github.com/good/one"),
                  data=("data:text/html,<script>", "ftp://x.org/d", "https://huggingface.co/datasets/a/b"))
    proposal = select([item], DOC, model).proposals[0]
    assert proposal.code == ("https://github.com/good/one",)
    assert proposal.data == ("https://huggingface.co/datasets/a/b",)
    row = next(line for line in DOC.apply([proposal]).text.splitlines() if "2403.12346" in line)
    assert row == ("| [**Paper 2403.12346**](https://arxiv.org/abs/2403.12346) | arXiv | 2024-03 |"
                   " [Github](https://github.com/good/one) | [Data](https://huggingface.co/datasets/a/b) |")


def test_papers_waiting_in_the_open_pr_stay_proposed_and_the_cap_names_the_overflow():
    model = ModelConfig(threshold=0.5, proposals_per_pr=2, near_misses=2)
    items = [scored("2403.1", 0.9), scored("2403.2", 0.2), scored("2403.3", 0.7), scored("2403.4", 0.1),
             scored("2401.00001", 0.05), scored("2403.5", 0.3)]
    sel = select(items, DOC, model, rejected={"2403.5"}, carried={"2403.2", "2403.4", "2401.00001", "2403.5"})
    # carried papers count as above the threshold, unless now in the list (2401.00001) or rejected (2403.5)
    assert [p.arxiv_id for p in sel.proposals] == ["2403.1", "2403.3"]
    assert [p.arxiv_id for p in sel.overflow] == ["2403.2", "2403.4"]
    assert sel.over_limit == 2 and sel.near_misses == ()
    assert (sel.in_list, sel.rejected) == (1, 1)


def test_threshold_and_cap_is_the_rule_select_applies():
    model = ModelConfig(threshold=0.5, proposals_per_pr=2)
    items = [scored("2403.1", 0.6), scored("2403.2", 0.9), scored("2403.3", 0.7), scored("2403.4", 0.4),
             scored("2403.5", 0.45)]
    cut = threshold_and_cap(items, model, carried={"2403.4"}, added={"2403.1"})
    assert [s.paper.arxiv_id for s in cut.chosen] == ["2403.2", "2403.3", "2403.1"]
    assert [s.paper.arxiv_id for s in cut.overflow] == ["2403.4"]
    assert [s.paper.arxiv_id for s in cut.below] == ["2403.5"]
    sel = select(items, DOC, model, carried={"2403.4"}, added={"2403.1"})
    assert [p.arxiv_id for p in sel.proposals] == [s.paper.arxiv_id for s in cut.chosen]
    assert [p.arxiv_id for p in sel.overflow] == ["2403.4"]


def test_proposed_by_week_caps_each_iso_week_alone():
    model = ModelConfig(threshold=0.5, proposals_per_pr=2)
    week1 = [scored(f"2403.1{i}", s, published="2024-03-11") for i, s in enumerate((0.9, 0.8, 0.7, 0.1))]
    week2 = [scored("2403.20", 0.6, published="2024-03-18"), scored("2403.21", 0.4, published="2024-03-24")]
    late = ScoredPaper(Paper("2403.30", "Late", published="2024-03-15", announced="2024-03-18"), 0.95)
    assert proposed_by_week(week1 + week2 + [late], model) == {"2403.10", "2403.11", "2403.20", "2403.30"}
    # with another notion of week, the late paper counts in its submission week and takes room there
    by_submission = proposed_by_week(week1 + week2 + [late], model, week=lambda p: iso_week(p.published))
    assert by_submission == {"2403.30", "2403.10", "2403.20"}
