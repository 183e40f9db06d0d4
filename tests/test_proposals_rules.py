"""PROPOSALS.jsonl has one reader and one set of rules: `list apply` and `publish` refuse the same lines with the
same one-line error naming file:line and the key, and neither tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.listdoc_sample import LABELING, SAMPLE
from tracker.cli.main import cli
from tracker.errors import ProposalError
from tracker.listdoc.proposals import parse_proposals, read_numbered_proposals

GOOD = {"title": "New Paper", "url": "https://arxiv.org/abs/2401.00005", "sections": [LABELING], "date": "2024-01"}


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes})


BAD_LINES = [
    (line(title=42), "'title' must be a non-empty string, got 42"),
    (line(venue=["ACL"]), "'venue' must be a string, got ['ACL']"),
    (line(arxiv_id=2401.00005), "'arxiv_id' must be a string, got 2401.00005"),
    (line(arxiv_id="not-an-id"), "'arxiv_id' must be an arXiv id such as '2403.06414', got 'not-an-id'"),
    (line(date=202401), "'date' must be a string, got 202401"),
    (line(url=["https://x.org"]), "'url' must be an http(s) link, got ['https://x.org']"),
    (line(score=float("nan")), "'score' must be a probability in [0, 1], got nan"),
    (line(score=float("inf")), "'score' must be a probability in [0, 1], got inf"),
    (line(score=True), "'score' must be a probability in [0, 1], got True"),
    (line(alternatives=["a"]),
     "'alternatives' item 1 must be {\"section\": \"A > B\", \"score\": 0.4} or [\"A > B\", 0.4], got 'a'"),
    (line(alternatives=[{"section": "B", "score": float("nan")}]),
     "'alternatives' item 1: the score must be a probability in [0, 1], got nan"),
    (line(alternatives=[[3, 0.2]]), "'alternatives' item 1: the section must be a section path (\"A > B\"), got 3"),
    (line(alternatives={"B": 0.3}),
     "'alternatives' must be a list of {\"section\": \"A > B\", \"score\": 0.4} (or [\"A > B\", 0.4]), got {'B': 0.3}"),
    (line(terms=[1, 2]), "'terms' must be a list of strings, got [1, 2]"),
    (line(data=[["https://x.org"]]), "'data' must be a list of strings, got [['https://x.org']]"),
    (line(venu="ACL"), "unknown key 'venu'; did you mean 'venue'?"),
    ('{"title": "A", "title": "B", "url": "https://x.org/a", "sections": ["S"], "date": "2024-01"}',
     "key 'title' is set twice; keep one"),
    ('{"title": ' + "[" * 100000 + "]" * 100000 + "}", "the JSON is nested too deeply; a proposal is one flat object"),
    ("[" * 100000, "the JSON is nested too deeply; a proposal is one flat object"),
    ('{"score": ' + "1" * 5000 + "}",
     "invalid JSON (Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use "
     "sys.set_int_max_str_digits() to increase the limit); write one JSON object per line"),
    (line(), "2401.00005 is already proposed on line 1; keep one line per paper"),
    (line(url="https://arxiv.org/pdf/2401.00005v2.pdf"), "2401.00005 is already proposed on line 1; keep one line per paper"),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch) -> Path:
    """README.md (the sample list) and a config that points GitHub at a closed local port (never the network)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "config.yaml").write_text("list:\n  update_log: false\ngithub:\n  api_url: http://127.0.0.1:9\n")
    return tmp_path


@pytest.mark.parametrize(("bad", "message"), BAD_LINES, ids=[m[:40] for _, m in BAD_LINES])
def test_list_apply_and_publish_refuse_the_same_line_with_the_same_error(workdir: Path, bad: str, message: str) -> None:
    (workdir / "P.jsonl").write_text(line() + "\n" + bad + "\n", encoding="utf-8")
    expected = f"Error: P.jsonl:2: {message}\n"
    apply = CliRunner().invoke(cli, ["list", "apply", "README.md", "P.jsonl", "-o", "OUT.md"])
    assert (apply.exit_code, apply.stderr) == (1, expected)
    assert not (workdir / "OUT.md").exists()
    publish = CliRunner().invoke(cli, ["publish", "P.jsonl", "--dry-run", "out"], env={"GITHUB_TOKEN": ""})
    assert (publish.exit_code, publish.stderr) == (1, expected)
    near = CliRunner().invoke(cli, ["publish", "/dev/null", "--near-misses", "P.jsonl", "--dry-run", "out"])
    assert (near.exit_code, near.stderr) == (1, expected)


def test_the_reader_keeps_line_numbers_and_reads_a_raw_line_separator_inside_a_title(tmp_path: Path) -> None:
    path = tmp_path / "P.jsonl"
    # json.dumps(ensure_ascii=False), as write_proposals writes, leaves U+2028 and U+000C raw inside strings
    path.write_text("\n" + json.dumps({**GOOD, "title": "A\u2028B\x0cC"}, ensure_ascii=False) + "\r\n\n"
                    + line(url="https://arxiv.org/abs/2401.00006") + "\n", encoding="utf-8")
    numbered = read_numbered_proposals(path)
    assert [n for n, _ in numbered] == [2, 4]
    assert numbered[0][1].title == "A\u2028B\x0cC"
    assert [p.arxiv_id for _, p in numbered] == ["2401.00005", "2401.00006"]


def test_arxiv_id_is_stored_without_its_version() -> None:
    [p] = parse_proposals(line(arxiv_id="arXiv:2401.00005v3"))
    assert p.arxiv_id == "2401.00005"


def test_null_optional_fields_take_their_defaults() -> None:
    [p] = parse_proposals(line(venue=None, code=None, data=None, score=None, alternatives=None, terms=None,
                               arxiv_id=None))
    assert (p.venue, p.code, p.data, p.score, p.alternatives, p.terms, p.arxiv_id) == \
        ("arXiv", (), (), None, (), (), "2401.00005")


def test_an_integer_score_of_0_or_1_is_a_probability() -> None:
    [p] = parse_proposals(line(score=1, alternatives=[["B", 0]]))
    assert p.score == 1.0 and p.alternatives[0].score == 0.0


def test_errors_are_one_line_whatever_the_value_holds() -> None:
    with pytest.raises(ProposalError) as e:
        parse_proposals(line(venue=["A\nB" * 100]), "P.jsonl")
    assert "\n" not in str(e.value) and str(e.value).startswith("P.jsonl:1: 'venue' must be a string, got ['A\\nB")
    assert len(str(e.value)) < 200


def test_abstract_and_authors_are_optional_typed_keys() -> None:
    from tracker.errors import ProposalError
    from tracker.listdoc.proposals import parse_proposals
    from tracker.records import Proposal

    base = '{"title": "T", "url": "https://arxiv.org/abs/2403.00001", "sections": ["A > B"], "date": "2024-03"'
    (p,) = parse_proposals(base + ', "abstract": "One. Two.", "authors": ["A", "B"]}')
    assert (p.abstract, p.authors) == ("One. Two.", ("A", "B"))
    assert parse_proposals(p.to_json()) == [p] and Proposal.from_dict(__import__("json").loads(p.to_json())) == p
    for bad in (', "abstract": 3}', ', "authors": "A"}', ', "authors": [1]}'):
        with pytest.raises(ProposalError, match="'abstract'|'authors'"):
            parse_proposals(base + bad)
