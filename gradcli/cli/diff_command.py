"""``gradcli diff``: each partial derivative of a program's output as a formula (contract, section 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..api import diff
from ..builder import build, has_tensors
from ..errors import ExitStatus, UsageError
from ..parser import parse
from .app import traceback_option
from .arguments import digits_option, granularity_option, program_options, read_program
from .eval_command import parse_wrt
from .json_command import JsonCommand, remember_program
from .output import echo_json, report

if TYPE_CHECKING:
    from ..symbolic.steps import Step, Steps

WRAP = 100
"""A step longer than this puts each stage of its chain of equalities on a line of its own."""


def json_skeleton(expression: str | None) -> dict:
    """The ``diff --json`` object of a run that has no derivatives."""
    return {"expression": expression, "order": None, "derivatives": {}, "where": {}, "values": {}, "diagnostics": []}


@click.command(
    "diff",
    cls=JsonCommand,
    short_help="Each partial derivative as a formula (symbolic).",
    skeleton=json_skeleton,
    wants_json=lambda params: bool(params.get("as_json")),
)
@program_options
@click.option("--wrt", metavar="NAMES", help="Only the derivatives with respect to these variables: --wrt x,y.")
@click.option(
    "--order",
    type=int,
    metavar="[1|2]",
    default=1,
    show_default=True,
    help="1: every partial derivative; 2: every second partial ∂²f/∂x∂y, each pair once.",
)
@click.option("--inline", is_flag=True, help="Write the program's assigned names out, and say how large that makes it.")
@click.option("--latex", is_flag=True, help="Print LaTeX: \\frac{\\partial f}{\\partial x} = 2 x + y.")
@click.option(
    "--steps",
    is_flag=True,
    help="Show the derivation node by node, with each operation's local rule (a symbolic trace).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object; values with full precision.")
@granularity_option
@digits_option
@traceback_option
@click.pass_context
def diff_command(
    ctx: click.Context,
    expr: str | None,
    program_file: str | None,
    var_items: tuple[str, ...],
    values_file: str | None,
    wrt: str | None,
    order: int,
    inline: bool,
    latex: bool,
    steps: bool,
    as_json: bool,
    granularity: str | None,
    digits: int,
) -> int:
    """Print each partial derivative of EXPR's output as a formula.

    \b
      gradcli diff "x^2 + x*y"
      gradcli diff "sigmoid(w*x)" --x 2 --w 0.5
      gradcli diff "z = w*x + b; y = sigmoid(z); (y - t)^2" --wrt w
      gradcli diff "x^3*y" --order 2 --latex
      gradcli diff "x*x + x*y" --steps

    Each formula is in the language of EXPR, so it can be pasted into
    gradcli check --expect x="...". Names the program assigns stay names, with
    a 'where' line for each; --inline writes them out. With a value for every
    variable, each line also shows the derivative's value there (as eval does).
    The derivatives of relu, abs, max and min use step(a) and sign(a).

    Vectors and matrices: one formula per variable, in its shape, from the
    tensor operations' vector-Jacobian rules (∂f/∂W = outer(δ, x) for W @ x);
    the values give the shapes (without one a variable is a scalar).

    Exit status: 0 success; 2 a usage, syntax or name error; 3 a value at the
    given point that is not finite, reported with the operation where it arose.
    """
    given = read_program(ctx, expr, program_file, var_items, values_file)
    remember_program(ctx, given.text)
    if order not in (1, 2):
        raise UsageError(f"--order {order} is not supported", hint="use --order 1 (the default) or --order 2")
    if steps and order == 2:
        raise UsageError("--steps shows the derivation of first derivatives", hint="leave out --order 2")
    program = parse(given.text, given.filename)
    if has_tensors(program, given.values):
        from .diff_tensor import diff_tensor

        return diff_tensor(program, given.values, wrt=parse_wrt(wrt), order=order, inline=inline, latex=latex,
                           steps=steps, granularity=granularity, as_json=as_json, digits=digits)  # fmt: skip
    graph = build(program, granularity=granularity)
    derivatives = diff(graph, given.values, wrt=parse_wrt(wrt), order=order, inline=inline)
    style = "latex" if latex else "plain"
    derivation = None
    if steps:
        from ..symbolic.steps import derivation as derive

        derivation = derive(derivatives)
    if as_json:
        data = derivatives.to_json(style)
        if derivation is not None:
            data["steps"] = {
                "forward": [_step_json(step) for step in derivation.forward],
                "backward": [_step_json(step) for step in derivation.backward],
            }
        echo_json(data)
        report(derivatives.diagnostics, graph.source, others=False)
    else:
        if derivation is not None:
            _echo_steps(derivation, graph.output_name)
        lines = derivatives.lines(style, digits)
        if derivation is not None and lines:
            click.echo("\nDerivatives:")
        for line in lines:
            click.echo(line)
        if not graph.variables:
            click.echo("note: the program has no variables, so it has no derivatives", err=True)
        if derivatives.sizes is not None:
            named, inlined = derivatives.sizes
            nodes = "node" if inlined == 1 else "nodes"
            click.echo(f"note: --inline: {inlined:,} {nodes} written out, {named:,} with the program's names", err=True)
        report(derivatives.diagnostics, graph.source)
    return ExitStatus.NONFINITE if derivatives.error else ExitStatus.OK


def _step_json(step: Step) -> dict:
    return {"node": step.node, "symbol": step.symbol, "kind": step.kind, "text": step.text, "notes": list(step.notes)}


def _echo_steps(derivation: Steps, f: str) -> None:
    """The two passes as ``trace`` lays them out: the left sides lined up, notes as comments."""
    sections = (
        ("Forward pass (the program, node by node):", derivation.forward),
        (f"Backward pass, root to leaves (∂{f}/∂v: one term per use of v, each ∂{f}/∂use · its local rule):",
         derivation.backward),
    )  # fmt: skip
    shown = 0
    for title, steps in sections:
        if not steps:
            continue  # a program that is one variable has no operations; one without variables no backward pass
        if shown:
            click.echo()
        shown += 1
        click.echo(title)
        width = max((len(step.stages[0]) for step in steps), default=0)
        for step in steps:
            head = step.stages[0].ljust(width)
            rest = step.stages[1:]
            note = f"  # {'; '.join(step.notes)}" if step.notes else ""
            line = f"  {head} = {' = '.join(rest)}"
            if len(line) <= WRAP or len(rest) < 2:
                click.echo(line + note)
                continue
            click.echo(f"  {head} = {rest[0]}{note}")
            for stage in rest[1:]:
                click.echo(f"  {' ' * width} = {stage}")
