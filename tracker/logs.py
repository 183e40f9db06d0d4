"""Logging set-up for the CLI: stderr, one format, and secrets redacted."""

from __future__ import annotations

import logging
import sys


class RedactFilter(logging.Filter):
    """Replace every registered secret in a record's message with ``***``."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self.secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = self.redact(record.getMessage())
            record.msg, record.args = message, None
        return True


REDACT = RedactFilter()
"""The process-wide redaction filter; :func:`redact_secret` registers a token with it."""


def redact_secret(secret: str | None) -> None:
    """Never let ``secret`` reach a log line, whatever logger emits it."""
    REDACT.add(secret)


def setup_logging(verbosity: int) -> None:
    """Configure the root logger: -1 quiet (warnings), 0 info, 1+ debug; to stderr."""
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kd_tracker", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._kd_tracker = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(REDACT)
    root.addHandler(handler)
    root.setLevel(level)
    # third-party chatter stays at WARNING unless -vv
    for noisy in ("urllib3", "github", "arxiv", "matplotlib", "PIL", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)
