"""Review labels of every kind, as the store keeps them, on papers of tests/training_sample.py's corpus."""

from __future__ import annotations

from tracker.store import Label

A = "KD Algorithms > Knowledge Elicitation > Labeling"
B = "KD Algorithms > Knowledge Elicitation > Feature"

STORED = [
    Label("2401.00100", 1, A, "kept", "pr", "1", "2024-03-04", "kept"),
    Label("2401.00101", 0, A, "moved", "pr", "1", "2024-03-05"),
    Label("2401.00101", 1, B, "moved", "pr", "1", "2024-03-05"),
    Label("2401.00102", 0, "", "removed", "pr", "1", "2024-03-05"),
    Label("2401.00103", 0, "", "rejected", "pr", "2", "2024-03-06"),
    Label("2401.00103", 1, "", "added", "list", "", "2024-03-20"),  # lifts the rejection
    Label("2401.00104", 1, B, "kept", "pr", "1", "2024-03-04"),
    Label("2401.00104", 0, "", "removed", "commit", "abc", "2024-03-12"),  # kept, then removed: rejected
    Label("2401.00105", 0, "", "dropped", "tick", "3", "2024-03-11"),
    Label("2401.00105", 1, A, "miss", "list", "", "2024-03-13"),  # the same ISO week, later: lifts it
    Label("2401.00106", 1, B, "kept", "pr", "1", "2024-03-18"),
    Label("2401.00106", 1, B, "kept", "commit", "def", "2024-03-18"),  # the same decision read twice
]
"""Every kind of signal the store keeps, with rejections lifted (in a later week, in the same week) and not."""
