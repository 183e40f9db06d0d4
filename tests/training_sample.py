"""A small seeded corpus and a list README of its papers, for the model tests (words and titles are made up)."""

from __future__ import annotations

import datetime
import random

from tracker.records import Paper

KD_WORDS = ("distillation", "teacher", "student", "distilled", "rationale", "smaller model", "synthetic instruction data")
OTHER_WORDS = ("parsing", "treebank", "speech", "translation", "morphology", "sentiment", "summarization corpus")
FILLER = ("we", "propose", "method", "results", "show", "benchmark", "model", "large language models", "experiments")
SECTIONS = {"Labeling": ("rationale", "labels", "annotate"), "Feature": ("logits", "hidden states", "divergence")}


def make_papers(n_pos: int = 30, n_neg: int = 150, seed: int = 0) -> tuple[list[Paper], dict[str, str]]:
    """Small seeded corpus: list papers (with a section each) about distillation, others about other NLP topics."""
    rng = random.Random(seed)
    papers, section_of = [], {}
    start = datetime.date(2024, 1, 1)
    for i in range(n_pos + n_neg):
        positive = i < n_pos
        section = ("Labeling", "Feature")[i % 2] if positive else ""
        pool = KD_WORDS + SECTIONS[section] if positive else OTHER_WORDS
        words = [rng.choice(pool) for _ in range(12)] + [rng.choice(FILLER) for _ in range(12)]
        rng.shuffle(words)
        title = " ".join(rng.choice(pool) for _ in range(4)).capitalize() + f" {i}"
        day = start + datetime.timedelta(days=(i * 7) % 84 + rng.randrange(0, 3))
        arxiv_id = f"2401.{i:05d}"
        papers.append(Paper(arxiv_id=arxiv_id, title=title, abstract=" ".join(words) + ".", published=day.isoformat()))
        if positive:
            section_of[arxiv_id] = section
    return papers, section_of


def make_readme(papers: list[Paper], section_of: dict[str, str]) -> str:
    """A list README in the real list's format: headings, then tables of paper rows."""
    lines = ["# Awesome KD", "", "## KD Algorithms", "### Knowledge Elicitation"]
    by_id = {p.arxiv_id: p for p in papers}
    for section in ("Labeling", "Feature"):
        lines += [f"#### {section}", "|  Title  |   Venue  |   Date   | Code | Data|",
                  "|:--------|:--------:|:--------:|:--------:|:--------:|"]
        for pid, s in section_of.items():
            if s == section:
                lines.append(f"| [**{by_id[pid].title}**](https://arxiv.org/abs/{pid}) | arXiv | 2024-01 |")
        lines.append("")
    return "\n".join(lines) + "\n"
