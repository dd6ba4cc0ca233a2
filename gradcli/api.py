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
from typing import TYPE_CHECKING, Any

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
from .builder import has_tensors
from .diagnostics import Diagnostic
from .errors import UsageError
from .graph import Graph
from .parser import parse as _parse
from .syntax import Program
from .values import bind, check_variables

if TYPE_CHECKING:
    from .hessian import Hessian
    from .symbolic.derivatives import Derivatives

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
    hessian: dict[str, dict[str, float]] | None = None  # ∂²f/∂x∂y by row and column (evaluate(hessian=True))

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
            **(
                {"hessian": {x: {y: json_number(v) for y, v in row.items()} for x, row in self.hessian.items()}}
                if self.hessian is not None
                else {}
            ),
            "diagnostics": [d.to_json(self.graph.source) for d in self.diagnostics],
        }


def check_wrt(graph: Graph, names: list[str], option: str) -> None:
    """Each name a derivative is asked for (``--wrt``, ``--expect``) is a variable, or an assigned name.

    For an assigned name ``z`` (``z = w*x``), ∂f/∂z is the adjoint of its
    node: what the backward pass carries into z, as a student checks an
    intermediate step. In the tree view z is copied at each use, and ∂f/∂z is
    the sum over the copies, just as a variable's is the sum over its leaves.
    """
    for name in names:
        nodes = graph.bindings.get(name) if name not in graph.variables else None
        if nodes is None:
            check_variables(graph, [name], option)  # a variable; or an error that says what the name is
            continue
        assignment = graph.source.snippet(*graph.assigned[name])
        if not nodes:
            raise UsageError(
                f"{option} names {name}, but '{assignment}' is only another name, so {name} has no node of its own",
                hint=f"ask for the derivative with respect to a variable, or to a name assigned an operation "
                f"({name} = w*x)",
            )
        if not graph.needs_grad[nodes[0]]:
            raise UsageError(
                f"{option} names {name}, which depends on no variable ('{assignment}'), so no gradient flows into it",
                hint="derivatives are taken with respect to variables and names that depend on them",
            )


def json_number(x: float) -> float | None:
    """A float for JSON (RFC 8259 has no NaN or Infinity): ``None`` when not finite."""
    return x if math.isfinite(x) else None


def evaluate(
    program: Program | Graph | str,
    values: Mapping[str, float] | None = None,
    *,
    wrt: list[str] | None = None,
    tree: bool = False,
    granularity: str | None = None,
    mode: str = "reverse",
    hessian: bool = False,
    **variables: float,
) -> Result:
    """The value of a program's output and its partial derivatives at a point.

    Values come from ``values`` and keyword arguments (a variable whose name
    clashes with a parameter goes in ``values``). ``wrt`` limits the gradient
    to some variables, and may name an assigned name ``z`` for ∂f/∂z (see
    ``check_wrt``); ``mode`` is ``"reverse"`` (adjoints of every node) or
    ``"forward"`` (one tangent pass per variable). With ``hessian``, also
    every second partial of the variables of ``wrt`` (``Result.hessian``),
    from the backward transform applied twice (``gradcli.hessian``). A value or
    derivative that is not finite does not raise: ``Result.error`` says where it first arose.

    Vectors and matrices are given as nested lists (or anything with
    ``tolist()``, as NumPy arrays); ``Result.value`` and ``Result.gradient``
    then hold ``gradcli.tensor.Tensor`` values, each gradient in the shape
    of its variable (``Tensor.nested()`` gives nested lists).
    """
    point = {**(values or {}), **variables}
    if isinstance(program, str):
        program = _parse(program)
    if isinstance(program, Program) and has_tensors(program, point):
        from .tensor import evaluate_tensor  # vectors and matrices: Result.value and gradient hold tensors

        return evaluate_tensor(program, point, wrt=wrt, granularity=granularity, mode=mode, hessian=hessian, tree=tree)
    return _evaluate(program, point, wrt, tree, granularity, mode, hessian)[0]


def _evaluate(
    program: Program | Graph | str,
    values: Mapping[str, float],
    wrt: list[str] | None = None,
    tree: bool = False,
    granularity: str = "fused",
    mode: str = "reverse",
    hessian: bool = False,
) -> tuple[Result, Hessian | None]:
    """``evaluate``, and with ``hessian`` the second-derivative graph too (``diff --order 2`` reuses it)."""
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}'", hint="use reverse or forward")
    graph = program if isinstance(program, Graph) else build(program, tree=tree, granularity=granularity)
    point = bind(graph, values)
    if wrt is None:
        wrt = list(graph.variables)
    else:
        check_wrt(graph, wrt, "--wrt")
        assigned = [name for name in wrt if name not in graph.variables]
        if assigned and mode == "forward":
            raise UsageError(
                f"--mode forward gives derivatives with respect to variables, and {assigned[0]} is assigned",
                hint=f"∂f/∂{assigned[0]} is an adjoint of the backward pass: use --mode reverse",
            )
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
    matrix = found = None
    if hessian:
        from .hessian import hessian as second_derivatives  # only --hessian pays for the transform

        found = second_derivatives(graph, point, wrt)
        matrix = found.matrix
        if problem is None:
            diagnostics[:0] = found.diagnostics
    return Result(graph, vals[graph.output], grad, vals, adjoints, diagnostics, matrix), found


def diff(
    program: Program | Graph | str,
    values: Mapping[str, float] | None = None,
    *,
    wrt: list[str] | None = None,
    order: int = 1,
    inline: bool = False,
    **variables: float,
) -> Derivatives:
    """Each partial derivative of a program's output as a formula (``gradcli diff``).

    >>> d = diff("x^2 + x*y")
    >>> [d.formula_text(f) for f in d.formulas]
    ['2*x + y', 'x']

    ``order=2`` gives every second partial (each unordered pair once);
    ``inline`` writes the program's assigned names out. With values for every
    variable, each ``Formula.value`` is the derivative there, equal to
    ``evaluate`` (order 1) or to ``evaluate(hessian=True)`` (order 2).
    """
    from .symbolic.derivatives import diff as _diff  # the symbolic package loads only for diff

    graph = program if isinstance(program, Graph) else build(program)
    point = {**(values or {}), **variables}
    return _diff(graph, point or None, wrt=wrt, order=order, inline=inline)


def backward_graph(program: Program | Graph | str, *, tree: bool = False, granularity: str = "fused") -> Graph:
    """The program's graph followed by its backward pass (``gradcli graph --backward``).

    Each adjoint ∂f/∂v is a node of its own, named ``∂f/∂v`` (a node that is
    the adjoint of several, as ``+`` passes one gradient to both inputs, has
    each name), built from the op table's local rules by ``gradcli.backward``.
    """
    from .adjoint_names import name_adjoints
    from .backward import backward

    graph = program if isinstance(program, Graph) else build(program, tree=tree, granularity=granularity)
    first = backward(graph)
    name_adjoints(first, graph)
    return first.graph
