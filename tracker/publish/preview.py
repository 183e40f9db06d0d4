"""Writing a publish preview: the files a dry run leaves for a person to read instead of a PR."""

from __future__ import annotations

import logging
from pathlib import Path

from tracker.publish.context import PublishOutcome

log = logging.getLogger(__name__)

PREVIEW_FILES = ("README.md", "README.diff", "PR_BODY.md")
"""The new list, its diff against the default branch, and the PR body, in ``outdir``."""


def preview_names(outcome: PublishOutcome) -> tuple[str, ...]:
    """The files :func:`write_preview` writes: :data:`PREVIEW_FILES`; for a list split into files, each changed
    file at its own path (``docs/vision.md``) instead of README.md, then README.diff (every file's diff) and PR_BODY.md."""
    if not outcome.files:
        return PREVIEW_FILES
    return (*outcome.files, *PREVIEW_FILES[1:])


def write_preview(outcome: PublishOutcome, outdir: str | Path) -> None:
    """Write :func:`preview_names` of ``outcome`` to ``outdir`` (created if missing), byte for byte."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    texts = [*(outcome.files.values() if outcome.files else [outcome.readme_text]), outcome.diff, outcome.body]
    names = preview_names(outcome)
    for name, text in zip(names, texts, strict=True):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8", newline="")
    log.info("dry run: wrote %s to %s", ", ".join(names[:-1]) + " and " + names[-1], out)
