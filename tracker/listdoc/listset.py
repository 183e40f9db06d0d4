"""A list split into files (``list.path`` names several): one :class:`ListDocument` per file, read as one list.

With more than one file, a section is named with its file
(``docs/vision.md › Section > Sub``): that name is what the classifier
trains on, what proposals name and what the PR body shows. With one file,
sections keep their own names and everything is exactly what
:class:`ListDocument` does. A paper in any file is "in the list" (paper
identity runs across the files); lint and the structure check run over every
file, each problem naming its file; :meth:`ListSet.apply` writes each proposal
into the file of its section, and the update log goes once, into the first
file that has a News heading. Pure, no I/O. Example::

    lists = ListSet.parse({"README.md": readme, "docs/vision.md": vision})
    lists.find_section("docs/vision.md › Image Classification").rows
    result = lists.apply(proposals, log_date=datetime.date(2024, 3, 19))
    result.changed_files   # {"docs/vision.md": "...", "README.md": "..."}
"""

from __future__ import annotations

import datetime
import difflib
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from tracker.errors import ListFormatError, ProposalError
from tracker.listdoc.document import ApplyResult, ListDocument
from tracker.listdoc.insert import distinct_papers
from tracker.listdoc.model import LintProblem, Row, Section
from tracker.listdoc.rows import heading_title
from tracker.paper_ids import KnownPapers, normalise_arxiv_id
from tracker.records import Proposal, RowUpdate

FILE_SEPARATOR = " › "
"""Between a file and a section path in a section's name: ``docs/vision.md › Image Classification``."""


class ListSet:
    """The list's files, in ``list.path`` order, each parsed as a :class:`ListDocument`."""

    def __init__(self, files: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = list(files.items() if isinstance(files, Mapping) else files)
        if not pairs:
            raise ValueError("a ListSet needs at least one file")
        self.documents: tuple[ListDocument, ...] = tuple(ListDocument.parse(text, name) for name, text in pairs)
        """One document per file, in order."""
        self.names: tuple[str, ...] = tuple(name for name, _ in pairs)
        """The files' paths, in order."""
        self.multi = len(self.documents) > 1
        """More than one file: sections are named with their file."""
        self.name = ", ".join(self.names)
        """The files, as messages name them."""
        self._sections = tuple(section for doc in self.documents for section in self._named_sections(doc))

    @classmethod
    def parse(cls, files: Mapping[str, str] | Iterable[tuple[str, str]]) -> ListSet:
        """Parse every file (``path -> text``); never raises for any text."""
        return cls(files)

    @classmethod
    def single(cls, document: ListDocument) -> ListSet:
        """The set of one already parsed document."""
        return cls([(document.name, document.render())])

    def texts(self) -> dict[str, str]:
        """Each file's text, by path, in order."""
        return {doc.name: doc.render() for doc in self.documents}

    @property
    def fingerprint(self) -> str:
        """:func:`list_fingerprint` of the files."""
        return list_fingerprint(self.texts())

    def document(self, name: str) -> ListDocument:
        """The document of file ``name``."""
        return self.documents[self.names.index(name)]

    def section_name(self, file: str, path: str) -> str:
        """The name of section ``path`` of ``file``: the path itself for one file, ``file › path`` for several."""
        return f"{file}{FILE_SEPARATOR}{path}" if self.multi else path

    def _named_sections(self, doc: ListDocument) -> list[Section]:
        if not self.multi:
            return doc.sections()
        out = []
        for section in doc.sections():
            name = self.section_name(doc.name, section.path)
            rows = tuple(replace(row, section=name) for row in section.rows)
            out.append(replace(section, path=name, parts=(doc.name, *section.parts), rows=rows))
        return out

    def sections(self) -> list[Section]:
        """Sections that hold papers, file by file, named with their file when there are several."""
        return list(self._sections)

    def rows(self) -> list[Row]:
        """Every paper row and item, file by file; ``Row.section`` is the section's name."""
        if not self.multi:
            return self.documents[0].rows()
        rows = [row for section in self._sections for row in section.rows]
        return sorted(rows, key=lambda row: (self.names.index(row.section.split(FILE_SEPARATOR, 1)[0]), row.line))

    def where(self, section: str) -> tuple[ListDocument, Section]:
        """The file's document and the section (its own path, without the file) that ``section`` names.

        :class:`ProposalError` naming the closest section if there is none; a
        name without a file is looked up in every file and must be in one only.
        """
        if not self.multi:
            doc = self.documents[0]
            return doc, doc.find_section(section)
        file, sep, path = str(section).partition(FILE_SEPARATOR.strip())
        file = file.strip()
        if sep and file in self.names:
            doc = self.document(file)
            try:
                return doc, doc.find_section(path.strip())
            except ProposalError:
                raise ProposalError(f"unknown section {section!r}; did you mean "
                                    f"{self.closest_section(section)!r}?") from None
        found = []
        for doc in self.documents:
            try:
                found.append((doc, doc.find_section(section)))
            except ProposalError:
                continue
        if len(found) == 1:
            return found[0]
        if found:
            names = " and ".join(repr(self.section_name(d.name, s.path)) for d, s in found)
            raise ProposalError(f"section {section!r} is in more than one file ({names}); name it with its file")
        if not self._sections:
            raise ProposalError(f"unknown section {section!r}: {self.name} have no paper sections")
        raise ProposalError(f"unknown section {section!r}; did you mean {self.closest_section(section)!r}?")

    def find_section(self, path: str) -> Section:
        """The section named ``path`` (``docs/vision.md › A > B`` with several files); :class:`ProposalError` if none."""
        doc, section = self.where(path)
        name = self.section_name(doc.name, section.path)
        return next(s for s in self._sections if s.path == name)

    def closest_section(self, path: str) -> str:
        """The section name most like ``path``."""
        if not self.multi:
            return self.documents[0].closest_section(path)
        file, sep, inner = path.partition(FILE_SEPARATOR.strip())
        wanted = inner.strip() if sep and file.strip() in self.names else path
        docs = [self.document(file.strip())] if sep and file.strip() in self.names else self.documents
        candidates = [(doc, doc.closest_section(wanted)) for doc in docs if doc.sections()]
        if not candidates:
            candidates = [(doc, doc.closest_section(wanted)) for doc in self.documents if doc.sections()]
        doc, best = max(candidates, key=lambda c: difflib.SequenceMatcher(None, wanted.lower(), c[1].lower()).ratio())
        return self.section_name(doc.name, best)

    def contains(self, paper_id_or_title: str, section: str | None = None) -> bool:
        """Whether a paper with this arXiv id (any link form) or normalised title is in ``section``, or in any file."""
        return self.papers(section).has(normalise_arxiv_id(paper_id_or_title), paper_id_or_title)

    def papers(self, section: str | None = None) -> KnownPapers[Row]:
        """The papers of ``section`` (a name), or of every file, known by arXiv id and normalised title."""
        if section is None:
            return self._all_papers
        name = self.find_section(section).path
        return KnownPapers.of([row for s in self._sections if s.path == name for row in s.rows])

    @functools.cached_property
    def _all_papers(self) -> KnownPapers[Row]:
        return KnownPapers.of(self.rows())

    def validate(self, proposal: Proposal) -> None:
        """:class:`ProposalError` if ``proposal`` can't go into the list; :class:`ListFormatError` if nothing can."""
        self.check_structure()
        for section in proposal.sections:
            self.where(section)
        for doc, own in self._split([proposal]).items():
            doc.validate(own[0][1])

    def structure_problems(self) -> list[LintProblem]:
        """Why rows can't go into the list, each naming its file (see :meth:`ListDocument.structure_problems`).

        With several files, a file without paper sections (a README that only
        introduces the topic files) is fine as long as another file has some;
        a file that hides its tables in a block never closed, or whose headings
        look like paper sections but yield no papers, is not.
        """
        if not self.multi:
            return self.documents[0].structure_problems()
        return [replace(problem, file=doc.name) for doc in self.documents for problem in doc.structure_problems()
                if problem.line or not self._sections]

    def check_structure(self) -> None:
        """:class:`ListFormatError` naming the file and line of the first :meth:`structure_problems`."""
        if not self.multi:
            self.documents[0].check_structure()
            return
        problems = self.structure_problems()
        if problems:
            problem = problems[0]
            where = f"{problem.file}:{problem.line}" if problem.line else problem.file
            raise ListFormatError(f"{where}: {problem.message}")

    def lint(self) -> list[LintProblem]:
        """Every file's lint problems, file by file, each naming its file (:attr:`LintProblem.file`)."""
        if not self.multi:
            return [replace(p, file=self.names[0]) for p in self.documents[0].lint()]
        return [replace(problem, file=doc.name) for doc in self.documents for problem in doc.lint()
                if problem.line or not self._sections]

    def apply(
        self,
        proposals: Iterable[Proposal],
        *,
        log_date: datetime.date | None = None,
        log_template: str = "**{date}**: Add {count} papers.",
        updates: Iterable[RowUpdate] = (),
    ) -> ListSetResult:
        """Each proposal inserted into the file of each of its sections (see :meth:`ListDocument.apply`).

        ``updates`` are written into the rows of listed papers in whichever file holds them.

        Every proposal is checked first, so an error leaves every file unchanged.
        With ``log_date``, one update-log line counts the papers of every file,
        in the first file with a News heading.
        """
        proposals = list(proposals)
        if not self.multi:
            result = self.documents[0].apply(proposals, log_date=log_date, log_template=log_template, updates=updates)
            return ListSetResult(((self.names[0], result),), result.inserted, result.skipped, result.log_line,
                                 result.updated)
        updates = list(updates)
        if proposals:
            self.check_structure()
        split = self._split(proposals)
        for doc, own in split.items():
            for _, proposal in own:
                doc.validate(proposal)
        order = {id(p): i for i, p in enumerate(proposals)}
        results: dict[str, ApplyResult] = {}
        inserted: list[tuple[int, int, Proposal, str]] = []
        skipped: list[tuple[int, int, Proposal, str]] = []
        updated: dict[tuple[str, str], RowUpdate] = {}
        for doc in self.documents:
            own = split.get(doc, [])
            # a file with no paper section (an intro README) has no row to update and need not have a table
            result = doc.apply([p for _, p in own], log_date=None, updates=updates if doc.sections() else ())
            results[doc.name] = result
            for update in result.updated:  # a paper listed in two files is updated in both, counted once
                updated.setdefault((update.arxiv_id, update.field), update)
            originals = {id(mine): original for original, mine in own}
            for found, out in ((result.inserted, inserted), (result.skipped, skipped)):
                for mine, path in found:
                    original = originals[id(mine)]
                    name = self.section_name(doc.name, path)
                    out.append((order[id(original)], _position(original, name, self), original, name))
        log_line = None
        if log_date is not None and inserted:
            count = distinct_papers(p for _, _, p, _ in inserted)
            news = next((d for d in self.documents if _has_news(d)), None)
            if news is not None:
                logged, log_line = results[news.name].document.log_update(log_date, count, log_template)
                results[news.name] = replace(results[news.name], document=logged, log_line=log_line)
        pairs = tuple((name, results[name]) for name in self.names)
        return ListSetResult(pairs, tuple((p, s) for *_, p, s in sorted(inserted, key=lambda e: e[:2])),
                             tuple((p, s) for *_, p, s in sorted(skipped, key=lambda e: e[:2])), log_line,
                             tuple(updated.values()))

    def _split(self, proposals: list[Proposal]) -> dict[ListDocument, list[tuple[Proposal, Proposal]]]:
        """Per file, ``(proposal, its copy naming only its sections in that file, by their own paths)``."""
        split: dict[ListDocument, list[tuple[Proposal, Proposal]]] = {}
        for proposal in proposals:
            by_file: dict[ListDocument, list[str]] = {}
            for wanted in proposal.sections:
                doc, section = self.where(wanted)
                by_file.setdefault(doc, []).append(section.path)
            if not by_file:  # no section: the document says so when it checks the proposal
                by_file[self.documents[0]] = []
            for doc, paths in by_file.items():
                split.setdefault(doc, []).append((proposal, replace(proposal, sections=tuple(dict.fromkeys(paths)))))
        return split

    def __repr__(self) -> str:
        return f"<ListSet {self.name}: {len(self._sections)} sections, {len(self.rows())} rows>"


def list_fingerprint(texts: Mapping[str, str]) -> str:
    """Text standing for the whole list where one text is compared or hashed (the model's training key, the
    bot's commit): for one file, its text; for several, a digest of every path and text, in order."""
    if len(texts) == 1:
        return next(iter(texts.values()))
    digest = hashlib.sha256()
    for name, text in texts.items():
        for part in (name, text):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return f"kd-tracker list files {', '.join(texts)}: sha256 {digest.hexdigest()}"


def _position(proposal: Proposal, name: str, lists: ListSet) -> int:
    """Where section ``name`` comes among ``proposal``'s sections (the order a single file would insert in)."""
    for index, wanted in enumerate(proposal.sections):
        try:
            if lists.find_section(wanted).path == name:
                return index
        except ProposalError:
            continue
    return len(proposal.sections)


def _has_news(doc: ListDocument) -> bool:
    return any(heading_title(h.text).lower() == "news" for h in doc.headings)


@dataclass(frozen=True)
class ListSetResult:
    """What :meth:`ListSet.apply` did, file by file."""

    results: tuple[tuple[str, ApplyResult], ...]
    """``(path, result)`` for every file, in order."""
    inserted: tuple[tuple[Proposal, str], ...]
    """``(proposal, section name)`` for every row inserted, in the proposals' order."""
    skipped: tuple[tuple[Proposal, str], ...]
    """``(proposal, section name)`` for every row already there."""
    log_line: str | None = None
    """The update-log line added or updated, if any."""
    updated: tuple[RowUpdate, ...] = ()
    """The updates written into rows already in the list (see :attr:`ApplyResult.updated`)."""

    def texts(self) -> dict[str, str]:
        """Every file's new text, by path."""
        return {name: result.text for name, result in self.results}

    @property
    def changed_files(self) -> dict[str, str]:
        """The new text of each file that changed (a row inserted, or the update log)."""
        return {name: result.text for name, result in self.results
                if result.changed or result.log_line is not None}

    @property
    def text(self) -> str:
        """The new text of the first file (for one file: the list)."""
        return self.results[0][1].text

    @property
    def document(self) -> ListSet:
        """The new list."""
        return ListSet(self.texts())

    @property
    def changed(self) -> bool:
        """Whether anything was inserted or updated."""
        return bool(self.inserted or self.updated)

    @property
    def papers(self) -> int:
        """Distinct papers inserted (a paper put into two sections or files counts once)."""
        return distinct_papers(proposal for proposal, _ in self.inserted)
