"""A maintainer's edits to the bot's PR are kept: notes below the marker, and an edited title.

The bot owns the body above ``NOTES_MARKER`` (rewritten every run); text below
it is the maintainers' and is carried into every rewrite. The bot records the
hash of the title it set; a title that no longer matches was edited by a person
and is left alone.
"""

from __future__ import annotations

import pytest

from devservers.github_server import GithubServer
from tests.publish_sample import (
    EPSILON,
    FEEDBACK,
    REPO,
    ZETA,
    context,
    publisher,
)
from tracker.github.metadata import parse_pr_metadata
from tracker.publish.body import NOTES_MARKER, notes_of, render_footer, title_edited, with_notes
from tracker.records import Proposal

BOT_TITLE = "Weekly update: 1 new papers (2024-03-11..2024-03-18)"
NOTE = "\n\nAlice: I checked sections, rows 1-3 are fine."


def test_the_body_ends_with_the_notes_marker(github: GithubServer) -> None:
    outcome = publisher(github).publish([EPSILON], context())
    body = github.repo(REPO).pulls[1].body
    assert body == outcome.body and body.endswith(f"\n{NOTES_MARKER}\n")
    assert "_Review notes written below this line are kept when kd-tracker updates this pull request; " \
           "so is a title you edit._" in body


def test_a_maintainer_s_title_and_note_survive_the_next_runs(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    pull.title = "Weekly update (reviewed by Alice, do not touch)"
    pull.body = pull.body + NOTE

    same = publisher(github).publish([EPSILON], context())
    assert same.status == "unchanged"
    more = publisher(github).publish([EPSILON, ZETA], context())

    assert more.status == "updated"
    assert pull.title == "Weekly update (reviewed by Alice, do not touch)"
    assert pull.body.endswith(f"{NOTES_MARKER}\n{NOTE}") and pull.body.count(NOTE) == 1
    assert pull.body == more.body
    assert parse_pr_metadata(pull.body).arxiv_ids == ("2403.00005", "2403.00006")  # the bot's part is current


def test_an_unedited_title_follows_the_count(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    publisher(github).publish([EPSILON, ZETA], context())
    assert github.repo(REPO).pulls[1].title == "Weekly update: 2 new papers (2024-03-11..2024-03-18)"


def test_a_note_with_crlf_line_ends_is_kept_verbatim(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    pull.body = pull.body.replace("\n", "\r\n") + "\r\nBob: move Epsilon?\r\n"

    publisher(github).publish([EPSILON, ZETA], context())

    assert pull.body.endswith(f"{NOTES_MARKER}\r\n\r\nBob: move Epsilon?\r\n")
    assert "\r" not in pull.body.partition(NOTES_MARKER)[0]


def test_edits_above_the_marker_are_the_bot_s_to_rewrite(github: GithubServer) -> None:
    first = publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    pull.body = pull.body.replace("**kd-tracker proposes 1 paper**", "**kd-tracker proposes 1 paper (hm)**")

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "updated" and pull.body == first.body


def test_a_pr_from_before_the_footer_gets_the_bot_title_and_the_footer(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    pull.title, pull.body = "Weekly update: 7 new papers (old)", pull.body.partition("\n---\n")[0] + "\n"

    outcome = publisher(github).publish([EPSILON], context())

    assert outcome.status == "updated"
    assert (pull.title, pull.body) == (BOT_TITLE, outcome.body)


def test_the_preview_counts_an_edited_title_and_a_note_as_unchanged(github: GithubServer, tmp_path) -> None:
    publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    pull.title, pull.body = "Reviewed by Alice", pull.body + NOTE

    outcome = publisher(github, token=None).preview([EPSILON], context(), tmp_path)

    assert outcome.status == "unchanged"
    assert (tmp_path / "PR_BODY.md").read_text().endswith(f"{NOTES_MARKER}\n{NOTE}")


def test_long_notes_make_room_by_cutting_near_misses(github: GithubServer) -> None:
    publisher(github).publish([EPSILON], context())
    pull = github.repo(REPO).pulls[1]
    notes = "\n\n" + "A long review. " * 3000  # 45,000 characters
    pull.body = pull.body + notes
    many = [Proposal(title="N" * 300 + str(i), url=f"https://arxiv.org/abs/2403.{i:05d}", sections=(FEEDBACK,),
                     arxiv_id=f"2403.{i:05d}", date="2024-03", score=0.4) for i in range(200)]

    publisher(github).publish([EPSILON, ZETA], context(near_misses=many))

    assert pull.body.endswith(notes) and len(pull.body) <= 65_536
    assert 0 < len(parse_pr_metadata(pull.body).near_misses) < 200


@pytest.mark.parametrize("notes", ["", "\n", "\n\nnote", "\r\nnote " + NOTES_MARKER + " again\n"])
def test_notes_round_trip(notes: str) -> None:
    body = with_notes("bot text" + render_footer("T"), notes)
    assert notes_of(body) == (notes if notes.strip() else "")
    assert with_notes("bot text" + render_footer("T"), notes_of(body)) == body


def test_title_edited_compares_with_the_recorded_title() -> None:
    body = with_notes("x" + render_footer("Bot title"), "")
    assert not title_edited("Bot title", body)
    assert title_edited("Alice's title", body)
    assert not title_edited("Alice's title", "a body without the record")
    fake = with_notes("x" + render_footer("Bot title"), "\n" + render_footer("Alice's title"))
    assert title_edited("Alice's title", fake)  # a record below the marker is a maintainer's text, not the bot's
