"""The walk: a trace's steps as states of the graph picture, one model for the page and the GIF.

The walk is the trace's forward steps, then its backward steps, numbered from 1.
At step k the picture lights the nodes and edges of step k and shows every
number that step k or an earlier step computed; the numbers of later steps are
hidden, never removed, so the layout does not move. What a step lights and
computes is the trace's own data (``Step.lights``, ``Step.edges``,
``Step.shows``, also in ``gradcli trace --json``), so the page, the GIF and
the JSON cannot disagree.

The phases are the four things seed 004 says to watch: values flowing from
the leaves to the root, the root receiving gradient 1, each node applying its
local rule, and a node used several times summing one term per use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..trace import Edge, Step, Trace

PHASES = {
    "forward": ("Forward pass", "Values flow from the leaves up to the root."),
    "seed": ("The seed", "The root receives gradient 1."),
    "backward": ("Backward pass", "Each node applies its local rule and passes the gradient down its edges."),
    "sum": ("Accumulation", "A node used several times collects one term per use, and sums them."),
}
"""Each phase of the walk, with the sentence the page and the GIF announce it by."""


def phase_line(phase: str) -> str:
    """``Accumulation: a node used several times collects one term per use, and sums them.``"""
    title, sentence = PHASES[phase]
    return f"{title}: {sentence[0].lower()}{sentence[1:]}"


def phase_of(step: Step) -> str:
    """Which of ``PHASES`` a step belongs to."""
    if step.kind in ("variable", "operation"):
        return "forward"
    if step.kind == "seed":
        return "seed"
    return "sum" if len(step.terms) > 1 else "backward"


@dataclass(frozen=True)
class State:
    """What the picture shows at one step."""

    number: int  # 1 for the first step
    phase: str  # a key of PHASES
    lit: frozenset[int]  # the nodes the step is about
    edges: frozenset[Edge]  # the edges it works along, as (operation, input position)
    values: frozenset[int]  # the nodes whose value line shows
    grads: frozenset[int]  # the nodes whose gradient line shows


class Walk:
    """The steps of a trace, and for each node the step from which each of its numbers shows."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.steps: list[Step] = [*trace.forward, *trace.backward]
        self.phases = [phase_of(step) for step in self.steps]
        graph = trace.graph
        # None: no step computes it (a statement the output does not use), so it never shows.
        self.value_from: list[int | None] = [None] * len(graph)
        self.grad_from: list[int | None] = [None] * len(graph)
        for node in range(len(graph)):
            if graph.is_constant(node):
                self.value_from[node] = 0  # a constant is known before the walk begins
        for number, step in enumerate(self.steps, 1):
            shown = self.value_from if step.shows == "value" else self.grad_from if step.shows else None
            if shown is not None and step.node is not None and shown[step.node] is None:
                shown[step.node] = number
        error = trace.result.error
        self.first_bad = next((n for n, s in enumerate(self.steps, 1) if not math.isfinite(s.value)), None)
        self.message = error.message if error is not None else None

    def __len__(self) -> int:
        return len(self.steps)

    def is_bad(self, number: int) -> bool:
        """Whether the number that step ``number`` computes is NaN or infinite."""
        return not math.isfinite(self.steps[number - 1].value)

    def state(self, number: int) -> State:
        """The picture at step ``number`` (1 to ``len(walk)``)."""
        if not 1 <= number <= len(self.steps):
            raise IndexError(f"the walk has steps 1 to {len(self.steps)}, not {number}")
        step = self.steps[number - 1]
        return State(
            number,
            self.phases[number - 1],
            frozenset(step.lights),
            frozenset(step.edges),
            frozenset(n for n, k in enumerate(self.value_from) if k is not None and k <= number),
            frozenset(n for n, k in enumerate(self.grad_from) if k is not None and k <= number),
        )
