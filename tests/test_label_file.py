"""The review-labels file: its reader's rules, its writer, and a store's labels read back as the same training labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.labels_sample import STORED, A, B
from tracker.errors import LabelFileError
from tracker.records import ExtraLabel
from tracker.store import Label, LabelStore, Store, read_label_file, training_labels_of, write_label_file
from tracker.store.label_file import parse_labels


def stored_labels(tmp_path: Path) -> list[Label]:
    with Store(tmp_path / "kd.db") as store:
        labels = LabelStore(store)
        labels.add(STORED)
        return labels.all()


def test_a_stores_labels_written_and_read_back_are_the_same_training_labels(tmp_path: Path) -> None:
    labels = stored_labels(tmp_path)
    assert write_label_file(labels, tmp_path / "labels.jsonl") == len(STORED)
    lines = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert lines[:3] == [
        {"arxiv_id": "2401.00100", "label": "accepted", "section": A, "week": "2024-W10"},
        {"arxiv_id": "2401.00104", "label": "accepted", "section": B, "week": "2024-W10"},
        {"arxiv_id": "2401.00101", "label": "rejected", "section": A, "week": "2024-W10"},
    ]
    assert {"arxiv_id": "2401.00101", "label": "moved", "section": B, "week": "2024-W10"} in lines
    assert {"arxiv_id": "2401.00104", "label": "rejected", "week": "2024-W11"} in lines
    with Store(tmp_path / "kd.db") as store:
        expected = LabelStore(store).training_labels()
    replayed = training_labels_of(read_label_file(tmp_path / "labels.jsonl"))
    assert sorted(map(repr, replayed)) == sorted(map(repr, expected))
    assert ExtraLabel("2401.00104", 0) in replayed and ExtraLabel("2401.00103", 0) not in replayed
    assert ExtraLabel("2401.00105", 0) not in replayed and ExtraLabel("2401.00105", 1, A) in replayed


def test_lines_are_replayed_oldest_week_first_so_a_later_acceptance_lifts_a_rejection() -> None:
    text = (f'{{"arxiv_id": "2401.00001v2", "label": "accepted", "section": "{A}", "week": "2024-W12"}}\n\n'
            '{"arxiv_id": "2401.00001", "label": "rejected", "week": "2024-W11"}\n'
            '{"arxiv_id": "2401.00002", "label": "accepted", "week": "2024-W11"}\n'
            '{"arxiv_id": "2401.00002", "label": "rejected", "week": "2024-W12"}\n')
    labels = parse_labels(text, "labels.jsonl")
    assert [(lb.arxiv_id, lb.label, lb.kind, lb.date, lb.ref) for lb in labels] == [
        ("2401.00001", 0, "rejected", "2024-03-11", "labels.jsonl:3"),
        ("2401.00002", 1, "kept", "2024-03-11", "labels.jsonl:4"),
        ("2401.00001", 1, "kept", "2024-03-18", "labels.jsonl:1"),
        ("2401.00002", 0, "rejected", "2024-03-18", "labels.jsonl:5"),
    ]
    assert training_labels_of(labels) == [ExtraLabel("2401.00002", 1), ExtraLabel("2401.00001", 1, A),
                                          ExtraLabel("2401.00002", 0)]


def test_moved_is_one_in_its_section_and_rejected_in_a_section_only_takes_that_section() -> None:
    labels = parse_labels(f'{{"arxiv_id": "2401.00001", "label": "moved", "section": "{B}", "week": "2024-W12"}}\n'
                          f'{{"arxiv_id": "2401.00001", "label": "rejected", "section": "{A}", "week": "2024-W12"}}\n')
    assert [(lb.label, lb.section, lb.kind) for lb in labels] == [(1, B, "moved"), (0, A, "removed")]
    assert training_labels_of(labels) == [ExtraLabel("2401.00001", 1, B), ExtraLabel("2401.00001", 0, A)]


@pytest.mark.parametrize("line,message", [
    ('["2401.00001"]', "labels.jsonl:2: expected a JSON object, got list"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "week": "2024-W12"', "labels.jsonl:2: invalid JSON"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "weeks": "2024-W12"}',
     "labels.jsonl:2: unknown key 'weeks'; did you mean 'week'?"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "week": "2024-W12", "label": "rejected"}',
     "labels.jsonl:2: key 'label' is set twice; keep one"),
    ('{"arxiv_id": "2401.00001", "week": "2024-W12"}', "labels.jsonl:2: missing 'label'; a label needs"),
    ('{"arxiv_id": "2401.00001", "label": "kept", "week": "2024-W12"}',
     "labels.jsonl:2: 'label' must be one of accepted, moved, rejected, got 'kept'"),
    ('{"arxiv_id": "2401.00001", "label": 1, "week": "2024-W12"}', "labels.jsonl:2: 'label' must be one of"),
    ('{"arxiv_id": "paper one", "label": "accepted", "week": "2024-W12"}',
     "labels.jsonl:2: 'arxiv_id' must be an arXiv id such as '2403.06414', got 'paper one'"),
    ('{"arxiv_id": "2401.00001", "label": "moved", "week": "2024-W12"}',
     "labels.jsonl:2: missing 'section'; a 'moved' label names the section the paper belongs in"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "section": " ", "week": "2024-W12"}',
     "labels.jsonl:2: 'section' must be a section path"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "week": "2024-03-18"}',
     "labels.jsonl:2: 'week' must be an ISO week such as '2024-W12', got '2024-03-18'"),
    ('{"arxiv_id": "2401.00001", "label": "accepted", "week": "2023-W53"}', "labels.jsonl:2: 'week' 2023-W53 does not exist"),
])
def test_a_bad_line_is_one_error_naming_the_file_line_and_key(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"arxiv_id": "2401.00009", "label": "rejected", "week": "2024-W12"}\n' + line + "\n")
    with pytest.raises(LabelFileError) as error:
        read_label_file(path)
    assert str(error.value).startswith(f"{path.parent}/{message}")
    assert "\n" not in str(error.value)


def test_a_file_that_cannot_be_read_or_written_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(LabelFileError, match="cannot read the labels file"):
        read_label_file(tmp_path / "missing.jsonl")
    with pytest.raises(LabelFileError, match="cannot write the labels"):
        write_label_file(STORED, tmp_path / "no" / "such" / "labels.jsonl")
