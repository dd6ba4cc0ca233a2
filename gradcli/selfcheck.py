"""gradcli against itself: reverse mode, forward mode and central finite differences.

Reverse and forward mode share the op table's local partials but combine
them in opposite directions; finite differences use only the forward rules.
Agreement of the three is strong evidence that a derivative is right.

The finite difference is the five-point central stencil
``(f(x−2h) − 8 f(x−h) + 8 f(x+h) − f(x+2h)) / 12h`` at h and at h/2, h a
power of two near ``eps^(1/5) · max(1, |x|)`` (about 7e-4), combined by
Richardson extrapolation: its error is about 1e-11 of the function's scale.
Finite differences say nothing about the derivative, and are not compared,
where a kink or a tie lies within the stencil (a relu's input changes sign),
where the stencil leaves the program's domain, or where the estimates at h
and h/2 disagree (near a pole of tan, say).
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .api import json_number
from .autodiff import forward, local_partials, tangents
from .check import Report, Sampling, kinks_at, matches, points_to_check
from .errors import UsageError
from .graph import Graph

STEP = sys.float_info.epsilon**0.2
_STRADDLES = "a kink or a tie within the step"


@dataclass(frozen=True)
class Agreement:
    """The three derivatives at one point; ``difference`` is None where it could not be used."""

    point: dict[str, float]
    reverse: float
    forward: float
    difference: float | None


@dataclass
class SelfVerdict:
    """Whether the three ways agree for one variable, and how closely."""

    name: str
    ok: bool
    checked: int  # points compared
    forward_error: float  # largest relative error of forward mode against reverse mode
    difference_error: float  # largest relative error of finite differences against reverse mode
    example: Agreement  # the first point where they disagree; else the first point
    unused: Counter[str] = field(default_factory=Counter)  # why finite differences were not used, and how often

    @property
    def differenced(self) -> int:
        """Points where finite differences were compared."""
        return self.checked - sum(self.unused.values())

    def to_json(self) -> dict[str, Any]:
        e = self.example
        return {
            "of": self.name,
            "ok": self.ok,
            "checked": self.checked,
            "finite_differences_used": self.differenced,
            "finite_differences_unused": dict(self.unused),
            "largest_relative_error": {
                "forward": json_number(self.forward_error),
                "finite_differences": json_number(self.difference_error),
            },
            ("at" if self.ok else "counterexample"): {
                "point": e.point,
                "reverse": json_number(e.reverse),
                "forward": json_number(e.forward),
                "finite_differences": None if e.difference is None else json_number(e.difference),
            },
        }


def relative_error(a: float, b: float, atol: float) -> float:
    """``|a − b| / max(|a|, |b|)``; 0 where both are within atol of zero.

    Near a zero derivative a relative error says nothing (1e-13 against 0 is
    "100%"), so there only atol counts.
    """
    scale = max(abs(a), abs(b))
    if a == b or scale <= atol:
        return 0.0
    return abs(a - b) / scale


def self_check(graph: Graph, sampling: Sampling, *, rtol: float, atol: float) -> Report:
    """Every partial derivative by reverse mode, forward mode and finite differences, compared."""
    names = list(graph.variables)
    if not names:
        raise UsageError(
            "the program has no variables, so it has no derivative to check",
            hint="check its value: --expect-value ANSWER",
        )
    found = points_to_check(graph, sampling, names, smooth=True)
    # Kinks inside a decomposition are none of the smooth op it decomposes (see autodiff.kink_notes).
    kinked = [
        node for node, op in enumerate(graph.ops) if op.kinked and graph.live[node] and graph.origins[node] is None
    ]
    verdicts = {name: SelfVerdict(name, True, 0, 0.0, 0.0, Agreement({}, 0.0, 0.0, None)) for name in names}
    for point, result in found:
        by_forward = tangents(graph, result.values, names)
        branches = _branches(graph, result.values, kinked)
        for name in names:
            verdict = verdicts[name]
            reverse = result.gradient[name]
            difference, why = central_difference(graph, point, name, branches, kinked, rtol, atol)
            if why == _STRADDLES and sampling.given is not None and _on_kink(result.diagnostics):
                why = "the point is on a kink, where the derivative is a convention; see the note"
            agreement = Agreement(point, reverse, by_forward[name], difference)
            verdict.checked += 1
            verdict.forward_error = max(verdict.forward_error, relative_error(agreement.forward, reverse, atol))
            agree = matches(agreement.forward, reverse, rtol, atol)
            if difference is None:
                verdict.unused[why or ""] += 1
            else:
                verdict.difference_error = max(verdict.difference_error, relative_error(difference, reverse, atol))
                agree = agree and matches(difference, reverse, rtol, atol)
            if verdict.checked == 1 or (verdict.ok and not agree):
                verdict.example = agreement
            verdict.ok = verdict.ok and agree
    return Report("self-check", graph, sampling, list(verdicts.values()), rtol, atol, kinks_at(sampling, found))


def central_difference(
    graph: Graph, point: dict[str, float], name: str, branches: tuple, kinked: list[int], rtol: float, atol: float
) -> tuple[float | None, str | None]:
    """∂f/∂name by finite differences, or None and why they cannot be trusted here.

    The five-point stencil with steps h and h/2, combined by Richardson
    extrapolation; the two must agree within the tolerance, or the function
    changes too fast near the point (a pole of tan, say) for the estimate to mean anything.
    """
    x = point[name]
    h = 2.0 ** math.floor(math.log2(STEP * max(1.0, abs(x))))  # a power of two: x ± h is exact
    f = {}
    for k in (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0):
        vals = forward(graph, {**point, name: x + k * h})
        if _branches(graph, vals, kinked) != branches:
            return None, _STRADDLES
        f[k] = vals[graph.output]
    if not all(map(math.isfinite, f.values())):
        return None, "the step leaves the domain"
    coarse = (f[-2.0] - 8.0 * f[-1.0] + 8.0 * f[1.0] - f[2.0]) / (12.0 * h)
    fine = (f[-1.0] - 8.0 * f[-0.5] + 8.0 * f[0.5] - f[1.0]) / (6.0 * h)
    if not matches(coarse, fine, rtol, atol):
        return None, "the function changes too fast within the step"
    return fine + (fine - coarse) / 15.0, None


def _branches(graph: Graph, vals: list[float], kinked: list[int]) -> tuple:
    """Which side of its kink each relu, abs, max and min is on: their local partials."""
    return tuple(local_partials(graph, vals, node) for node in kinked)


def _on_kink(diagnostics: list) -> bool:
    return any(d.kind == "kink" for d in diagnostics)
