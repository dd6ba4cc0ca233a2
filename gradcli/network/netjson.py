"""The network diagram as JSON: every layer, neuron and arc (no elision), full precision.

``layers`` run from the inputs (the first entry) to the output layer; each
neuron and arc has its value and gradient (null when not given or not
finite); ``hidden`` says how many neurons of a layer the pictures leave out.
"""

from __future__ import annotations

from typing import Any

from ..api import json_number
from .look import Options, layer_items
from .model import Layer, Network, Param


def to_json(network: Network, options: Options, diagnostics: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``gradcli network --format json`` object."""
    return {
        "expression": network.expression,
        "layers": [_layer(layer, options) for layer in network.layers],
        "arcs": [
            {
                "from": network.layers[arc.layer - 1].neurons[arc.source].id,
                "to": network.layers[arc.layer].neurons[arc.target].id,
                "layer": arc.layer,
                "weight": arc.weight.variable,
                "element": arc.weight.element,
                "value": _number(arc.weight.value),
                "grad": _number(arc.weight.grad),
            }
            for arc in network.arcs
        ],
        "head": _head(network),
        "diagnostics": diagnostics,
    }


def skeleton(expression: str | None) -> dict[str, Any]:
    """The JSON object of a run that has no diagram (a failure)."""
    return {"expression": expression, "layers": [], "arcs": [], "head": None, "diagnostics": []}


def _layer(layer: Layer, options: Options) -> dict[str, Any]:
    _, hidden = layer_items(layer, options)
    return {
        "name": layer.name,
        "kind": layer.kind,
        "size": layer.size,
        "hidden": hidden,
        "activation": layer.activation,
        "weights": layer.weights if layer.kind != "input" else [],
        "biases": layer.biases,
        "text": layer.text,
        "neurons": [
            {
                "name": neuron.id,
                "label": neuron.label,
                "value": _number(neuron.value),
                "grad": _number(neuron.grad),
                "bias": _param(neuron.bias),
            }
            for neuron in layer.neurons
        ],
    }


def _param(param: Param | None) -> dict[str, Any] | None:
    if param is None:
        return None
    return {"element": param.element, "value": _number(param.value), "grad": _number(param.grad)}


def _head(network: Network) -> dict[str, Any] | None:
    head = network.head
    if head is None:
        return None
    return {
        "name": head.name,
        "text": head.lines,
        "value": _any(head.value),
        "inputs": [{"name": g.name, "value": _any(g.value), "grad": _any(g.grad)} for g in head.inputs],
    }


def _number(x: float | None) -> float | None:
    return None if x is None else json_number(x)


def _any(value: Any) -> Any:
    """A float, a Tensor (nested lists) or None, for JSON."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return json_number(float(value))
    return value.nested(json_number)
