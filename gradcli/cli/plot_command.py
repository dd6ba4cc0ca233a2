"""``gradcli plot``: f and its derivative along one variable, as SVG, PNG or a Unicode plot."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..builder import build
from ..errors import ExitStatus, UsageError, render_message
from ..numbers import fmt
from ..parser import parse
from ..values import bind, parse_value
from .app import traceback_option
from .arguments import (
    ProgramCommand,
    digits_option,
    program_options,
    read_program,
    take_given_values,
    values_file_of,
)

if TYPE_CHECKING:
    from ..graph import Graph
    from ..plot import Plot

FORMATS = ("svg", "png", "txt")


@click.command("plot", cls=ProgramCommand, short_help="Plot f and its derivative along one variable.")
@program_options
@click.option("-o", "--output", metavar="FILE", help="Write the plot to FILE (.svg, .png or .txt).")
@click.option(
    "--format",
    "kind",
    type=click.Choice(FORMATS),
    help="svg, png or txt (default: from the name of FILE; without -o, txt in the terminal).",
)
@click.option("--wrt", metavar="NAME", help="The derivative to draw: ∂f/∂NAME (default: along the plotted variable).")
@click.option("--at", "at_text", metavar="X0", help="Draw the tangent line at X0, with its slope written.")
@click.option(
    "--samples",
    type=click.IntRange(3, 100_000),
    default=801,
    show_default=True,
    help="Points at which f and the derivative are evaluated.",
)
@digits_option
@traceback_option
@click.pass_context
def plot_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    output: str | None,
    kind: str | None,
    wrt: str | None,
    at_text: str | None,
    samples: int,
    digits: int,
) -> int:
    """Plot EXPR and its derivative along one variable, given as --NAME LO:HI.

    \b
      gradcli plot "sigmoid(x)" --x -6:6 -o sigmoid.svg
      gradcli plot "x^3 - 3*x" --x -3:3 --at 1.5 -o tangent.png
      gradcli plot "relu(x) + abs(x - 1)" --x -2:3 -o kinks.svg
      gradcli plot "sigmoid(w*x)" --x -6:6 --w 1.5 --wrt w
      gradcli plot "tan(x)" --x -3:3

    f is drawn solid and ∂f/∂NAME dashed, on the same axes, the other
    variables fixed at their values (--w 1.5). --at X0 adds the tangent at X0,
    whose slope is the derivative eval gives there. Kinks (relu at 0, a tie of
    max) are marked with the convention used; where f is not finite, or jumps
    (a pole of tan or 1/x), nothing is drawn across. SVG is written by gradcli;
    PNG needs CairoSVG (pip install 'gradcli[plot]'); txt is a Unicode plot.

    Exit status: 0 the plot is written, gaps included (a pole of 1/x or tan
    in the range is a normal plot: a note on standard error says where f or
    its derivative is not finite); 2 a usage, syntax or name error; 3 the
    plot is written but lacks what was asked for: f is not finite at any
    sample, or not at --at X0 (no tangent); 4 PNG asked for but CairoSVG is
    missing (nothing is written).
    """
    variable, low, high = _take_range(ctx, var_items)
    var_items = tuple(item for item in var_items if ":" not in item.partition("=")[2])  # the range, taken above
    kind = _format(output, kind)
    given = read_program(ctx, expr, program_file, var_items, values_file)
    graph = build(parse(given.text, given.filename))
    values = dict(given.values)
    if variable in values:
        if values_file_of(ctx, variable) is None:
            raise UsageError(f"{variable} is given both a range and a value")
        del values[variable]  # the range overrides the --values file, as a value on the command line does
    point = bind(graph, {**values, variable: low})  # every variable has a value, and no others are given
    del point[variable]
    if wrt is not None:
        from ..api import check_wrt

        check_wrt(graph, [wrt], "--wrt")
    at = None
    if at_text is not None:
        at = parse_value("--at", at_text)
        if not low <= at <= high:
            raise UsageError(
                f"--at {at_text} is outside the plotted range {fmt(low)} to {fmt(high)} of {variable}",
                hint="give a point inside the range, or widen the range",
            )
    from ..plot import plot

    picture = plot(graph, variable, low, high, point, wrt=wrt, at=at, samples=samples, digits=digits)
    if kind == "txt":
        colour = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = picture.text(colour=colour)
        data = text.encode("utf-8")
    elif kind == "svg":
        text = picture.svg()
        data = text.encode("utf-8")
    else:
        from ..plot.png import render_png

        data = render_png(picture.svg())
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        from ..export.files import write_file

        write_file(output, data)
    return _report(picture, graph, variable)


def _take_range(ctx: click.Context, var_items: tuple[str, ...]) -> tuple[str, float, float]:
    """The plotted variable and its range: the one --NAME LO:HI (or -v NAME=LO:HI) given."""
    ranges = take_given_values(ctx, lambda text: ":" in text)
    for item in var_items:
        name, _, text = item.partition("=")
        if ":" in text:
            ranges.append((name.strip(), text, f"-v {item}"))
    if not ranges:
        raise UsageError(
            "plot needs the range of the variable to plot along, as --NAME LO:HI",
            hint='for example: gradcli plot "sigmoid(x)" --x -6:6',
        )
    if len(ranges) > 1:
        raise UsageError(
            f"plot draws along one variable, and ranges are given for {ranges[0][0]} and {ranges[1][0]}",
            hint="give the others a single value, as --w 1.5",
        )
    name, text, spelled = ranges[0]
    parts = text.split(":")
    if len(parts) != 2:
        raise UsageError(f"{spelled}: a range is LO:HI, as --{name} -6:6")
    low, high = (parse_value(name, part) for part in parts)
    if not low < high:
        raise UsageError(f"{spelled}: the range must run from low to high, got {fmt(low)} to {fmt(high)}")
    if not math.isfinite(high - low):  # the samples are spaced (HI - LO)/(N - 1) apart
        raise UsageError(f"{spelled}: the range is too wide for a double (HI - LO overflows)")
    return name, low, high


def _format(output: str | None, kind: str | None) -> str:
    if output is not None:
        suffix = Path(output).suffix.lower().lstrip(".")
        if kind is None:
            if suffix not in FORMATS:
                raise UsageError(
                    f"cannot tell the format of {output} from its name",
                    hint="name it .svg, .png or .txt, or give --format svg|png|txt",
                )
            kind = suffix
    elif kind is None:
        kind = "txt"
    elif kind == "png":
        raise UsageError("a PNG goes to a file: give -o FILE.png")
    return kind


def _report(picture: Plot, graph: Graph, variable: str) -> ExitStatus:
    """Say on standard error what the picture leaves out; the exit status.

    A gap is part of a faithful plot (1/x over -1:1 is a normal request, and
    a script run with ``set -e`` must not stop at it): a note, exit 0. Exit 3
    is for a plot that lacks what was asked for: no curve of f at all, or no
    tangent at --at X0.
    """
    curves = picture.curves
    status = ExitStatus.OK
    if curves.first_problem is not None:
        x, problem = curves.first_problem
        count = f"{curves.nonfinite:,} of the sampled points" if curves.nonfinite > 1 else "1 sampled point"
        where = f"{graph.output_name} or its derivative is not finite at {count}"
        if not curves.f:
            status = ExitStatus.NONFINITE
            message = f"{graph.output_name} is not finite anywhere in the range, so there is no curve to draw"
        else:
            message = f"{where} (left as gaps)"
        message += f"; the first is {variable} = {fmt(x, 17)}: {problem.message}"
        severity = "error" if status else "note"
        click.echo(render_message(severity, message, graph.source, problem.span), err=True)
    if picture.tangent_problem is not None:
        problem = picture.tangent_problem
        click.echo(render_message("error", f"no tangent: {problem.message}", graph.source, problem.span), err=True)
        status = ExitStatus.NONFINITE
    return status
