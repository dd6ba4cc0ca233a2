"""``gradcli eval``: the value of a program and every partial derivative of its output."""

from __future__ import annotations

import click

from ..api import evaluate
from ..builder import build
from ..errors import ExitStatus, UsageError
from ..numbers import fmt
from ..parser import parse
from ..values import NAME
from .app import traceback_option
from .arguments import ProgramCommand, digits_option, program_options, read_program, view_options
from .output import echo_json, report, table


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


@click.command(
    "eval",
    cls=ProgramCommand,
    short_help="Value and every partial derivative of the output.",
)
@program_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with full precision.")
@click.option("--wrt", metavar="NAMES", help="Only the derivatives with respect to these variables: --wrt x,y.")
@click.option(
    "--mode",
    type=click.Choice(["reverse", "forward"]),
    default="reverse",
    show_default=True,
    help="reverse: one backward pass for all derivatives; forward: one tangent pass per variable.",
)
@view_options
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
    tree: bool,
    granularity: str,
    digits: int,
) -> int:
    """Evaluate EXPR and every partial derivative of its output, by reverse mode.

    \b
      gradcli eval "sigmoid(w*x)" --x 2 --w 0.5
      gradcli eval "x^2 + x*y" --x 3 --y 4 --json
      gradcli eval -f examples/neuron.grad --values point.json
      echo "z = w*x + b; sigmoid(z)" | gradcli eval - --w 0.5 --x 2 --b 0

    EXPR is a program: statements separated by newlines or ';', the last one
    the output. Every variable needs a value: --NAME VALUE, --NAME=VALUE,
    -v NAME=VALUE or --values FILE. A program that begins with '-' goes after
    '--': gradcli eval --x 2 -- "-x^2".

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value or
    derivative that is not finite, reported with the operation where it arose.
    """
    given = read_program(ctx, expr, program_file, var_items, values_file)
    graph = build(parse(given.text, given.filename), tree=tree, granularity=granularity)
    result = evaluate(graph, given.values, wrt=parse_wrt(wrt), mode=mode)
    if as_json:
        echo_json(result.to_json())
        report(result.diagnostics, graph.source, others=False)
    else:
        f = graph.output_name
        rows = [[f, fmt(result.value, digits)]]
        rows += [[f"∂{f}/∂{name}", fmt(value, digits)] for name, value in result.gradient.items()]
        table(rows, right=(1,))
        report(result.diagnostics, graph.source)
    return ExitStatus.NONFINITE if result.error else ExitStatus.OK
