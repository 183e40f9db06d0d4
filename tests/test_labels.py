"""LabelStore: idempotent adds, replacing one PR's labels, rejections lifted by a later hand-add, training labels."""

from __future__ import annotations

import sqlite3

import pytest

from tracker.records import ExtraLabel
from tracker.store.labels import Label, LabelStore, StoredReview
from tracker.store.papers import Store

A = "KD Algorithms > Knowledge Elicitation > Labeling"
B = "KD Algorithms > Knowledge Elicitation > Feedback"


@pytest.fixture(name="labels")
def labels_fixture(tmp_path):
    with Store(tmp_path / "kd.db") as store:
        yield LabelStore(store)


def test_add_is_idempotent_by_natural_key(labels, tmp_path):
    kept = Label("2403.00001", 1, A, "kept", "pr", "1", "2024-03-20", "Alpha")
    removed = Label("2403.00002", 0, "", "removed", "pr", "1", "2024-03-20", "Beta")
    assert labels.add([kept, removed]) == 2
    assert labels.add([kept, removed]) == 0
    # the same signal read on another day is still the same signal
    assert labels.add([Label("2403.00001", 1, A, "kept", "pr", "1", "2024-03-27", "Alpha")]) == 0
    assert labels.all() == [kept, removed]
    stored = sqlite3.connect(tmp_path / "kd.db").execute("SELECT arxiv_id, label, section, kind, source, ref, date "
                                                         "FROM labels ORDER BY id").fetchall()
    assert stored == [("2403.00001", 1, A, "kept", "pr", "1", "2024-03-20"),
                      ("2403.00002", 0, "", "removed", "pr", "1", "2024-03-20")]


def test_unknown_kind_or_source_is_refused(labels):
    with pytest.raises(ValueError, match="unknown label kind 'liked'"):
        labels.add([Label("2403.00001", 1, "", "liked", "pr", "1", "2024-03-20")])
    with pytest.raises(ValueError, match="unknown label source 'email'"):
        labels.add([Label("2403.00001", 1, "", "kept", "email", "1", "2024-03-20")])
    assert labels.all() == []


def test_replace_swaps_one_sources_labels_only(labels):
    kept = Label("2403.00001", 1, A, "kept", "pr", "1", "2024-03-20")
    other = Label("2403.00009", 0, "", "rejected", "pr", "2", "2024-03-27")
    labels.add([kept, other])
    removed = Label("2403.00001", 0, "", "removed", "pr", "1", "2024-03-20")
    assert labels.replace("pr", "1", [removed]) == (1, 1)
    assert labels.replace("pr", "1", [removed]) == (0, 0)
    assert labels.all() == [removed, other]


def test_rejected_until_added_by_hand_later(labels):
    labels.add([
        Label("2403.00002", 0, "", "removed", "commit", "abc", "2024-03-20"),
        Label("2403.00003", 0, "", "rejected", "pr", "2", "2024-03-27"),
        Label("2403.00004", 0, B, "moved", "pr", "1", "2024-03-20"),  # a section correction is no rejection
        Label("2403.00004", 1, A, "moved", "pr", "1", "2024-03-20"),
    ])
    assert labels.rejected_ids() == {"2403.00002", "2403.00003"}
    labels.add([Label("2403.00002", 1, "", "added", "list", "", "2024-04-02")])
    assert labels.rejected_ids() == {"2403.00003"}
    # a rejection after the hand-add counts again
    labels.add([Label("2403.00002", 0, "", "removed", "commit", "def", "2024-05-01")])
    assert labels.rejected_ids() == {"2403.00002", "2403.00003"}


def test_training_labels(labels):
    labels.add([
        Label("2403.00001", 1, A, "kept", "pr", "1", "2024-03-20"),
        Label("2403.00002", 0, "", "removed", "pr", "1", "2024-03-20"),
        Label("2403.00004", 0, B, "moved", "pr", "1", "2024-03-20"),
        Label("2403.00004", 1, A, "moved", "pr", "1", "2024-03-20"),
        Label("2403.00004", 1, A, "moved", "commit", "abc", "2024-03-21"),  # same signal twice: one label
        Label("2403.00005", 0, "", "removed", "commit", "abc", "2024-03-21"),
        Label("2403.00005", 1, "", "added", "list", "", "2024-04-01"),
    ])
    assert labels.training_labels() == [
        ExtraLabel("2403.00001", 1, A),
        ExtraLabel("2403.00002", 0, None),
        ExtraLabel("2403.00004", 0, B),
        ExtraLabel("2403.00004", 1, A),
        ExtraLabel("2403.00005", 1, None),
    ]


def test_reviews_and_state_round_trip(labels):
    review = StoredReview(3, "merged", "2024-03-20", "2024-03-18", "m1", 4, 1, 1, 2, 0, (0.91, 0.5))
    assert labels.save_review(review) is True
    assert labels.save_review(review) is False
    assert labels.reviews() == [review]
    assert labels.state("list_commit") is None
    labels.set_state("list_commit", "abc")
    labels.set_state("list_commit", "def")
    assert labels.state("list_commit") == "def"
