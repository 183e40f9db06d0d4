"""When the weekly run retrains: the key of what a saved model was trained for."""

from __future__ import annotations

from classifiers.training_set import training_key
from tracker.listdoc.document import ListDocument

TABLE = "| Title | Venue | Date |\n|---|---|---|\n| [A](https://arxiv.org/abs/2401.00001) | arXiv | 2024-01 |\n"


def test_the_key_follows_the_rows_as_read_not_only_the_text():
    text = "# Awesome\n\n## Papers\n\n### Labeling\n\n" + TABLE
    same = training_key(text, ListDocument.parse(text).rows(), [])
    assert same == training_key(text, ListDocument.parse(text).rows(), [])
    # the same text read into another section (as a newer kd-tracker may read a heading) is another model
    other = ListDocument.parse("# Awesome\n\n## Papers\n\n### Feedback\n\n" + TABLE)
    assert training_key(text, other.rows(), []) != same
    assert training_key(text, ListDocument.parse(text).rows(), [("2401.00002", 0)]) != same
