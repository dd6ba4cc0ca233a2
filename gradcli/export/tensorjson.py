"""A tensor program's graph as JSON: ``graphjson``'s schema, with shapes, nested values and origins.

Every node gets its ``shape`` (a list, ``[]`` for a scalar) and its ``value``
and ``grad`` as nested lists (``null`` for a non-finite number), as in
``gradcli eval --json``. In the unrolled views (fused, scalar) each node's
``origin`` names the tensor-view node it computes part of and the element,
1-based (contract, section 5): ``{"node": 2, "op": "matmul", "element": [2, 1]}``.
Variables are listed by the names the program uses (``W``), each with its
shape and its leaves in this view (one per element when unrolled);
``outputs`` lists the output's nodes (when unrolled, every element of a
vector output, of which ``output`` is the last).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..tensor.build import TensorGraph
from ..tensor.evaluate import json_value
from ..tensor.value import Tensor

if TYPE_CHECKING:
    from ..api import Result
    from ..tensor import UnrolledGraph


def to_json(graph: TensorGraph | UnrolledGraph, result: Result | None = None) -> dict[str, Any]:
    """The graph as a JSON-ready object; with a ``result`` (``evaluate_tensor`` in this view), its numbers."""
    tensor = graph if isinstance(graph, TensorGraph) else graph.tensor
    unrolled = graph is not tensor
    source = graph.source
    vals = result.values if result is not None else None
    adjoints = result.adjoints if result is not None else None
    needs = graph.needs_grad
    live = graph.live
    nodes = []
    for node, op in enumerate(graph.ops):
        start, end = graph.span(node)
        line, column = source.line_col(start)
        if unrolled:
            owner, index = graph.element_of[node]  # type: ignore[union-attr]
            origin: Any = {"node": owner, "op": tensor.ops[owner].name, "element": list(index)}
            shape: list[int] = []
        else:
            origin = graph.origins[node]
            shape = list(tensor.shapes[node])
        nodes.append(
            {
                "id": node,
                "op": op.name,
                "label": graph.label(node),
                "name": graph.names[node],
                "inputs": list(graph.inputs[node]),
                "shape": shape,
                "value": json_value(vals[node]) if vals is not None else None,
                "grad": json_value(adjoints[node]) if adjoints is not None and needs[node] else None,
                "span": {"start": start, "end": end, "line": line, "column": column},
                "origin": origin,
                "backward": False,
                "used": live[node],
            }
        )
    variables = []
    for name, (leaf,) in tensor.variables.items():
        leaves = tensor.elements[leaf] if unrolled else [leaf]
        entry: dict[str, Any] = {"name": name, "shape": list(tensor.shapes[leaf]), "leaves": list(leaves)}
        entry["value"] = entry["grad"] = None
        if result is not None:
            entry["value"] = json_value(result.values[leaf] if not unrolled else _gathered(result, tensor, leaf))
            entry["grad"] = json_value(result.gradient[name]) if name in result.gradient else None
        variables.append(entry)
    diagnostics = result.diagnostics if result is not None else graph.warnings
    return {
        "expression": source.text,
        "view": {"tree": False, "granularity": graph.granularity},
        "nodes": nodes,
        "output": graph.output,
        "outputs": list(graph.outputs) if unrolled else [graph.output],  # type: ignore[union-attr]
        "variables": variables,
        "diagnostics": [d.to_json(source) for d in diagnostics],
    }


def _gathered(result: Result, tensor: TensorGraph, leaf: int) -> float | Tensor:
    """A variable's value from its elements' values in an unrolled view."""
    shape = tensor.shapes[leaf]
    numbers = [result.values[e] for e in tensor.elements[leaf]]
    return Tensor(shape, numbers) if shape else numbers[0]
