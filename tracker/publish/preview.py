"""Writing a publish preview: the files a dry run leaves for a person to read instead of a PR."""

from __future__ import annotations

import logging
from pathlib import Path

from tracker.publish.context import PublishOutcome

log = logging.getLogger(__name__)

PREVIEW_FILES = ("README.md", "README.diff", "PR_BODY.md")
"""The new list, its diff against the default branch, and the PR body, in ``outdir``."""


def write_preview(outcome: PublishOutcome, outdir: str | Path) -> None:
    """Write :data:`PREVIEW_FILES` of ``outcome`` to ``outdir`` (created if missing), byte for byte."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in zip(PREVIEW_FILES, (outcome.readme_text, outcome.diff, outcome.body), strict=True):
        (out / name).write_text(text, encoding="utf-8", newline="")
    log.info("dry run: wrote README.md, README.diff and PR_BODY.md to %s", out)
