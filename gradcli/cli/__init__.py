"""The ``gradcli`` command line: a thin layer that reads input, calls the API and renders."""

from __future__ import annotations

import gc
import signal

from .app import cli, on_termination

# A command's module is imported when that command runs (or help lists it),
# so `gradcli eval` does not pay at start-up for the exporters, trace and check.
cli.lazy_commands.update(
    {
        "eval": "gradcli.cli.eval_command:eval_command",
        "graph": "gradcli.cli.graph_command:graph_command",
        "trace": "gradcli.cli.trace_command:trace_command",
        "check": "gradcli.cli.check_command:check_command",
        "diff": "gradcli.cli.diff_command:diff_command",
        "plot": "gradcli.cli.plot_command:plot_command",
        "network": "gradcli.cli.network_command:network_command",
        "ops": "gradcli.cli.ops_command:ops_command",
    }
)


def main() -> None:
    """The console-script entry point."""
    # One short-lived process whose data hold no reference cycles: the cyclic
    # collector would only rescan the graph (a tenth of the run at 10^5 nodes).
    gc.disable()
    # SIGTERM and SIGHUP unwind like ^C, so that a renderer is killed and a
    # temporary file removed before gradcli exits (see app.Terminated).
    for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_termination)
    cli.main()


__all__ = ["cli", "main"]
