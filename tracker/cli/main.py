"""The ``kd-tracker`` command line: a click group; each command parses, calls, prints.

Commands live in :mod:`tracker.cli`, one module per command group.
Errors kd-tracker expects (:class:`~tracker.errors.TrackerError`) are caught
here once and shown as ``Error: <one line>`` with exit code 1.
"""

from __future__ import annotations

from typing import Any

import click

from tracker import __version__
from tracker.cli.options import config_path_option
from tracker.errors import TrackerError
from tracker.logs import REDACT, setup_logging

_HELP_ERRORS = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""What click raises to print a group's help when it is called without a command."""


class TrackerGroup(click.Group):
    """A group that turns :class:`TrackerError` and usage errors into a one-line ``Error:`` and exit 1.

    Exits 2 and 3 are the weekly run's "done with warnings" and "blocked", which
    the GitHub Action reads; a mistyped option must not pass for either.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as e:
            raise _one_line(e) from e

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as e:
            raise click.ClickException(REDACT.redact(str(e))) from e
        except click.UsageError as e:
            if e.ctx is None and ctx.invoked_subcommand:  # click's parser leaves ctx out of some option errors
                e.ctx = click.Context(self.get_command(ctx, ctx.invoked_subcommand) or self,
                                      info_name=ctx.invoked_subcommand, parent=ctx)
            raise _one_line(e) from e


def _one_line(error: click.UsageError) -> click.ClickException:
    """A usage error as ``Error: <what> (see `<command> --help`)``, exit 1; a bare group still prints its help."""
    if isinstance(error, _HELP_ERRORS):
        return error
    where = error.ctx.command_path if error.ctx is not None else "kd-tracker"
    message = " ".join(error.format_message().split())
    return click.ClickException(f"{message} (see `{where} --help`)")


@click.group(name="kd-tracker", cls=TrackerGroup)
@click.version_option(__version__, prog_name="kd-tracker")
@config_path_option("Config file for every command (default: ./config.yaml, then the packaged defaults).")
@click.option("-v", "--verbose", count=True, help="More log lines on stderr (-vv: also the libraries').")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int, quiet: bool) -> None:
    """kd-tracker keeps an awesome list of KD-of-LLM papers up to date from arXiv.

    Every week it fetches new arXiv papers, scores them with a classifier
    trained on the list itself, and opens (or updates) one pull request that
    inserts the accepted papers into the right tables.

    \b
    Example:
        kd-tracker list show README.md
        kd-tracker --config config.yaml config check
    """
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    setup_logging(-1 if quiet else verbose)


def _register() -> None:
    from tracker.cli.config_cmd import config_group

    cli.add_command(config_group)
    from tracker.cli.model_cmd import evaluate_cmd, score_cmd, train_cmd

    cli.add_command(train_cmd)
    cli.add_command(score_cmd)
    cli.add_command(evaluate_cmd)
    from tracker.cli.list_cmd import list_group

    cli.add_command(list_group)
    from tracker.cli.coverage_cmd import coverage_cmd
    from tracker.cli.fetch_cmd import fetch
    from tracker.cli.papers_cmd import papers_group

    cli.add_command(fetch)
    cli.add_command(papers_group)
    from tracker.cli.store_cmd import store_group

    cli.add_command(store_group)
    cli.add_command(coverage_cmd)
    from tracker.cli.publish_cmd import publish_command

    cli.add_command(publish_command)
    from tracker.cli.learn_cmd import learn_command, report_command

    cli.add_command(learn_command)
    cli.add_command(report_command)
    from tracker.cli.labels_cmd import labels_group

    cli.add_command(labels_group)
    from tracker.cli.run_cmd import run_command, schedule_command

    cli.add_command(run_command)
    cli.add_command(schedule_command)
    from tracker.cli.review_cmd import review_command

    cli.add_command(review_command)


_register()
