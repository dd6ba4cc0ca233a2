"""Many points at once: ``gradcli eval --points FILE.csv`` and ``--grid NAME=LO:HI:N``.

``evaluate_points`` gives the value and gradient of a program at every point
of a table, equal to ``gradcli.evaluate`` at each. With NumPy installed (the
``batch`` extra) the points are evaluated as arrays (``vectorised.py``);
without it, one at a time by ``gradcli.evaluate`` itself: the same numbers,
at tens of microseconds a point. The points that the arrays mark (a value or derivative
that is not finite, a point on a kink) are evaluated again one at a time, for
the diagnostics that only a single point can give: which operation made the
NaN, which convention the kink used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec

from ..api import evaluate
from ..diagnostics import Diagnostic
from ..graph import Graph
from .points import Points


def numpy_available() -> bool:
    """Whether NumPy can be imported (without importing it)."""
    return find_spec("numpy") is not None


@dataclass
class BatchResult:
    """Values and gradients by point, and the diagnostics of the points that have any."""

    graph: Graph
    points: Points
    wrt: list[str]
    value: Sequence[float]
    gradient: dict[str, Sequence[float]]
    diagnostics: dict[int, list[Diagnostic]] = field(default_factory=dict)  # by row, rows with more than warnings
    errors: list[int] = field(default_factory=list)  # rows with a value or derivative that is not finite
    kinks: list[int] = field(default_factory=list)  # rows where a kink's convention was used


def evaluate_points(
    graph: Graph, points: Points, fixed: Mapping[str, float], wrt: Sequence[str], *, vectorised: bool | None = None
) -> BatchResult:
    """The program at every point; ``fixed`` gives the variables that are not columns of ``points``.

    ``vectorised`` chooses NumPy (True) or the one-point evaluator (False);
    by default NumPy when it is installed.
    """
    if vectorised is None:
        vectorised = numpy_available()
    used = [name for name in points.names if name in graph.variables]
    if vectorised:
        from .vectorised import evaluate_arrays

        arrays = dict(zip(points.names, _as_arrays(points.columns)))
        columns = evaluate_arrays(graph, {name: arrays[name] for name in used}, fixed, wrt, len(points))
        result = BatchResult(graph, points, list(wrt), columns.value, columns.gradient)
        rows = columns.suspect.nonzero()[0].tolist()
    else:
        size = len(points)
        result = BatchResult(graph, points, list(wrt), [0.0] * size, {name: [0.0] * size for name in wrt})
        rows = range(size)
    index = {name: points.names.index(name) for name in used}
    warnings = len(graph.warnings)
    for row in rows:
        point = {name: float(points.columns[index[name]][row]) for name in used}
        one = evaluate(graph, {**fixed, **point}, wrt=list(wrt))
        # The one-point numbers stand: equal to the arrays' (tests/test_batch_vectorised.py), and eval's own.
        result.value[row] = one.value
        for name, value in one.gradient.items():
            result.gradient[name][row] = value
        if len(one.diagnostics) > warnings:
            result.diagnostics[row] = one.diagnostics
            if one.error is not None:
                result.errors.append(row)
            if any(d.kind == "kink" for d in one.diagnostics):
                result.kinks.append(row)
    return result


def _as_arrays(columns: Sequence[Sequence[float]]) -> list:
    import numpy as np

    return [column if isinstance(column, np.ndarray) else np.array(column, dtype=float) for column in columns]
