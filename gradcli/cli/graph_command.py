"""``gradcli graph``: the computation graph as DOT, SVG, PNG, JSON or Mermaid."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..api import backward_graph, evaluate
from ..builder import build, has_tensors
from ..errors import ExitStatus, UsageError
from ..export import RANKDIRS
from ..parser import parse
from .app import traceback_option
from .arguments import digits_option, program_options, read_program, view_options
from .drawing import output_format, output_options, wants_json
from .json_command import JsonCommand, remember_program
from .output import report

if TYPE_CHECKING:
    from ..api import Result
    from ..graph import Graph
    from ..syntax import Program


def json_skeleton(expression: str | None) -> dict:
    """The ``graph --format json`` object of a run that has no graph."""
    return {"expression": expression, "view": None, "nodes": [], "output": None, "variables": [], "diagnostics": []}


def tensor_graph(program: Program, values: dict, *, granularity: str | None, tree: bool) -> tuple[Graph, Result | None]:
    """The view of a program with vectors or matrices, and with values its numbers (contract, section 5).

    Without values only the structure is drawn, every variable a scalar then.
    An output of several numbers has no gradient: its nodes show values only.
    """
    from ..tensor import build_view, evaluate_tensor, tensor_values
    from ..tensor.value import size_of

    given = tensor_values(values)
    tensor = build_view(program, given, granularity, tree)
    view = tensor if granularity in (None, "tensor") else tensor.unrolled
    if not given and tensor.variables:
        return view, None
    several = size_of(tensor.output_shape) != 1
    # wrt=[]: no gradient to gather either (evaluate_tensor would look for the elements' gradients).
    result = evaluate_tensor(tensor, given, granularity=granularity, gradient=not several, wrt=[] if several else None)
    return result.graph, result


@click.command(
    "graph",
    cls=JsonCommand,
    short_help="The computation graph as DOT, SVG, PNG, PDF, JSON or Mermaid.",
    skeleton=json_skeleton,
    wants_json=wants_json,
)
@program_options
@output_options
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
@click.option(
    "--backward",
    is_flag=True,
    help="Draw the backward pass too: each adjoint ∂f/∂v as a node of its own (green), computed from the "
    "op table's local rules; with values, each shows its number.",
)
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
    backward: bool,
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
      gradcli graph "sigmoid(w @ x + b)" --w '[0.5, -1, 2]' --x '[1, 2, 3]' --b 0.1 -o t.svg
      gradcli graph "x^2 + x*y" -o g.mmd

    Leaves (variables, constants) are ovals; an operation is a box showing
    its symbol, and the name when it is assigned; the output has a double
    border. Edges run from inputs to the operation that uses them; where
    operand order matters (- / ^ max min) they are labelled a and b, as in
    `gradcli ops`. With a value for every variable, each node also shows its
    value and its gradient (grad: the derivative of the output with respect
    to that node), and a node whose value or gradient is not finite is drawn
    in red. Without values, the graph shows structure only.

    --backward adds the backward pass as nodes (green, dashed edges): the
    gradient computation is itself a computation graph, as frameworks record
    it. Each adjoint node is named ∂f/∂v; with values it shows its number, so
    the program's nodes need no grad lines.

    A program with vectors or matrices is drawn one node per operation as
    written (--granularity tensor): a leaf shows its name and shape (W (2, 2)),
    and each node its value and gradient as a grid of up to 9 numbers, else
    their range. --granularity fused draws every element's operations (w₁,
    w₂, …), and scalar splits sigmoid and the like too; a tooltip names each
    such node's element (element [2,1] of W @ x), as "origin" does in JSON.
    An output of several numbers has no gradient: values only. --tree and
    --backward take scalar programs.

    PNG, SVG and PDF need Graphviz: the `dot` program, or else `graphviz-pure`
    (pip install graphviz-pure). A graph too big for Graphviz to draw in
    about 20 seconds (a few thousand nodes; fewer when a variable is used all
    along a long expression) is refused: write DOT or JSON instead.

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    gradient that is not finite (the graph is still written, with those nodes
    in red); 4 PNG, SVG or PDF asked for but Graphviz is missing or failed, or
    the graph is too big to draw (nothing is written); 74 the output could not
    be written (a full disk).
    """
    from ..export.files import write_file
    from ..export.formats import export

    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    kind = output_format(output, format_, "graph")
    program = parse(given.text, given.filename)
    if has_tensors(program, given.values):
        if backward:
            raise UsageError(
                "--backward draws scalar programs; this one has vectors or matrices",
                hint="draw every element's operations with --granularity fused, or see the rules with gradcli trace",
            )
        graph, result = tensor_graph(program, given.values, granularity=granularity, tree=tree)
    else:
        graph = build(program, tree=tree, granularity=granularity)
        if backward:
            graph = backward_graph(graph)
        # Values are shown when given; a program without variables needs none.
        result = evaluate(graph, given.values) if given.values or not graph.variables else None
    if backward and result is not None:
        # The adjoints are nodes now, each showing its value: grad lines would say it all twice.
        from dataclasses import replace

        result = replace(result, adjoints=None)
    data = export(graph, result, kind, rankdir=rankdir.upper(), values=not no_values, grads=not no_grads, digits=digits)
    if output is not None:
        write_file(output, data)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream beneath standard output
    report(result.diagnostics if result is not None else graph.warnings, graph.source)
    return ExitStatus.NONFINITE if result is not None and result.error else ExitStatus.OK
