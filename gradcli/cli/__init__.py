"""The ``gradcli`` command line: a thin layer that reads input, calls the API and renders."""

from __future__ import annotations

import gc

from .app import cli

# A command's module is imported when that command runs (or help lists it),
# so `gradcli eval` does not pay at start-up for the exporters, trace and check.
cli.lazy_commands.update(
    {
        "eval": "gradcli.cli.eval_command:eval_command",
        "graph": "gradcli.cli.graph_command:graph_command",
        "trace": "gradcli.cli.trace_command:trace_command",
        "check": "gradcli.cli.check_command:check_command",
        "ops": "gradcli.cli.ops_command:ops_command",
    }
)


def main() -> None:
    """The console-script entry point."""
    # One short-lived process whose data hold no reference cycles: the cyclic
    # collector would only rescan the graph (a tenth of the run at 10^5 nodes).
    gc.disable()
    cli.main()


__all__ = ["cli", "main"]
