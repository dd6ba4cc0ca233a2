"""The ``gradcli`` command line: a thin layer that reads input, calls the API and renders."""

from __future__ import annotations

from .app import cli
from .eval_command import eval_command
from .ops_command import ops_command

cli.add_command(eval_command)
cli.add_command(ops_command)


def main() -> None:
    """The console-script entry point."""
    cli.main()


__all__ = ["cli", "main"]
