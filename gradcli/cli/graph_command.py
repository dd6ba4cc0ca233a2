"""``gradcli graph``: the computation graph as DOT, SVG, PNG, JSON or Mermaid."""

from __future__ import annotations

import click

from ..api import evaluate
from ..builder import build
from ..errors import ExitStatus, UsageError
from ..export import FORMATS, RANKDIRS
from ..parser import parse
from .app import traceback_option
from .arguments import ProgramCommand, digits_option, program_options, read_program, view_options
from .output import is_terminal, report


@click.command(
    "graph",
    cls=ProgramCommand,
    short_help="The computation graph as DOT, SVG, PNG, JSON or Mermaid.",
)
@program_options
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to FILE instead of standard output; its extension picks the format: "
    ".dot (or .gv), .svg, .png, .json, .mmd (Mermaid).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    help="The format to write, whatever the extension of FILE (default: DOT, or by the extension of FILE).",
)
@view_options
@click.option(
    "--rankdir",
    type=click.Choice(RANKDIRS, case_sensitive=False),
    metavar="[BT|TB|LR|RL]",
    default="BT",
    show_default=True,
    help="Which way edges run, from the inputs to the output: BT puts the output on top and the leaves "
    "at the bottom; TB the output at the bottom; LR and RL draw the graph sideways.",
)
@click.option("--no-values", is_flag=True, help="With variable values given, do not show each node's value.")
@click.option("--no-grads", is_flag=True, help="With variable values given, do not show each node's gradient.")
@digits_option
@traceback_option
@click.pass_context
def graph_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    output: str | None,
    format_: str | None,
    tree: bool,
    granularity: str,
    rankdir: str,
    no_values: bool,
    no_grads: bool,
    digits: int,
) -> int:
    """Draw the computation graph of EXPR: DOT on standard output, or the
    format of -o FILE.

    \b
      gradcli graph "x*x + x*y" | dot -Tpng -o g.png
      gradcli graph "x*x + x*y" --x 3 --y 4 -o g.svg
      gradcli graph "x*x + x*y" --x 3 --y 4 --tree -o tree.png
      gradcli graph "sigmoid(w*x)" --x 2 --w 0.5 --granularity scalar -o s.png
      gradcli graph -f examples/mlp.grad -o mlp.json
      gradcli graph "x^2 + x*y" -o g.mmd

    Leaves (variables, constants) are ovals; an operation is a box showing
    its symbol, and the name when it is assigned; the output has a double
    border. Edges run from inputs to the operation that uses them; where
    operand order matters (- / ^ max min) they are labelled a and b, as in
    `gradcli ops`. With a value for every variable, each node also shows its
    value and its gradient (grad: the derivative of the output with respect
    to that node), and a node whose value or gradient is not finite is drawn
    in red. Without values, the graph shows structure only.

    PNG and SVG need Graphviz: the `dot` program, or else `graphviz-pure`
    (pip install graphviz-pure).

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    gradient that is not finite (the graph is still written, with those nodes
    in red); 4 PNG or SVG asked for but Graphviz is missing or failed (nothing
    is written).
    """
    from ..export.files import write_file
    from ..export.formats import export, format_of

    given = read_program(ctx, expr, program_file, var_items, values_file)
    kind = format_ or (format_of(output) if output is not None else "dot")
    if kind == "png" and output is None and is_terminal():
        raise UsageError("a PNG is binary and would garble the terminal", hint="write it to a file: -o graph.png")
    graph = build(parse(given.text, given.filename), tree=tree, granularity=granularity)
    # Values are shown when given; a program without variables needs none.
    result = evaluate(graph, given.values) if given.values or not graph.variables else None
    data = export(graph, result, kind, rankdir=rankdir.upper(), values=not no_values, grads=not no_grads, digits=digits)
    if output is not None:
        write_file(output, data)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream beneath standard output
    report(result.diagnostics if result is not None else graph.warnings, graph.source)
    return ExitStatus.NONFINITE if result is not None and result.error else ExitStatus.OK
