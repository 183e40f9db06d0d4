"""What ``run`` and ``review`` tell a caller that is not a person: the exit codes and the ``--result-file``.

Exit codes (the GitHub Action maps them, see ``action.yml``):

====  ========================================================================
0     done
1     failed: nothing published (the one-line ``Error:`` says why)
2     done with warnings: gap days in arXiv's listings, or gap days given up
3     blocked: the bot's branch has a commit kd-tracker did not make, so only a
      comment was written; a maintainer adds the take-over label to the PR
====  ========================================================================

``--result-file FILE`` (or ``$KD_TRACKER_RESULT_FILE``) gets one JSON object
(:class:`RunResult`, ``format`` 1) written when the command ends, failed ones
included, so that a wrapper reads the gaps and the blocked PR from data and
never from log lines. ``markdown`` is the run's one-screen summary, its
untrusted text escaped (:mod:`tracker.markdown_safe`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from tracker.errors import TrackerError
from tracker.logs import REDACT
from tracker.markdown_safe import escape_cell

EXIT_DONE = 0
EXIT_FAILED = 1
EXIT_WARNINGS = 2
"""Done with warnings: gap days (in the window, or given up); the PR is still good."""
EXIT_BLOCKED = 3
"""The branch has commits by someone else and the bot only commented: nothing was published."""

RESULT_FORMAT = 1
"""Version of the result file's fields; bumped when a field changes meaning or goes away."""

STATUS = {EXIT_DONE: "done", EXIT_FAILED: "failed", EXIT_WARNINGS: "warnings", EXIT_BLOCKED: "blocked"}


@dataclass
class RunResult:
    """The result file's content: what a run or review did, as data."""

    command: str
    """``run`` or ``review``."""
    exit_code: int
    """The process's exit code (0, 1, 2 or 3)."""
    pr_number: int | None = None
    """The bot's open PR, when there is one."""
    pr_url: str = ""
    pr_status: str = ""
    """``created``/``updated``/``unchanged``/``closed``/``blocked``, empty when nothing was published."""
    takeover_label: str = ""
    """The label a maintainer adds to a blocked PR to let kd-tracker rebuild it (``github.takeover_label``)."""
    gaps: list[str] = field(default_factory=list)
    """Days (YYYY-MM-DD) of the window whose arXiv listing could not be read; later runs re-read them."""
    given_up_gaps: list[str] = field(default_factory=list)
    """Earlier gap days still missing and now past ``arxiv.gap_lookback_days``: no run re-reads them."""
    proposals: int = 0
    """Papers in the PR this run proposed (0 for a review)."""
    dry_run: bool = False
    error: str = ""
    """The one-line error of a failed command."""
    markdown: str = ""
    """The one-screen summary as markdown (untrusted text escaped)."""

    @property
    def status(self) -> str:
        return STATUS.get(self.exit_code, "failed")

    def to_json(self) -> dict[str, Any]:
        return {"format": RESULT_FORMAT, **asdict(self), "status": self.status}


def result_file_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--result-file FILE`` (envvar ``KD_TRACKER_RESULT_FILE``), passed as ``result_file``."""
    return click.option(
        "--result-file", "result_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
        envvar="KD_TRACKER_RESULT_FILE", show_envvar=True,
        help="Write what the command did (exit code, gaps, the PR, a markdown summary) to FILE as JSON.",
    )(func)


def write_result(path: Path | None, result: RunResult) -> None:
    """Write ``result`` to ``path`` as JSON (nothing when ``path`` is None)."""
    if path is None:
        return
    try:
        path.write_text(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{path}: cannot write the result file ({e.strerror or e})") from e


@contextmanager
def failure_recorded(path: Path | None, command: str) -> Iterator[None]:
    """Write a failed :class:`RunResult` (exit 1, the one-line error) to ``path`` when the body raises a
    :class:`TrackerError`, then let the error go on to the CLI's ``Error:`` line."""
    try:
        yield
    except TrackerError as e:
        error = REDACT.redact(str(e))
        write_result(path, RunResult(command, EXIT_FAILED, error=error,
                                     markdown=f"### kd-tracker {command}: failed\n\n{escape_cell(error)}\n"))
        raise
