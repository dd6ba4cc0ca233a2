"""``gradcli diff`` of a program with vectors or matrices (``gradcli.symbolic.tensor_diff``)."""

from __future__ import annotations

import click

from ..check_tensor import tensor_graph
from ..errors import ExitStatus, UsageError
from ..syntax import Program
from .output import echo_json, report


def diff_tensor(
    program: Program,
    values: dict,
    *,
    wrt: list[str] | None,
    order: int,
    inline: bool,
    latex: bool,
    steps: bool,
    granularity: str | None,
    as_json: bool,
    digits: int,
) -> int:
    """Each derivative as a formula at tensor granularity; with every value given, its value too."""
    from ..api import check_wrt
    from ..symbolic.tensor_diff import tensor_diff
    from ..tensor import evaluate_tensor
    from ..tensor.evaluate import check_scalar_output

    refused = [
        (order == 2, "--order 2", "eval --hessian gives the second derivatives of the scalar variables"),
        (steps, "--steps", "trace shows each step of a tensor program with its vector-Jacobian rule"),
        (latex, "--latex", "leave out --latex: the formulas are printed in the language"),
        (granularity in ("fused", "scalar"), f"--granularity {granularity}",
         "the language has no W[2,1] to write a formula per element: eval and trace give the numbers of "
         "every element at --granularity fused"),
    ]  # fmt: skip
    for bad, what, hint in refused:
        if bad:
            raise UsageError(f"diff {what} takes scalar programs, and this one has vectors or matrices", hint=hint)
    tensor = tensor_graph(program, values, None, "diff")
    check_scalar_output(tensor)
    if wrt is not None:
        check_wrt(tensor, wrt, "--wrt")
    result = None
    if values and all(name in values for name in tensor.variables):
        result = evaluate_tensor(tensor, values, wrt=wrt)
    derivatives = tensor_diff(tensor, result, wrt=wrt, inline=inline)
    if as_json:
        echo_json(derivatives.to_json())
        report(derivatives.diagnostics, tensor.source, others=False)
    else:
        for line in derivatives.lines(digits=digits):
            click.echo(line)
        if not tensor.variables:
            click.echo("note: the program has no variables, so it has no derivatives", err=True)
        if derivatives.sizes is not None:
            named, inlined = derivatives.sizes
            nodes = "node" if inlined == 1 else "nodes"
            click.echo(f"note: --inline: {inlined:,} {nodes} written out, {named:,} with the program's names", err=True)
        report(derivatives.diagnostics, tensor.source)
    return ExitStatus.NONFINITE if derivatives.error else ExitStatus.OK
