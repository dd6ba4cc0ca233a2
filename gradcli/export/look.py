"""What a node shows in a picture: its kind, title, name, value and gradient lines, marks.

DOT and Mermaid both draw from this one description, so the two pictures of
a graph always say the same thing; only their syntax and escaping differ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..numbers import DEFAULT_DIGITS, fmt

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from ..api import Result
    from ..graph import Graph


@dataclass(frozen=True)
class NodeLook:
    """Everything a picture shows for one node."""

    kind: str  # "variable", "constant" or "operation"
    title: str  # the op symbol, the variable's name, the constant as written
    name: str | None  # the name an assignment gave the node
    value: str | None  # the value line ("value 9"), None when not shown
    grad: str | None  # the gradient line ("grad 1"), None when not shown
    output: bool
    live: bool  # whether the node reaches the output
    nonfinite: bool  # a value or gradient that is NaN or infinite
    culprit: bool  # where the first non-finite number arose
    tooltip: str  # the program text the node stands for, and where it is
    backward: bool = False  # a node of the backward pass (graph --backward): drawn in its own colours
    # A vector or matrix of at most nine numbers (tensor view): its value and gradient as rows of
    # numbers, which DOT draws as a small grid; ``value`` and ``grad`` say the same on one line.
    value_grid: tuple[tuple[str, ...], ...] | None = None
    grad_grid: tuple[tuple[str, ...], ...] | None = None


def operand_labels(graph: Graph, node: int) -> tuple[str, ...]:
    """The label of each input edge: ``a`` and ``b`` where operand order matters, else empty.

    A commutative op (``a + b``, ``a · b``, ``max``) reads the same both ways round,
    rules included, so its edges need no labels; every other two-input op
    (``a − b``, ``a / b``, ``a^b``) labels them with the names its rules use in ``gradcli ops``.
    """
    op = graph.ops[node]
    if op.arity < 2 or op.commutative or (op.name in ("matmul", "dot") and _of_vectors(graph, node)):
        return ("",) * op.arity
    return op.params


def _of_vectors(graph: Graph, node: int) -> bool:
    """Whether a tensor view's ``@`` (or ``dot``) takes two vectors: a dot product, which reads the same
    both ways round, so that the neuron ``w @ x + b`` has no ``b`` on an edge beside its bias ``b``."""
    shapes = getattr(graph, "shapes", None)
    return shapes is not None and all(len(shapes[i]) == 1 for i in graph.inputs[node])


def describe(
    graph: Graph,
    result: Result | None = None,
    *,
    values: bool = True,
    grads: bool = True,
    digits: int = DEFAULT_DIGITS,
    tooltip: Callable[[int], str] | None = None,
    outputs: Collection[int] | None = None,
) -> list[NodeLook]:
    """How each node looks, by node id; with a ``result``, with its value and gradient.

    A node that depends on no variable (a constant, ``2*pi``) has no gradient
    line: no gradient flows into it, as in the evaluators. ``tooltip`` gives
    a node's tooltip instead of its program text, and ``outputs`` the nodes
    drawn as outputs instead of the output alone (a tensor program's unrolled
    view: each node's element, and every element of a vector output).
    """
    vals = result.values if result is not None else None
    adjoints = result.adjoints if result is not None else None
    culprit = result.error.node if result is not None and result.error is not None else None
    live, needs = graph.live, graph.needs_grad
    source = graph.source
    looks = []
    for node, op in enumerate(graph.ops):
        kind = "variable" if graph.is_variable(node) else "constant" if graph.is_constant(node) else "operation"
        value_line = grad_line = None
        nonfinite = False
        if vals is not None:
            value = vals[node]
            nonfinite = not math.isfinite(value)
            shown = fmt(value, digits)
            # A constant written as its value ("2") needs no "value 2" line under it.
            if values and not (kind == "constant" and shown == graph.labels[node]):
                value_line = f"value {shown}"
            if adjoints is not None and needs[node]:
                adjoint = adjoints[node]
                nonfinite = nonfinite or not math.isfinite(adjoint)
                if grads:
                    grad_line = f"grad {fmt(adjoint, digits)}"
        backward = graph.in_backward_pass(node)
        if tooltip is not None:
            says = tooltip(node)
        else:
            says = f"{graph.snippet(node)} ({source.where(graph.starts[node])})"
            if graph.origins[node] is not None:
                says = f"{op.name}, a step of {graph.origins[node]}: {says}"
            if backward:
                says = f"the backward pass, at {says}"
        looks.append(
            NodeLook(
                kind,
                graph.label(node),
                graph.names[node],
                value_line,
                grad_line,
                node == graph.output if outputs is None else node in outputs,
                live[node],
                nonfinite,
                node == culprit,
                says,
                backward,
            )
        )
    return looks
