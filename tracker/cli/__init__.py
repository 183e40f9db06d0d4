"""The ``kd-tracker`` command line: click commands that parse, call the layers below and print.

One module per command or command group; shared options are decorators in :mod:`.options`.
"""

from tracker.cli.main import cli

__all__ = ["cli"]
