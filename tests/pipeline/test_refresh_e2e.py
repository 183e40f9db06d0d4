"""Issue 19, part 3 end to end: rows that stay current.

The local arXiv serves the real corpus, in which one listed paper's record now carries a journal_ref and a code
link; the local GitHub holds the real list; the real clients (arxiv, PyGithub) talk to both. A weekly run looks the
list's papers up by id, proposes the two updates in the PR ("Updates to listed papers") and edits the row in place;
unticking one (through PyGithub, as a maintainer would) reverts it at ``kd-tracker review`` and it is never
proposed again (not after the next look-up, not after a lost store); look-ups respect ``refresh.days``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from github import Auth, Github

from devservers.arxiv_server import ArxivServer
from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BEFORE, BRANCH, REPO, TOKEN, branch_readme, run
from tracker.cli.main import cli
from tracker.github.metadata import parse_pr_metadata
from tracker.store.papers import Store
from tracker.store.refresh_state import RefreshState

pytestmark = requires_shared

PAPER = "2301.12726"
"""Listed once, venue ``arXiv``, no code link."""
OLD_ROW = ("| [**Specializing Smaller Language Models towards Multi-Step Reasoning**](https://arxiv.org/abs/2301.12726) "
           "| arXiv | 2023-01 |")
NEW_ROW = ("| [**Specializing Smaller Language Models towards Multi-Step Reasoning**](https://arxiv.org/abs/2301.12726) "
           "| ACL | 2023-01 | [Github](https://github.com/kd-test/multistep) |")
"""The list writes venues without a year and code as ``[Github](url)``."""
CODE_ONLY_ROW = ("| [**Specializing Smaller Language Models towards Multi-Step Reasoning**](https://arxiv.org/abs/2301.12726) "
                 "| arXiv | 2023-01 | [Github](https://github.com/kd-test/multistep) |")
OTHER = "2302.06692"
"""A listed paper whose real record already links its code (github.com/yuqingd/ellm) while its row has none."""


def accepted(arxiv: ArxivServer) -> None:
    """The paper's arXiv record now says where it was published and where its code is."""
    arxiv.papers = [dataclasses.replace(p, journal_ref="ACL 2024",
                                        comment="12 pages. Code: https://github.com/kd-test/multistep")
                    if p.arxiv_id == PAPER else p for p in arxiv.papers]


def body_of(github: GithubServer) -> str:
    (pull,) = github.repo(REPO).open_pulls()
    return pull.body


def edit_body(github: GithubServer, body: str) -> None:
    client = Github(auth=Auth.Token(TOKEN), base_url=github.url, retry=None)
    (pull,) = github.repo(REPO).open_pulls()
    client.get_repo(REPO).get_pull(pull.number).edit(body=body)


def lookups_of(arxiv: ArxivServer, arxiv_id: str) -> int:
    return sum(1 for r in arxiv.api_requests() if arxiv_id in r.params.get("id_list", "").split(","))


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


def configure(setup: Path, *, days: int, threshold: float = 0.99) -> None:
    text = re.sub(r"(?m)^  threshold: .*$", f"  threshold: {threshold}", setup.read_text())
    text = re.sub(r"\nrefresh:\n  days: \d+\n", "\n", text) + f"refresh:\n  days: {days}\n"
    setup.write_text(text)


def review(config: Path):
    return CliRunner().invoke(cli, ["--config", str(config), "review"])


def test_listed_paper_gets_venue_and_code_in_place_and_an_unticked_update_never_comes_back(setup, arxiv, github):
    accepted(arxiv)
    configure(setup, days=30)  # nothing of the week passes 0.99: the PR holds only the updates
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    body = body_of(github)
    meta = parse_pr_metadata(body)
    assert meta.papers == ()
    assert {(u.arxiv_id, u.field, u.new) for u in meta.updates} == {
        (PAPER, "venue", "ACL 2024"), (PAPER, "code", "https://github.com/kd-test/multistep"),
        (OTHER, "code", "https://github.com/yuqingd/ellm")}
    assert "### Updates to listed papers" in body
    title = github.repo(REPO).pulls[1].title
    assert title.startswith("Weekly update: 3 updates to listed papers ("), "not '0 new papers'"
    assert body.startswith("**kd-tracker proposes 3 updates to listed papers** from arXiv ")
    assert "  updates:    3 to listed papers in the PR (1 venue, 2 code links); " in first.output
    venue_item = ("- [x] venue arXiv → ACL 2024 · [Specializing Smaller Language Models towards Multi-Step Reasoning]"
                  "(https://arxiv.org/abs/2301.12726) · written as ACL")
    code_item = ("- [x] add code link [github.com/kd-test/multistep](https://github.com/kd-test/multistep) · "
                 "[Specializing Smaller Language Models towards Multi-Step Reasoning](https://arxiv.org/abs/2301.12726)")
    assert venue_item in body.splitlines() and code_item in body.splitlines()

    base = BEFORE.read_text(encoding="utf-8")
    readme = branch_readme(github)
    removed, added = changed_lines(base, readme)
    assert OLD_ROW in removed and NEW_ROW in added
    assert len(removed) == len(added) == 2, "only the two updated rows change"
    assert all(f"arxiv.org/abs/{OTHER}" in line or f"arxiv.org/pdf/{OTHER}" in line for line in removed + added
               if PAPER not in line)
    assert len(readme.splitlines()) == len(base.splitlines()) and readme.endswith(base[-1])
    with Store(setup.parent / "kd.db") as store:
        assert RefreshState(store).last_refresh() == date(2024, 3, 18)
    asked = lookups_of(arxiv, PAPER)
    assert asked >= 1

    # the maintainer unticks the venue: `review` reverts it, keeps the code link, records the decline
    edit_body(github, body.replace(venue_item, venue_item.replace("- [x]", "- [ ]", 1)))
    result = review(setup)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 0 dropped, 0 moved, 0 added, 1 update declined; updated PR #1"), \
        result.stdout
    removed, added = changed_lines(base, branch_readme(github))
    assert OLD_ROW in removed and CODE_ONLY_ROW in added and NEW_ROW not in added
    body = body_of(github)
    assert "venue arXiv → ACL 2024" not in body and code_item in body.splitlines()
    meta = parse_pr_metadata(body)
    assert [(u.arxiv_id, u.field) for u in meta.declined_updates] == [(PAPER, "venue")]
    with Store(setup.parent / "kd.db") as store:
        assert set(RefreshState(store).declined()) == {(PAPER, "venue")}
    again = review(setup)
    assert (again.exit_code, again.stdout) == (0, "nothing to apply: the ticks of PR #1 are applied already\n")

    # a week later: not due (30 days), the code updates still wait in the PR, the venue is not back
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert lookups_of(arxiv, PAPER) == asked, "no look-up before refresh.days"
    meta = parse_pr_metadata(body_of(github))
    assert {(u.arxiv_id, u.field) for u in meta.updates} == {(PAPER, "code"), (OTHER, "code")}
    assert CODE_ONLY_ROW in branch_readme(github).splitlines()

    # due again (refresh.days 7), and then with the store lost: the declined venue is never proposed again
    configure(setup, days=7)
    third = run(setup, "--as-of", "2024-04-01")
    assert third.exit_code in (0, 2), third.output
    assert lookups_of(arxiv, PAPER) > asked, "looked up again once refresh.days passed"
    with Store(setup.parent / "kd.db") as store:
        assert RefreshState(store).last_refresh() == date(2024, 4, 1)
    (setup.parent / "kd.db").unlink()
    fourth = run(setup, "--as-of", "2024-04-08")
    assert fourth.exit_code in (0, 2), fourth.output
    meta = parse_pr_metadata(body_of(github))
    assert {(u.arxiv_id, u.field) for u in meta.updates} == {(PAPER, "code"), (OTHER, "code")}
    assert [(u.arxiv_id, u.field) for u in meta.declined_updates] == [(PAPER, "venue")]
    assert "venue arXiv → ACL 2024" not in body_of(github)
    assert CODE_ONLY_ROW in branch_readme(github).splitlines()
    with Store(setup.parent / "kd.db") as store:
        assert set(RefreshState(store).declined()) == {(PAPER, "venue")}, "restored from the PR metadata"
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 1
