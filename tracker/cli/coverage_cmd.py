"""``kd-tracker coverage``: papers per day, what each source saw, and the gap days."""

from __future__ import annotations

from datetime import date, timedelta

import click

from tracker.cli.dates import utc_today
from tracker.cli.options import config_option, since_option, until_option
from tracker.config import Config
from tracker.store import WEEKDAYS, CoverageReport, Store, coverage


def render(report: CoverageReport) -> list[str]:
    """The coverage table, one line per day."""
    cats = list(report.categories)
    header = ["day       ", "wd ", "listing", "papers", "  api", "  rss", *[f"{c:>6}" for c in cats], "missing"]
    lines = ["  ".join(header).rstrip()]
    for row in report.rows:
        cells = [
            row.day.isoformat(),
            WEEKDAYS[row.day.weekday()],
            f"{'yes' if row.expected else 'no':<7}",
            f"{row.papers:>6}",
            f"{'-' if row.api is None else row.api:>5}",
            f"{'-' if row.rss is None else row.rss:>5}",
            *[f"{row.by_category[c]:>6}" for c in cats],
            ", ".join(row.missing) if row.gap else "",
        ]
        lines.append("  ".join(cells).rstrip())
    gaps = report.gap_days
    lines.append(f"gap days: {', '.join(d.isoformat() for d in gaps) if gaps else 'none'}")
    return lines


@click.command(name="coverage")
@since_option("First day (default: --until minus arxiv.window_days).")
@until_option("Last day (default: yesterday, UTC: today's listing may not be out).")
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="Category whose listing must not be missing (repeatable; default: arxiv.categories).",
)
@config_option
def coverage_cmd(config: Config, since: date | None, until: date | None, categories: tuple[str, ...]) -> None:
    """Print papers per day (store, API, RSS, per category) and the gap days.

    A gap is a weekday (arXiv lists Monday to Friday) with no paper in the
    store, or none whose primary category is a checked category. Exit 1 when
    the range has a gap.

    \b
    Example:
        kd-tracker coverage --since 2025-11-24 --until 2025-11-30 --category cs.CL --category cs.AI
    """
    until = until or utc_today() - timedelta(days=1)
    since = since or until - timedelta(days=config.arxiv.window_days)
    with Store(config.store.path) as store:
        report = coverage(store, since, until, categories or config.arxiv.categories)
    for line in render(report):
        click.echo(line)
    gaps = [row for row in report.rows if row.gap]
    if gaps:
        listed = ", ".join(f"{row.day} ({', '.join(row.missing)})" for row in gaps)
        raise click.ClickException(
            f"{len(gaps)} weekday{'s' if len(gaps) > 1 else ''} without papers in {since}..{until}: {listed}; "
            f"fetch them again with kd-tracker fetch --since {gaps[0].day} --until {gaps[-1].day}"
        )
