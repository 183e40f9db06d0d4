"""The list's README, read and written losslessly: sections, rows, the list's own row style, insertion, lint.

``render(parse(text)) == text`` for any text; nothing outside this package reaches inside it.
"""

from tracker.listdoc.document import ApplyResult, ListDocument, Section
from tracker.listdoc.listset import FILE_SEPARATOR, ListSet, ListSetResult, list_fingerprint
from tracker.listdoc.proposals import read_numbered_proposals, read_proposals
from tracker.listdoc.row_edit import is_preprint_venue

__all__ = ["FILE_SEPARATOR", "ApplyResult", "ListDocument", "ListSet", "ListSetResult", "Section",
           "is_preprint_venue", "list_fingerprint", "read_numbered_proposals", "read_proposals"]
