""""Please add our paper" issues end to end: `kd-tracker run` against the local GitHub (issues, comments) and the
local arXiv (a look-up by id), with the real clients.

Issues #1-#5 are opened before the first run: a new paper through the issue form, a listed paper in free text,
a malformed id in the form, and two issues that ask for nothing (no id; an id without a keyword).
"""

from __future__ import annotations

import re

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import REPO, branch_readme, run
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.document import ListDocument
from tracker.records import format_score

pytestmark = requires_shared

NEW = "2401.07441"
"""A cs.CL paper of 2024-01-15, before the first run's window and far from the list's topic."""
LISTED = "2402.11176"
"""In the list, under KD Algorithms > Knowledge Elicitation > Labeling."""
CURATION = "KD Algorithms > Knowledge Elicitation > Curation"
SHOWN = "KD Algorithms &gt; Knowledge Elicitation &gt; {}"
"""A section path as the PR body and the comments show it (escaped: GitHub renders ``&gt;`` as ``>``)."""

FORM = """### arXiv link or id

https://arxiv.org/abs/{id}v2

### Section (optional)

{section}

### Code link (optional)

{code}
"""


def comments(github: GithubServer, number: int) -> list[str]:
    return [c.body for c in github.repo(REPO).issues[number].comments]


def open_issues(github: GithubServer) -> dict[str, int]:
    return {
        "new": github.add_issue(REPO, "Add paper: sentiment", FORM.format(
            id=NEW, section="knowledge elicitation > curation", code="https://github.com/example/sentiment")
            , labels=("add-paper",)),
        "listed": github.add_issue(REPO, "Missing paper?", f"Could you include our paper https://arxiv.org/pdf/{LISTED}v1 "
                                                           "in the list? @maintainer"),
        "malformed": github.add_issue(REPO, "Add paper: ours", FORM.format(
            id="", section="_No response_", code="_No response_").replace("https://arxiv.org/abs/v2",
                                                                        "arxiv.org/abs/24031234 [x](javascript:alert(1))"),
            labels=("add-paper",)),
        "no id": github.add_issue(REPO, "Typo in the README", "Please add a comma after KD."),
        "no keyword": github.add_issue(REPO, "Question", f"Is {NEW} about distillation?"),
    }


def test_three_requests_give_one_requested_row_and_one_answer_each(setup, github, arxiv):
    issues = open_issues(github)
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert "  requests:   3 issues: 1 accepted, 1 listed, 1 malformed; 3 answered" in first.stdout
    assert re.search(rf"  {NEW}  Stability Analysis of ChatGPT-based .* -> {CURATION}\n", first.stdout)
    repo = github.repo(REPO)
    (pull,) = repo.open_pulls()
    assert pull.number == 6
    # the new paper: looked up on arXiv by id, in the PR whatever its score, in the section asked for
    assert any(NEW in r.params.get("id_list", "") for r in arxiv.api_requests())
    meta = parse_pr_metadata(pull.body)
    assert meta.requested == {NEW: issues["new"]}
    (paper,) = [p for p in meta.papers if p.arxiv_id == NEW]
    assert paper.sections == (CURATION,)
    assert paper.score is not None and paper.score < 0.3  # under the threshold of the run: proposed on request
    requested = pull.body.split("#### Requested", 1)[1].split("####", 1)[0]
    assert f"](https://arxiv.org/abs/{NEW})" in requested
    assert f"· score {format_score(paper.score)} · in {SHOWN.format('Curation')} · asked in #{issues['new']}" \
        in requested
    assert f"Closes #{issues['new']}." in pull.body
    row = [r for r in ListDocument.parse(branch_readme(github)).rows() if r.arxiv_id == NEW]
    assert [r.section for r in row] == [CURATION]
    assert "https://github.com/example/sentiment" in branch_readme(github)
    # one answer each, with its reason
    (added,) = comments(github, issues["new"])
    assert f"[pull request #6]({github.url}/{REPO}/pull/6)" in added
    assert f"section “{SHOWN.format('Curation')}”, relevance score {format_score(paper.score)} " in added
    assert f"<!-- kd-tracker:intake {NEW} -->" in added
    (listed,) = comments(github, issues["listed"])
    assert listed.startswith(f"arXiv:{LISTED} is already in the list, in section "
                             f"“{SHOWN.format('Labeling')}”")
    assert "@maintainer" not in listed
    (malformed,) = comments(github, issues["malformed"])
    assert malformed.startswith("kd-tracker found no arXiv id in this issue (it reads “arxiv.org/abs/24031234 "
                                "\\[x\\]\\(javascript:alert\\(1\\)\\)”). Edit the issue and write the paper's arXiv "
                                "link or id under *arXiv link or id*")
    assert malformed.endswith("<!-- kd-tracker:intake no-id -->")
    assert comments(github, issues["no id"]) == comments(github, issues["no keyword"]) == []

    # what was answered is read back from GitHub: a run with a lost store comments nothing new
    for leftover in setup.parent.glob("kd.db*"):
        leftover.unlink()
    before = {n: comments(github, n) for n in issues.values()}
    second = run(setup, "--as-of", "2024-03-18")
    assert second.exit_code in (0, 2), second.output
    assert "  requests:   3 issues: 1 accepted, 1 listed, 1 malformed; 0 answered" in second.stdout
    assert {n: comments(github, n) for n in issues.values()} == before
    (pull,) = repo.open_pulls()
    assert parse_pr_metadata(pull.body).requested == {NEW: issues["new"]}
    assert f"Closes #{issues['new']}." in pull.body

    # the maintainers close the PR unmerged: its papers are rejected; a new request for one of them says so
    repo.pulls[pull.number].state = "closed"
    other = next(p.arxiv_id for p in parse_pr_metadata(pull.body).papers if p.arxiv_id != NEW)
    asked_again = github.add_issue(REPO, "Please add", f"Please add arXiv:{other}, it is our paper.")
    third = run(setup, "--as-of", "2024-03-18")
    assert third.exit_code in (0, 2), third.output
    (rejected,) = comments(github, asked_again)
    assert rejected.startswith(f"A maintainer of this list rejected arXiv:{other} before, so kd-tracker does not "
                               "propose it again. A maintainer can still tick *propose again*")
    # the paper the first issue asked for was in that PR: its author hears it was rejected, once
    added, dropped = comments(github, issues["new"])
    assert [added] == before[issues["new"]] and dropped.startswith(f"A maintainer of this list rejected arXiv:{NEW}")
    assert {n: comments(github, n) for n in issues.values() if n != issues["new"]} == {
        n: c for n, c in before.items() if n != issues["new"]}
    assert not re.search(r"Closes #\d", "".join(p.body for p in repo.open_pulls()))
