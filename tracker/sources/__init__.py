"""Where papers come from: the arXiv API (:mod:`.arxiv_api`) and the arXiv RSS/Atom feeds (:mod:`.rss`).

The only code that talks to arXiv. Each source returns :class:`~tracker.records.Paper` records
and raises :class:`~tracker.errors.SourceError` with a one-line message naming the window or URL.
"""
