"""``kd-tracker list``: show, edit and check the awesome list's README."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import config_option, output_option
from tracker.config import Config
from tracker.errors import ListFormatError, ProposalError
from tracker.listdoc import ListDocument, ListSet, Section, read_numbered_proposals
from tracker.textfile import read_utf8


@click.group(name="list")
def list_group() -> None:
    """Show, edit and check the list's README (sections, paper tables, rows)."""


@list_group.command(name="show")
@click.argument("readme", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print every section with its rows as JSON.")
@config_option
def show(readme: str, as_json: bool, config: Config) -> None:
    """Print the section tree with the number of rows in each section.

    \b
    Example:
        kd-tracker list show README.md
        kd-tracker list show README.md --json | jq '.sections[].path'
    """
    doc = read_document(readme)
    if as_json:
        click.echo(json.dumps({"sections": [_section_json(s) for s in doc.sections()]}, ensure_ascii=False, indent=2))
        return
    printed: set[tuple[str, ...]] = set()
    for section in doc.sections():
        for depth in range(1, len(section.parts)):
            if section.parts[:depth] not in printed:
                printed.add(section.parts[:depth])
                click.echo("  " * (depth - 1) + section.parts[depth - 1])
        printed.add(section.parts)
        click.echo(f"{'  ' * (len(section.parts) - 1)}{section.parts[-1]}  ({_count(len(section.rows), 'row')})")
    sections = doc.sections()
    click.echo(f"{_count(sum(len(s.rows) for s in sections), 'row')} in {_count(len(sections), 'section')}")


@list_group.command(name="apply")
@click.argument("readme", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.argument("proposals", type=click.Path(exists=True, dir_okay=False))
@output_option("Write the new README here (default: stdout). Nothing is written on an error.")
@click.option("--output-dir", "output_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="With several list files: write each changed file under DIR at its own path (required then).")
@click.option("--log-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Date of the update-log line under News (default: today, when list.update_log is on).")
@click.option("--no-log", is_flag=True, help="Add no update-log line.")
@config_option
def apply(readme: tuple[str, ...], proposals: str, output: str | None, output_dir: str | None,
          log_date: datetime.datetime | None, no_log: bool, config: Config) -> None:
    """Insert the papers of a PROPOSALS.jsonl file into their sections, in the list's row style.

    One JSON object a line: title, url, sections (paths such as
    "KD Algorithms > Knowledge Elicitation > Labeling"), date (YYYY-MM), and
    optionally arxiv_id, venue, code and data (lists of links), checked by the
    same rules as `kd-tracker publish`. Papers already in a section are skipped
    there; an empty file gives the README back unchanged. The summary goes to
    stderr. A list split into files is given as several files before
    PROPOSALS.jsonl: sections are then named with their file
    ("docs/vision.md › Detection"), each paper goes into the file of its
    section, and --output-dir DIR receives each changed file.

    \b
    Example:
        kd-tracker list apply README.md PROPOSALS.jsonl -o README.new.md
        kd-tracker list apply README.md PROPOSALS.jsonl --log-date 2024-03-19 > README.new.md
        kd-tracker list apply README.md docs/vision.md PROPOSALS.jsonl --output-dir new/
    """
    files = list(dict.fromkeys(readme))
    if len(files) > 1 and (output_dir is None or output is not None):
        raise click.UsageError("several list files: give --output-dir DIR (each changed file is written there)")
    doc = ListSet.parse([(path, read_utf8(path, "list", ListFormatError)) for path in files])
    numbered = read_numbered_proposals(proposals)
    for number, proposal in numbered:
        try:
            doc.validate(proposal)
        except ProposalError as e:
            raise ProposalError(f"{proposals}:{number}: {e}") from e
    day = None
    if not no_log and (log_date is not None or config.list.update_log):
        day = log_date.date() if log_date is not None else utc_today()
    result = doc.apply([p for _, p in numbered], log_date=day, log_template=config.list.update_log_template)
    if output_dir is not None:
        for path, text in result.changed_files.items():
            target = Path(output_dir) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
    elif output is None:
        click.echo(result.text.encode("utf-8"), nl=False)  # bytes: CRLF and every other byte kept as they are
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(result.text)
    skipped = len(result.skipped)
    click.echo(f"inserted {_count(len(result.inserted), 'row')} ({_count(result.papers, 'paper')}), "
               f"skipped {skipped} already in {'its' if skipped == 1 else 'their'} section"
               + (f"; update log: {result.log_line}" if result.log_line else "")
               + (f"; wrote {', '.join(result.changed_files) or 'nothing'} to {output_dir}" if output_dir else ""),
               err=True)


@list_group.command(name="lint")
@click.argument("readme", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@config_option
def lint(readme: tuple[str, ...], config: Config) -> None:
    """Report broken rows (too few cells, broken links, bad dates, duplicates), one line each; exit 1 if any.

    A list whose paper tables are all hidden (a code fence or ``<!--`` never
    closed) or that has none is reported too, at the line that hides them.
    Several files are linted as one list split into files (list.path naming
    several): each problem names its file, and a file without paper
    sections is fine while another has some.

    \b
    Example:
        kd-tracker list lint README.md
        kd-tracker list lint README.md docs/vision.md
    """
    lists = ListSet.parse([(path, read_utf8(path, "list", ListFormatError)) for path in dict.fromkeys(readme)])
    problems = lists.lint()
    for problem in problems:
        click.echo(f"{problem.file}:{problem.line}: {problem.message}" if problem.line
                   else f"{problem.file}: {problem.message}")
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"{lists.name}: ok ({_count(len(lists.rows()), 'row')} in {_count(len(lists.sections()), 'section')})")


def read_document(path: str) -> ListDocument:
    """Parse a README file, keeping its bytes (CRLF included); :class:`ListFormatError` if it is not UTF-8."""
    return ListDocument.parse(read_utf8(path, "list", ListFormatError), path)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _section_json(section: Section) -> dict:
    return {
        "path": section.path,
        "rows": [
            {
                "title": row.title,
                "url": row.url,
                "arxiv_id": row.arxiv_id,
                "venue": row.venue,
                "date": row.date,
                "code": list(row.code),
                "data": list(row.data),
                "line": row.line,
            }
            for row in section.rows
        ],
    }
