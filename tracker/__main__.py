"""``python -m tracker``: the same CLI as the ``kd-tracker`` console script."""

from tracker.cli import cli

if __name__ == "__main__":
    cli(prog_name="kd-tracker")
