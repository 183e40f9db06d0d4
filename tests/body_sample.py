"""Fifteen deterministic proposals with abstracts and authors, for the PR body's golden file and layout tests."""

from __future__ import annotations

from tests.publish_sample import FEEDBACK, LABELING
from tracker.records import Proposal, SectionScore

TOOLS = "Skill Distillation > Agent > Tool Using"
SECTIONS = (LABELING, FEEDBACK, TOOLS)
_TOPICS = ("rationale distillation", "reward model feedback", "tool use traces", "teacher ensembles",
           "chain of thought", "preference optimisation", "curriculum sampling")


def sample_proposal(i: int) -> Proposal:
    """Paper ``i`` (0..14): three sections, scores from 0.92 down, every third with a close alternative."""
    topic = _TOPICS[i % len(_TOPICS)]
    section = SECTIONS[i % 3]
    other = SECTIONS[(i + 1) % 3]
    abstract = (f"We study {topic} for small students. Large teachers are costly at inference time. "
                f"We distil {topic} into a 1B student and match the teacher on {i + 3} benchmarks. "
                "Code and data are released.")
    return Proposal(
        title=f"Paper {i:02d}: Distilling {topic.title()}", url=f"https://arxiv.org/abs/2403.{i + 10:05d}v2",
        sections=(section,), arxiv_id=f"2403.{i + 10:05d}", venue="ACL 2024" if i % 4 == 0 else "",
        date="2024-03", code=(f"https://github.com/lab/p{i}",) if i % 2 == 0 else (),
        data=(f"https://huggingface.co/datasets/lab/p{i}",) if i % 5 == 0 else (),
        score=round(0.92 - 0.06 * i, 4), alternatives=(SectionScore(other, 0.4),) if i % 3 == 0 else (),
        terms=(topic, "small students"), abstract=abstract,
        authors=tuple(f"Author {chr(65 + k)}{i}" for k in range(2 + i % 3)),
    )


FIFTEEN = tuple(sample_proposal(i) for i in range(15))
