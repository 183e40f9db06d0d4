"""``kd-tracker fetch``: read new arXiv papers (API window, RSS feed) into the store."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import config_option, since_option, until_option
from tracker.config import Config
from tracker.sources import PageEvent
from tracker.store import Store
from tracker.weekly import SOURCES, HarvestReport, harvest, run_lock


class PageBar:
    """A tqdm bar per API window on stderr, advanced page by page."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.window = ""

    def __call__(self, event: PageEvent) -> None:
        from tqdm import tqdm

        if self.bar is None or event.window != self.window:
            self.close()
            self.window = event.window
            self.bar = tqdm(total=event.pages, desc=event.window, unit="page", file=sys.stderr, leave=False)
        self.bar.set_postfix_str(f"{event.total} records")
        self.bar.update(1)
        if event.page >= event.pages:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def render(report: HarvestReport) -> list[str]:
    """The lines ``fetch`` prints for a harvest."""
    lines = []
    for part in report.sources:
        if part.error:
            lines.append(f"{part.source} {part.scope}: failed, nothing stored")
            continue
        requests = f"{part.requests} request{'s' if part.requests != 1 else ''}"
        lines.append(f"{part.source} {part.scope}: {part.papers} papers ({part.new} new, {part.updated} updated), {requests}")
    lines.append(f"store: {report.stored} papers")
    gaps = [f"{day} ({', '.join(report.gaps[day])})" for day in report.gap_days]
    lines.append(f"gap days: {', '.join(gaps) if gaps else 'none'}")
    return lines


@click.command(name="fetch")
@since_option("First submission day of the API window (default: --until minus arxiv.window_days).")
@until_option("Last submission day of the API window (default: today, UTC).")
@click.option("--source", type=click.Choice(SOURCES[1:] + SOURCES[:1]), default="both", show_default=True, help="Read the API window, today's RSS feed, or both.")
@config_option
def fetch(config: Config, since: date | None, until: date | None, source: str) -> None:
    """Fetch arXiv papers of the watched categories into the store.

    The API part reads every paper submitted in the window (checked against
    the API's totalResults, or an error and nothing stored); the RSS part
    reads today's announcements. Prints what each source stored and the
    weekdays without papers. A progress bar shows on a terminal; otherwise
    one log line per API page.

    \b
    Example:
        kd-tracker fetch
        kd-tracker fetch --since 2024-03-11 --until 2024-03-17 --source api
    """
    until = until or utc_today()
    since = since or until - timedelta(days=config.arxiv.window_days)
    bar = PageBar() if sys.stderr.isatty() else None
    try:
        with run_lock(config.store.path, "fetch"), Store(config.store.path) as store:
            report = harvest(config, store, since=since, until=until, source=source, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    for line in render(report):
        click.echo(line)
    report.check()
