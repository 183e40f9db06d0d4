"""The list's README, read and written losslessly: sections, rows, the list's own row style, insertion, lint.

``render(parse(text)) == text`` for any text; nothing outside this package reaches inside it.
"""

from tracker.listdoc.document import ApplyResult, ListDocument, Section
from tracker.listdoc.proposals import read_numbered_proposals, read_proposals
from tracker.listdoc.row_edit import is_preprint_venue

__all__ = ["ApplyResult", "ListDocument", "Section", "is_preprint_venue", "read_numbered_proposals", "read_proposals"]
