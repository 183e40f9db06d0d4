"""Where papers come from: the arXiv API, the arXiv RSS/Atom feeds and corpus files.

The only code that talks to arXiv. Each source returns :class:`~tracker.records.Paper` records and raises
:class:`~tracker.errors.SourceError` with a one-line message naming the window or URL; every request is bounded
in time as a whole (:mod:`.deadline`) and retried by one policy (:mod:`.retry`).
"""

from tracker.sources.arxiv_api import ArxivSource, PageEvent
from tracker.sources.corpus import read_corpus, write_corpus
from tracker.sources.rss import RssSource

__all__ = ["ArxivSource", "PageEvent", "RssSource", "read_corpus", "write_corpus"]
