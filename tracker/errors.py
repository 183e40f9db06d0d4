"""Errors kd-tracker expects and can explain to the user.

Every message is one line: what failed, the thing it names (file:line, key,
query, repo) and the next step. The CLI catches :class:`TrackerError` once, at
the top, and prints ``Error: <message>`` with exit code 1.

    TrackerError
    ├── ConfigError        config.yaml has a typo, an unknown key or a wrong type
    ├── ListFormatError    the awesome list can't be read or edited losslessly
    ├── ProposalError      a proposal is invalid (unknown section, bad link)
    ├── SourceError        arXiv/RSS unreachable or returned garbage
    ├── StoreError         the SQLite store can't be read or written
    ├── ModelError         a model is missing, incompatible or can't be trained
    │   └── ModelVersionError  made by other library versions: retrain
    └── PublishError       GitHub refused, or the PR is in a state we won't touch
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base for every failure kd-tracker expects and can explain to the user."""


class ConfigError(TrackerError):
    """config.yaml (or a value in it) is invalid."""


class ListFormatError(TrackerError):
    """The list's README can't be read or edited losslessly."""


class ProposalError(TrackerError):
    """A proposal can't be applied: unknown section, unsafe link, missing field."""


class SourceError(TrackerError):
    """arXiv or an RSS feed is unreachable, refused, or returned something unusable."""


class StoreError(TrackerError):
    """The SQLite paper store can't be opened, read or written."""


class LabelFileError(TrackerError):
    """A review-labels file (JSONL) can't be read or written: a bad line, an unknown key, an unknown label."""


class ModelError(TrackerError):
    """A model is missing, was made by an incompatible version, or can't be trained."""


class ModelVersionError(ModelError):
    """A saved model was made by other library versions (or another model format) than this process runs."""

    def __init__(self, message: str, *, made_by: str, running: str) -> None:
        super().__init__(message)
        self.made_by = made_by
        """The versions that made the model, as ``kd-tracker X / scikit-learn Y (format N)``."""
        self.running = running
        """This process's versions, in the same form."""


class PublishError(TrackerError):
    """GitHub refused a request, or the pull request is in a state the bot won't touch."""
