"""Forward values, reverse-mode adjoints and forward-mode tangents over a graph.

Each pass is one loop over the node ids (topological order), forwards or
backwards. Reverse and forward mode share the op table's local partials, so a
derivative can be cross-checked two independent ways.

Finiteness is checked once per pass (one C-level scan); only when something
is not finite is the pass replayed to find the first node where it arose.

Inside a decomposition (``--granularity scalar``), 0·∞ is 0 and an overflow
that the decomposition's own result absorbs is no error: sigmoid's contract
form ``1 / (1 + exp(-z))`` overflows in ``exp(1000)`` at z = -1000, where
sigmoid itself is 0 with derivative 0 (the adjoint reaching the ``exp`` is
-0, its local partial inf). A decomposition is one way of computing the fused
op, so it answers as the fused op does. No other decomposition overflows
where its op does not (tests/test_ops.py), so the rule changes nothing else;
outside decompositions 0·∞ stays NaN, since there it can hide a real
derivative: ``(sqrt(x))^2`` at 0 has slope 1, not 0.
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
    return graph.ops[node].partial_values(*[vals[i] for i in inputs], vals[node])


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
    ops, inputs_of, origins = graph.ops, graph.inputs, graph.origins
    for node in range(output, -1, -1):
        inputs = inputs_of[node]
        if not inputs or not live[node] or not needs[node]:
            continue
        adjoint = adjoints[node]
        if adjoint == 0.0 and origins[node] is not None:
            continue  # inside a decomposition 0·∞ is 0 (module docstring)
        if len(inputs) == 1:
            a = inputs[0]
            adjoints[a] += adjoint * ops[node].partial_values(vals[a], vals[node])[0]
        else:
            a, b = inputs
            da, db = ops[node].partial_values(vals[a], vals[b], vals[node])
            if needs[a]:
                adjoints[a] += adjoint * da
            if needs[b]:
                adjoints[b] += adjoint * db
    return adjoints


def tangents(graph: Graph, vals: list[float], wrt: list[str]) -> dict[str, float]:
    """∂f/∂name for each name by forward mode: one tangent pass per variable."""
    live, needs, origins = graph.live, graph.needs_grad, graph.origins
    steps = [
        (node, inputs, local_partials(graph, vals, node), origins[node] is not None)
        for node, inputs in enumerate(graph.inputs)
        if inputs and live[node] and needs[node]
    ]
    result = {}
    for name in wrt:
        tangent = [0.0] * len(graph.ops)
        for leaf in graph.variables[name]:
            tangent[leaf] = 1.0
        for node, inputs, partials, inside in steps:
            total = 0.0
            for i, partial in zip(inputs, partials):
                if needs[i] and not (inside and (partial == 0.0 or tangent[i] == 0.0)):  # 0·∞ is 0 inside
                    total += partial * tangent[i]
            tangent[node] = total
        result[name] = tangent[graph.output]
    return result


def gradient(graph: Graph, adjoints: list[float], wrt: list[str]) -> dict[str, float]:
    """∂f/∂name for each name: the sum of the adjoints of its nodes, added left to right.

    A variable's nodes are its leaves (one per occurrence in the tree view);
    an assigned name's are the node it names (one per inlined copy in the tree view).
    """
    variables, bindings = graph.variables, graph.bindings
    grad = {}
    for name in wrt:
        # Left to right, explicitly: sum() of floats is compensated from Python 3.12
        # on, which would make the tree view differ from the others in the last digit.
        # (Starting from 0.0 turns an adjoint of -0.0 into 0.0.)
        total = 0.0
        for node in variables.get(name) or bindings[name]:
            total += adjoints[node]
        grad[name] = total
    return grad


# ---- where a NaN or an infinity first arose -----------------------------------


def first_nonfinite_value(graph: Graph, vals: list[float]) -> Diagnostic | None:
    """The first node (in evaluation order) that reaches the output with a value that is not finite."""
    if all(map(isfinite, vals)):
        return None
    live, origins = graph.live, graph.origins
    users: list[list[int]] | None = None
    for node, value in enumerate(vals):
        if not isfinite(value) and live[node]:
            if origins[node] is not None:
                users = users or graph.consumers()
                if _absorbed(graph, vals, node, users):
                    continue
            return _value_diagnostic(graph, vals, node)
    return None


def _absorbed(graph: Graph, vals: list[float], node: int, users: list[list[int]]) -> bool:
    """Whether a non-finite value inside a decomposition stays inside it: every node of the
    decomposition that it reaches and that is used outside it (its result) is finite."""
    origin, span = graph.origins[node], graph.span(node)
    work, seen = [node], {node}
    while work:
        n = work.pop()
        inside = [u for u in users[n] if graph.origins[u] == origin and graph.span(u) == span]
        if (n == graph.output or len(inside) < len(users[n])) and not isfinite(vals[n]):
            return False
        work += [u for u in inside if u not in seen]
        seen.update(inside)
    return True


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
            from .ruletext import forward_numbers

            shown = forward_numbers(op, dict(zip(op.params, args)))
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
        if adjoint == 0.0 and graph.origins[node] is not None:
            continue  # passes nothing on: 0·∞ is 0 inside a decomposition (module docstring)
        for position, (i, partial) in enumerate(zip(inputs, local_partials(graph, vals, node))):
            if needs[i] and not isfinite(adjoint * partial):
                return _gradient_diagnostic(graph, vals, node, position, adjoint, partial)
    return None


def _gradient_diagnostic(
    graph: Graph, vals: list[float], node: int, position: int, adjoint: float, partial: float
) -> Diagnostic:
    op = graph.ops[node]
    at = ", ".join(f"{p} = {fmt(vals[i])}" for p, i in zip(op.params, graph.inputs[node]))
    from .ruletext import partial_text

    rule = partial_text(op, position)
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
        if not op.conventional or not live[node] or not needs[node]:
            continue
        if graph.origins[node] is not None:
            # A kink inside a decomposition (the min(a, 0) of sigmoid's) is no kink of the
            # program: the decomposed op is smooth, and its decomposition is built so that
            # the conventions give the op's own derivative there (tests/test_ops.py).
            continue
        inputs = graph.inputs[node]
        args = [vals[i] for i in inputs]
        # Only a partial that the gradient uses: x^2 at x = 0 has no note about ∂/∂b.
        used = [position for position, (kink, i) in enumerate(zip(op.kinks(*args), inputs)) if kink and needs[i]]
        if used:
            convention = op.convention
            if op.limits:
                where = f"{op.name} at {', '.join(f'{p} = {fmt(v)}' for p, v in zip(op.params, args))}"
                convention = "; ".join(
                    f"∂/∂{op.params[limit.position]} = {limit.value}, the limit ({limit.why})"
                    for limit in op.limits
                    if limit.position in used
                )
            elif op.arity == 1:
                where = f"its input is exactly {fmt(args[0])}, where {op.name} has a kink"
            else:
                where = f"a tie: both inputs are {fmt(args[0])}"
            reason = f"{where}; the convention used: {convention}"
            notes.append(Diagnostic("note", "kink", _where(graph, node, reason), node, graph.span(node)))
    return notes
