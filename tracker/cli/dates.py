"""Date options shared by the commands that take a day range (``--since``/``--until``, YYYY-MM-DD)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import click


class DateType(click.ParamType):
    """A calendar day written ``YYYY-MM-DD``."""

    name = "DATE"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write it YYYY-MM-DD", param, ctx)


DATE = DateType()


def utc_today() -> date:
    """Today in UTC (arXiv's days are UTC in the API)."""
    return datetime.now(timezone.utc).date()
