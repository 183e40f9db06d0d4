"""'Please add our paper' issues: the form and free text read, sections resolved, the answers and the PR body's
"Requested" group escaped; the local GitHub's issue endpoints and the answer given once (IssueDesk)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from github import Auth, Github

from devservers.github_server import GithubServer
from tracker.config import Config, GithubConfig, IntakeConfig
from tracker.github import (
    FORM_FIELDS,
    IssueDesk,
    OpenIssue,
    asks_for_paper,
    parse_pr_metadata,
    parse_request,
    read_ticks,
)
from tracker.publish.body import render_body
from tracker.publish.context import PublishContext, PublishOutcome
from tracker.records import Proposal
from tracker.weekly import intake_replies as replies
from tracker.weekly.intake import is_request, resolve_section

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "examples" / "ISSUE_TEMPLATE" / "add-paper.yml"
EVIL = "[x](javascript:alert(1)) @octocat <img src=x onerror=alert(1)> | ~~s~~ \u202e https://evil.example/a"


def rendered_form(arxiv: str, section: str = "_No response_", code: str = "_No response_") -> str:
    """An issue-form body as GitHub renders it: each field's label as a heading, then the answer."""
    return (f"### {FORM_FIELDS['arxiv']}\n\n{arxiv}\n\n### {FORM_FIELDS['section']}\n\n{section}\n\n"
            f"### {FORM_FIELDS['code']}\n\n{code}")


def test_the_shipped_form_asks_what_the_parser_reads_and_puts_the_intake_label_on():
    form = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    fields = {b["id"]: b for b in form["body"] if b["type"] == "input"}
    assert {k: f["attributes"]["label"] for k, f in fields.items()} == FORM_FIELDS
    assert [k for k, f in fields.items() if f["validations"]["required"]] == ["arxiv"]
    assert form["labels"] == [IntakeConfig().label] == ["add-paper"]


def test_the_rendered_form_is_read_field_by_field():
    ask = parse_request(rendered_form("https://arxiv.org/pdf/2403.01234v3.pdf", "Labeling", "https://github.com/a/b"))
    assert (ask.arxiv_id, ask.section, ask.code, ask.form) == ("2403.01234", "Labeling", "https://github.com/a/b", True)
    empty = parse_request(rendered_form("arXiv:hep-th/9901001v2"))
    assert (empty.arxiv_id, empty.section, empty.code) == ("hep-th/9901001", "", "")


def test_a_form_without_an_arxiv_id_keeps_what_was_written_for_the_answer():
    ask = parse_request(rendered_form("arxiv.org/abs/24031234 (our ACL paper)"))
    assert ask.arxiv_id is None and ask.form
    assert ask.written == "arxiv.org/abs/24031234 (our ACL paper)"
    assert parse_request(rendered_form("2403.01234", code="javascript:alert(1)")).code == ""  # only http(s) links


def test_free_text_gives_the_first_arxiv_id_a_section_line_and_a_code_link():
    body = ("Hi! Please add our paper https://arxiv.org/abs/2402.11176v2, and maybe 2403.00001.\n"
            "Section: Knowledge Elicitation > Labeling\nCode at https://github.com/org/repo.")
    ask = parse_request(body)
    assert (ask.arxiv_id, ask.section, ask.code, ask.form) == (
        "2402.11176", "Knowledge Elicitation > Labeling", "https://github.com/org/repo", False)
    assert parse_request("see arXiv: 2403.01234 please").arxiv_id == "2403.01234"
    assert parse_request("version 1.2403.01234 and 12403.01234").arxiv_id is None  # not ids standing alone


@pytest.mark.parametrize(("text", "asks"), [
    ("Please add https://arxiv.org/abs/2403.01234", True),
    ("Could you INCLUDE 2403.01234?", True),
    ("This is our  paper: arXiv:2403.01234", True),
    ("An addition: arXiv:2403.01234", False),  # whole words only
    ("Please add our paper, it is great", False),  # no arXiv id
    ("Is 2403.01234 about distillation?", False),  # no keyword
])
def test_free_text_asks_for_a_paper_with_an_arxiv_id_and_a_keyword(text, asks):
    assert asks_for_paper(text, IntakeConfig().keywords) is asks


def test_requests_are_the_labelled_the_form_and_the_keyword_issues_never_the_bots_own():
    config = IntakeConfig()

    def issue(body: str, labels: tuple[str, ...] = (), title: str = "t") -> OpenIssue:
        return OpenIssue(1, title, body, labels, "")

    assert is_request(issue("anything", ("add-paper",)), config)
    assert is_request(issue(rendered_form("nonsense")), config)
    assert is_request(issue("https://arxiv.org/abs/2403.01234", title="Add our paper"), config)
    assert not is_request(issue("https://arxiv.org/abs/2403.01234", title="Question"), config)
    assert not is_request(issue("<!-- kd-tracker:dashboard -->\n- [ ] propose again add arXiv:2403.01234"), config)


TABLES = ["KD Algorithms > Knowledge Elicitation > Labeling", "KD Algorithms > Knowledge Elicitation > Curation",
          "Skill Distillation > Multi-Modality", "Verticalization Distillation > Law", "Other > Law"]


@pytest.mark.parametrize(("asked", "table"), [
    ("KD Algorithms > Knowledge Elicitation > Labeling", TABLES[0]),
    ("knowledge elicitation >  CURATION", TABLES[1]),
    ("Multi-Modality", TABLES[2]),
    ("Law", ""),  # two tables end in it
    ("Knowledge Elicitation", ""),  # a heading, not a table
    (EVIL, ""),
    ("", ""),
])
def test_a_section_asked_for_is_used_only_when_it_names_one_table_of_the_list(asked, table):
    assert resolve_section(asked, TABLES) == table


def assert_inert(text: str) -> None:
    """Nothing of EVIL is live markdown: no link, no mention, no HTML, no column break, no hidden character."""
    for live in ("](javascript", "@octocat", "<img", " | ", "~~s", "\u202e", "https://evil"):
        assert live not in text, live


def test_answers_escape_what_the_issue_arxiv_and_the_list_gave():
    outcome = PublishOutcome("created", 7, "https://github.com/o/r/pull/7", 1, "", "", "")
    placed = Proposal(title=EVIL, url="https://arxiv.org/abs/2403.01234", sections=(TABLES[0],), arxiv_id="2403.01234",
                      score=0.0012)
    text = replies.accepted("2403.01234", placed, outcome, 0.005, asked_section=EVIL, section_found=False)
    assert_inert(text)
    assert "[pull request #7](https://github.com/o/r/pull/7)" in text
    assert "relevance score 0.0012 (the list's threshold is 0.005" in text
    assert "The list has no section “\\[x\\]\\(javascript:alert\\(1\\)\\) `@`octocat &lt;img" in text
    assert_inert(replies.listed("2403.01234", EVIL))
    assert_inert(replies.malformed(EVIL))
    assert replies.rejected("2403.01234").startswith("A maintainer of this list rejected arXiv:2403.01234 before")


def test_the_requested_group_comes_first_with_its_score_issue_and_closes_line_and_ticks_read_it():
    asked = Proposal(title=EVIL, url="https://arxiv.org/abs/2403.01234", sections=(EVIL,), arxiv_id="2403.01234",
                     score=0.0012)
    other = Proposal(title="Other", url="https://arxiv.org/abs/2403.05678", sections=(TABLES[0],),
                     arxiv_id="2403.05678", score=0.5)
    context = PublishContext(as_of=dt.date(2024, 3, 18), requested={"2403.01234": 12, "2403.09999": 3})
    body = render_body([(other, other.sections), (asked, asked.sections)], context)
    papers = body.split("<!-- kd-tracker:papers -->\n", 1)[1]
    assert papers.startswith("#### Requested\n\n- [x] [\\[x\\]\\(javascript:alert\\(1\\)\\)")
    requested = papers.split("#### KD Algorithms", 1)[0]
    assert "· score 0.0012 · in \\[x\\]\\(javascript:alert\\(1\\)\\) `@`octocat &lt;img" in requested
    assert requested.endswith("asked in #12\n\nMerging this pull request closes the issues that asked for these "
                              "papers: Closes #12.\n\n")
    assert_inert(requested)
    assert "#3" not in body  # an issue whose paper the PR does not hold is not closed by it
    meta = parse_pr_metadata(body)
    assert meta.requested == {"2403.01234": 12}
    assert [p.arxiv_id for p in meta.papers] == ["2403.01234", "2403.05678"]
    unticked = body.replace("- [x] [\\[x\\]", "- [ ] [\\[x\\]")
    assert read_ticks(unticked, meta).dropped == {"2403.01234"}


REPO = "o/list"


@pytest.fixture
def desk(github_server: GithubServer) -> tuple[GithubServer, IssueDesk]:
    github_server.add_token("tok", "kd-bot")
    github_server.add_repo(REPO, {"README.md": "# list\n"})
    config = Config(github=GithubConfig(api_url=github_server.url, retries=0, write_delay_seconds=0))
    gh = Github(auth=Auth.Token("tok"), base_url=github_server.url, retry=None)
    return github_server, IssueDesk(gh, REPO, config)


def test_open_issues_leave_out_pull_requests_and_closed_issues(desk):
    server, issues = desk
    first = server.add_issue(REPO, "Add paper", "body", labels=("add-paper",))
    closed = server.add_issue(REPO, "Old", "x")
    server.repo(REPO).issues[closed].state = "closed"
    server.push_commit(REPO, "feature", {"README.md": "# list!\n"})
    gh = issues.github.get_repo(REPO)
    gh.create_pull(title="A PR", body="b", head="feature", base="main")
    found = issues.open_issues()
    assert [(i.number, i.title, i.labels) for i in found] == [(first, "Add paper", ("add-paper",))]
    assert found[0].url == f"{server.url}/{REPO}/issues/{first}"


def test_an_answer_is_given_once_even_when_its_answer_is_lost(desk, caplog):
    server, issues = desk
    number = server.add_issue(REPO, "Add paper", "x")
    server.drop("POST", f"/repos/{REPO}/issues/{number}/comments", after=True)  # GitHub comments, the answer is lost
    assert issues.comment_once(number, "intake", "2403.01234", "Added.")
    assert not issues.comment_once(number, "intake", "2403.01234", "Added again.")
    assert [c.body for c in server.repo(REPO).issues[number].comments] == [
        "Added.\n\n<!-- kd-tracker:intake 2403.01234 -->"]
    assert "comment on issue #1: ConnectionError; re-reading what GitHub holds" in caplog.text
    assert len([r for r in server.writes if r.path.endswith("/comments")]) == 1
    assert issues.answered(number, "intake") == {"2403.01234"}
    assert issues.comment_once(number, "intake", "no-id", "No id.")  # another question, another answer


def test_merging_a_pull_request_closes_the_issues_its_body_closes(desk):
    server, issues = desk
    asked, other = server.add_issue(REPO, "Add paper", "x"), server.add_issue(REPO, "Bug", "y")
    server.push_commit(REPO, "feature", {"README.md": "# list!\n"})
    pr = issues.github.get_repo(REPO).create_pull(title="Weekly", body=f"Closes #{asked}.", head="feature", base="main")
    server.merge_pull(REPO, pr.number)
    assert issues.github.get_repo(REPO).get_issue(asked).state == "closed"
    assert [i.number for i in issues.open_issues()] == [other]


def test_intake_config_is_checked_with_the_file_and_line():
    from tracker.config import parse_config
    from tracker.errors import ConfigError

    with pytest.raises(ConfigError) as e:
        parse_config("intake:\n  label: add-paper\n  keywords: [add, '  ']\n", "c.yaml")
    assert str(e.value) == ("c.yaml:3: 'intake.keywords' must not hold an empty keyword (an empty one would match "
                            "every issue), got ['add', '  ']")
    with pytest.raises(ConfigError) as e:
        parse_config("intake:\n  label: ' '\n", "c.yaml")
    assert str(e.value) == "c.yaml:2: 'intake.label' must not be empty, got ' '"
    assert parse_config("intake:\n  enabled: false\n  keywords: [please add]\n", "c.yaml").intake == IntakeConfig(
        enabled=False, keywords=("please add",))
