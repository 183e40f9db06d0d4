"""``kd-tracker papers``: move papers between the store and corpus files (JSONL, optionally gzipped)."""

from __future__ import annotations

from datetime import date

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import config_option, output_option, since_option, until_option
from tracker.config import Config
from tracker.sources import read_corpus, write_corpus
from tracker.store import Store
from tracker.weekly import run_lock


@click.group(name="papers")
def papers_group() -> None:
    """Import and export papers as corpus files (the format of arxiv_corpus.jsonl.gz)."""


@papers_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@config_option
def import_(config: Config, file: str) -> None:
    """Load a corpus file (JSONL or JSONL.gz) into the store, merging papers it has.

    All or nothing: a bad line stops the import and stores none of the file.

    \b
    Example:
        kd-tracker papers import ../shared/data/arxiv_corpus.jsonl.gz
    """
    papers = list(read_corpus(file))
    with run_lock(config.store.path, "papers import"), Store(config.store.path) as store:
        counts = store.upsert_papers(papers, seen=utc_today())
    click.echo(f"imported {len(papers)} papers ({counts.new} new)")


@papers_group.command(name="export")
@since_option("First day (listing day, else v1 submission day).")
@until_option("Last day, inclusive.")
@output_option("File to write (.gz: gzipped).", required=True)
@config_option
def export(config: Config, since: date | None, until: date | None, output: str) -> None:
    """Write the store's papers (optionally a day range) to a corpus file.

    Every command that reads papers works on such a file as on the store.

    \b
    Example:
        kd-tracker papers export --since 2024-03-11 --until 2024-03-17 -o week.jsonl.gz
    """
    with Store(config.store.path) as store:
        papers = store.papers(since, until)
    n = write_corpus(papers, output)
    click.echo(f"exported {n} papers to {output}")
