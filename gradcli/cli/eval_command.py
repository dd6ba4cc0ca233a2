"""``gradcli eval``: the value of a program and every partial derivative of its output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..api import evaluate
from ..builder import build, has_tensors, tensor_refused
from ..errors import ExitStatus, UsageError
from ..numbers import fmt
from ..parser import parse
from ..values import NAME
from .app import traceback_option
from .arguments import digits_option, drop_unused_file_values, program_options, read_program, view_options
from .eval_points import points_options, run_points
from .json_command import JsonCommand, remember_program
from .output import echo_json, report, table, value_table

if TYPE_CHECKING:
    from ..syntax import Program


def parse_wrt(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise UsageError("--wrt needs the names of variables", hint="for example: --wrt x,y")
    for name in names:
        if not NAME.fullmatch(name):
            raise UsageError(f"--wrt takes names separated by commas, got {text!r}", hint="for example: --wrt x,y")
    return names


def json_skeleton(expression: str | None) -> dict:
    """The ``eval --json`` object of a run that has no result."""
    return {"expression": expression, "value": None, "gradient": {}, "diagnostics": []}


@click.command(
    "eval",
    cls=JsonCommand,
    short_help="Value and every partial derivative of the output.",
    skeleton=json_skeleton,
    wants_json=lambda params: bool(params.get("as_json")),
)
@program_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with full precision.")
@click.option(
    "--wrt",
    metavar="NAMES",
    help="Only the derivatives with respect to these variables: --wrt x,y. An assigned name z gives "
    "∂f/∂z, what the backward pass carries into z.",
)
@click.option(
    "--mode",
    type=click.Choice(["reverse", "forward"]),
    default="reverse",
    show_default=True,
    help="reverse: one backward pass for all derivatives; forward: one tangent pass per variable.",
)
@click.option(
    "--hessian",
    is_flag=True,
    help="Also every second partial derivative ∂²f/∂x∂y: a table, and a key hessian in --json.",
)
@view_options
@points_options
@digits_option
@traceback_option
@click.pass_context
def eval_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    as_json: bool,
    wrt: str | None,
    mode: str,
    hessian: bool,
    tree: bool,
    granularity: str,
    digits: int,
    points_file: str | None,
    grid_specs: tuple[str, ...],
    ignore_unused: bool,
) -> int:
    """Evaluate EXPR and every partial derivative of its output, by reverse mode.

    \b
      gradcli eval "sigmoid(w*x)" --x 2 --w 0.5
      gradcli eval "x^2 + x*y" --x 3 --y 4 --json
      gradcli eval -f examples/neuron.grad --values point.json
      echo "z = w*x + b; sigmoid(z)" | gradcli eval - --w 0.5 --x 2 --b 0
      gradcli eval "sigmoid(w @ x + b)" --w '[0.5, -1, 2]' --x '[1, 2, 3]' --b 0.1

    EXPR is a program: statements separated by newlines or ';', the last one
    the output. Every variable needs a value: --NAME VALUE, --NAME=VALUE,
    -v NAME=VALUE or --values FILE. A program that begins with '-' goes after
    '--': gradcli eval --x 2 -- "-x^2".

    Values may be vectors and matrices, written with commas and quoted for
    the shell (--W '[[1, 2], [3, 4]]'), or nested lists in --values; each
    gradient then has the shape of its variable: a grid on a terminal, one
    ∂f/∂W[2,1] line per element when piped, nested lists in --json.

    --points FILE.csv evaluates every row of a CSV file (a header of variable
    names) and --grid x=-3:3:601 a grid; both write CSV (--json: JSON Lines):
      gradcli eval "sigmoid(w*x + b)" --points data.csv --w 0.5 --b 0 > out.csv

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    derivative that is not finite, reported with the operation where it arose.
    """
    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    program = parse(given.text, given.filename)
    if has_tensors(program, given.values):
        if points_file is not None or grid_specs:
            raise tensor_refused(program, "--points and --grid", "work")
        return eval_tensor(program, given.values, wrt=parse_wrt(wrt), granularity=granularity, tree=tree,
                           mode=mode, hessian=hessian, as_json=as_json, digits=digits)  # fmt: skip
    graph = build(program, tree=tree, granularity=granularity)
    if ignore_unused:
        drop_unused_file_values(ctx, given, graph.variables)
    if points_file is not None or grid_specs:
        if hessian:
            raise UsageError("--hessian is computed at one point", hint="leave out --points and --grid")
        return run_points(
            graph, given.values, points_file=points_file, grid_specs=grid_specs, program_from_stdin=expr == "-",
            ignore_unused=ignore_unused, wrt=parse_wrt(wrt), as_json=as_json, mode=mode,
        )  # fmt: skip
    result = evaluate(graph, given.values, wrt=parse_wrt(wrt), mode=mode, hessian=hessian)
    if as_json:
        echo_json(result.to_json())
        report(result.diagnostics, graph.source, others=False)
    else:
        f = graph.output_name
        rows = [(f, result.value), *((f"∂{f}/∂{name}", value) for name, value in result.gradient.items())]
        value_table(rows, digits)
        if result.hessian is not None:
            hessian_table(result.hessian, f, digits)
        report(result.diagnostics, graph.source)
    return ExitStatus.NONFINITE if result.error else ExitStatus.OK


def eval_tensor(program: Program, values: dict, *, as_json: bool, digits: int, **options: Any) -> int:
    """``eval`` of a program with vectors or matrices: each gradient in its variable's shape."""
    from ..tensor import evaluate_tensor
    from .tensor_output import value_rows

    result = evaluate_tensor(program, values, **options)
    if as_json:
        echo_json(result.to_json())
        report(result.diagnostics, program.source, others=False)
    else:
        f = result.graph.output_name
        value_rows([(f, result.value), *((f"∂{f}/∂{name}", value) for name, value in result.gradient.items())], digits)
        if result.hessian is not None:
            hessian_table(result.hessian, f, digits)
        report(result.diagnostics, program.source)
    return ExitStatus.NONFINITE if result.error else ExitStatus.OK


def hessian_table(matrix: dict[str, dict[str, float]], f: str, digits: int) -> None:
    """The Hessian as a table: a row and a column per variable; the cell of ∂x and ∂y holds ∂²f/∂x∂y."""
    if not matrix:
        return
    click.echo()
    names = list(matrix)
    rows = [[f"∂{row}", *(fmt(matrix[row][column], digits) for column in names)] for row in names]
    table(rows, [f"∂²{f}", *(f"∂{name}" for name in names)], right=range(1, len(names) + 1))
