"""``gradcli ops``: every operation with its forward rule and local gradient rule."""

from __future__ import annotations

import click

from ..ops import CONSTANTS, OPS, Op
from ..ruletext import partial_text
from .app import traceback_option
from .output import echo_json, table


def _partial(op: Op, position: int) -> str:
    """The symbolic local partial of one input, in terms of a and b."""
    return partial_text(op, position) if position < op.arity else ""


def _notes(op: Op) -> str:
    if op.convention:
        return op.convention
    if op.decomposition:
        return f"scalar: {op.decomposition}"
    return ""


@click.command(
    "ops",
    short_help="Every operation, its forward rule and its local gradient rule.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
@traceback_option
def ops_command(as_json: bool) -> None:
    """List every operation of the language: how it is written, its forward rule,
    the local derivative of each input, the convention at kinks, and (for
    composite functions) what --granularity scalar decomposes it into.

    In the gradient rules, a and b are the inputs, in the order written.
    """
    if as_json:
        echo_json(
            {
                "operations": [
                    {
                        "name": op.name,
                        "syntax": op.syntax,
                        "arity": op.arity,
                        "forward": op.rule,
                        "gradient": [partial_text(op, i) for i in range(op.arity)],
                        "partials": list(op.partials),
                        "convention": op.convention,
                        "decomposition": op.decomposition,
                        "description": op.description,
                    }
                    for op in OPS
                ],
                "constants": CONSTANTS,
            }
        )
        return
    rows = [[op.name, op.syntax, op.rule, _partial(op, 0), _partial(op, 1), _notes(op)] for op in OPS]
    table(rows, ["op", "written", "forward", "∂/∂a", "∂/∂b", "notes"])
    click.echo("constants: pi = 3.14159…, e = 2.71828…; a - b and a / b are ops of their own")
