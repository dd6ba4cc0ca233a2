"""The Python API: the small facade that the command line and the tests both call.

>>> import gradcli
>>> r = gradcli.evaluate("x^2 + x*y", x=3, y=4)
>>> r.value, r.gradient
(21.0, {'x': 10.0, 'y': 3.0})
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .autodiff import (
    first_nonfinite_gradient,
    first_nonfinite_value,
    forward,
    gradient,
    kink_notes,
    reverse,
    tangents,
)
from .builder import build as _build
from .diagnostics import Diagnostic
from .errors import UsageError
from .graph import Graph
from .parser import parse as _parse
from .syntax import Program
from .values import bind, check_variables

MODES = ("reverse", "forward")


def parse(text: str, filename: str | None = None) -> Program:
    """Parse a program; raises ``ParseError`` or ``ProgramError`` (both ``GradcliError``)."""
    return _parse(text, filename)


def build(program: Program | str, *, tree: bool = False, granularity: str = "fused") -> Graph:
    """The computation graph of a program (text or parsed) in the given view."""
    if isinstance(program, str):
        program = _parse(program)
    return _build(program, tree=tree, granularity=granularity)


@dataclass
class Result:
    """The value and partial derivatives of a program's output at one point."""

    graph: Graph
    value: float
    gradient: dict[str, float]
    values: list[float]  # every node's value, by node id
    adjoints: list[float] | None  # every node's ∂f/∂node (reverse mode only)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def error(self) -> Diagnostic | None:
        """The first value or derivative that is not finite, with where it arose."""
        return next((d for d in self.diagnostics if d.severity == "error"), None)

    def to_json(self) -> dict[str, Any]:
        """The ``gradcli eval --json`` object: full precision, ``null`` for a non-finite number."""
        return {
            "expression": self.graph.source.text,
            "value": json_number(self.value),
            "gradient": {name: json_number(v) for name, v in self.gradient.items()},
            "diagnostics": [d.to_json(self.graph.source) for d in self.diagnostics],
        }


def json_number(x: float) -> float | None:
    """A float for JSON (RFC 8259 has no NaN or Infinity): ``None`` when not finite."""
    return x if math.isfinite(x) else None


def evaluate(
    program: Program | Graph | str,
    values: Mapping[str, float] | None = None,
    *,
    wrt: list[str] | None = None,
    tree: bool = False,
    granularity: str = "fused",
    mode: str = "reverse",
    **variables: float,
) -> Result:
    """The value of a program's output and its partial derivatives at a point.

    Values come from ``values`` and keyword arguments (a variable whose name
    clashes with a parameter goes in ``values``). ``wrt`` limits the gradient
    to some variables; ``mode`` is ``"reverse"`` (adjoints of every node) or
    ``"forward"`` (one tangent pass per variable). A value or derivative that
    is not finite does not raise: ``Result.error`` says where it first arose.
    """
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}'", hint="use reverse or forward")
    graph = program if isinstance(program, Graph) else build(program, tree=tree, granularity=granularity)
    point = bind(graph, {**(values or {}), **variables})
    if wrt is None:
        wrt = list(graph.variables)
    else:
        check_variables(graph, wrt, "--wrt")
    vals = forward(graph, point)
    adjoints = None
    if mode == "reverse":
        adjoints = reverse(graph, vals)
        grad = gradient(graph, adjoints, wrt)
    else:
        grad = tangents(graph, vals, wrt)
    diagnostics = list(graph.warnings)
    problem = first_nonfinite_value(graph, vals)
    if problem is None and not all(map(math.isfinite, grad.values())):
        problem = first_nonfinite_gradient(graph, vals, adjoints if adjoints is not None else reverse(graph, vals))
    if problem is not None:
        diagnostics.insert(0, problem)
    diagnostics += kink_notes(graph, vals)
    return Result(graph, vals[graph.output], grad, vals, adjoints, diagnostics)
