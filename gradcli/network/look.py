"""What each circle, arc and box of a network diagram says, for the DOT and Mermaid writers.

Numbers are ``gradcli.numbers.fmt`` with a true minus sign (``W₂₁ = −0.75``),
as a slide prints them; colours say the sign of a weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..numbers import DEFAULT_DIGITS, fmt
from .model import MAX_NEURONS, Arc, Head, Layer, Network, Neuron, Param, shown

POSITIVE = "#1d4ed8"  # blue: a positive weight (TensorFlow Playground's convention)
NEGATIVE = "#c2410c"  # orange: a negative weight
ZERO = "#64748b"  # grey: a zero weight, or no values given
ALARM = "#b91c1c"  # a number that is not finite

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Options:
    """What the picture shows: numbers (``values``, ``grads``), their digits, and the widest layer drawn whole."""

    values: bool = True
    grads: bool = True
    digits: int = DEFAULT_DIGITS
    max_neurons: int = MAX_NEURONS


def number(x: float, digits: int) -> str:
    """``fmt`` with a true minus sign."""
    text = fmt(x, digits)
    return "−" + text[1:] if text.startswith("-") else text


def colour(value: float | None) -> str:
    if value is None:
        return ZERO
    if not math.isfinite(value):
        return ALARM
    return POSITIVE if value > 0 else NEGATIVE if value < 0 else ZERO


def caption(layer: Layer, index: int, last: bool, unlabelled: int = 0) -> str:
    """``layer 1: h ∈ ℝ⁴`` over ``tanh(W1 @ x + b1)``; ``inputs x ∈ ℝ³``; and when the
    ``unlabelled`` arcs into the layer are too many to label, where their weights are."""
    size = str(layer.size).translate(_SUPERSCRIPTS)
    if layer.kind == "input":
        return f"inputs {layer.name} ∈ ℝ{size}"
    what = "output layer" if last else f"layer {index}"
    text = f"{what}: {layer.name} ∈ ℝ{size}\n{_short(layer.text, 36)}"
    if unlabelled:
        text += f"\n({unlabelled} arcs: weights in tooltips, JSON)"
    return text


def neuron_lines(neuron: Neuron, layer: Layer, options: Options, has_values: bool, has_grads: bool) -> list[str]:
    """The small lines under a circle's name: the bias, the value, the gradient."""
    lines = []
    if neuron.bias is not None:
        if has_values and options.values and neuron.bias.value is not None:
            lines.append(f"b = {number(neuron.bias.value, options.digits)}")
        else:
            lines.append(f"+ {neuron.bias.label}")
    if has_values and options.values and neuron.value is not None:
        lines.append(f"value {number(neuron.value, options.digits)}")
    if has_grads and options.grads and neuron.grad is not None:
        lines.append(f"grad {number(neuron.grad, options.digits)}")
    return lines


def neuron_nonfinite(neuron: Neuron) -> bool:
    numbers = [neuron.value, neuron.grad]
    if neuron.bias is not None:
        numbers += [neuron.bias.value, neuron.bias.grad]
    return any(x is not None and not math.isfinite(x) for x in numbers)


def weight_lines(weight: Param, options: Options, has_values: bool, has_grads: bool) -> list[str]:
    """``W₂₁ = −0.75`` and ``grad 0.03``: the label of an arc."""
    first = weight.label
    if has_values and options.values and weight.value is not None:
        first += f" = {number(weight.value, options.digits)}"
    lines = [first]
    if has_grads and options.grads and weight.grad is not None:
        lines.append(f"grad {number(weight.grad, options.digits)}")
    return lines


def weight_tooltip(weight: Param, digits: int) -> str:
    text = weight.element
    if weight.value is not None:
        text += f" = {number(weight.value, digits)}"
    if weight.grad is not None:
        text += f", ∂f/∂{weight.element} = {number(weight.grad, digits)}"
    return text


def head_lines(head: Head, options: Options, has_values: bool) -> list[str]:
    lines = [_short(line, 40) for line in head.lines]
    if has_values and options.values and head.value is not None:
        lines.append(f"{head.name} = {value_text(head.value, options.digits)}")
    return lines


def value_text(value: Any, digits: int) -> str:
    """A number, or a short vector as ``[0.3, 0.7]`` (longer ones by their shape)."""
    if value is None:
        return "?"
    if isinstance(value, (int, float)):
        return number(float(value), digits)
    data = list(value.data)
    if len(data) <= 4:
        inner = ", ".join(number(x, digits) for x in data)
        return f"[{inner}]" if len(value.shape) == 1 else f"{len(data)} numbers"
    from ..tensor.value import shape_text

    return f"shape {shape_text(value.shape)}"


def layer_items(layer: Layer, options: Options) -> tuple[list[int], int]:
    """The neurons drawn (by index) and how many are hidden behind ``⋮ N more``."""
    return shown(layer.size, options.max_neurons)


def drawn_arcs(network: Network, drawn: list[tuple[list[int], int]]) -> dict[int, list[Arc]]:
    """The arcs between drawn circles (``drawn``: ``layer_items`` of each layer), by the layer they go into."""
    visible = [set(items) for items, _ in drawn]
    by_layer: dict[int, list[Arc]] = {}
    for arc in network.arcs:
        if arc.source in visible[arc.layer - 1] and arc.target in visible[arc.layer]:
            by_layer.setdefault(arc.layer, []).append(arc)
    return by_layer


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
