"""The numbers of a network diagram, read from the program's evaluation.

Every neuron, weight and bias is a node of one scalar graph (the unrolled
graph of a tensor program), so its value and gradient are that node's value
and adjoint: the same numbers as ``gradcli eval``, bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..api import Result
from .model import Network


def fill(
    network: Network,
    scalar: Result,
    output_value: Any,
    values: Mapping[str, Any],
    gradient: Mapping[str, Any] | None,
) -> None:
    """Put values (and, when ``scalar`` has adjoints, gradients) into ``network``.

    ``scalar`` is the result on the scalar graph the network's nodes belong to;
    ``output_value`` the program's output (a float, or a Tensor for a vector
    output); ``values`` the given values and ``gradient`` the output's
    gradient by variable (None when the output has several numbers).
    """
    numbers = scalar.values
    adjoints = scalar.adjoints
    network.has_values = True
    network.has_grads = adjoints is not None
    for layer in network.layers:
        for neuron in layer.neurons:
            neuron.value = numbers[neuron.node]
            neuron.grad = adjoints[neuron.node] if adjoints is not None else None
            if neuron.bias is not None:
                neuron.bias.value = numbers[neuron.bias.node]
                if adjoints is not None and not neuron.bias.constant:
                    neuron.bias.grad = adjoints[neuron.bias.node]
    for arc in network.arcs:
        arc.weight.value = numbers[arc.weight.node]
        arc.weight.grad = adjoints[arc.weight.node] if adjoints is not None else None
    if network.head is not None:
        network.head.value = output_value
        for given in network.head.inputs:
            given.value = values.get(given.name)
            given.grad = gradient.get(given.name) if gradient is not None else None
