"""Tokens as scikit-learn's default word analyzer finds them, split fast: shared by the vectorizer's ``transform``
(:mod:`classifiers.vectorizer`) and the vocabulary fit (:mod:`classifiers.vocabulary`)."""

from __future__ import annotations

import re

DEFAULT_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
"""scikit-learn's default ``token_pattern``: the one :class:`~classifiers.vectorizer.TokenTable` and :mod:`classifiers.vocabulary` handle."""

WORD_RUN = re.compile(r"\w\w+")
r"""Finds what :data:`DEFAULT_TOKEN_PATTERN` finds.

``findall`` with a greedy ``\w\w+`` only ever starts a match at the start of a
run of word characters and ends it at the run's end, so the ``\b`` anchors of
the default pattern never reject a match: both find every maximal run of two
or more word characters.
"""

ASCII_WORD_CHARS = tuple(chr(i) for i in range(128) if re.fullmatch(r"\w", chr(i)))
r"""The ASCII characters ``\w`` matches."""

ASCII_SPACES = str.maketrans({chr(i): " " for i in range(128) if chr(i) not in ASCII_WORD_CHARS})
"""Translation of every ASCII character that is no word character to a space."""

SEPARATOR = "qqkdtrackerdocumentboundaryqq"
"""A token placed between the documents of a chunk so one ``split`` tokenizes them all."""


def spaced_words(doc: str) -> str:
    """``doc`` with its words separated by whitespace: ``spaced_words(doc).split()``, less the one-character words,
    is ``WORD_RUN.findall(doc)``.

    An ASCII document (nearly all) only has its non-word characters turned into spaces, which is several times
    faster than the regular expression; the split then also yields the runs of one word character.
    """
    return doc.translate(ASCII_SPACES) if doc.isascii() else " ".join(WORD_RUN.findall(doc))
