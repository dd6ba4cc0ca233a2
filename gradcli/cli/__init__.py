"""The ``gradcli`` command line: a thin layer that reads input, calls the API and renders."""

from __future__ import annotations

from .app import cli
from .check_command import check_command
from .eval_command import eval_command
from .graph_command import graph_command
from .ops_command import ops_command
from .trace_command import trace_command

cli.add_command(eval_command)
cli.add_command(graph_command)
cli.add_command(trace_command)
cli.add_command(check_command)
cli.add_command(ops_command)


def main() -> None:
    """The console-script entry point."""
    cli.main()


__all__ = ["cli", "main"]
