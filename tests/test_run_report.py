"""The run's one-screen summary as markdown (the GitHub job summary): the PR, the gaps, the proposals, escaped."""

from __future__ import annotations

from datetime import date

from tracker.publish import PublishOutcome
from tracker.records import Proposal
from tracker.weekly import HarvestReport, RunReport, outcome_markdown
from tracker.weekly.selection import Selection

EVIL = Proposal(title="Distil <img src=x> | [click](javascript:alert(1)) @alice #12", url="javascript:alert(1)",
                sections=("Labeling | x",), arxiv_id="2403.00001", score=0.93)
GOOD = Proposal(title="Small *Students*", url="https://arxiv.org/abs/2403.00002", sections=("Feedback",),
                arxiv_id="2403.00002", score=0.0123)
NEAR = Proposal(title="Near", url="https://arxiv.org/abs/2403.00003", sections=("Feedback",), score=0.0041)


def outcome(status: str = "created", note: str = "", url: str | None = "https://github.com/o/l/pull/7",
            dry_run: bool = False) -> PublishOutcome:
    return PublishOutcome(status, 7, url, 2, "", "", "", note=note, dry_run=dry_run)  # type: ignore[arg-type]


def test_the_markdown_summary_names_the_pr_gaps_and_proposals_with_untrusted_text_escaped():
    report = RunReport(date(2024, 3, 18), date(2024, 3, 8), date(2024, 3, 18), score_since=date(2024, 3, 11),
                       harvest=HarvestReport(date(2024, 3, 8), date(2024, 3, 18), gaps={date(2024, 3, 12): ["x"]}),
                       papers_in_window=412, trained=True, model_version="20240318-abcdef12",
                       selection=Selection((EVIL, GOOD), (NEAR,), in_list=3, rejected=1, over_limit=0),
                       outcome=outcome(note="1 commit by @bob: fix | table"), given_up_gaps=[date(2024, 2, 1)])
    assert report.markdown() == (
        "### kd-tracker run as of 2024-03-18\n"
        "\n"
        "Window 2024-03-08..2024-03-18, scoring from 2024-03-11: 412 papers; model 20240318-abcdef12 (retrained).\n"
        "\n"
        "**Pull request:** [PR #7](https://github.com/o/l/pull/7): created (2 papers); 1 commit by `@`bob: fix \\| table\n"
        "\n"
        "**Gaps:** 2024-03-12 (the next runs re-read them)\n"
        "**Gaps given up:** 2024-02-01 (past `arxiv.gap_lookback_days`; re-read with `kd-tracker fetch --since`)\n"
        "\n"
        "**Proposals:** 2 (skipped: 3 in the list, 1 rejected before, 0 over the limit)\n"
        "\n"
        "| Score | Paper | Section |\n"
        "|---:|---|---|\n"
        "| 0.93 | Distil &lt;img src=x&gt; \\| \\[click\\]\\(javascript:alert\\(1\\)\\) `@`alice `#`12 | Labeling \\| x |\n"
        "| 0.012 | [Small \\*Students\\*](https://arxiv.org/abs/2403.00002) | Feedback |\n"
        "\n"
        "Near-misses: 1, best 0.0041.\n"
    )


def test_a_quiet_week_says_none_and_a_pr_without_a_web_link_is_named_by_number():
    report = RunReport(date(2024, 3, 18), date(2024, 3, 8), date(2024, 3, 18), score_since=date(2024, 3, 8),
                       model_version="m1")
    assert report.markdown() == ("### kd-tracker run as of 2024-03-18\n\n"
                                 "Window 2024-03-08..2024-03-18: 0 papers; model m1 (unchanged).\n\n"
                                 "**Gaps:** none\n")
    assert outcome_markdown(outcome(url="javascript:x")) == "PR #7: created (2 papers)"
    assert outcome_markdown(outcome("blocked", dry_run=True)) == (
        "[PR #7](https://github.com/o/l/pull/7): dry run, blocked (2 papers)")
