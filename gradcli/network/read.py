"""From a program and its values to a filled-in network diagram.

A program with vectors or matrices is read on its tensor view
(``tensor_layers``), a scalar program on its fused graph (``scalar_neurons``);
either way the numbers come from evaluating the program, as ``eval`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..builder import build, has_tensors
from ..diagnostics import Diagnostic
from ..errors import UsageError
from ..source import Source
from ..syntax import Program
from .model import Network
from .values import fill


@dataclass
class Reading:
    """A network diagram, and what evaluating its program said (non-finite numbers, unused statements)."""

    network: Network
    source: Source
    diagnostics: list[Diagnostic] = field(default_factory=list)
    nonfinite: bool = False


def read_network(program: Program, values: Mapping[str, Any]) -> Reading:
    """The network diagram of ``program``, with numbers when ``values`` are given; refusals are ProgramErrors."""
    if has_tensors(program, values):
        return _tensor(program, values)
    from ..api import evaluate
    from .scalar_neurons import read_scalar_network

    graph = build(program)
    network = read_scalar_network(program, graph)
    if not values and graph.variables:
        return Reading(network, program.source, list(graph.warnings))
    result = evaluate(graph, values)
    fill(network, result, result.value, values, result.gradient)
    return Reading(network, program.source, result.diagnostics, result.error is not None)


def _tensor(program: Program, values: Mapping[str, Any]) -> Reading:
    from ..tensor import build_view, evaluate_tensor, tensor_values
    from ..tensor.value import size_of
    from .tensor_layers import read_tensor_network

    if not values:
        raise UsageError(
            "a network of vectors and matrices needs their values: the shapes say how many neurons each layer has",
            hint="give them with --values FILE (a JSON object) or --W '[[0.5, -1], [2, 0.1]]'; "
            "with them, --no-values draws the diagram without the numbers",
        )
    given = tensor_values(values)
    tg = build_view(program, given)
    network = read_tensor_network(program, tg)
    scalar_output = size_of(tg.output_shape) == 1
    result = evaluate_tensor(tg, given, gradient=scalar_output)
    assert result.scalar is not None
    fill(network, result.scalar, result.value, given, result.gradient if scalar_output else None)
    return Reading(network, program.source, result.diagnostics, result.error is not None)
