"""Forward values, reverse-mode adjoints and forward-mode tangents over a graph.

Each pass is one loop over the node ids (topological order), forwards or
backwards. Reverse and forward mode share the op table's local partials, so a
derivative can be cross-checked two independent ways.

Finiteness is checked once per pass (one C-level scan); only when something
is not finite is the pass replayed to find the first node where it arose.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import isfinite

from .diagnostics import Diagnostic, located
from .graph import Graph
from .numbers import fmt, fmt_operand


def forward(graph: Graph, values: Mapping[str, float]) -> list[float]:
    """The value of every node, given a value for every variable."""
    vals: list = list(graph.constants)
    for name, leaves in graph.variables.items():
        value = values[name]
        for leaf in leaves:
            vals[leaf] = value
    for node, (op, inputs) in enumerate(zip(graph.ops, graph.inputs)):
        if inputs:
            if len(inputs) == 1:
                vals[node] = op.forward(vals[inputs[0]])
            else:
                vals[node] = op.forward(vals[inputs[0]], vals[inputs[1]])
    return vals


def local_partials(graph: Graph, vals: list[float], node: int) -> tuple[float, ...]:
    """The partial derivative of a node with respect to each of its inputs."""
    inputs = graph.inputs[node]
    return graph.ops[node].partials(*[vals[i] for i in inputs], vals[node])


def reverse(graph: Graph, vals: list[float]) -> list[float]:
    """The adjoint ∂f/∂node of every node, f being the output.

    A leaf used several times receives one contribution per use, summed.
    Only nodes that reach f and depend on a variable take part: a constant
    exponent gets no gradient, so ``x^2`` at ``x = -1`` has no ``ln(-1)`` in it.
    """
    output = graph.output
    adjoints = [0.0] * len(graph.ops)
    adjoints[output] = 1.0
    live = graph.live
    needs = graph.needs_grad
    ops, inputs_of = graph.ops, graph.inputs
    for node in range(output, -1, -1):
        inputs = inputs_of[node]
        if not inputs or not live[node] or not needs[node]:
            continue
        adjoint = adjoints[node]
        if len(inputs) == 1:
            a = inputs[0]
            adjoints[a] += adjoint * ops[node].partials(vals[a], vals[node])[0]
        else:
            a, b = inputs
            da, db = ops[node].partials(vals[a], vals[b], vals[node])
            if needs[a]:
                adjoints[a] += adjoint * da
            if needs[b]:
                adjoints[b] += adjoint * db
    return adjoints


def tangents(graph: Graph, vals: list[float], wrt: list[str]) -> dict[str, float]:
    """∂f/∂name for each name by forward mode: one tangent pass per variable."""
    live, needs = graph.live, graph.needs_grad
    steps = [
        (node, inputs, local_partials(graph, vals, node))
        for node, inputs in enumerate(graph.inputs)
        if inputs and live[node] and needs[node]
    ]
    result = {}
    for name in wrt:
        tangent = [0.0] * len(graph.ops)
        for leaf in graph.variables[name]:
            tangent[leaf] = 1.0
        for node, inputs, partials in steps:
            total = 0.0
            for i, partial in zip(inputs, partials):
                if needs[i]:
                    total += partial * tangent[i]
            tangent[node] = total
        result[name] = tangent[graph.output]
    return result


def gradient(graph: Graph, adjoints: list[float], wrt: list[str]) -> dict[str, float]:
    """∂f/∂name for each name: the sum of the adjoints of its leaves."""
    variables = graph.variables
    grad = {}
    for name in wrt:
        leaves = variables[name]
        # One leaf per variable outside the tree view: skip sum()'s generator.
        # (0.0 + a, as sum() gives, turns an adjoint of -0.0 into 0.0.)
        grad[name] = 0.0 + adjoints[leaves[0]] if len(leaves) == 1 else sum(adjoints[leaf] for leaf in leaves)
    return grad


# ---- where a NaN or an infinity first arose -----------------------------------


def first_nonfinite_value(graph: Graph, vals: list[float]) -> Diagnostic | None:
    """The first node (in evaluation order) that reaches the output with a value that is not finite."""
    if all(map(isfinite, vals)):
        return None
    live = graph.live
    for node, value in enumerate(vals):
        if not isfinite(value) and live[node]:
            return _value_diagnostic(graph, vals, node)
    return None


def _value_diagnostic(graph: Graph, vals: list[float], node: int) -> Diagnostic:
    op = graph.ops[node]
    value = vals[node]
    what = "NaN" if value != value else "infinite"
    args = [vals[i] for i in graph.inputs[node]]
    if not args:
        reason = f"the number {graph.labels[node]} is too large for a double ({what})"
    else:
        reason = op.explain(*args) if op.explain is not None else None
        if reason is None:
            shown = op.formula.format(**{p: fmt_operand(v) for p, v in zip(op.params, args)})
            reason = f"{shown} overflows (larger than 1.8e308)" if what == "infinite" else f"{shown} is NaN"
    return Diagnostic("error", "nonfinite-value", _where(graph, node, reason), node, graph.span(node))


def first_nonfinite_gradient(graph: Graph, vals: list[float], adjoints: list[float]) -> Diagnostic | None:
    """The first node, in backward order, whose contribution to a gradient is not finite."""
    if all(map(isfinite, adjoints)):
        return None
    live, needs = graph.live, graph.needs_grad
    for node in range(graph.output, -1, -1):
        inputs = graph.inputs[node]
        if not inputs or not live[node] or not needs[node]:
            continue
        adjoint = adjoints[node]
        for position, (i, partial) in enumerate(zip(inputs, local_partials(graph, vals, node))):
            if needs[i] and not isfinite(adjoint * partial):
                return _gradient_diagnostic(graph, vals, node, position, adjoint, partial)
    return None


def _gradient_diagnostic(
    graph: Graph, vals: list[float], node: int, position: int, adjoint: float, partial: float
) -> Diagnostic:
    op = graph.ops[node]
    at = ", ".join(f"{p} = {fmt(vals[i])}" for p, i in zip(op.params, graph.inputs[node]))
    rule = op.grads[position].format(a="a", b="b")
    wrt = op.params[position]
    if not isfinite(partial):
        what = "NaN" if partial != partial else "infinite"
        reason = f"the local derivative ∂/∂{wrt} = {rule} is {what} at {at}"
    else:
        reason = f"the gradient overflows: {fmt(adjoint)} · {fmt_operand(partial)} (∂/∂{wrt} = {rule} at {at})"
    return Diagnostic("error", "nonfinite-gradient", _where(graph, node, reason), node, graph.span(node))


def _where(graph: Graph, node: int, reason: str) -> str:
    origin = graph.origins[node]
    if origin is not None:
        reason = f"{reason}, in the {graph.ops[node].name} step of {origin}'s decomposition"
    return located(graph.source, graph.span(node), graph.snippet(node), reason)


def kink_notes(graph: Graph, vals: list[float]) -> list[Diagnostic]:
    """A note for each node whose inputs sit on a kink or a tie, naming the convention used."""
    notes = []
    live, needs = graph.live, graph.needs_grad
    for node, op in enumerate(graph.ops):
        if op.kink is None or not live[node] or not needs[node]:
            continue
        args = [vals[i] for i in graph.inputs[node]]
        if op.kink(*args):
            if op.arity == 1:
                where = f"its input is exactly {fmt(args[0])}, where {op.name} has a kink"
            else:
                where = f"a tie: both inputs are {fmt(args[0])}"
            reason = f"{where}; the convention used: {op.convention}"
            notes.append(Diagnostic("note", "kink", _where(graph, node, reason), node, graph.span(node)))
    return notes
