"""Review signals over a list split into files (``list.path`` names several): learn reads the commits of every
file and labels removals and moves in any of them; a take-over compares every file; the config accepts a path or a
list of paths."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from devservers.github_server import GithubServer
from tests.learn_sample import drop_lines
from tests.publish_sample import BOT, FEEDBACK, LABELING, README, REPO, TOKEN, config_for
from tracker.config import ListConfig, parse_config
from tracker.config_rules import ConfigProblems
from tracker.errors import ConfigError
from tracker.github.client import build_github
from tracker.review import takeover_labels
from tracker.review.learning import learn
from tracker.store.labels import LabelStore
from tracker.store.papers import Store

MORE = "docs/more.md"
VISION = """\
# More papers

## Vision
| Title | Venue | Date |
|:--|:--|:--|
| [**Omega Pixels**](https://arxiv.org/abs/2402.00020) | arXiv | 2024-02 |
| [**Psi Boxes**](https://arxiv.org/abs/2402.00021) | arXiv | 2024-02 |
"""
FILES = {"README.md": README, MORE: VISION}


def named(file: str, section: str) -> str:
    return f"{file} › {section}"


@pytest.fixture
def split_repo(github_server: GithubServer) -> GithubServer:
    github_server.add_token(TOKEN, BOT)
    github_server.add_repo(REPO, dict(FILES))
    return github_server


def run_learn(server: GithubServer, store: Store):
    config = config_for(server)
    config = dataclasses.replace(config, list=ListConfig(repo=REPO, path=("README.md", MORE)))
    return learn(build_github(config, None), REPO, config, store, today=dt.date(2024, 4, 1))


def test_learn_labels_removals_and_moves_in_any_file(split_repo: GithubServer, tmp_path) -> None:
    with Store(tmp_path / "kd.db") as store:
        assert run_learn(split_repo, store).commits == 1  # the initial commit: additions are no signal
        assert LabelStore(store).all() == []
        # a commit of docs/more.md alone: Psi dropped
        split_repo.push_commit(REPO, "main", {MORE: drop_lines(VISION, "2402.00021")}, message="Drop Psi")
        # a commit of both files: Alpha moves from README.md's Labeling to docs/more.md's Vision
        readme = drop_lines(README, "2402.00001")
        alpha = next(line for line in README.split("\n") if "2402.00001" in line)
        vision = drop_lines(VISION, "2402.00021").replace("|:--|:--|:--|\n", "|:--|:--|:--|\n" + alpha + "\n")
        split_repo.push_commit(REPO, "main", {"README.md": readme, MORE: vision}, message="Alpha is vision")
        report = run_learn(split_repo, store)
        labels = LabelStore(store).all()
        assert report.commits == 2
        assert sorted((lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source) for lb in labels) == [
            ("2402.00001", 0, named("README.md", LABELING), "moved", "commit"),
            ("2402.00001", 1, named(MORE, "Vision"), "moved", "commit"),
            ("2402.00021", 0, "", "removed", "commit"),
        ]
        # the cursor: nothing new is read again; a commit of README.md alone is read
        assert run_learn(split_repo, store).commits == 0
        split_repo.push_commit(REPO, "main", {"README.md": drop_lines(readme, "2401.00002")}, message="Drop Beta")
        again = run_learn(split_repo, store)
        assert again.commits == 1
        assert ("2401.00002", 0, "", "removed") in {(lb.arxiv_id, lb.label, lb.section, lb.kind)
                                                     for lb in LabelStore(store).all()}


def test_takeover_labels_compare_every_file() -> None:
    gamma = next(line for line in README.split("\n") if "2312.00003" in line)
    edited = {"README.md": drop_lines(README, "2312.00003"),
              MORE: VISION.replace("|:--|:--|:--|\n", "|:--|:--|:--|\n" + gamma + "\n").replace(
                  next(line for line in VISION.split("\n") if "2402.00020" in line) + "\n", "")}
    found = takeover_labels(FILES, edited, pr_number=4, date="2024-03-20")
    assert sorted((lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source, lb.ref) for lb in found) == [
        ("2312.00003", 0, named("README.md", FEEDBACK), "moved", "takeover", "4"),
        ("2312.00003", 1, named(MORE, "Vision"), "moved", "takeover", "4"),
        ("2402.00020", 0, "", "removed", "takeover", "4"),
    ]


@pytest.mark.parametrize(("yaml_path", "expected"), [
    ("README.md", "README.md"),
    ("docs/list.md", "docs/list.md"),
    ("[README.md]", ("README.md",)),
    ("[README.md, docs/vision.md]", ("README.md", "docs/vision.md")),
    ("\n    - README.md\n    - docs/nlp/llm.md", ("README.md", "docs/nlp/llm.md")),
])
def test_list_path_is_a_path_or_a_list_of_paths(yaml_path: str, expected: object) -> None:
    config = parse_config(f"list:\n  path: {yaml_path}\n", "c.yaml")
    assert config.list.path == expected
    assert config.list.files == ((expected,) if isinstance(expected, str) else expected)
    assert config.list.shown == ", ".join(config.list.files)


def test_one_path_is_kept_as_before() -> None:
    """A string is not split on commas (as other list settings are) and is only required not to be empty."""
    assert parse_config("list:\n  path: 'a, b.md'\n", "c.yaml").list.files == ("a, b.md",)
    assert parse_config("list:\n  path: /abs/README.md\n", "c.yaml").list.path == "/abs/README.md"
    with pytest.raises(ConfigError, match=r"^c.yaml:2: 'list.path' must not be empty, got ''$"):
        parse_config("list:\n  path: ''\n", "c.yaml")


@pytest.mark.parametrize(("yaml_path", "message"), [
    ("[]", "c.yaml:2: 'list.path' must name at least one file, got []"),
    ("[README.md, README.md]", "c.yaml:2: 'list.path' names 'README.md' twice; name each file once, "
                               "got ['README.md', 'README.md']"),
    ("[README.md, ../other/README.md]", "c.yaml:2: 'list.path' has '../other/README.md', which is not a relative "
                                        "path inside the repository (no leading '/', no '..'), "
                                        "got ['README.md', '../other/README.md']"),
    ("[/etc/list.md]", "c.yaml:2: 'list.path' has '/etc/list.md', which is not a relative path inside the "
                       "repository (no leading '/', no '..'), got ['/etc/list.md']"),
    ("[docs/a/../../b.md]", "c.yaml:2: 'list.path' has 'docs/a/../../b.md', which is not a relative path inside "
                            "the repository (no leading '/', no '..'), got ['docs/a/../../b.md']"),
    ("[docs/]", "c.yaml:2: 'list.path' has 'docs/', which is not a file path such as 'docs/vision.md', "
                "got ['docs/']"),
    ("[docs//a.md]", "c.yaml:2: 'list.path' has 'docs//a.md', which is not a file path such as "
                     "'docs/vision.md', got ['docs//a.md']"),
    ("[README.md, '']", "c.yaml:2: 'list.path' has an empty path, got ['README.md', '']"),
    ("[README.md, 3]", "c.yaml:2: 'list.path' must be a path or a list of paths, got ['README.md', 3]"),
    ("{a: b}", "c.yaml:2: 'list.path' must be a path or a list of paths, got {'a': 'b'}"),
])
def test_a_bad_list_of_paths_is_one_line_naming_the_key_and_item(yaml_path: str, message: str) -> None:
    with pytest.raises(ConfigProblems) as caught:
        parse_config(f"list:\n  path: {yaml_path}\n", "c.yaml")
    assert str(caught.value) == message
