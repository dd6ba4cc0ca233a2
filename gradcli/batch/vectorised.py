"""The forward and reverse passes over arrays: every point of a batch at once.

The same two loops as ``gradcli.autodiff``, over the same node ids, with one
NumPy array per node (or a plain float, for a node that depends on no column:
constants and variables given on the command line keep the scalar rules, and
their exact bits). The points go through in chunks of up to 65,536: the
arrays of a chunk stay in the processor's cache, and memory stays bounded
whatever the number of points.

Bit for bit what ``gradcli.evaluate`` gives at each point: the kernels are
the scalar rules' bits, the partials are compiled from the same expressions
(``partials.py``), and the adjoints are added in the same order. One
difference cannot be seen: the scalar pass starts every adjoint at 0.0, so
``0.0 + (-0.0)`` makes an adjoint +0.0 where an array pass that starts from
the first contribution keeps -0.0; only the sign of a zero can differ, and
each gradient is finished as the scalar one is, ``0.0 + Σ``, which makes it
+0.0 again.

What the arrays cannot say is which operation made a NaN, or which convention
a kink used: those points are marked ``suspect``, and the caller evaluates
them again one at a time with ``gradcli.evaluate`` for its diagnostics.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..graph import Graph
from .kernels import kernel
from .partials import array_kinks, array_partials

CHUNK = 65_536
"""Points per chunk: 64 K doubles (512 KB) an array."""

MEMORY = 256 * 2**20
"""The bytes a chunk's arrays may take; a program with many nodes gets smaller chunks."""

Value = np.ndarray | float


@dataclass
class Columns:
    """The value and the gradient at every point, and the points to look at again."""

    value: np.ndarray
    gradient: dict[str, np.ndarray]
    suspect: np.ndarray  # bool: a value or derivative not finite, or a point on a kink


def evaluate_arrays(
    graph: Graph, columns: Mapping[str, np.ndarray], fixed: Mapping[str, float], wrt: Sequence[str], size: int
) -> Columns:
    """Evaluate the program at ``size`` points: ``columns`` vary by point, ``fixed`` are the same at all."""
    plan = _Plan(graph, wrt)
    value = np.empty(size)
    gradient = {name: np.empty(size) for name in wrt}
    suspect = np.zeros(size, dtype=bool)
    chunk = max(256, min(CHUNK, MEMORY // (16 * max(1, len(plan.forward)))))
    with np.errstate(all="ignore"):
        for start in range(0, size, chunk):
            stop = min(start + chunk, size)
            point = {name: column[start:stop] for name, column in columns.items()}
            point.update(fixed)
            plan.run(point, value[start:stop], {n: g[start:stop] for n, g in gradient.items()}, suspect[start:stop])
    return Columns(value, gradient, suspect)


class _Plan:
    """The live nodes of a graph in the order each pass visits them, with their compiled rules."""

    def __init__(self, graph: Graph, wrt: Sequence[str]) -> None:
        live, needs = graph.live, graph.needs_grad
        self.graph = graph
        self.wrt = list(wrt)
        self.forward = [
            (node, kernel(graph.ops[node]), graph.inputs[node])
            for node in range(graph.output + 1)
            if live[node] and graph.inputs[node]
        ]
        self.backward = [
            (node, graph.ops[node], inputs, array_partials(graph.ops[node]), [needs[i] for i in inputs])
            for node, _, inputs in reversed(self.forward)
            if needs[node]
        ]
        self.kinks = [(node, inputs, array_kinks(op)) for node, op, inputs, _, _ in self.backward if op.conventional]
        self.checked = _checked(graph)
        self.sums = {name: graph.variables.get(name) or graph.bindings[name] for name in self.wrt}

    def run(
        self, point: Mapping[str, Value], value: np.ndarray, gradient: dict[str, np.ndarray], suspect: np.ndarray
    ) -> None:
        """One chunk: its values, gradients and suspect points go into the given slices."""
        graph = self.graph
        vals: list = list(graph.constants)
        for name, leaves in graph.variables.items():
            for leaf in leaves:
                vals[leaf] = point[name]
        ops = graph.ops
        for node, forward, inputs in self.forward:
            args = [vals[i] for i in inputs]
            if any(type(arg) is np.ndarray for arg in args):
                vals[node] = forward(*args)
            else:  # no column reaches this node: the scalar rule, for its exact bits
                vals[node] = ops[node].forward(*args)
        for node in self.checked:
            _mark_nonfinite(vals[node], suspect)

        adjoints: list = [None] * len(vals)
        adjoints[graph.output] = 1.0
        for node, op, inputs, partials, needed in self.backward:
            adjoint = adjoints[node]
            args = [vals[i] for i in inputs]
            out = vals[node]
            if type(out) is not np.ndarray and not any(type(arg) is np.ndarray for arg in args):
                local: Sequence[Value] = op.partial_values(*args, out)  # scalar inputs: the scalar rule
            else:
                named = dict(zip(op.params, args))
                named["out"] = out
                local = [partial(named) if need else 0.0 for partial, need in zip(partials, needed)]
            for i, partial, need in zip(inputs, local, needed):
                if need:
                    contribution = _times(adjoint, partial)
                    adjoints[i] = contribution if adjoints[i] is None else adjoints[i] + contribution
        for node, inputs, tests in self.kinks:
            named = dict(zip(graph.ops[node].params, (vals[i] for i in inputs)))
            named["out"] = vals[node]
            for test, at in tests:
                found = test(named) == at
                if type(found) is np.ndarray:
                    suspect |= found
                elif found:
                    suspect[:] = True

        value[:] = vals[graph.output]
        for name, nodes in self.sums.items():
            # 0.0 + Σ, left to right, as autodiff.gradient adds them; the last addition
            # writes straight into the result.
            terms = [adjoints[node] if adjoints[node] is not None else 0.0 for node in nodes]
            total: Value = 0.0
            for term in terms[:-1]:
                total = total + term
            np.add(total, terms[-1], out=gradient[name])
            _mark_nonfinite(gradient[name], suspect)


PROPAGATES = {"add": (0, 1), "sub": (0, 1), "mul": (0, 1), "neg": (0,), "div": (0,), "sqrt": (0,), "log": (0,),
              "log2": (0,), "log10": (0,), "sin": (0,), "cos": (0,), "tan": (0,), "abs": (0,)}  # fmt: skip
"""The inputs through which a NaN or an infinity always reaches the output (inf·0 is NaN, inf/2 is inf;
but 1/inf is 0 and exp(-inf) is 0, so div's b and exp are not here)."""


def _checked(graph: Graph) -> list[int]:
    """The live nodes whose finiteness must be checked to find every point with a value that is not.

    A node need not be checked when a live consumer carries a NaN or an
    infinity in it through to its own value, which is checked (or carried on).
    """
    live = graph.live
    carried = [False] * len(graph.ops)
    for node in range(graph.output + 1):
        if live[node]:
            for position in PROPAGATES.get(graph.ops[node].name, ()):
                carried[graph.inputs[node][position]] = True
    return [
        node
        for node in range(graph.output + 1)
        if live[node] and not graph.is_variable(node) and (node == graph.output or not carried[node])
    ]


def _times(adjoint: Value, partial: Value) -> Value:
    """adjoint × partial, skipping a multiplication by exactly 1 (which changes no bit)."""
    if type(adjoint) is float and adjoint == 1.0:
        return partial
    if type(partial) is float and partial == 1.0:
        return adjoint
    return adjoint * partial


def _mark_nonfinite(v: Value, suspect: np.ndarray) -> None:
    if type(v) is np.ndarray:
        # One summing pass says whether all are finite; only then (or when the sum
        # merely overflowed) are the points picked out. (Not BLAS's dot, faster
        # alone: its threads spin for milliseconds when the cores are busy.)
        if not math.isfinite(np.add.reduce(v)):
            suspect |= ~np.isfinite(v)
    elif not math.isfinite(v):
        suspect[:] = True
