"""The publish plan is decided from a snapshot with no requests: one decision tree for a run and a preview.

These tests build :class:`Snapshot`\\ s by hand (no server); the server tests
(``test_publish*.py``) check that executing a plan brings GitHub to that state.
"""

from __future__ import annotations

from dataclasses import replace

from tests.publish_sample import ALPHA_AGAIN, EPSILON, README, REPO, ZETA, context
from tracker.config import Config, GithubConfig, ListConfig
from tracker.publish.plan import Change, labels_for, needs_branch_list, plan, propose
from tracker.publish.snapshot import OpenPr, Snapshot

CONFIG = Config(list=ListConfig(repo=REPO), github=GithubConfig(labels=("kd-tracker",)))
TAKEOVER = CONFIG.github.takeover_label
FOREIGN = ("abc1234 by Alice: Fix a title",)
BASE = Snapshot("main", "0123456789abcdef", README)


def change_for(snapshot: Snapshot, *proposals) -> Change:
    return propose(snapshot, list(proposals), context(), CONFIG)


def open_pr(snapshot: Snapshot, *proposals, labels: tuple[str, ...] = ("kd-tracker",)) -> Snapshot:
    """``snapshot`` with the bot's PR open, holding the text a run with ``proposals`` would write."""
    change = change_for(snapshot, *proposals)
    pr = OpenPr(1, "https://github.test/pull/1", change.title, change.body, labels)
    return replace(snapshot, branch_sha="feed", pr=pr, branch_list=change.result.text)


def test_nothing_on_github_yet_creates_branch_and_pr() -> None:
    change = change_for(BASE, EPSILON)
    decided = plan(BASE, change, CONFIG)
    assert (decided.status, decided.update, decided.commit, decided.open_pr) == ("created", True, True, True)
    assert (decided.labels, decided.drop_label, decided.comment, decided.note) == (("kd-tracker",), None, None, "")
    assert not needs_branch_list(BASE, change)


def test_a_current_pr_is_left_unchanged_with_no_writes() -> None:
    snap = open_pr(BASE, EPSILON)
    change = change_for(snap, EPSILON)
    decided = plan(snap, change, CONFIG)
    assert decided.status == "unchanged" and decided.update
    assert (decided.commit, decided.open_pr, dict(decided.pr_edits)) == (False, False, {})
    assert needs_branch_list(snap, change) and needs_branch_list(snap, change, dry_run=True)


def test_a_new_paper_updates_commit_and_body() -> None:
    snap = open_pr(BASE, EPSILON)
    decided = plan(snap, change_for(snap, EPSILON, ZETA), CONFIG)
    assert (decided.status, decided.commit) == ("updated", True)
    assert set(decided.pr_edits) == {"title", "body"}


def test_a_missing_label_alone_is_an_update() -> None:
    snap = open_pr(BASE, EPSILON, labels=("bug",))
    decided = plan(snap, change_for(snap, EPSILON), CONFIG)
    assert (decided.status, decided.commit, dict(decided.pr_edits)) == ("updated", False, {})
    assert labels_for(snap.pr.labels, decided.labels, decided.drop_label) == ["bug", "kd-tracker"]


def test_a_title_a_maintainer_edited_is_kept() -> None:
    snap = open_pr(BASE, EPSILON)
    snap = replace(snap, pr=replace(snap.pr, title="Alice's title"))
    decided = plan(snap, change_for(snap, EPSILON, ZETA), CONFIG)
    assert set(decided.pr_edits) == {"body"}


def test_nothing_left_to_add_closes_the_pr_and_deletes_the_branch() -> None:
    snap = open_pr(BASE, EPSILON)
    decided = plan(snap, change_for(snap, ALPHA_AGAIN), CONFIG)
    assert (decided.status, decided.note, decided.close_pr, decided.delete_branch) == (
        "closed", "nothing left to add", True, True)
    assert decided.comment is not None and decided.comment[0] == "closed" and not decided.update


def test_nothing_to_add_and_no_pr_only_deletes_a_left_branch() -> None:
    snap = replace(BASE, branch_sha="feed")
    decided = plan(snap, change_for(snap, ALPHA_AGAIN), CONFIG)
    assert (decided.status, decided.note, decided.delete_branch, decided.close_pr) == (
        "unchanged", "nothing to add", True, False)
    assert plan(BASE, change_for(BASE), CONFIG).delete_branch is False


def test_others_commits_block_with_one_comment() -> None:
    snap = replace(open_pr(BASE, EPSILON), foreign=FOREIGN, branch_list=None)
    change = change_for(snap, EPSILON, ZETA)
    decided = plan(snap, change, CONFIG)
    assert decided.status == "blocked" and not (decided.update or decided.close_pr or decided.delete_branch)
    assert decided.comment is not None and decided.comment[0] == "blocked" and "abc1234" in decided.comment[1]
    assert decided.note == ("branch kd-tracker/weekly has 1 commit(s) not made by kd-tracker; add the label "
                            f"'{TAKEOVER}' to PR #1 to let kd-tracker rebuild it")
    assert not needs_branch_list(snap, change)


def test_others_branch_without_a_pr_blocks_without_a_comment() -> None:
    snap = replace(BASE, branch_sha="feed", foreign=FOREIGN)
    decided = plan(snap, change_for(snap, EPSILON), CONFIG)
    assert (decided.status, decided.comment) == ("blocked", None)
    assert decided.note.endswith("delete the branch to let kd-tracker rebuild it")
    nothing = plan(snap, change_for(snap, ALPHA_AGAIN), CONFIG)
    assert (nothing.status, nothing.note, nothing.delete_branch) == (
        "unchanged", "nothing to add; the branch is not kd-tracker's", False)


def test_the_takeover_label_rebuilds_and_is_then_removed() -> None:
    snap = open_pr(BASE, EPSILON, labels=("kd-tracker", TAKEOVER))
    snap = replace(snap, foreign=FOREIGN, takeover=True)
    change = change_for(snap, EPSILON)
    decided = plan(snap, change, CONFIG)
    assert (decided.status, decided.commit, decided.drop_label) == ("updated", True, TAKEOVER)
    assert labels_for(snap.pr.labels, decided.labels, decided.drop_label) == ["kd-tracker"]
    assert not needs_branch_list(snap, change)


def test_a_stale_branch_gets_a_fresh_commit_even_if_it_holds_the_list() -> None:
    text = change_for(BASE, EPSILON).result.text
    snap = replace(BASE, branch_sha="feed", stale_pr=1, branch_list=text)
    change = change_for(snap, EPSILON)
    decided = plan(snap, change, CONFIG)
    assert (decided.status, decided.commit, decided.open_pr, decided.rebuilt_from) == ("created", True, True, 1)
    assert not needs_branch_list(snap, change)


def test_the_bots_branch_without_a_pr_is_read_by_a_run_not_by_a_preview() -> None:
    text = change_for(BASE, EPSILON).result.text
    snap = replace(BASE, branch_sha="feed")
    change = change_for(snap, EPSILON)
    assert needs_branch_list(snap, change) and not needs_branch_list(snap, change, dry_run=True)
    decided = plan(replace(snap, branch_list=text), change, CONFIG)
    assert (decided.status, decided.commit, decided.open_pr) == ("created", False, True)


def test_an_offline_preview_reports_created_or_unchanged_with_no_note() -> None:
    snap = Snapshot.offline(README)
    assert plan(snap, change_for(snap, ZETA), CONFIG).outcome(dry_run=True).summary() == (
        "dry run: would create a PR (1 paper)")
    assert plan(snap, change_for(snap, ALPHA_AGAIN), CONFIG).outcome(dry_run=True).summary() == (
        "dry run: no PR to leave unchanged (0 papers)")


def test_the_outcome_names_the_open_pr_and_carries_the_change() -> None:
    snap = open_pr(BASE, EPSILON)
    change = change_for(snap, EPSILON, ZETA)
    outcome = plan(snap, change, CONFIG).outcome()
    assert (outcome.status, outcome.pr_number, outcome.pr_url, outcome.inserted_count) == (
        "updated", 1, "https://github.test/pull/1", 2)
    assert (outcome.readme_text, outcome.diff, outcome.body, outcome.dry_run) == (
        change.result.text, change.diff, change.body, False)


def test_labels_for_keeps_others_and_reports_none_when_right() -> None:
    assert labels_for(["kd-tracker", "bug"], ("kd-tracker",), None) is None
    assert labels_for([], ("a", "b"), None) == ["a", "b"]
    assert labels_for([TAKEOVER, "kd-tracker"], ("kd-tracker",), TAKEOVER) == ["kd-tracker"]
