"""The one error of ``gradcli network``: a program that has no network-diagram reading.

It is a usage error (exit 2) with a caret under the statement that breaks the
pattern, and always the same hint: the computation graph draws any program.
"""

from __future__ import annotations

from bisect import bisect_right

from ..errors import ProgramError
from ..graph import Graph
from ..syntax import Program

HINT = (
    "draw it as a computation graph instead: gradcli graph, with the same program and values "
    "(network draws layers act(W @ h + b) and neurons act(w1*x1 + … + wK*xK + b), then what follows them)"
)


class Statements:
    """Which statement of a program a node of its graph belongs to, for the caret of an error."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.spans = [(s.start, s.end) for s in program.statements]
        self.starts = [start for start, _ in self.spans]

    def span_of(self, graph: Graph, node: int) -> tuple[int, int]:
        """The span of the statement holding ``node`` (a leaf: of its first use's statement)."""
        where = bisect_right(self.starts, graph.starts[node]) - 1
        return self.spans[max(where, 0)] if self.spans else graph.span(node)

    def last(self) -> tuple[int, int]:
        return self.spans[-1]


def refuse(program: Program, span: tuple[int, int], why: str) -> ProgramError:
    """The error saying why the program is not a network, with a caret under ``span``."""
    return ProgramError(
        f"this program has no network-diagram reading: {why}",
        source=program.source,
        span=span,
        hint=HINT,
    )
