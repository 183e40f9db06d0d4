"""A list split into two files (``list.path: [README.md, docs/skills.md]``), end to end: `kd-tracker run`
against the local arXiv and GitHub servers opens ONE PR with ONE commit that changes both files, its body names
each section with its file, and a second run leaves the branch as it is.

The list is the real README from just before the maintainers' first weekly update, split by topic: README.md
keeps the intro, the News and "KD Algorithms"; docs/skills.md holds "Skill Distillation" and
"Verticalization Distillation".
"""

from __future__ import annotations

import re

import pytest

from devservers.github_server import GithubServer
from tests.conftest import requires_shared
from tests.pipeline.weekly_sample import BEFORE, BOT, BRANCH, REPO, TOKEN, pr_proposals, run
from tracker.listdoc import ListDocument, ListSet

pytestmark = requires_shared

SKILLS = "docs/skills.md"


def split_list() -> dict[str, str]:
    """The real README split into README.md and docs/skills.md at the "## Skill Distillation" heading."""
    lines = BEFORE.read_text(encoding="utf-8").split("\n")
    start = lines.index("## Skill Distillation")
    end = lines.index("## Citation")
    readme = "\n".join(lines[:start] + lines[end:])
    skills = "\n".join(["# Skills and Verticals", "", *lines[start:end]]) + "\n"
    return {"README.md": readme, SKILLS: skills}


@pytest.fixture
def github(github_server: GithubServer) -> GithubServer:
    """The repository holds the list as two files from its first commit."""
    github_server.add_token(TOKEN, BOT)
    github_server.add_repo(REPO, split_list())
    return github_server


@pytest.fixture
def split(setup):
    """The config names both files."""
    files = split_list()
    text = setup.read_text().replace(f"  repo: {REPO}\n", f"  repo: {REPO}\n  path: [README.md, {SKILLS}]\n")
    text = text.replace("  threshold: 0.3\n", "  threshold: 0.1\n")  # a week with papers for both files
    setup.write_text(text)
    return files


def test_split_fixture_reads_as_the_whole_list():
    files = split_list()
    whole = ListDocument.parse(BEFORE.read_text(encoding="utf-8"))
    lists = ListSet.parse(files)
    assert len(lists.rows()) == len(whole.rows())
    assert lists.find_section(f"{SKILLS} › Skill Distillation > Context Following > Instruction Following").rows
    assert lists.find_section("README.md › KD Algorithms > Knowledge Elicitation > Labeling").rows
    assert {s.path.split(" › ")[0] for s in lists.sections()} == {"README.md", SKILLS}


def test_weekly_run_on_a_split_list_opens_one_pr_with_one_commit_changing_both_files(split, setup, github):
    first = run(setup, "--as-of", "2024-03-18")
    assert first.exit_code in (0, 2), first.output
    assert "PR:         created PR #1:" in first.output
    repo = github.repo(REPO)
    assert [p.number for p in repo.open_pulls()] == [1]
    (commit,) = repo.commits_ahead(BRANCH)
    proposals = pr_proposals(github)
    sections = {s for secs in proposals.values() for s in secs}
    assert sections and all(s.startswith(("README.md › ", f"{SKILLS} › ")) for s in sections), sections
    assert any(s.startswith(f"{SKILLS} › ") for s in sections), sections
    # both files changed, only by new lines, each paper in its section of its file
    base = ListSet.parse(split)
    new = ListSet.parse({path: repo.file(BRANCH, path) for path in split})
    for path, text in split.items():
        after = repo.file(BRANCH, path)
        assert after != text, path
        old_lines = text.split("\n")
        assert [line for line in after.split("\n") if line in set(old_lines)] == old_lines, path
    where: dict[str, set[str]] = {}
    for row in new.rows():
        if row.arxiv_id:
            where.setdefault(row.arxiv_id, set()).add(row.section)
    for arxiv_id, secs in proposals.items():
        assert set(secs) <= where[arxiv_id], arxiv_id
        assert not base.contains(arxiv_id), "never a paper already in either file"
    assert len(new.rows()) - len(base.rows()) == sum(len(s) for s in proposals.values())
    # the body shows each section named with its file
    (pull,) = repo.open_pulls()
    shown = set(re.findall(r"(?:README\.md|docs/skills\.md) › [^\n|*]+", pull.body))
    assert any(s.startswith(f"{SKILLS} › ") for s in shown), pull.body[:2000]
    assert any(s.startswith("README.md › ") for s in shown)

    second = run(setup, "--as-of", "2024-03-18")
    assert second.exit_code in (0, 2), second.output
    assert re.search(r"PR:         (unchanged|updated) PR #1:", second.output), second.output
    assert [p.number for p in repo.open_pulls()] == [1]
    assert [c.sha for c in repo.commits_ahead(BRANCH)] == [commit.sha], "the same list: the bot's commit is kept"


def test_dry_run_on_a_split_list_writes_each_changed_file(split, setup, tmp_path):
    outdir = tmp_path / "preview"
    result = run(setup, "--as-of", "2024-03-18", "--dry-run", str(outdir))
    assert result.exit_code in (0, 2), result.output
    assert sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()) == [
        "DASHBOARD.md", "PR_BODY.md", "README.diff", "README.md", SKILLS]  # the dashboard issue's body beside them
    diff = (outdir / "README.diff").read_text(encoding="utf-8")
    assert diff.index("--- a/README.md\n+++ b/README.md") < diff.index(f"--- a/{SKILLS}\n+++ b/{SKILLS}")
    assert (outdir / SKILLS).read_text(encoding="utf-8") != split[SKILLS]
    assert not [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
