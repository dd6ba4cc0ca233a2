"""The computation graph: the one structure that evaluators and exporters consume.

Nodes are numbered in topological order: every node's inputs have smaller
ids. The forward pass is then a plain loop over the ids, the backward pass the
same loop reversed, and no traversal code is needed anywhere else. The fields
are kept as flat per-node lists (not one object per node), which is compact
and fast for graphs of millions of nodes. Every view (autograd, tree, scalar
granularity) produces this same type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .ops import CONST, VAR, Op

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .diagnostics import Diagnostic
    from .source import Source


class Graph:
    """A DAG of operation nodes over variable and constant leaves."""

    def __init__(self, source: Source, *, tree: bool = False, granularity: str = "fused") -> None:
        self.source = source
        self.tree = tree
        self.granularity = granularity
        self.ops: list[Op] = []
        self.inputs: list[tuple[int, ...]] = []
        self.constants: list[float | None] = []  # the value of each constant leaf
        self.labels: list[str | None] = []  # variable name, constant as written, or a function's spelling
        self.names: list[str | None] = []  # the name an assignment gave the node
        self.starts: list[int] = []  # source span of each node
        self.ends: list[int] = []
        self.origins: list[str | None] = []  # the fused op a scalar node was decomposed from
        self.variables: dict[str, list[int]] = {}  # name -> its leaves, in order of first use
        self.assigned: dict[str, tuple[int, int]] = {}  # assigned name -> span of the assignment
        # assigned name -> the node it stands for (one per inlined copy in the tree view;
        # none when the assignment only renames another name or a number: z = x)
        self.bindings: dict[str, list[int]] = {}
        self.output = -1
        self.warnings: list[Diagnostic] = []
        self._live: list[bool] | None = None
        self._needs_grad: list[bool] | None = None

    def __len__(self) -> int:
        return len(self.ops)

    def add(
        self,
        op: Op,
        inputs: tuple[int, ...],
        start: int,
        end: int,
        label: str | None = None,
        constant: float | None = None,
        origin: str | None = None,
    ) -> int:
        """Append a node whose inputs are already in the graph; returns its id."""
        self.ops.append(op)
        self.inputs.append(inputs)
        self.constants.append(constant)
        self.labels.append(label)
        self.names.append(None)
        self.starts.append(start)
        self.ends.append(end)
        self.origins.append(origin)
        return len(self.ops) - 1

    def is_leaf(self, node: int) -> bool:
        return not self.inputs[node]

    def is_variable(self, node: int) -> bool:
        return self.ops[node] is VAR

    def is_constant(self, node: int) -> bool:
        return self.ops[node] is CONST

    def in_backward_pass(self, node: int) -> bool:
        """Whether the node computes a derivative (``gradcli.backward`` appends such nodes); pictures style them."""
        return False

    @property
    def output_name(self) -> str:
        """What reports call the output: its assigned name, or f (∂f/∂x).

        When the program uses the name f itself, the output is the first of g
        and h that it does not use, else f₀ (which no program can use: a
        subscript is not part of a name), so that ∂f/∂f never means two things.
        """
        name = self.names[self.output]
        if name:
            return name
        used = self.variables, self.assigned
        return next((c for c in ("f", "g", "h") if all(c not in names for names in used)), "f₀")

    def span(self, node: int) -> tuple[int, int]:
        return self.starts[node], self.ends[node]

    def label(self, node: int) -> str:
        """What a picture shows for the node: a name, a number as written, an op symbol."""
        return self.labels[node] or self.ops[node].symbol

    def snippet(self, node: int) -> str:
        """The program text the node stands for, on one line."""
        return self.source.snippet(self.starts[node], self.ends[node])

    def consumers(self) -> list[list[int]]:
        """For each node, the nodes that use it as an input (once per use, in id order)."""
        users: list[list[int]] = [[] for _ in self.ops]
        for node, inputs in enumerate(self.inputs):
            for i in inputs:
                users[i].append(node)
        return users

    def gradient_uses(self) -> list[list[tuple[int, int]]]:
        """For each node, the uses a gradient flows back through: ``(consumer, input position)``, in id order.

        Only consumers that reach the output and depend on a variable, and only inputs
        that depend on a variable: the terms of the node's adjoint, as a trace lists them.
        """
        live, needs = self.live, self.needs_grad
        uses: list[list[tuple[int, int]]] = [[] for _ in self.ops]
        for node in range(self.output + 1):
            if live[node] and needs[node]:
                for position, i in enumerate(self.inputs[node]):
                    if needs[i]:
                        uses[i].append((node, position))
        return uses

    def reaching(self, roots: Iterable[int]) -> list[bool]:
        """Whether each node is one of ``roots`` or an input of one, directly or not (one pass down the ids)."""
        reached = [False] * len(self.ops)
        top = -1
        for root in roots:
            if root >= 0:
                reached[root] = True
                top = max(top, root)
        inputs = self.inputs
        for node in range(top, -1, -1):
            if reached[node]:
                for i in inputs[node]:
                    reached[i] = True
        return reached

    def live_roots(self) -> tuple[int, ...]:
        """The nodes that count as outputs for ``live``: the output (a graph with a backward pass adds its adjoints)."""
        return (self.output,)

    @property
    def live(self) -> list[bool]:
        """Whether each node reaches the output (a dead statement's nodes do not)."""
        if self._live is None:
            self._live = self.reaching(self.live_roots())
        return self._live

    @property
    def needs_grad(self) -> list[bool]:
        """Whether each node depends on a variable (so that a gradient flows into it)."""
        if self._needs_grad is None:
            needs = [op is VAR for op in self.ops]
            for node, inputs in enumerate(self.inputs):
                for i in inputs:
                    if needs[i]:
                        needs[node] = True
                        break
            self._needs_grad = needs
        return self._needs_grad
