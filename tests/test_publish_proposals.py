"""PROPOSALS.jsonl: read and write, with file:line errors for every bad line."""

from __future__ import annotations

import pytest

from tests.publish_sample import EPSILON, NEAR, ZETA
from tracker.errors import ProposalError
from tracker.listdoc.proposals import parse_proposals, read_proposals, write_proposals
from tracker.records import Proposal, SectionScore


def test_write_then_read_gives_the_same_proposals(tmp_path) -> None:
    path = tmp_path / "PROPOSALS.jsonl"
    assert write_proposals([EPSILON, ZETA, NEAR], path) == 3
    assert read_proposals(path) == [EPSILON, ZETA, NEAR]
    assert path.read_text().count("\n") == 3


def test_minimal_line_gets_defaults_and_the_arxiv_id_from_the_url() -> None:
    [p] = parse_proposals('{"title": "T", "url": "https://arxiv.org/pdf/2403.06414v2.pdf", '
                          '"sections": "A > B", "date": "2024-03"}\n\n')
    assert p == Proposal(title="T", url="https://arxiv.org/pdf/2403.06414v2.pdf", sections=("A > B",),
                         arxiv_id="2403.06414", date="2024-03")


def test_alternatives_as_pairs_or_objects() -> None:
    [p] = parse_proposals('{"title": "T", "url": "https://x.org/p", "sections": ["A"], "date": "2024-03", '
                          '"alternatives": [["B", 0.3], {"section": "C", "score": 0.2}], "score": 0.9}')
    assert p.alternatives == (SectionScore("B", 0.3), SectionScore("C", 0.2))
    assert p.arxiv_id == ""


GOOD = '{"title": "T", "url": "https://x.org/p", "sections": ["A"], "date": "2024-03"}'


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "P.jsonl:2: invalid JSON (Expecting property name enclosed in double quotes at column 2); "
                  "write one JSON object per line"),
    ("[1, 2]", "P.jsonl:2: expected a JSON object, got list"),
    ('{"title": "T"}', "P.jsonl:2: missing 'url', 'sections'; a proposal needs title, url, sections"),
    ('{"title": "T", "url": "https://x.org/q", "sections": [], "date": "2024-03"}',
     "P.jsonl:2: 'sections' must be a non-empty list of section paths (\"A > B\")"),
    ('{"title": " ", "url": "https://x.org/q", "sections": ["A"], "date": "2024-03"}',
     "P.jsonl:2: 'title' must be a non-empty string, got ' '"),
    ('{"title": "T", "url": "javascript:alert(1)", "sections": ["A"], "date": "2024-03"}',
     "P.jsonl:2: 'url' must be an http(s) link, got 'javascript:alert(1)'"),
    ('{"title": "T", "url": "https://x.org/q", "sections": ["A"], "date": "March 2024"}',
     "P.jsonl:2: 'date' must be YYYY-MM (the month the paper appeared), got 'March 2024'"),
    ('{"title": "T", "url": "https://x.org/q", "sections": ["A"], "date": "2024-03", "score": 1.5}',
     "P.jsonl:2: 'score' must be a probability in [0, 1], got 1.5"),
    ('{"title": "T", "url": "https://x.org/q", "sections": ["A"], "date": "2024-03", "score": "high"}',
     "P.jsonl:2: 'score' must be a probability in [0, 1], got 'high'"),
    ('{"title": "T", "url": "https://x.org/q", "sections": ["A"], "date": "2024-03", "code": "https://g.com/x"}',
     "P.jsonl:2: 'code' must be a list of strings, got 'https://g.com/x'"),
    (GOOD, "P.jsonl:2: https://x.org/p is already proposed on line 1; keep one line per paper"),
])
def test_bad_line_names_file_and_line(line: str, message: str) -> None:
    with pytest.raises(ProposalError) as e:
        parse_proposals(GOOD + "\n" + line + "\n", "P.jsonl")
    assert str(e.value) == message


def test_unreadable_file(tmp_path) -> None:
    with pytest.raises(ProposalError) as e:
        read_proposals(tmp_path / "missing.jsonl")
    assert str(e.value) == f"{tmp_path / 'missing.jsonl'}: cannot read the proposals file (No such file or directory)"
    (tmp_path / "latin1.jsonl").write_bytes(b'{"title": "\xe9"}\n')
    with pytest.raises(ProposalError) as e:
        read_proposals(tmp_path / "latin1.jsonl")
    assert str(e.value) == (f"{tmp_path / 'latin1.jsonl'}:1: byte 0xe9 is not UTF-8; "
                            "save the proposals file as UTF-8")
