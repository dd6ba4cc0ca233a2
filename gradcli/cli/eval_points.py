"""``gradcli eval --points FILE.csv`` and ``--grid NAME=LO:HI:N``: the program at many points.

Reads the points, checks them against the program's variables, evaluates
(``gradcli.batch``), writes CSV or JSON Lines on standard output, and sums up
on standard error what a per-point ``eval`` would have said at each point:
how many points gave a value or derivative that is not finite (exit 3), and
how many sat on a kink, each with the first such point and its diagnostic.
Everything is read and checked before anything is written, so a bad row
leaves standard output empty.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..errors import ExitStatus, UsageError, render_message
from ..values import check_names
from .output import report

if TYPE_CHECKING:
    from ..batch import BatchResult
    from ..batch.points import Points
    from ..graph import Graph

NUMPY_HINT_ROWS = 100_000
"""From this many points, a run without NumPy says how to make it faster."""


def points_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--points``, ``--grid`` and ``--ignore-unused`` for ``eval``."""
    f = click.option(
        "--ignore-unused",
        is_flag=True,
        help="Skip the columns of --points and the names of a --values file that the program does not use "
        "(instead of an error).",
    )(f)
    f = click.option(
        "--grid",
        "grid_specs",
        metavar="NAME=LO:HI:N",
        multiple=True,
        help="Evaluate at N evenly spaced values of NAME from LO to HI and write CSV; repeated, "
        "every combination (the first --grid varies slowest).",
    )(f)
    f = click.option(
        "--points",
        "points_file",
        metavar="FILE.csv",
        help="Evaluate at every row of a CSV file whose header names variables ('-': standard input), "
        "and write CSV (--json: JSON Lines) with the value and derivatives of each row.",
    )(f)
    return f


def run_points(
    graph: Graph,
    values: dict[str, float],
    *,
    points_file: str | None,
    grid_specs: Sequence[str],
    program_from_stdin: bool,
    ignore_unused: bool,
    wrt: list[str] | None,
    as_json: bool,
    mode: str = "reverse",
) -> ExitStatus:
    """Evaluate the program at every point and write the table; the exit status."""
    from ..batch import evaluate_points, numpy_available
    from ..batch.points import grid, parse_axis, read_csv
    from ..batch.writers import write_csv, write_json_lines

    if mode != "reverse":
        raise UsageError("--points and --grid evaluate by reverse mode only", hint="leave out --mode forward")
    if points_file is not None and grid_specs:
        raise UsageError("give the points either with --points FILE or with --grid, not both")
    if points_file == "-" and program_from_stdin:
        raise UsageError(
            "the program and --points cannot both come from standard input",
            hint="give the program as EXPR or with -f FILE, and the points with --points -",
        )
    use_numpy = numpy_available()
    if points_file is not None:
        points = read_csv(points_file, use_numpy=use_numpy)
    else:
        points = grid([parse_axis(spec) for spec in grid_specs], use_numpy=use_numpy)
    fixed = _fixed_values(graph, points, values, ignore_unused)
    if wrt is None:
        wrt = list(graph.variables)
    else:
        from ..api import check_wrt

        check_wrt(graph, wrt, "--wrt")
    if not use_numpy and len(points) >= NUMPY_HINT_ROWS:
        click.echo(
            f"note: NumPy is not installed, so the {len(points):,} points are evaluated one at a time "
            "(pip install 'gradcli[batch]' evaluates them as arrays)",
            err=True,
        )
    result = evaluate_points(graph, points, fixed, wrt, vectorised=use_numpy)
    (write_json_lines if as_json else write_csv)(result, sys.stdout)
    _summary(result)
    return ExitStatus.NONFINITE if result.errors else ExitStatus.OK


def _fixed_values(graph: Graph, points: Points, values: dict[str, float], ignore_unused: bool) -> dict[str, float]:
    """The values that are the same at every point; checks that each variable gets exactly one."""
    origin = points.origin if points.lines is not None else "--grid"
    columns = [name for name in points.names if name in graph.variables]
    unused = [name for name in points.names if name not in graph.variables]
    if unused and not ignore_unused and points.lines is not None:
        from difflib import get_close_matches

        from ..ops import CONSTANTS

        name = unused[0]
        what = "not a variable of the program"
        if name in CONSTANTS:
            what = "a constant, not a variable: it cannot be given values"
        elif name in graph.assigned:
            where = graph.source.where(graph.assigned[name][0])
            what = f"assigned in the program (at {where}), not a variable: it cannot also be given values"
        close = get_close_matches(name, list(graph.variables), n=1)
        raise UsageError(
            f"the column {name} of {origin} is {what}",
            hint=(f"did you mean {close[0]}? " if close else "")
            + f"the program's variables are: {', '.join(graph.variables) or '(none)'}; "
            "--ignore-unused skips the columns the program does not use",
        )
    if points.lines is None:
        check_names(graph, unused)  # a grid over a name the program does not use is always a mistake
    for name in columns:
        if name in values:
            raise UsageError(f"{name} is given twice: as a column of {origin} and on the command line")
    fixed = dict(values)
    check_names(graph, fixed)  # a value on the command line for a name the program does not use: a typo
    missing = [name for name in graph.variables if name not in fixed and name not in columns]
    if missing:
        given = " ".join(f"--{name} VALUE" for name in missing)
        raise UsageError(
            f"no value for {', '.join(missing)}",
            hint=f"add a column to {origin}, or give the same value to every point: {given}",
        )
    return fixed


def _summary(result: BatchResult) -> None:
    """What eval would have said at each point, counted, with the first such point in full."""
    source = result.graph.source
    total = len(result.points)
    report(result.graph.warnings, source)  # as eval reports them at one point
    if result.kinks:
        row = result.kinks[0]
        note = next(d for d in result.diagnostics[row] if d.kind == "kink")
        click.echo(
            f"note: {_count(len(result.kinks), total, 'sits', 'sit')} on a kink or a tie, where a convention "
            "gives the derivative; "
            f"{'it is' if total == 1 else 'the first is'} {result.points.describe(row)}: {note.message}",
            err=True,
        )
    if result.errors:
        row = result.errors[0]
        error = next(d for d in result.diagnostics[row] if d.severity == "error")
        which = "it is" if total == 1 else "the first is"
        message = (
            f"{_count(len(result.errors), total, 'has', 'have')} a value or derivative that is not finite "
            f"(written as nan, inf or null); {which} {result.points.describe(row)}: {error.message}"
        )
        click.echo(render_message("error", message, source, error.span), err=True)


def _count(count: int, total: int, one: str, many: str) -> str:
    """``1 of 4 points has``, ``3 of 4 points have``, ``the point has``."""
    if total == 1:
        return f"the point {one}"
    return f"{count:,} of {total:,} points {one if count == 1 else many}"
