"""The weekly threshold rule at the shipped settings, on a small trained model: a week of clearly unrelated
abstracts proposes nothing; a week built from papers like the list's proposes every one of them."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from classifiers.training import train
from tests.training_sample import FILLER, KD_WORDS, OTHER_WORDS, SECTIONS
from tracker.config import ModelConfig, load_config
from tracker.records import Paper, ScoredPaper
from tracker.weekly import proposed_by_week

ROOT = Path(__file__).resolve().parents[1]


def week_of(pool: tuple[str, ...], n: int, seed: int, prefix: str, day: str = "2024-06-04") -> list[Paper]:
    """``n`` new papers (ids and texts never seen in training) of one ISO week, their words drawn from ``pool``."""
    rng = random.Random(seed)
    papers = []
    for i in range(n):
        words = [rng.choice(pool) for _ in range(12)] + [rng.choice(FILLER) for _ in range(12)]
        rng.shuffle(words)
        title = " ".join(rng.choice(pool) for _ in range(4)).capitalize()
        papers.append(Paper(arxiv_id=f"{prefix}.{i:05d}", title=title, abstract=" ".join(words) + ".", published=day))
    return papers


@pytest.fixture(scope="module")
def scorer(corpus):
    papers, rows = corpus
    model = train(rows, papers, config=ModelConfig(min_section_papers=2), list_file="README.md", list_text="x")

    def scored(week: list[Paper]) -> list[ScoredPaper]:
        return [ScoredPaper(p, float(s)) for p, s in zip(week, model.relevance_scores(week), strict=True)]
    return scored


def test_the_shipped_threshold_is_the_configs():
    # the rule measured here is the one a user gets: config.yaml and the defaults agree
    assert load_config(ROOT / "config.yaml").model.threshold == ModelConfig().threshold


def test_a_week_of_unrelated_abstracts_proposes_nothing(scorer):
    unrelated = week_of(OTHER_WORDS, 300, seed=11, prefix="2406")
    assert proposed_by_week(scorer(unrelated), ModelConfig()) == set()


def test_a_week_built_from_list_like_papers_proposes_all_of_them(scorer):
    relevant = week_of(KD_WORDS + SECTIONS["Labeling"], 12, seed=12, prefix="2406")
    assert proposed_by_week(scorer(relevant), ModelConfig()) == {p.arxiv_id for p in relevant}


def test_a_mixed_week_proposes_exactly_its_relevant_papers_and_the_cap_still_bounds_it(scorer):
    relevant = week_of(KD_WORDS + SECTIONS["Feature"], 9, seed=13, prefix="2406")
    unrelated = week_of(OTHER_WORDS, 400, seed=14, prefix="2407")
    scored = scorer(relevant + unrelated)
    assert proposed_by_week(scored, ModelConfig()) == {p.arxiv_id for p in relevant}
    # as many proposals as the week has relevant papers, not the cap; a lower cap cuts the best first
    capped = proposed_by_week(scored, dataclasses.replace(ModelConfig(), proposals_per_pr=4))
    best = sorted(scored[:9], key=lambda s: -s.score)[:4]
    assert capped == {s.paper.arxiv_id for s in best}


def test_each_week_is_sized_alone(scorer):
    # a rich week and a quiet week together: each proposes its own relevant papers, none borrows the other's room
    rich = week_of(KD_WORDS, 10, seed=15, prefix="2406") + week_of(OTHER_WORDS, 200, seed=16, prefix="2407")
    quiet = (week_of(KD_WORDS, 2, seed=17, prefix="2408", day="2024-06-11")
             + week_of(OTHER_WORDS, 200, seed=18, prefix="2409", day="2024-06-11"))
    proposed = proposed_by_week(scorer(rich + quiet), ModelConfig())
    assert proposed == {p.arxiv_id for p in rich[:10] + quiet[:2]}
