"""learn against the local GitHub: a merged PR edited by the maintainer, a closed PR, list commits, misses, idempotence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest

from classifiers.training import train
from devservers.github_server import GithubServer
from tests.learn_sample import (
    IOTA,
    KAPPA,
    LAMBDA_ROW,
    closed_pr,
    corpus,
    drop_lines,
    merged_pr_reviewed,
    move_row,
)
from tests.publish_sample import (
    BRANCH,
    FEEDBACK,
    LABELING,
    README,
    REPO,
    config_for,
)
from tracker.config import ModelConfig
from tracker.github.client import build_github
from tracker.listdoc.document import ListDocument
from tracker.records import ScoredPaper
from tracker.review.learning import learn
from tracker.store.labels import Label, LabelStore
from tracker.store.papers import Store
from tracker.store.runs import RunLog
from tracker.weekly.selection import select

TODAY = dt.date(2024, 4, 1)
DAY = "2024-03-19"


def run_learn(server: GithubServer, store: Store, **kwargs):
    config = config_for(server)
    return learn(build_github(config, None), REPO, config, store, today=TODAY, **kwargs)  # anonymous: reads only


def dump(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    tables = ("labels", "reviews", "learn_state")
    return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def test_merged_pr_with_two_rows_removed_and_one_moved(github: GithubServer, tmp_path) -> None:
    merged_pr_reviewed(github)
    with Store(tmp_path / "kd.db") as store:
        report = run_learn(github, store)
        labels = LabelStore(store)
        stored = labels.all()
        rejected = labels.rejected_ids()
        extra = labels.training_labels()

    assert sorted((lb.arxiv_id, lb.label, lb.section, lb.kind, lb.source, lb.ref, lb.date) for lb in stored) == [
        ("2403.00005", 1, FEEDBACK, "kept", "pr", "1", DAY),
        ("2403.00005", 1, LABELING, "kept", "pr", "1", DAY),
        ("2403.00006", 0, "", "removed", "pr", "1", DAY),
        ("2403.00008", 0, "", "removed", "pr", "1", DAY),
        ("2403.00010", 0, LABELING, "moved", "pr", "1", DAY),
        ("2403.00010", 1, FEEDBACK, "moved", "pr", "1", DAY),
    ]
    assert rejected == {"2403.00006", "2403.00008"}
    assert report.table() == "\n".join([
        "PRs read        1 (1 merged, 0 closed; 0 open, not reviewed yet)",
        "rows proposed   5",
        "rows kept       2",
        "rows moved      1",
        "rows removed    2",
        "rows rejected   0 (PRs closed without merging)",
        "list commits    2",
        "history labels  0",
        "misses          0 (added by hand, scored below 0.012)",
        "precision       0.40 (kept / proposed)",
        "recall          1.00 (2 found by the bot, 0 missed)",
        "labels          +6 -0, 6 stored; 2 papers rejected for good",
        "",
        "week      PRs proposed kept moved removed rejected precision",
        "2024-W12    1        5    2     1       2        0      0.40",
    ])

    # the next run scores the removed papers high again: they are not proposed
    head = ListDocument.parse(github.repo(REPO).file("main", "README.md"))
    papers = {p.arxiv_id: p for p in corpus()}
    scored = [ScoredPaper(papers[pid], score) for pid, score in
              (("2403.00006", 0.95), ("2403.00008", 0.9), ("2403.00011", 0.7))]
    chosen = select(scored, head, ModelConfig(), rejected=rejected)
    assert [p.arxiv_id for p in chosen.proposals] == ["2403.00011"]
    assert chosen.rejected == 2

    # retraining moves Iota toward the section the maintainer put it in
    model_config = ModelConfig(min_section_papers=1)
    before_rows = ListDocument.parse(README).rows()
    before = train(before_rows, corpus(), config=model_config)
    after = train(head.rows(), corpus(), config=model_config, extra_labels=extra)
    labels_only = train(before_rows, corpus(), config=model_config, extra_labels=extra)

    def feedback_probability(model) -> float:
        (scored_iota,) = model.score([papers[IOTA.arxiv_id]])
        return dict((s.section, s.score) for s in scored_iota.sections)[FEEDBACK]

    p_before = feedback_probability(before)
    assert feedback_probability(after) > p_before + 0.1
    assert feedback_probability(labels_only) > p_before + 0.1


def test_closed_pr_rejects_all_its_papers(github: GithubServer, tmp_path) -> None:
    number = closed_pr(github, [KAPPA, dataclasses.replace(IOTA, sections=(FEEDBACK,))])
    with Store(tmp_path / "kd.db") as store:
        report = run_learn(github, store)
        labels = LabelStore(store)
        assert sorted(labels.all()) == [
            Label("2403.00010", 0, "", "rejected", "pr", str(number), DAY, "Iota Preference Teachers"),
            Label("2403.00011", 0, "", "rejected", "pr", str(number), DAY, "Kappa Pruning"),
        ]
        assert labels.rejected_ids() == {"2403.00010", "2403.00011"}
        (review,) = labels.reviews()
    assert (report.prs_closed, report.rejected, report.kept, report.proposed) == (1, 2, 0, 2)
    assert (review.state, review.proposed, review.rejected, review.as_of, review.scores) == (
        "closed", 2, 2, "2024-03-26", (0.58, 0.52))  # the PR body's order: by score


def test_closed_pr_whose_papers_are_in_the_list_rejects_nothing(github: GithubServer, tmp_path) -> None:
    number = closed_pr(github, [KAPPA])
    kappa_row = "| [**Kappa Pruning**](https://arxiv.org/abs/2403.00011) | arXiv | 2024-03 |"
    github.push_commit(REPO, "main", {"README.md": README.replace("|:--------|:--------:|:--------:|:--------:|:--------:|\n",
                                                                   "|:--------|:--------:|:--------:|:--------:|:--------:|\n"
                                                                   + kappa_row + "\n", 1)})
    with Store(tmp_path / "kd.db") as store:
        report = run_learn(github, store)
        assert LabelStore(store).all() == []
        assert LabelStore(store).reviews()[0].pr_number == number
    assert (report.prs_closed, report.rejected, report.found) == (1, 0, 1)


def full_history(github: GithubServer) -> None:
    """PR #1 merged and edited, PR #2 closed, then a maintainer edits main by hand twice."""
    merged_pr_reviewed(github)
    closed_pr(github, [KAPPA])
    repo = github.repo(REPO)
    text = repo.file("main", "README.md")
    text = move_row(drop_lines(text, "2401.00002"), "2312.00003", "#### Labeling")  # Beta out, Gamma moved
    github.push_commit(REPO, "main", {"README.md": text}, message="Tidy")
    github.push_commit(REPO, "main", {"README.md": move_row(text + LAMBDA_ROW + "\n", "2403.00012", "#### Feedback")},
                       message="Add Lambda")


def test_list_commits_misses_and_learning_twice_gives_the_same_store(github: GithubServer, tmp_path) -> None:
    full_history(github)
    path = tmp_path / "kd.db"
    with Store(path) as store:
        log = RunLog(store)
        run = log.start(as_of=dt.date(2024, 3, 18), since=dt.date(2024, 3, 8), until=dt.date(2024, 3, 17), dry_run=False)
        papers = {p.arxiv_id: p for p in corpus()}
        log.record_scores(run, [ScoredPaper(papers["2403.00012"], 0.003)], proposed=[])
        first = run_learn(github, store)
    snapshot = dump(path)
    tidy = next(c.sha for c in github.repo(REPO).git.commits.values() if c.message == "Tidy")
    assert [row[1:9] for row in snapshot["labels"]] == [
        ("2403.00005", 1, LABELING, "kept", "pr", "1", DAY, "Epsilon: Distilling Rationales"),
        ("2403.00005", 1, FEEDBACK, "kept", "pr", "1", DAY, "Epsilon: Distilling Rationales"),
        ("2403.00006", 0, "", "removed", "pr", "1", DAY, "Zeta Teachers"),
        ("2403.00010", 0, LABELING, "moved", "pr", "1", DAY, "Iota Preference Teachers"),  # PR body order:
        ("2403.00010", 1, FEEDBACK, "moved", "pr", "1", DAY, "Iota Preference Teachers"),  # by section
        ("2403.00008", 0, "", "removed", "pr", "1", DAY, "Theta Reward Critics"),
        ("2403.00011", 0, "", "rejected", "pr", "2", DAY, "Kappa Pruning"),
        ("2401.00002", 0, "", "removed", "commit", tidy, DAY, "Beta Teaching"),
        ("2312.00003", 0, FEEDBACK, "moved", "commit", tidy, DAY, "Gamma Feedback"),
        ("2312.00003", 1, LABELING, "moved", "commit", tidy, DAY, "Gamma Feedback"),
        ("2403.00012", 1, FEEDBACK, "miss", "list", "", "2024-04-01", "Lambda Feedback Loops"),
    ]
    assert (first.prs, first.commits, first.misses, first.found, first.added) == (2, 4, ("2403.00012",), 2, 11)
    assert first.recall == pytest.approx(2 / 3)

    requests_before = len(github.requests)
    with Store(path) as store:
        second = run_learn(github, store)
    assert dump(path) == snapshot
    assert (second.added, second.dropped, second.commits, second.total) == (0, 0, 0, 11)
    # the second learn read no list version: only the PRs, the head and the (empty) commit list
    paths = [r.path.removeprefix(f"/repos/{REPO}") for r in github.requests[requests_before:]]
    assert [p for p in paths if p.startswith("/contents")] == ["/contents/README.md"]


def test_only_commits_since_the_last_learn_are_read(github: GithubServer, tmp_path) -> None:
    with Store(tmp_path / "kd.db") as store:
        assert run_learn(github, store).commits == 1  # the initial commit
        github.push_commit(REPO, "main", {"README.md": drop_lines(README, "2402.00001")}, message="Drop Alpha")
        mark = len(github.requests)
        report = run_learn(github, store)
        labels = LabelStore(store).all()
    assert report.commits == 1
    assert [(lb.arxiv_id, lb.kind, lb.source) for lb in labels] == [("2402.00001", "removed", "commit")]
    reads = [(r.path.removeprefix(f"/repos/{REPO}"), r.query.get("ref", r.query.get("sha", ""))[:7])
             for r in github.requests[mark:] if "/contents" in r.path or r.path.endswith("/commits")]
    head = github.repo(REPO).branch_sha("main")
    initial = github.repo(REPO).git.commits[head].parents[0]
    assert reads == [("/contents/README.md", head[:7]), ("/commits", "main"),
                     ("/contents/README.md", initial[:7]), ("/contents/README.md", head[:7])]


def test_a_rejected_paper_added_by_hand_later_is_no_longer_rejected(github: GithubServer, tmp_path) -> None:
    closed_pr(github, [KAPPA])
    with Store(tmp_path / "kd.db") as store:
        run_learn(github, store)
        assert LabelStore(store).rejected_ids() == {"2403.00011"}
        kappa = "| [**Kappa Pruning**](https://arxiv.org/abs/2403.00011) | arXiv | 2024-03 |"
        github.push_commit(REPO, "main", {"README.md": move_row(README + kappa + "\n", "2403.00011", "#### Labeling")})
        report = run_learn(github, store)
        assert LabelStore(store).rejected_ids() == set()
        assert report.rejected == 0  # the closed PR's paper is in the list now: no rejection
        assert [(lb.arxiv_id, lb.kind) for lb in LabelStore(store).all()] == []
        assert report.dropped == 1


def test_the_branch_of_the_bot_is_the_one_read(github: GithubServer, tmp_path) -> None:
    """A PR from another branch, even with metadata in its body, is not the bot's."""
    github.push_commit(REPO, "someone/else", {"README.md": drop_lines(README, "2402.00001")})
    repo = github.repo(REPO)
    from devservers.github_state import Pull

    body = 'x\n<!-- kd-tracker-metadata\n{"schema": 1, "papers": [{"arxiv_id": "2402.00001", "sections": []}]}\n-->\n'
    repo.pulls[1] = Pull(1, "t", body, "someone/else", "main", "bob", DAY, DAY, state="closed", closed_at=DAY + "T00:00:00Z")
    repo.next_number = 2
    with Store(tmp_path / "kd.db") as store:
        report = run_learn(github, store)
    assert (report.prs, report.prs_open, report.total) == (0, 0, 0)
    listed = [r for r in github.requests if r.path == f"/repos/{REPO}/pulls"]
    assert [(r.query["state"], r.query["head"]) for r in listed] == [("all", f"Tebmer:{BRANCH}")]
