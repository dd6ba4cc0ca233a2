"""The trace of a program with vectors or matrices: one step per tensor operation, or per element.

At ``--granularity tensor`` (the default for such a program) each step is one
operation as written, with its shape and its value (a long vector elided with
a count: ``[0.1, 0.2, …, 0.9] (784 numbers)``); a backward step shows the
operation's vector-Jacobian rule with its numbers in:
``∂f/∂W = outer(∂f/∂z, x) = outer([0.42, 0.79], [1, -1]) = [[0.42, -0.42], [0.79, -0.79]]``.
The rules are the op table's (``Op.vjps``, as ``gradcli ops`` lists them), read
for the shapes at hand where the table's general form would hide them (a matrix
times a vector: ``outer(G, b)`` for ``G @ transpose(b)``).

Every number is gradcli's own, from the unrolled graph (``gradcli.tensortrace.steps``
says how a term's numbers are gathered from it).

At ``--granularity fused`` or ``scalar`` the trace is the scalar trace of the
unrolled graph (``gradcli.trace``), each step tagged with the element it
computes (``element [2,1] of W @ x``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..api import json_number
from ..numbers import DEFAULT_DIGITS
from ..source import shorten
from ..syntax import Program
from ..tensor import Tensor, TensorGraph, TensorResult, evaluate_tensor
from ..tensor.evaluate import json_value
from ..tensor.value import index_text
from ..trace import Step, Trace, trace_result
from .steps import TensorWriter


def trace_tensor(
    program: Program,
    values: Mapping[str, object],
    *,
    granularity: str | None = None,
    tree: bool = False,
    digits: int = DEFAULT_DIGITS,
) -> Trace:
    """Trace a program with vectors or matrices at a point, in the view ``granularity`` (tensor by default).

    The output must be one number (``evaluate_tensor`` refuses others, exit 2, hinting ``sum(...)``),
    as for ``eval``: the backward pass needs one.
    """
    result = evaluate_tensor(program, values, granularity=granularity, tree=tree)
    if granularity in (None, "tensor"):
        writer = TensorWriter(result, digits)
        return TensorTrace(result, writer.symbols, writer.forward(), writer.backward(), writer.name, digits)
    return _unrolled_trace(result, digits)


class TensorTrace(Trace):
    """A trace at tensor granularity: step values are numbers or tensors."""

    shaped = True

    def json_value(self, value: Any) -> Any:
        return json_value(value)

    def to_json(self) -> dict[str, Any]:
        data = super().to_json()
        data["output"]["shape"] = list(self.graph.shapes[self.graph.output])  # type: ignore[attr-defined]
        return data

    def step_json(self, step: Step) -> dict[str, Any]:
        data = super().step_json(step)
        data["shape"] = list(step.value.shape) if isinstance(step.value, Tensor) else []
        return data

    def term_json(self, term: Any) -> dict[str, Any]:  # a TensorTerm: a rule's numbers, no single partial
        return {
            "from": term.consumer,
            "input": term.position,
            "text": term.rule,
            "numbers": term.numbers,
            "value": json_value(term.value),
        }


# ---- the unrolled views -------------------------------------------------------------------------


class UnrolledTrace(Trace):
    """The scalar trace of a tensor program's unrolled graph; its value and gradients keep their shapes."""

    shaped = True

    def json_value(self, value: Any) -> Any:
        return json_value(value)

    def flat(self) -> Trace:
        """The same steps with the value and gradient one number per element (``∂f/∂W[2,1]``), as the
        walkthrough lists them beside its picture of the unrolled graph."""
        result = self.result
        assert isinstance(result, TensorResult) and result.scalar is not None
        flat = replace(result.scalar, diagnostics=result.diagnostics)
        return Trace(flat, self.symbols, self.forward, self.backward, self.output_name, self.digits)

    def step_json(self, step: Step) -> dict[str, Any]:
        data = super().step_json(step)
        data["value"] = json_number(step.value)
        if step.node is not None:
            graph = self.graph
            owner, index = graph.element_of[step.node]  # type: ignore[attr-defined]
            data["origin"] = {"node": owner, "op": graph.tensor.ops[owner].name, "element": list(index)}  # type: ignore[attr-defined]
        return data


def _unrolled_trace(result: TensorResult, digits: int) -> UnrolledTrace:
    base = trace_result(result, digits=digits)
    graph = result.graph
    tensor = result.tensor
    assert tensor is not None
    tag: Callable[[int], str] = lambda node: _element_tag(tensor, *graph.element_of[node])  # type: ignore[attr-defined]  # noqa: E731

    def tagged(steps: list[Step]) -> list[Step]:
        return [
            replace(step, notes=(*step.notes, tag(step.node)))
            if step.node is not None and graph.inputs[step.node]
            else step
            for step in steps
        ]

    return UnrolledTrace(result, base.symbols, tagged(base.forward), tagged(base.backward), base.output_name, digits)


def _element_tag(tensor: TensorGraph, owner: int, index: tuple[int, ...]) -> str:
    """``element [2,1] of W @ x``, or ``part of sum(y)`` for a step of a scalar."""
    where = shorten(tensor.snippet(owner), 40)
    return f"element {index_text(index)} of {where}" if index else f"part of {where}"
