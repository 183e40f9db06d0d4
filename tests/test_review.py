"""Review signals as pure functions: a PR against the list now, two list versions, the real list history."""

from __future__ import annotations

import json

import pytest

from tests.conftest import requires_shared
from tests.publish_sample import FEEDBACK, LABELING, README
from tracker.errors import ListFormatError
from tracker.github.metadata import PaperMetadata, PrMetadata
from tracker.listdoc.document import ListDocument
from tracker.review.signals import RowOutcome, changes_over, history_labels, list_changes, review_pull
from tracker.store.labels import Label

ALPHA = "| [**Alpha Distillation**](https://arxiv.org/abs/2402.00001) | arXiv | 2024-02 |"


def metadata(*papers: tuple[str, str, tuple[str, ...]]) -> PrMetadata:
    return PrMetadata(tuple(PaperMetadata(pid, title, f"https://arxiv.org/abs/{pid}" if pid else "https://x.org/p",
                                          sections, 0.9) for pid, title, sections in papers), "m1", "2024-03-18")


def test_merged_pr_rows_kept_moved_removed_and_left_one_section() -> None:
    doc = ListDocument.parse(README)  # Alpha, Beta in Labeling; Gamma in Feedback
    meta = metadata(
        ("2402.00001", "Alpha Distillation", (LABELING,)),            # kept
        ("2312.00003v2", "Gamma Feedback", (LABELING,)),              # moved: now in Feedback (id with a version)
        ("2403.00007", "Gone Paper", (LABELING, FEEDBACK)),           # removed from the list
        ("2401.00002", "Beta Teaching", (LABELING, FEEDBACK)),        # kept in Labeling, Feedback row removed
        ("", "Beta   teaching", (LABELING,)),                          # no id: found by title, kept
        ("", "No Id Paper", (LABELING,)),                             # no id, not in the list: not labelled
    )
    review = review_pull(4, "merged", "2024-03-20", meta, doc)
    assert review.rows == (
        RowOutcome("2402.00001", "Alpha Distillation", LABELING, "kept"),
        RowOutcome("2312.00003", "Gamma Feedback", LABELING, "moved", (FEEDBACK,), in_list=False),
        RowOutcome("2403.00007", "Gone Paper", LABELING, "removed"),
        RowOutcome("2403.00007", "Gone Paper", FEEDBACK, "removed"),
        RowOutcome("2401.00002", "Beta Teaching", LABELING, "kept"),
        RowOutcome("2401.00002", "Beta Teaching", FEEDBACK, "removed", in_list=True),
        RowOutcome("2401.00002", "Beta   teaching", LABELING, "kept"),
    )
    assert review.labels() == [
        Label("2402.00001", 1, LABELING, "kept", "pr", "4", "2024-03-20", "Alpha Distillation"),
        Label("2312.00003", 0, LABELING, "moved", "pr", "4", "2024-03-20", "Gamma Feedback"),
        Label("2312.00003", 1, FEEDBACK, "moved", "pr", "4", "2024-03-20", "Gamma Feedback"),
        Label("2403.00007", 0, "", "removed", "pr", "4", "2024-03-20", "Gone Paper"),
        Label("2401.00002", 1, LABELING, "kept", "pr", "4", "2024-03-20", "Beta Teaching"),
        Label("2401.00002", 0, FEEDBACK, "removed", "pr", "4", "2024-03-20", "Beta Teaching"),
    ]
    stored = review.stored()
    assert (stored.proposed, stored.kept, stored.moved, stored.removed, stored.rejected) == (7, 3, 1, 3, 0)


def test_closed_pr_rejects_papers_not_in_the_list() -> None:
    meta = metadata(("2402.00001", "Alpha Distillation", (FEEDBACK,)), ("2403.00007", "Gone Paper", (LABELING, FEEDBACK)))
    review = review_pull(5, "closed", "2024-03-27", meta, ListDocument.parse(README))
    assert [(r.arxiv_id, r.section, r.outcome) for r in review.rows] == [
        ("2403.00007", LABELING, "rejected"), ("2403.00007", FEEDBACK, "rejected")]
    assert review.labels() == [Label("2403.00007", 0, "", "rejected", "pr", "5", "2024-03-27", "Gone Paper")]


def test_an_open_pr_is_not_reviewed() -> None:
    with pytest.raises(ValueError, match="PR #6 is open: only merged or closed PRs are reviewed"):
        review_pull(6, "open", "", metadata(), ListDocument.parse(README))


def test_list_changes_between_two_versions() -> None:
    old = ListDocument.parse(README)
    gamma = next(line for line in README.split("\n") if "2312.00003" in line)
    new_text = README.replace(ALPHA + "\n", "").replace(gamma + "\n", "")
    new_text = new_text.replace("| [**Beta", gamma + "\n| [**Beta")  # Gamma moved to Labeling, Alpha gone
    new = ListDocument.parse(new_text)
    assert list_changes(old, new, ref="abc", date="2024-03-21") == [
        Label("2402.00001", 0, "", "removed", "commit", "abc", "2024-03-21", "Alpha Distillation"),
        Label("2312.00003", 0, FEEDBACK, "moved", "commit", "abc", "2024-03-21", "Gamma Feedback"),
        Label("2312.00003", 1, LABELING, "moved", "commit", "abc", "2024-03-21", "Gamma Feedback"),
    ]
    assert list_changes(new, old, ref="def", date="2024-03-22") == [
        Label("2312.00003", 0, LABELING, "moved", "commit", "def", "2024-03-22", "Gamma Feedback"),
        Label("2312.00003", 1, FEEDBACK, "moved", "commit", "def", "2024-03-22", "Gamma Feedback"),
    ]  # additions (Alpha back) are no signal here
    assert changes_over([("a", "2024-03-20", README), ("b", "2024-03-21", new_text), ("c", "2024-03-22", new_text)]) == \
        list_changes(old, new, ref="b", date="2024-03-21")


@requires_shared
def test_replay_of_the_real_list_history(shared) -> None:
    labels = history_labels(shared / "data" / "list_history.jsonl")
    removed = [lb for lb in labels if lb.label == 0 and not lb.section]
    assert [(lb.arxiv_id, lb.kind, lb.ref[:7], lb.date) for lb in removed] == [
        ("2303.13809", "removed", "960a65e", "2024-02-21")]
    left = sorted((lb.arxiv_id, lb.section, lb.kind, lb.ref) for lb in labels if lb.label == 0 and lb.section)
    assert left == [
        ("2306.08543", "KD Algorithms > Knowledge Elicitation > Self-Knowledge", "moved", "3810a0d"),
        ("2306.13649", "KD Algorithms > Knowledge Elicitation > Self-Knowledge", "removed", "f87a19e"),
        ("2402.03898", "KD Algorithms > Knowledge Elicitation > Self-Knowledge", "moved", "3810a0d"),
        ("2402.11890", "KD Algorithms > Distillation Algorithms > Supervised Fine-Tuning", "moved", "960a65e"),
    ]
    moved_to = sorted((lb.arxiv_id, lb.section) for lb in labels if lb.label == 1)
    assert moved_to == [
        ("2306.08543", "KD Algorithms > Knowledge Elicitation > Feedback"),
        ("2402.03898", "KD Algorithms > Knowledge Elicitation > Feedback"),
        ("2402.11890", "KD Algorithms > Distillation Algorithms > Divergence and Similarity"),
        ("2402.11890", "KD Algorithms > Knowledge Elicitation > Feature"),
        ("2402.11890", "Skill Distillation > Context Following > Instruction Following"),
    ]
    # every section named is a table of the list now
    head = ListDocument.parse((shared / "fixtures" / "kd-list" / "README.2025-03-09.head.md").read_text(encoding="utf-8"))
    assert {lb.section for lb in labels if lb.section} <= {s.path for s in head.sections()}


def test_history_file_errors_name_the_line(tmp_path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"arxiv_id": "2401.00001", "present_at_head": True}) + "\n[1]\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as e:
        history_labels(path)
    assert str(e.value) == f"{path}:2: not a JSON object; pass a list-history JSONL file"
    path.write_text('{"arxiv_id": "2401.00001"}\n', encoding="utf-8")
    with pytest.raises(ListFormatError) as e:
        history_labels(path)
    assert str(e.value) == f"{path}:1: no 'present_at_head' field; pass a list-history JSONL file"
    with pytest.raises(ListFormatError, match="cannot read the list history"):
        history_labels(tmp_path / "missing.jsonl")
