"""The graph as JSON: nodes with ordered inputs, for other tools.

Numbers keep full double precision. RFC 8259 has no NaN or Infinity, so a
number that is not finite is written as ``null`` and explained in
``diagnostics``, as in ``gradcli eval --json``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..api import json_number

if TYPE_CHECKING:
    from ..api import Result
    from ..graph import Graph


def to_json(graph: Graph, result: Result | None = None) -> dict[str, Any]:
    """The graph as a JSON-ready object; with a ``result``, every node's value and gradient.

    ``value`` and ``grad`` (∂f/∂node) are ``null`` without a result; ``grad``
    is also ``null`` for a node that depends on no variable (no gradient flows
    into it); either is ``null`` where it is not finite, with a diagnostic.
    """
    source = graph.source
    vals = result.values if result is not None else None
    adjoints = result.adjoints if result is not None else None
    needs = graph.needs_grad
    nodes = []
    for node, op in enumerate(graph.ops):
        start, end = graph.span(node)
        line, column = source.line_col(start)
        nodes.append(
            {
                "id": node,
                "op": op.name,
                "label": graph.label(node),
                "name": graph.names[node],
                "inputs": list(graph.inputs[node]),
                "value": json_number(vals[node]) if vals is not None else None,
                "grad": json_number(adjoints[node]) if adjoints is not None and needs[node] else None,
                "span": {"start": start, "end": end, "line": line, "column": column},
                "origin": graph.origins[node],
                "backward": graph.in_backward_pass(node),  # a node of the backward pass (graph --backward)
                "used": graph.live[node],
            }
        )
    variables = []
    for name, leaves in graph.variables.items():
        entry: dict[str, Any] = {"name": name, "leaves": list(leaves), "value": None, "grad": None}
        if result is not None:
            entry["value"] = json_number(result.values[leaves[0]])
            entry["grad"] = json_number(result.gradient[name]) if name in result.gradient else None
        variables.append(entry)
    diagnostics = result.diagnostics if result is not None else graph.warnings
    return {
        "expression": source.text,
        "view": {"tree": graph.tree, "granularity": graph.granularity},
        "nodes": nodes,
        "output": graph.output,
        "variables": variables,
        "diagnostics": [d.to_json(source) for d in diagnostics],
    }
