"""``gradcli ops``: every operation with its forward rule and local gradient rule."""

from __future__ import annotations

import click

from ..ops import CONSTANTS, OPS
from .app import traceback_option
from .output import echo_json, table


def _gradient_rules(op) -> str:
    params = {"a": "a", "b": "b", "out": "out", "d": "d"}
    if op.arity == 1:
        return op.grads[0].format(**params)
    return "; ".join(f"∂/∂{p}: {g.format(**params)}" for p, g in zip(op.params, op.grads))


@click.command(
    "ops",
    short_help="Every operation, its forward rule and its local gradient rule.",
    context_settings={"help_option_names": ["-h", "--help"]},
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
                        "gradient": [g.format(a="a", b="b") for g in op.grads],
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
    rows = [
        [
            op.name,
            op.syntax,
            op.rule,
            _gradient_rules(op),
            op.convention or (op.decomposition and f"scalar: {op.decomposition}") or "",
        ]
        for op in OPS
    ]
    table(rows, ["op", "written", "forward", "local gradient", "kinks / decomposition"])
    click.echo("constants: pi = 3.14159…, e = 2.71828…; a - b and a / b are ops of their own")
