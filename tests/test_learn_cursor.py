"""learn's list-commit cursor when the repository no longer has that commit (re-created, history rewritten).

Everything goes through PyGithub against the local GitHub (devservers/), whose
``rewrite_history`` re-makes every commit and force-pushes every branch.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from devservers.github_server import GithubServer
from tests.learn_sample import drop_lines
from tests.publish_sample import (
    README,
    REPO,
    config_for,
)
from tracker.github.client import build_github
from tracker.review.learning import learn
from tracker.store.labels import LabelStore
from tracker.store.papers import Store

KEY = f"list_commit:{REPO}"


def run_learn(server: GithubServer, store: Store, **kwargs):
    config = config_for(server)
    return learn(build_github(config, None), REPO, config, store, today=dt.date(2024, 4, 1), **kwargs)


def cursor_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "tracker.review.learning"]


def head(server: GithubServer) -> str:
    return server.repo(REPO).branch_sha("main") or ""


@pytest.mark.parametrize("drop_old", [True, False], ids=["commit-gone", "commit-on-no-branch"])
def test_a_cursor_the_history_lacks_is_dropped_with_one_warning(github: GithubServer, tmp_path, caplog,
                                                                 drop_old: bool) -> None:
    with Store(tmp_path / "kd.db") as store:
        run_learn(github, store)
        old_cursor = LabelStore(store).state(KEY)
        assert old_cursor == head(github)
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001")}, message="Drop Alpha")
        github.rewrite_history(REPO, drop_old=drop_old)
        assert (old_cursor in github.repo(REPO).git.commits) is not drop_old
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tracker.review.learning"):
            report = run_learn(github, store)
        labels = LabelStore(store)
        assert labels.state(KEY) == head(github)
        learned = [(lb.arxiv_id, lb.kind, lb.source, lb.ref) for lb in labels.all()]
        assert report.commits == 2  # the initial commit and "Drop Alpha", re-made: the whole history from the head
    (warning,) = cursor_warnings(caplog)
    assert old_cursor[:12] in warning
    assert "re-created or history rewritten" in warning and "main" in warning and REPO in warning
    assert learned == [("2402.00001", "removed", "commit", head(github))]

    with Store(tmp_path / "kd.db") as store:  # the new cursor holds: the next learn reads nothing, warns nothing
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tracker.review.learning"):
            again = run_learn(github, store)
    assert (again.commits, again.added, cursor_warnings(caplog)) == (0, 0, [])


def test_a_lost_cursor_beyond_the_commit_cap_is_checked_with_compare(github: GithubServer, tmp_path, caplog) -> None:
    """More list commits than ``max_commits`` since the cursor: only GitHub's compare tells a lost cursor apart."""
    with Store(tmp_path / "kd.db") as store:
        run_learn(github, store)
        old_cursor = LabelStore(store).state(KEY)
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001")}, message="Drop Alpha")
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001", "2401.00002")},
                           message="Drop Beta")
        github.rewrite_history(REPO)
        mark = len(github.requests)
        with caplog.at_level(logging.WARNING, logger="tracker.review.learning"):
            report = run_learn(github, store, max_commits=1)
        labels = LabelStore(store)
        assert labels.state(KEY) == head(github)
        learned = [(lb.arxiv_id, lb.kind) for lb in labels.all()]
    (warning,) = cursor_warnings(caplog)
    assert old_cursor[:12] in warning
    assert report.commits == 1
    assert learned == [("2401.00002", "removed")]  # the newest commit, diffed against its parent
    compares = [r for r in github.requests[mark:] if "/compare/" in r.path]
    assert [(r.path.rpartition("/")[2], r.status) for r in compares] == [(f"{old_cursor}...main", 404)]


def test_a_cursor_still_on_the_branch_beyond_the_cap_is_kept(github: GithubServer, tmp_path, caplog) -> None:
    with Store(tmp_path / "kd.db") as store:
        run_learn(github, store)
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001")}, message="Drop Alpha")
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001", "2401.00002")},
                           message="Drop Beta")
        with caplog.at_level(logging.WARNING, logger="tracker.review.learning"):
            report = run_learn(github, store, max_commits=1)
        learned = sorted((lb.arxiv_id, lb.kind) for lb in LabelStore(store).all())
    assert cursor_warnings(caplog) == []
    assert report.commits == 1
    # diffed from the cursor's text: both removals since the last learn count
    assert learned == [("2401.00002", "removed"), ("2402.00001", "removed")]
