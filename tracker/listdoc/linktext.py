"""The link text of a Code or Data cell: a generic label, or a star badge re-pointed at the new repo.

Rows link their code as ``[Github](url)``, ``[Code](url)``, ``[[Github]](url)``
or ``[![Star](https://img.shields.io/github/stars/OWNER/REPO.svg)](https://github.com/OWNER/REPO)``.
A text is only learnt when it says nothing about its own row: a known label
(``Github``, ``Data``, ``HF``, …) or one text used for several different URLs.
Row-specific texts (``[FastThing]``) and images are never copied; the one
exception is a shields.io stars badge of the row's own GitHub repo, which is
learnt as a template and filled in with the new row's repo.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

REPO = "\x00repo\x00"
"""Where the ``OWNER/REPO`` of the new link goes in a badge template."""

GENERIC_LABELS = frozenset({
    "code", "github", "gitlab", "repo", "project", "project page", "page", "homepage", "website", "demo",
    "data", "dataset", "datasets", "benchmark", "hf", "huggingface", "hugging face", "model", "models",
    "weights", "checkpoint", "checkpoints", "link", "pdf", "paper",
})
"""Link texts (lowercased, without surrounding brackets) that name a kind of link, not a paper."""

_GITHUB_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_STARS_BADGE = re.compile(r"^!\[[^\[\]]*\]\(https://img\.shields\.io/github/stars/(?P<rest>[^\s()]+)\)$")


@dataclass(frozen=True)
class LinkText:
    """What a Code or Data link of a new row is called."""

    label: str
    """A generic label, used for every link a badge can't describe."""
    badge: str | None = None
    """A stars-badge template with :data:`REPO` in it, used for github.com repo links; ``None`` if the table has none."""

    def for_url(self, url: str) -> str:
        """The link text for ``url``."""
        repo = github_repo(url)
        if self.badge is not None and repo is not None:
            return self.badge.replace(REPO, repo)
        return self.label


def github_repo(url: str) -> str | None:
    """``OWNER/REPO`` of a github.com repository URL (nothing after the repo), else ``None``."""
    match = _GITHUB_REPO.match(url)
    return match.group(1) if match else None


def text_key(text: str, url: str) -> str | None:
    """What the link ``[text](url)`` can teach: its text, a badge template, or ``None`` for an image that can't be reused."""
    if REPO in text:
        return None
    if "![" not in text and "<img" not in text.lower():
        return text
    repo = github_repo(url)
    match = _STARS_BADGE.match(text)
    if repo is None or match is None:
        return None
    rest = match.group("rest")
    follows = rest[len(repo) : len(repo) + 1]
    if rest[: len(repo)].lower() != repo.lower() or follows not in ("", ".", "?"):
        return None
    start = match.start("rest")
    return text[:start] + REPO + text[start + len(repo) :]


def learn_link_text(table: Counter[tuple[str, str]], document: Counter[tuple[str, str]], default: str) -> LinkText:
    """The link text of a column from its ``(text key, url)`` votes: the table's own first, then the document's labels.

    A badge template is only used when it is the table's own most common text;
    the label is the most common generic text of the table, else of the document, else ``default``.
    """
    urls: dict[str, set[str]] = {}
    for key, url in document + table:
        urls.setdefault(key, set()).add(url)

    def generic(key: str) -> bool:
        return key.strip("[] ").lower() in GENERIC_LABELS or len(urls[key]) >= 2

    own = _texts(table, lambda key: REPO in key or generic(key))
    badge = own[0] if own and REPO in own[0] else None
    labels = _texts(table, generic) or _texts(document, generic)
    labels = [key for key in labels if REPO not in key]
    return LinkText(labels[0] if labels else default, badge)


def _texts(votes: Counter[tuple[str, str]], keep) -> list[str]:
    """The kept text keys of ``votes``, most used first (first seen first among equals)."""
    counts: Counter[str] = Counter()
    for (key, _), n in votes.items():
        if keep(key):
            counts[key] += n
    return [key for key, _ in counts.most_common()]
