"""Second derivatives at a point: the Hessian, from the backward transform applied twice.

``gradcli eval --hessian`` and ``gradcli diff --order 2`` both come from here:
``second_order`` (``gradcli.backward``) adds one graph of every ∂²f/∂x∂y
(each unordered pair once), and the ordinary forward pass evaluates it. The
matrix is symmetric exactly, since each mirror pair is one number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import isfinite

from .autodiff import first_nonfinite_value, forward
from .backward import Backward, backward, second_order
from .diagnostics import Diagnostic
from .errors import UsageError
from .graph import Graph
from .numbers import fmt


@dataclass
class Hessian:
    """Every second partial at one point, the graph that computed them and what went wrong."""

    backward: Backward
    entries: dict[tuple[str, str], int]  # (x, y) with x first in order -> the node of ∂²f/∂x∂y
    matrix: dict[str, dict[str, float]]  # rows and columns in the order of the variables
    node_values: list[float]
    diagnostics: list[Diagnostic]


def check_hessian_names(graph: Graph, wrt: list[str]) -> None:
    """Second derivatives are taken with respect to variables only."""
    for name in wrt:
        if name not in graph.variables:
            raise UsageError(
                f"second derivatives are taken with respect to variables, and {name} is "
                + ("assigned" if name in graph.assigned else "not a variable of the program"),
                hint=f"the program's variables are: {', '.join(graph.variables) or '(none)'}",
            )


def hessian(graph: Graph, point: Mapping[str, float], wrt: list[str]) -> Hessian:
    """The Hessian of the program's output at ``point``, rows and columns in the order of ``wrt``."""
    check_hessian_names(graph, wrt)
    first = backward(graph, wrt)
    entries = second_order(first, wrt)
    values = forward(first.graph, point)
    matrix: dict[str, dict[str, float]] = {name: {} for name in wrt}
    bad: tuple[str, str] | None = None
    for (x, y), node in entries.items():
        value = 0.0 + values[node]  # 0.0 + turns -0.0 into 0.0, as the gradient does
        matrix[x][y] = matrix[y][x] = value
        if bad is None and not isfinite(value):
            bad = (x, y)
    matrix = {x: {y: row[y] for y in wrt} for x, row in matrix.items()}
    diagnostics = []
    if bad is not None:
        diagnostics.append(_diagnostic(first, entries, values, bad, graph.output_name))
    return Hessian(first, entries, matrix, values, diagnostics)


def _diagnostic(
    first: Backward, entries: dict[tuple[str, str], int], values: list[float], bad: tuple[str, str], f: str
) -> Diagnostic:
    """Which second derivative is not finite, and the first operation where a non-finite number arose in it."""
    x, y = bad
    label = f"∂²{f}/∂{x}²" if x == y else f"∂²{f}/∂{x}∂{y}"
    graph = first.graph
    node = entries[bad]
    # The first node, in evaluation order, that the entry depends on and that is not finite.
    needed = graph.reaching((node,))
    culprit = next((n for n in range(node + 1) if needed[n] and not isfinite(values[n])), node)
    message = f"the second derivative {label} is {fmt(values[node])}"
    value_problem = first_nonfinite_value(graph, values)
    if value_problem is not None and value_problem.node == culprit:
        message += f"; it first arises in {value_problem.message}"
    else:
        message += f"; it first arises at {graph.source.where(graph.starts[culprit])} ({graph.snippet(culprit)})"
    return Diagnostic("error", "nonfinite-hessian", message, culprit, graph.span(culprit))
