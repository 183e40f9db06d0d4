"""Issue 15 end to end: the PR body as a review surface, driven by real weekly runs and ``kd-tracker review``.

A weekly run opens the PR for a real corpus week (local arXiv serving the shared corpus, local GitHub, the real
PyGithub client); the test then edits the RENDERED body as a maintainer would on GitHub (unticks items, ticks a
``move to`` or an overflow ``add``) and PATCHes it through PyGithub; ``kd-tracker review`` and the next week's run
must apply the ticks, keep them in the body and record them as labels.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner
from github import Auth, Github

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BRANCH, REPO, TOKEN, branch_readme, run
from tracker.cli.main import cli
from tracker.github.metadata import parse_pr_metadata
from tracker.listdoc.document import ListDocument
from tracker.store.labels import LabelStore
from tracker.store.papers import Store

pytestmark = requires_shared

ITEM = re.compile(r"^- \[(?P<mark>[ x])\] \[.*?\]\(https://arxiv\.org/abs/(?P<id>[^)\s]+)\)")
MOVE = re.compile(r"^  - \[(?P<mark>[ x])\] move to: (?P<section>.*)$")
ADD = re.compile(r"^- \[(?P<mark>[ x])\] add \[.*?\]\(https://arxiv\.org/abs/(?P<id>[^)\s]+)\)")


def review(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), "review", *args])


def pull_of(github: GithubServer):
    """The open bot PR through the real PyGithub client, as a maintainer's browser would edit it."""
    client = Github(auth=Auth.Token(TOKEN), base_url=github.url, retry=None)
    (pull,) = github.repo(REPO).open_pulls()
    return client.get_repo(REPO).get_pull(pull.number)


def body_of(github: GithubServer) -> str:
    (pull,) = github.repo(REPO).open_pulls()
    return pull.body


def paper_items(body: str) -> dict[str, tuple[bool, dict[str, bool]]]:
    """arXiv id -> (item ticked, {move section: ticked}) as the rendered body shows them."""
    part = body.split("<!-- kd-tracker:papers -->", 1)[1].split("<!-- kd-tracker:papers-end -->", 1)[0]
    out: dict[str, tuple[bool, dict[str, bool]]] = {}
    current = None
    for line in part.splitlines():
        if m := ITEM.match(line):
            current = m.group("id")
            out[current] = (m.group("mark") == "x", {})
        elif (m := MOVE.match(line)) and current is not None:
            out[current][1][m.group("section")] = m.group("mark") == "x"
    return out


def overflow_items(body: str) -> dict[str, bool]:
    if "<!-- kd-tracker:overflow -->" not in body:
        return {}
    part = body.split("<!-- kd-tracker:overflow -->", 1)[1].split("<!-- kd-tracker:overflow-end -->", 1)[0]
    return {m.group("id"): m.group("mark") == "x" for line in part.splitlines() if (m := ADD.match(line))}


def tick_edit(body: str, *, untick: tuple[str, ...] = (), move: tuple[str, str] | None = None,
              add: tuple[str, ...] = (), retick: tuple[str, ...] = ()) -> str:
    """The body a maintainer leaves: item checkboxes of the RENDERED text flipped, nothing else touched."""
    lines = body.split("\n")
    current = None
    in_papers = False
    for n, line in enumerate(lines):
        if line.strip() == "<!-- kd-tracker:papers -->":
            in_papers = True
        elif line.strip() == "<!-- kd-tracker:papers-end -->":
            in_papers = False
        if in_papers and (m := ITEM.match(line)):
            current = m.group("id")
            if current in untick:
                assert line.startswith("- [x] [")
                lines[n] = line.replace("- [x] [", "- [ ] [", 1)
            if current in retick:
                assert line.startswith("- [ ] [")
                lines[n] = line.replace("- [ ] [", "- [x] [", 1)
        elif in_papers and move and current == move[0] and (m := MOVE.match(line)) and m.group("section") == move[1]:
            lines[n] = line.replace("  - [ ] move to:", "  - [x] move to:", 1)
        elif (m := ADD.match(line)) and m.group("id") in add:
            lines[n] = line.replace("- [ ] add", "- [x] add", 1)
    edited = "\n".join(lines)
    assert edited != body
    return edited


def sections_in(readme: str) -> dict[str, list[str]]:
    """arXiv id -> the sections its rows sit in (parsed as the list)."""
    where: dict[str, list[str]] = {}
    for row in ListDocument.parse(readme).rows():
        if row.arxiv_id:
            where.setdefault(row.arxiv_id, []).append(row.section)
    return where


def write_config(setup: Path, **model: object) -> Path:
    text = setup.read_text()
    for key, value in model.items():
        text = re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", text) if f"  {key}:" in text else \
            text.replace("model:\n", f"model:\n  {key}: {value}\n")
    setup.write_text(text)
    return setup


def first_week(setup: Path, github: GithubServer, threshold: float) -> str:
    """The run of the week of 2024-03-18 with ``model.threshold`` at ``threshold``: the body of the PR it opens."""
    write_config(setup, threshold=threshold)
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    return body_of(github)


def test_ticks_in_the_rendered_body_are_applied_by_review_and_kept_by_the_next_run(setup, github):
    body = first_week(setup, github, 0.05)
    items = paper_items(body)
    meta = parse_pr_metadata(body)
    assert set(items) == set(meta.arxiv_ids) and all(ticked for ticked, _ in items.values())
    movable = [pid for pid, (_, moves) in items.items() if moves]
    assert movable, "the real week offers a move to item"
    mover = movable[0]
    shown_section = next(iter(items[mover][1]))
    section = html.unescape(shown_section)  # the body shows the section path escaped
    dropped = tuple(pid for pid in items if pid != mover)[:2]
    # a browser sends the edited textarea back with CRLF line ends
    pull_of(github).edit(body=tick_edit(body, untick=dropped, move=(mover, shown_section)).replace("\n", "\r\n"))

    result = review(setup)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 2 dropped, 1 moved, 0 added; updated PR #1"), result.stdout
    readme = branch_readme(github)
    where = sections_in(readme)
    assert not set(dropped) & set(where), "the unticked rows are gone"
    assert where[mover] == [section], "the moved row sits in the chosen section and nowhere else"
    repo = github.repo(REPO)
    ahead = repo.commits_ahead(BRANCH)
    assert len(ahead) == 1 and ahead[0].parents == (repo.branch_sha("main"),)
    shown = paper_items(body_of(github))
    assert all(shown[pid][0] is False for pid in dropped), "the dropped papers are still shown, unticked"
    assert shown[mover][0] and shown[mover][1][shown_section] is True, "the move tick is kept"
    with Store(setup.parent / "kd.db") as store:
        labels = {(lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source) for lb in LabelStore(store).all()}
    old = meta.sections[mover][0]
    assert labels >= {(dropped[0], 0, "", "dropped", "tick"), (dropped[1], 0, "", "dropped", "tick"),
                      (mover, 0, old, "moved", "tick"), (mover, 1, section, "moved", "tick")}
    again = review(setup)
    assert (again.exit_code, again.stdout) == (0, "nothing to apply: the ticks of PR #1 are applied already\n")

    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    later = parse_pr_metadata(body_of(github))
    assert not set(dropped) & set(later.arxiv_ids), "the dropped papers are not proposed again"
    where = sections_in(branch_readme(github))
    assert not set(dropped) & set(where)
    assert where[mover] == [section], "the move is kept"
    shown = paper_items(body_of(github))
    assert shown[mover][0] and shown[mover][1][shown_section] is True, "the move tick is still shown"
    assert all(shown[pid][0] is False for pid in dropped), "the dropped papers are still shown, unticked"
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 1



def test_ticked_overflow_paper_is_added_and_carried_papers_stay_when_30_new_pass(setup, github):
    body = first_week(setup, github, 0.0043)  # 40 papers of the real week over it
    meta = parse_pr_metadata(body)
    assert (len(meta.papers), len(meta.overflow)) == (15, 25)
    offered = overflow_items(body)
    assert set(offered) == {p.arxiv_id for p in meta.overflow} and not any(offered.values())
    assert "25 more above the threshold (past the cap of 15 papers per PR)" in body
    chosen = meta.overflow[3].arxiv_id
    pull_of(github).edit(body=tick_edit(body, add=(chosen,)))

    result = review(setup)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 0 dropped, 0 moved, 1 added; updated PR #1"), result.stdout
    where = sections_in(branch_readme(github))
    assert chosen in where, "the README on the branch gets the added paper's row"
    after = parse_pr_metadata(body_of(github))
    assert len(after.papers) == 16 and chosen in after.arxiv_ids
    assert chosen not in {p.arxiv_id for p in after.overflow} and len(after.overflow) == 24
    assert paper_items(body_of(github))[chosen][0] is True
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 1

    # one more add ticked, applied by the next week's run this time
    late = next(p.arxiv_id for p in after.overflow if p.arxiv_id != chosen)
    pull_of(github).edit(body=tick_edit(body_of(github), add=(late,)))
    write_config(setup, threshold=0.003)  # the next week: 30 and more new papers over it
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    later = parse_pr_metadata(body_of(github))
    week1 = {p.arxiv_id for p in (*meta.papers, *meta.overflow)}
    new = {p.arxiv_id for p in (*later.papers, *later.overflow)} - week1
    assert len(new) >= 30, len(new)
    assert set(after.arxiv_ids) <= set(later.arxiv_ids), "every paper carried from week 1 is still in the PR"
    assert late in later.arxiv_ids and len(later.papers) == 17
    where = sections_in(branch_readme(github))
    assert set(later.arxiv_ids) <= set(where)
    assert len(github.repo(REPO).commits_ahead(BRANCH)) == 1


def test_ticks_with_the_markers_deleted_apply_nothing(setup, github):
    body = first_week(setup, github, 0.05)
    ids = list(paper_items(body))
    edited = tick_edit(body, untick=tuple(ids[:2]))
    edited = edited.replace("<!-- kd-tracker:papers -->\n", "").replace("<!-- kd-tracker:papers-end -->\n", "")
    edited = edited.replace("<!-- kd-tracker:overflow -->\n", "").replace("<!-- kd-tracker:overflow-end -->\n", "")
    assert "kd-tracker:papers" not in edited
    pull_of(github).edit(body=edited)
    readme = branch_readme(github)
    writes = len(github.writes)

    result = review(setup)
    assert (result.exit_code, result.stdout) == (0, "nothing to apply: PR #1 shows no ticks kd-tracker can read\n")
    assert branch_readme(github) == readme and len(github.writes) == writes
    with Store(setup.parent / "kd.db") as store:
        assert [lb for lb in LabelStore(store).all() if lb.source == "tick"] == []
        assert not set(ids[:2]) & LabelStore(store).rejected_ids()

    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    assert set(ids) <= set(parse_pr_metadata(body_of(github)).arxiv_ids), "nothing dropped by the next run either"


def test_a_dropped_paper_stays_shown_unticked_and_re_ticking_brings_it_back(setup, github):
    body = first_week(setup, github, 0.05)
    ids = list(paper_items(body))
    gone, other = ids[0], ids[1]
    pull_of(github).edit(body=tick_edit(body, untick=(gone,)))
    assert review(setup).stdout.startswith("PR #1: 1 dropped, 0 moved, 0 added; updated PR #1")

    # a second review with another drop: the first drop is carried in the metadata and still shown unticked
    pull_of(github).edit(body=tick_edit(body_of(github), untick=(other,)))
    assert review(setup).stdout.startswith("PR #1: 1 dropped, 0 moved, 0 added; updated PR #1")
    meta = parse_pr_metadata(body_of(github))
    assert {p.arxiv_id for p in meta.dropped} == {gone, other}
    shown = paper_items(body_of(github))
    assert shown[gone][0] is False and shown[other][0] is False
    assert not {gone, other} & set(sections_in(branch_readme(github)))

    # the next week's run: still shown unticked
    second = run(setup, "--as-of", "2024-03-25")
    assert second.exit_code in (0, 2), second.output
    shown = paper_items(body_of(github))
    assert shown[gone][0] is False and shown[other][0] is False
    assert {p.arxiv_id for p in parse_pr_metadata(body_of(github)).dropped} == {gone, other}

    # re-ticking brings it back: its row, its tick, no longer rejected
    pull_of(github).edit(body=tick_edit(body_of(github), retick=(gone,)))
    result = review(setup)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PR #1: 0 dropped, 0 moved, 0 added, 1 ticked again; updated PR #1"), result.stdout
    assert gone in sections_in(branch_readme(github))
    meta = parse_pr_metadata(body_of(github))
    assert gone in meta.arxiv_ids and [p.arxiv_id for p in meta.dropped] == [other]
    shown = paper_items(body_of(github))
    assert shown[gone][0] is True and shown[other][0] is False
    with Store(setup.parent / "kd.db") as store:
        assert gone not in LabelStore(store).rejected_ids() and other in LabelStore(store).rejected_ids()
    third = run(setup, "--as-of", "2024-04-01")
    assert third.exit_code in (0, 2), third.output
    assert gone in parse_pr_metadata(body_of(github)).arxiv_ids, "the next run keeps the re-ticked paper"
    assert paper_items(body_of(github))[other][0] is False


def test_a_moved_paper_can_be_moved_back_to_the_section_the_model_chose(setup, github):
    body = first_week(setup, github, 0.05)
    items = paper_items(body)
    mover = next(pid for pid, (_, moves) in items.items() if moves)
    target = next(iter(items[mover][1]))
    origin = parse_pr_metadata(body).sections[mover][0]
    pull_of(github).edit(body=tick_edit(body, move=(mover, target)))
    assert review(setup).stdout.startswith("PR #1: 0 dropped, 1 moved, 0 added; updated PR #1")
    assert sections_in(branch_readme(github))[mover] == [html.unescape(target)]
    offered = paper_items(body_of(github))[mover][1]
    shown_origin = next((s for s in offered if html.unescape(s) == origin), None)
    assert shown_origin is not None, f"the section it left is offered as a move: {offered}"

    pull_of(github).edit(body=tick_edit(body_of(github), move=(mover, shown_origin)))
    result = review(setup)
    assert result.stdout.startswith("PR #1: 0 dropped, 1 moved, 0 added; updated PR #1"), result.output
    assert sections_in(branch_readme(github))[mover] == [origin]
    shown = paper_items(body_of(github))[mover][1]
    assert shown[shown_origin] is True and shown[target] is False
