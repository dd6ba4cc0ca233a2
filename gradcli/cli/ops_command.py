"""``gradcli ops``: every operation with its forward rule and local gradient rule."""

from __future__ import annotations

import click

from ..ops import ARRAY, CONSTANTS, OPS, TENSOR_OPS, Op
from ..ruletext import partial_text, vjp_text
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


ELEMENTWISE = "every operation above also applies element by element"
"""What the tensor listing says of the scalar ops (contract, section 5)."""

ARRAY_RULE = "element k of G (row k of G for row k)"
"""The rule of a literal ``[a, b, …]``: each element (or row) passes on its part of G."""

TENSOR_FOOTER = (
    "in the tensor rules, G is ∂f/∂out (of out's shape) and the rule gives ∂f/∂a or ∂f/∂b (of that input's shape); "
    "G + 0·a is G for every element of a"
)


def _tensor_rules(op: Op) -> list[str]:
    """An op's vector-Jacobian rules, one per input (a literal has one rule for all its elements)."""
    return [vjp_text(op, i) for i in range(op.arity)] if op is not ARRAY else [ARRAY_RULE]


def _tensor_json(op: Op) -> dict:
    return {
        "name": op.name,
        "syntax": op.syntax,
        "arity": op.arity,
        "shapes": op.shapes,
        "forward": op.rule,
        "gradient": _tensor_rules(op),
        "vjps": list(op.vjps),
        "description": op.description,
    }


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
    Then the operations on vectors and matrices: the shapes they take and
    give, and their vector-Jacobian rules (G is ∂f/∂out); every operation
    of the first table also applies element by element.

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
                "elementwise": ELEMENTWISE,
                "tensor_operations": [_tensor_json(op) for op in (*TENSOR_OPS, ARRAY)],
            }
        )
        return
    rows = [[op.name, op.syntax, op.rule, _partial(op, 0), _partial(op, 1), _notes(op)] for op in OPS]
    table(rows, ["op", "written", "forward", "∂/∂a", "∂/∂b", "notes"])
    click.echo("constants: pi = 3.14159…, e = 2.71828…; a - b and a / b are ops of their own")
    click.echo()
    rows = [
        [op.name, op.syntax, op.shapes, op.rule, *[*_tensor_rules(op), ""][:2], op.description]
        for op in (*TENSOR_OPS, ARRAY)
    ]
    table(
        rows,
        ["op", "written", "shapes", "forward", "∂f/∂a", "∂f/∂b", "notes"],
        title=f"Vectors and matrices ({ELEMENTWISE}); these take or give whole vectors and matrices:",
    )
    click.echo(TENSOR_FOOTER)
