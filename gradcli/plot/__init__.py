"""``gradcli plot``: f and one partial derivative along a variable, with its tangent and kinks.

``plot()`` samples the program (``sampling.py``) and returns a ``Plot``,
which ``svg.py``, ``terminal.py`` and ``png.py`` draw. The tangent's slope
is ``gradcli.evaluate``'s derivative at the point: the plot and ``eval``
never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..api import evaluate
from ..diagnostics import Diagnostic
from ..graph import Graph
from ..numbers import fmt
from ..titles import program_line, shortened
from .sampling import Curves, sample
from .svg import Labels, Tangent, write_svg
from .terminal import write_text

SAMPLES = 801
"""Samples along the variable by default: odd, so that a range symmetric about 0 samples 0 itself
(``gradcli plot --samples`` says the same, and takes at most 100,000)."""

TITLE = 72
"""The title quotes at most this many characters of the program (its comments left out): what fits
the 720-unit-wide SVG at its title's font size, and a 72-column terminal."""

SUBTITLE = 96
"""The line of the other variables' values holds at most this many characters, in whole values."""


@dataclass
class Plot:
    """Everything a picture of the program shows."""

    curves: Curves
    labels: Labels
    tangent: Tangent | None
    tangent_problem: Diagnostic | None = None  # why the tangent could not be drawn

    def svg(self) -> str:
        return write_svg(self.curves, self.labels, self.tangent)

    def text(self, *, width: int = 72, height: int = 20, colour: bool = False) -> str:
        return write_text(self.curves, self.labels, self.tangent, width=width, height=height, colour=colour)


def plot(
    graph: Graph,
    variable: str,
    low: float,
    high: float,
    fixed: Mapping[str, float],
    *,
    wrt: str | None = None,
    at: float | None = None,
    samples: int = SAMPLES,
    digits: int = 4,
) -> Plot:
    """f and ∂f/∂wrt (by default ∂f/∂variable) for ``variable`` from ``low`` to ``high``."""
    wrt = wrt or variable
    curves = sample(graph, variable, low, high, fixed, wrt, samples)
    f = graph.output_name
    title = shortened(program_line(graph.source.text), TITLE)
    subtitle = _values_line([f"{name} = {fmt(value, digits)}" for name, value in fixed.items()])
    labels = Labels(title, subtitle, f, f"∂{f}/∂{wrt}", digits)
    tangent = problem = None
    if at is not None:
        result = evaluate(graph, {**fixed, variable: at}, wrt=[variable])
        tangent = Tangent(at, result.value, result.gradient[variable])
        if result.error is not None:
            tangent, problem = None, result.error
    return Plot(curves, labels, tangent, problem)


def _values_line(values: list[str]) -> str:
    """``with w = 1.5, b = 0``; whole values up to SUBTITLE characters, then how many there are in all."""
    line = f"with {', '.join(values)}" if values else ""
    if len(line) <= SUBTITLE:
        return line
    rest = f", … ({len(values)} values)"
    line = "with"
    for k, value in enumerate(values):
        longer = f"{line}{',' if k else ''} {value}"
        if len(longer) + len(rest) > SUBTITLE:
            break
        line = longer
    return line + rest
