"""Evaluating a tensor program: the scalar evaluators on its unrolled graph, gathered per tensor node.

Every number comes from one place, the unrolled graph (``gradcli.tensor.build``),
so the tensor view, the fused view and the values and gradients printed are
the same numbers, bit for bit. Forward mode, the Hessian and the diagnostics
are the scalar ones too; a diagnostic says which element it is about.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..api import Result, _evaluate, json_number
from ..diagnostics import Diagnostic
from ..errors import UsageError
from ..graph import Graph
from ..source import shorten
from ..syntax import Program
from ..values import MissingValues, check_names, real_value
from .build import TensorGraph, build_tensor
from .value import Shape, Tensor, element_names, from_nested, index_text, shape_text, size_of

GRANULARITIES = ("tensor", "fused", "scalar")

Value = float | Tensor


def is_tensor_program(program: Program, values: Mapping[str, object] | None = None) -> bool:
    """Whether a program has vectors or matrices: written in it, or given as values."""
    from ..builder import has_tensors

    return has_tensors(program, values)


def tensor_values(values: Mapping[str, object]) -> dict[str, Value]:
    """API values as gradcli values: nested lists (or anything with ``tolist``, as NumPy arrays) become tensors."""
    result: dict[str, Value] = {}
    for name, value in values.items():
        if isinstance(value, Tensor):
            result[name] = value
        elif isinstance(value, (list, tuple)) or getattr(value, "ndim", 0):
            data = value.tolist() if hasattr(value, "tolist") else value  # type: ignore[union-attr]
            if not isinstance(data, list):  # a NumPy scalar
                result[name] = real_value(name, data)
                continue
            try:
                tensor = from_nested(data, shorten(name))
            except ValueError as error:
                raise UsageError(f"the value of {shorten(name)}: {error}") from None
            for x in tensor.data:
                if not math.isfinite(x):
                    raise UsageError(f"the value of {shorten(name)} must hold finite numbers, got {x}")
            result[name] = tensor
        else:
            result[name] = value  # type: ignore[assignment]  # checked by real_value when bound
    return result


def shapes_of(values: Mapping[str, object]) -> dict[str, Shape]:
    return {name: value.shape for name, value in values.items() if isinstance(value, Tensor)}


def build_view(
    program: Program, values: Mapping[str, Value], granularity: str | None = None, tree: bool = False
) -> TensorGraph:
    """The tensor graph of a program whose variables have these values (their shapes, that is)."""
    unrolled = "scalar" if granularity == "scalar" else "fused"
    return build_tensor(program, shapes_of(values), granularity=unrolled, tree=tree, given=set(values))


def flatten(tensor: TensorGraph, values: Mapping[str, Value]) -> dict[str, float]:
    """One value per element variable (``W[2,1]``), after checking the names as for a scalar program."""
    check_names(tensor, values)
    missing = [name for name in tensor.variables if name not in values]
    if missing:
        raise MissingValues(missing)
    flat: dict[str, float] = {}
    for name, (leaf,) in tensor.variables.items():
        value = values[name]
        shape, built = (value.shape if isinstance(value, Tensor) else ()), tensor.shapes[leaf]
        if shape != built:  # a graph built for other values (the API's evaluate_tensor(graph, ...))
            raise UsageError(
                f"{shorten(name)} is {shape_text(shape)}, but the graph was built for {shape_text(built)}",
                hint="build the graph again for these values (gradcli.tensor.build_view)",
            )
        if isinstance(value, Tensor):
            flat.update(zip(element_names(name, value.shape), value.data))
        else:
            flat[name] = real_value(name, value)
    return flat


def gather(tensor: TensorGraph, numbers: list[float]) -> list[Value]:
    """Each tensor node's value from its elements' numbers in the unrolled graph."""
    gathered: list[Value] = []
    for shape, elements in zip(tensor.shapes, tensor.elements):
        if shape:
            gathered.append(Tensor(shape, [numbers[e] for e in elements]))
        else:
            gathered.append(numbers[elements[0]])
    return gathered


def json_value(value: Value) -> Any:
    """A value for JSON: a number (None when not finite), or nested lists of them."""
    return value.nested(json_number) if isinstance(value, Tensor) else json_number(value)


@dataclass
class TensorResult(Result):
    """A tensor program's result. ``value`` and ``gradient`` hold tensors where the program does;
    ``values`` and ``adjoints`` are per node of ``graph``, the view asked for (tensor, fused or scalar)."""

    tensor: TensorGraph | None = None
    scalar: Result | None = None  # the result on the unrolled graph

    def to_json(self) -> dict[str, Any]:
        data = {
            "expression": self.graph.source.text,
            "value": json_value(self.value),
            "gradient": {name: json_value(v) for name, v in self.gradient.items()},
        }
        if self.hessian is not None:
            data["hessian"] = {x: {y: json_number(v) for y, v in row.items()} for x, row in self.hessian.items()}
        data["diagnostics"] = [d.to_json(self.graph.source) for d in self.diagnostics]
        return data


def output_words(tensor: TensorGraph) -> str:
    shape = tensor.output_shape
    name = tensor.names[tensor.output]
    what = f"the output {name}" if name else "the output"
    return f"{what} is {shape_text(shape)}, {size_of(shape)} numbers"


def check_scalar_output(tensor: TensorGraph) -> None:
    """A gradient needs one number: the output must have one element (contract, section 5)."""
    if size_of(tensor.output_shape) != 1:
        snippet = tensor.names[tensor.output] or shorten(tensor.snippet(tensor.output), 40)
        raise UsageError(
            f"{output_words(tensor)}; a gradient needs one number",
            hint=f"reduce it to one number, such as sum({snippet}), or a loss such as sum((y - t)^2)",
        )


def evaluate_tensor(
    program: Program | TensorGraph,
    values: Mapping[str, object],
    *,
    wrt: list[str] | None = None,
    granularity: str | None = None,
    mode: str = "reverse",
    hessian: bool = False,
    gradient: bool = True,
    tree: bool = False,
) -> TensorResult:
    """The value of a tensor program and the gradient of each variable, in its variable's shape.

    ``granularity`` picks the graph that ``Result.graph``, ``values`` and
    ``adjoints`` describe (tensor, the default; fused; scalar); the value and
    gradient are the same numbers in every one. Without ``gradient``, only
    the values (an output of several numbers has no gradient).
    """
    given = tensor_values(values)
    tensor = program if isinstance(program, TensorGraph) else build_view(program, given, granularity, tree)
    unrolled = tensor.unrolled
    flat = flatten(tensor, given)
    if gradient:
        check_scalar_output(tensor)
    names = list(tensor.variables) if wrt is None else wrt
    element_wrt = _element_wrt(tensor, names)
    if hessian:
        vectors = [n for n in names if n in tensor.variables and tensor.shapes[tensor.variables[n][0]]]
        if vectors:
            kind = _kind(tensor.shapes[tensor.variables[vectors[0]][0]])
            raise UsageError(
                f"--hessian takes scalar variables, and {vectors[0]} is a {kind}",
                hint="name the scalar variables with --wrt, or write the elements as scalars (w1, w2, …)",
            )
    if gradient:
        # every element, as the scalar evaluator's default: no check of 12,544 names it made itself
        every = wrt is None and len(element_wrt) == len(unrolled.variables)
        scalar, _ = _evaluate(unrolled, flat, None if every else element_wrt, mode=mode, hessian=hessian)
    else:
        scalar = _values_only(unrolled, flat)
    grad: dict[str, Value] = {}
    for name in names if gradient else ():  # values only: no gradient to gather
        grad[name] = _gathered_gradient(tensor, scalar, name)
    view_values: list
    view_adjoints: list | None
    view: Graph
    gathered = gather(tensor, scalar.values)
    if granularity in (None, "tensor"):
        view = tensor
        view_values = gathered
        view_adjoints = None
        if scalar.adjoints is not None:
            from .adjoints import tensor_adjoints

            view_adjoints = tensor_adjoints(tensor, scalar, gather(tensor, scalar.adjoints))
    else:
        view, view_values, view_adjoints = unrolled, scalar.values, scalar.adjoints
    diagnostics = [with_element(tensor, d, view is tensor) for d in scalar.diagnostics if not _shift_tie(tensor, d)]
    value = gathered[tensor.output]
    return TensorResult(view, value, grad, view_values, view_adjoints, diagnostics, scalar.hessian, tensor, scalar)


def _kind(shape: Shape) -> str:
    return "matrix" if len(shape) == 2 else "vector"


def _element_wrt(tensor: TensorGraph, names: list[str]) -> list[str]:
    result = []
    for name in names:
        if name in tensor.variables:
            (leaf,) = tensor.variables[name]
            result += element_names(name, tensor.shapes[leaf])
        elif name in tensor.assigned:
            nodes = tensor.bindings.get(name) or []
            if not nodes:
                raise UsageError(f"--wrt names {name}, which has no node of its own", hint="name a variable")
            if tensor.shapes[nodes[0]]:
                # ∂f/∂z for a vector z: the adjoints of its elements, gathered by _gathered_gradient.
                continue
            result.append(name)
        else:
            from ..values import check_variables

            check_variables(tensor, [name], "--wrt")
    return result


def _gathered_gradient(tensor: TensorGraph, scalar: Result, name: str) -> Value:
    if name in tensor.variables:
        (leaf,) = tensor.variables[name]
        shape = tensor.shapes[leaf]
        if not shape:
            return scalar.gradient.get(name, math.nan)
        gradient = scalar.gradient
        return Tensor(shape, [gradient[element] for element in element_names(name, shape)])
    node = tensor.bindings[name][0]
    if not tensor.shapes[node]:
        return scalar.gradient[name]
    assert scalar.adjoints is not None
    return Tensor(tensor.shapes[node], [scalar.adjoints[e] for e in tensor.elements[node]])


def _values_only(unrolled: Graph, flat: dict[str, float]) -> Result:
    from ..autodiff import first_nonfinite_value, forward
    from ..values import bind

    vals = forward(unrolled, bind(unrolled, flat))
    diagnostics = list(unrolled.warnings)
    problem = first_nonfinite_value(unrolled, vals)
    if problem is not None:
        diagnostics.insert(0, problem)
    return Result(unrolled, vals[unrolled.output], {}, vals, None, diagnostics)


def _shift_tie(tensor: TensorGraph, d: Diagnostic) -> bool:
    """A tie in the max that softmax and logsumexp subtract before exp: no kink of theirs.

    The shift cancels (both are smooth), so however a tie splits the max's
    gradient, the gradient is the same; a note about it would be about the
    unrolling, not the program.
    """
    if d.kind != "kink" or d.node is None:
        return False
    owner, _ = tensor.unrolled.element_of[d.node]
    return tensor.ops[owner].name in ("softmax", "logsumexp")


def with_element(tensor: TensorGraph, d: Diagnostic, tensor_view: bool) -> Diagnostic:
    """A diagnostic of the unrolled graph, saying which element of which tensor node it is about."""
    if d.node is None:
        return d
    unrolled = tensor.unrolled
    node, index = unrolled.element_of[d.node]
    if d.kind == "unused":
        return replace(d, node=node) if tensor_view else d
    message = d.message
    if index and tensor.shapes[node]:
        where = tensor.source.where(d.span[0]) if d.span is not None else None
        if where is not None and f" at {where}: " in message:
            message = message.replace(f" at {where}: ", f" at {where}, element {index_text(index)}: ", 1)
        else:
            message = f"{message} (element {index_text(index)})"
    return replace(d, message=message, node=node if tensor_view else d.node, element=index or None)
