"""A reviewed bot PR on the local GitHub, and a small synthetic corpus to retrain on (titles and texts are made up)."""

from __future__ import annotations

import datetime as dt

from devservers.github_server import GithubServer
from tests.publish_sample import (
    BRANCH,
    EPSILON,
    FEEDBACK,
    LABELING,
    REPO,
    TOKEN,
    ZETA,
    config_for,
    context,
)
from tracker.github.client import build_github
from tracker.publish.publisher import Publisher
from tracker.records import Paper, Proposal

THETA = Proposal(title="Theta Reward Critics", url="https://arxiv.org/abs/2403.00008", sections=(FEEDBACK,),
                 arxiv_id="2403.00008", date="2024-03", score=0.66)
IOTA = Proposal(title="Iota Preference Teachers", url="https://arxiv.org/abs/2403.00010", sections=(LABELING,),
                arxiv_id="2403.00010", date="2024-03", score=0.58)
KAPPA = Proposal(title="Kappa Pruning", url="https://arxiv.org/abs/2403.00011", sections=(LABELING,),
                 arxiv_id="2403.00011", date="2024-03", score=0.52)
LAMBDA_ROW = "| [**Lambda Feedback Loops**](https://arxiv.org/abs/2403.00012) | arXiv | 2024-03 |"
FIRST_PR = [EPSILON, ZETA, THETA, IOTA]


def publish(server: GithubServer, proposals: list[Proposal], as_of: dt.date = dt.date(2024, 3, 19)) -> int:
    config = config_for(server)
    outcome = Publisher(build_github(config, TOKEN), REPO, config).publish(proposals, context(as_of=as_of))
    assert outcome.pr_number is not None
    return outcome.pr_number


def drop_lines(text: str, *needles: str) -> str:
    return "\n".join(line for line in text.split("\n") if not any(n in line for n in needles))


def move_row(text: str, needle: str, section_heading: str) -> str:
    """Move the row containing ``needle`` to the top of the table under ``section_heading``."""
    lines = text.split("\n")
    row = next(line for line in lines if needle in line)
    lines.remove(row)
    heading = lines.index(section_heading)
    separator = next(i for i in range(heading, len(lines)) if lines[i].startswith("|:--"))
    lines.insert(separator + 1, row)
    return "\n".join(lines)


def merged_pr_reviewed(server: GithubServer) -> int:
    """PR #1 proposes Epsilon, Zeta, Theta, Iota; the maintainer removes Zeta and Theta, moves Iota to Feedback, merges."""
    number = publish(server, FIRST_PR)
    repo = server.repo(REPO)
    edited = move_row(drop_lines(repo.file(BRANCH, "README.md"), "2403.00006", "2403.00008"), "2403.00010",
                      "#### Feedback")
    server.push_commit(REPO, BRANCH, {"README.md": edited}, message="Drop two, move Iota")
    server.merge_pull(REPO, number)
    repo.refs.pop(f"refs/heads/{BRANCH}")  # "delete branch" after merging
    return number


def closed_pr(server: GithubServer, proposals: list[Proposal]) -> int:
    """A bot PR the maintainer closes without merging."""
    number = publish(server, proposals, as_of=dt.date(2024, 3, 26))
    pull = server.repo(REPO).pulls[number]
    pull.state, pull.closed_at = "closed", server.now_iso()
    server.repo(REPO).refs.pop(f"refs/heads/{BRANCH}")
    return number


WORDS = {
    LABELING: "teacher model annotates labels rationales chain of thought labeled data generation",
    FEEDBACK: "teacher feedback reward preference critique ranking student outputs judged",
    "": "speech recognition vision transformer benchmark parsing corpus tagging translation",
}


def paper(arxiv_id: str, title: str, topic: str, extra: str = "") -> Paper:
    words = WORDS[topic]
    return Paper(arxiv_id=arxiv_id, title=title, abstract=f"{title}. We study {words}. {extra} {words}.",
                 published="2024-03-01")


def corpus() -> list[Paper]:
    """The README's papers, the proposals, and unrelated papers: enough for a two-section model in a second."""
    papers = [
        paper("2402.00001", "Alpha Distillation", LABELING),
        paper("2401.00002", "Beta Teaching", LABELING),
        paper("2312.00003", "Gamma Feedback", FEEDBACK),
        paper("2403.00005", "Epsilon: Distilling Rationales", LABELING, WORDS[FEEDBACK]),
        paper("2403.00006", "Zeta Teachers", LABELING),
        paper("2403.00008", "Theta Reward Critics", FEEDBACK),
        paper("2403.00010", "Iota Preference Teachers", LABELING, WORDS[FEEDBACK]),
        paper("2403.00011", "Kappa Pruning", ""),
        paper("2403.00012", "Lambda Feedback Loops", FEEDBACK),
    ]
    papers += [paper(f"2403.1{i:04d}", f"Unrelated study {i}", "", f"topic{i} dataset{i % 5}") for i in range(30)]
    return papers
