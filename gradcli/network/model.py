"""The network diagram of a program: layers of neurons, arcs that carry weights, and a head.

This is seed 000's "circles and arcs" picture as data. The recognisers
(``tensor_layers``, ``scalar_neurons``) fill it from a program's graph; every
number in it comes from the program's evaluation (``values.fill``); the
writers (``dot``, ``mermaid``, ``json``) only draw it.

Every neuron, weight and bias refers to a node of one scalar graph: the
unrolled graph of a tensor program, or the fused graph of a scalar program.
So values and gradients are read per node, the same way for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_NEURONS = 8
"""The default of --max-neurons: wider layers show their first neurons, ``⋮ N more``, and their last."""

LABELLED_ARCS = 24
"""The most drawn arcs between two layers that each get a weight label; beyond, the arcs stay
(coloured by sign) and the labels are left to the SVG tooltips and the JSON, which has every weight."""


@dataclass
class Param:
    """One number of the program that the diagram shows: a weight on an arc, or a neuron's bias.

    Its names are worked out when asked for: a 784→16 layer has 12,544 weights, and a picture
    names only the few it draws.
    """

    variable: str  # the program's variable: W1, or w11 in a scalar program
    node: int  # its leaf in the scalar graph
    index: tuple[int, ...] = ()  # its element's index in the variable, 1-based; () for a scalar
    picture: str | None = None  # how a picture names a scalar program's variable (w₁₁ for w11)
    value: float | None = None
    grad: float | None = None
    constant: bool = False  # a number written in the program (a bias of 1): it has no gradient

    # An element of a vector or matrix (``index``) exists only in a tensor program, which has loaded
    # gradcli.tensor already; a scalar program's diagram never imports it.

    @property
    def element(self) -> str:
        """How text names it: ``W1[2,1]``, ``w11``."""
        if not self.index:
            return self.variable
        from ..tensor.value import element_name

        return element_name(self.variable, self.index)

    @property
    def label(self) -> str:
        """How a picture names it: ``W1₂₁``, ``w₁₁`` (``₁₂,₃`` when an index has two digits)."""
        if not self.index:
            return self.picture or self.variable
        from ..tensor.value import subscript

        return self.variable + subscript(self.index)


@dataclass
class Neuron:
    """A circle: an input (``node`` its leaf) or a neuron (``node`` its activation's output)."""

    id: str  # unique in the diagram, as text: x[1], h[2]; x1, h1 in a scalar program
    label: str  # as a picture names it: x₁, h₂
    node: int
    bias: Param | None = None
    value: float | None = None
    grad: float | None = None  # ∂f/∂a: the derivative of the output with respect to this neuron


@dataclass
class Layer:
    """A column of circles: the inputs (``activation`` None, ``kind`` "input") or a layer of neurons."""

    name: str  # h, or the name of a hidden layer the program leaves unnamed (a1)
    kind: str  # "input" or "layer"
    neurons: list[Neuron]
    activation: str | None = None  # the op's name (tanh, sigmoid); None: linear (or the inputs)
    symbol: str | None = None  # what the circle shows for it (σ, tanh)
    weights: list[str] = field(default_factory=list)  # weight variables, in order of first use
    biases: list[str] = field(default_factory=list)
    text: str = ""  # the program text of the layer
    span: tuple[int, int] | None = None
    tensor_node: int | None = None  # its output's node in the tensor view (tensor programs)

    @property
    def size(self) -> int:
        return len(self.neurons)


@dataclass
class Arc:
    """A connection from neuron ``source`` of layer ``layer - 1`` to neuron ``target`` of ``layer``."""

    layer: int
    source: int
    target: int
    weight: Param


@dataclass
class HeadInput:
    """A variable that only what follows the last layer uses (the target t of a loss)."""

    name: str
    value: Any = None  # a float or a Tensor
    grad: Any = None


@dataclass
class Head:
    """Whatever follows the last layer (a softmax, a loss): one box after the output neurons."""

    name: str  # the output's name (loss), or f
    lines: list[str]  # the program text it stands for, one statement a line
    node: int  # the output's node in the scalar graph
    inputs: list[HeadInput]
    value: float | None = None


@dataclass
class Network:
    """A program read as a network diagram: layers from the inputs to the output layer, arcs, head."""

    expression: str
    layers: list[Layer]
    arcs: list[Arc]
    head: Head | None = None
    has_values: bool = False
    has_grads: bool = False

    def incoming(self) -> list[list[list[Arc]]]:
        """For each layer and neuron, the arcs into it."""
        into: list[list[list[Arc]]] = [[[] for _ in layer.neurons] for layer in self.layers]
        for arc in self.arcs:
            into[arc.layer][arc.target].append(arc)
        return into


def shown(size: int, max_neurons: int) -> tuple[list[int], int]:
    """Which neurons of a layer of ``size`` are drawn, and how many are hidden.

    Up to ``max_neurons`` all are; a wider layer shows its first
    ``max_neurons - 2``, a ``⋮ N more`` node in place of the N hidden ones, and
    its last, so that the column is ``max_neurons`` items tall either way.
    """
    if size <= max_neurons:
        return list(range(size)), 0
    first = max_neurons - 2
    return [*range(first), size - 1], size - first - 1
