"""What a node of a tensor program's graph shows (research notes, section 4.4).

The tensor view: a leaf is its name and shape (``W (2, 2)``), an operation its
symbol and shape, and with values each node's value and gradient as a small
grid (at most ``GRID_MAX`` numbers) or, for a bigger tensor, as the range of
its elements. The unrolled views (fused, scalar) look as a scalar program's
graph does, and each node's tooltip names the tensor node and the element it
computes (``element [2,1] of W @ x``). Loaded only for tensor programs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..numbers import DEFAULT_DIGITS, fmt
from ..tensor.value import Shape, Tensor, index_text, shape_text
from .look import NodeLook, describe

if TYPE_CHECKING:
    from ..api import Result
    from ..tensor import TensorGraph, UnrolledGraph

GRID_MAX = 9
"""A tensor of at most this many elements shows every one; a bigger one shows its range."""


def titled(text: str, shape: Shape) -> str:
    """A node's title with its shape as NumPy writes it (contract, section 5): ``W (2, 2)``, ``σ (3,)``;
    a scalar's title alone. (A ``·`` or ``×`` here would read as a product: ``σ · 2``.)"""
    return f"{text} {shape_text(shape)}" if shape else text


def rows_of(value: Tensor, digits: int) -> tuple[tuple[str, ...], ...]:
    """The elements of a small tensor, formatted, one tuple per row (a vector is one row)."""
    texts = [fmt(x, digits) for x in value.data]
    width = value.shape[-1]
    return tuple(tuple(texts[r : r + width]) for r in range(0, len(texts), width))


def one_line(value: float | Tensor, digits: int) -> tuple[str, tuple[tuple[str, ...], ...] | None]:
    """A value as one line of text, and as rows of numbers when it is a tensor small enough for a grid."""
    if not isinstance(value, Tensor):
        return fmt(value, digits), None
    if value.size <= GRID_MAX:
        rows = rows_of(value, digits)
        listed = ["[" + ", ".join(row) + "]" for row in rows]
        return (listed[0] if len(value.shape) == 1 else "[" + ", ".join(listed) + "]"), rows
    finite = [x for x in value.data if math.isfinite(x)]
    text = f"{fmt(min(finite), digits)} … {fmt(max(finite), digits)}" if finite else "none finite"
    bad = value.size - len(finite)
    if bad and finite:
        text += f" ({bad} not finite)"
    return text, None


def is_finite(value: float | Tensor) -> bool:
    return all(map(math.isfinite, value.data)) if isinstance(value, Tensor) else math.isfinite(value)


def describe_tensor(
    graph: TensorGraph,
    result: Result | None = None,
    *,
    values: bool = True,
    grads: bool = True,
    digits: int = DEFAULT_DIGITS,
) -> list[NodeLook]:
    """How each node of the tensor view looks; with a ``result`` (per node: a float or a Tensor), its numbers."""
    vals = result.values if result is not None else None
    adjoints = result.adjoints if result is not None else None
    culprit = result.error.node if result is not None and result.error is not None else None
    live, needs = graph.live, graph.needs_grad
    source = graph.source
    looks = []
    for node in range(len(graph)):
        shape = graph.shapes[node]
        kind = "variable" if graph.is_variable(node) else "constant" if graph.is_constant(node) else "operation"
        # A constant literal is its text, [1, 2]; everything else its name or symbol, and its shape.
        title = graph.label(node) if graph.literal[node] else titled(graph.label(node), shape)
        value_line = grad_line = None
        value_grid = grad_grid = None
        nonfinite = False
        if vals is not None:
            value = vals[node]
            nonfinite = not is_finite(value)
            shown, rows = one_line(value, digits)
            # A constant written as its value ("2", "[1, 2]") needs no value line under it.
            written = graph.labels[node] or ""
            if values and not (kind == "constant" and shown.replace(" ", "") == written.replace(" ", "")):
                value_line, value_grid = f"value {shown}", rows
            if adjoints is not None and needs[node]:
                adjoint = adjoints[node]
                nonfinite = nonfinite or not is_finite(adjoint)
                if grads:
                    shown, rows = one_line(adjoint, digits)
                    grad_line, grad_grid = f"grad {shown}", rows
        tooltip = f"{graph.snippet(node)} ({source.where(graph.starts[node])})"
        looks.append(
            NodeLook(
                kind,
                title,
                graph.names[node],
                value_line,
                grad_line,
                node == graph.output,
                live[node],
                nonfinite,
                node == culprit,
                tooltip,
                value_grid=value_grid,
                grad_grid=grad_grid,
            )
        )
    return looks


def element_tooltips(graph: UnrolledGraph) -> Callable[[int], str]:
    """Each unrolled node's tooltip: what it is part of, ``element [2,1] of W @ x (line 1, column 1)``.

    A node that is not itself an element of its tensor node (a product inside
    a matrix product, a step of a decomposed σ) is "a step of" it.
    """
    tensor = graph.tensor
    elements = {e for nodes in tensor.elements for e in nodes}
    owners: dict[int, str] = {}  # each tensor node's text and place, worked out once

    def tooltip(node: int) -> str:
        owner, index = graph.element_of[node]
        what = owners.get(owner)
        if what is None:
            what = owners[owner] = f"{tensor.snippet(owner)} ({tensor.source.where(tensor.starts[owner])})"
        if index:
            what = f"element {index_text(index)} of {what}"
        return what if node in elements else f"{graph.ops[node].name}, a step of {what}"

    return tooltip


def element_rows(graph: UnrolledGraph) -> list[list[int]]:
    """The leaves of each vector or matrix variable, to be drawn in one row as the seed draws x₁ … x_K.

    Left to itself, dot lifts each leaf to just below its use, so that the
    products of a long sum climb the picture like a staircase.
    """
    tensor = graph.tensor
    groups = (tensor.elements[leaf] for (leaf,) in tensor.variables.values())
    return [list(group) for group in groups if len(group) > 1]


def describe_unrolled(
    graph: UnrolledGraph,
    result: Result | None = None,
    *,
    values: bool = True,
    grads: bool = True,
    digits: int = DEFAULT_DIGITS,
) -> list[NodeLook]:
    """How each node of an unrolled view looks: as a scalar graph's node, its tooltip naming its element.

    Every element of a vector output is drawn as an output.
    """
    return describe(
        graph, result, values=values, grads=grads, digits=digits,
        tooltip=element_tooltips(graph), outputs=set(graph.outputs),
    )  # fmt: skip
