"""Graph nodes to expressions: the formula each node computes, simplified as it is built.

``Converter(graph, ex, atoms).convert(roots)`` walks the nodes the roots
depend on once, children first (node ids are topological, so a plain loop).
A node in ``atoms`` is written as that expression wherever it is an input
(an assigned name stays a name: ``sigmoid(z)``), while a root is always
written out (the definition behind ``where z = w*x + b``).

A chain of additions or multiplications that the program wrote (``a + b + c``,
one use each) is built in one ``Sum`` or ``Product`` that each step extends
in place, so a sum of n terms costs O(n) and not O(n²); a node used more than
once is put in the table and shared.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

from ..graph import Graph
from ..ops import CONST, CONSTANTS, VAR
from . import algebra
from .algebra import Product, Sum
from .expressions import Expressions, exact

_SPENT = object()  # a builder that its one consumer took over

_SUMS = frozenset({"add", "sub", "neg"})
_PRODUCTS = frozenset({"mul", "div"})


def number(ex: Expressions, value: float) -> int:
    """A program's number: its shortest decimal exactly (0.1 is 1/10), or itself if not finite."""
    return ex.number(exact(Fraction(repr(value))) if math.isfinite(value) else value)


def symbol_orders(graph: Graph) -> dict[str, float]:
    """The order in which products list symbols: ``pi`` and ``e`` first, as constants go, then the
    variables as they first appear, then the assigned names as they are assigned (``2*pi*x``,
    ``2*x*y*(1 - y)``, ``w*h1``)."""
    orders: dict[str, float] = dict.fromkeys(CONSTANTS, -1.0)
    for name, leaves in graph.variables.items():
        orders[name] = graph.starts[leaves[0]]
    after = len(graph.source.text) + 1
    for name, (start, _) in graph.assigned.items():
        orders.setdefault(name, after + start)
    return orders


class Converter:
    """Converts nodes of one graph into one expression table."""

    def __init__(self, graph: Graph, ex: Expressions, atoms: Mapping[int, int] | None = None) -> None:
        self.graph = graph
        self.ex = ex
        self.atoms = dict(atoms or {})
        self.orders = symbol_orders(graph)
        self.values: dict[int, object] = {}
        self.origins: dict[int, int] = {}  # expression -> the node it was first made for

    def symbol(self, name: str) -> int:
        return self.ex.symbol(name, self.orders.get(name, math.inf))

    def convert(self, roots: Iterable[int]) -> list[int]:
        """The expression of each root (written out even where the root is an atom)."""
        roots = list(roots)
        graph, atoms = self.graph, self.atoms
        inputs_of = graph.inputs
        uses: dict[int, int] = {}
        for root in roots:
            uses[root] = uses.get(root, 0) + 2  # a root is never taken over by a consumer
        needed = set()
        work = [r for r in roots if not self._converted(r)]
        while work:
            node = work.pop()
            if node in needed or self._converted(node):
                continue
            needed.add(node)
            for i in inputs_of[node]:
                uses[i] = uses.get(i, 0) + 1
                if i not in atoms and not self._converted(i):
                    work.append(i)
        for node in sorted(needed):
            self.values[node] = self._build(node, uses.get(node, 0) == 1)
        return [self._done(root) for root in roots]

    def _converted(self, node: int) -> bool:
        # A builder taken over by its consumer in an earlier call is built again if asked for.
        value = self.values.get(node)
        return value is not None and value is not _SPENT

    def reference(self, node: int) -> int:
        """The expression of a node where it is used: its atom if it has one, else its formula."""
        atom = self.atoms.get(node)
        return atom if atom is not None else self.convert([node])[0]

    # ---- one node ------------------------------------------------------------------------

    def _done(self, node: int) -> int:
        """The node's expression, in the table (a builder is finished now)."""
        value = self.values[node]
        if type(value) is int:
            return value
        assert value is not _SPENT, "a builder was used after its consumer took it over"
        e = value.done(self.ex)  # type: ignore[attr-defined]
        self.values[node] = e
        self.origins.setdefault(e, node)
        return e

    def _ref(self, node: int) -> int:
        """The expression an input stands for where it is used."""
        atom = self.atoms.get(node)
        return atom if atom is not None else self._done(node)

    def _take(self, node: int, kind: type) -> Sum | Product | None:
        """The input's builder, if it is one of ``kind`` that only this consumer uses."""
        if node in self.atoms:
            return None
        value = self.values.get(node)
        if type(value) is kind:
            self.values[node] = _SPENT
            return value  # type: ignore[return-value]
        return None

    def _build(self, node: int, owned: bool) -> object:
        graph, ex = self.graph, self.ex
        op = graph.ops[node]
        if op is VAR:
            return self.symbol(graph.labels[node])  # type: ignore[arg-type]
        if op is CONST:
            label = graph.labels[node]
            return self.symbol(label) if label in CONSTANTS else number(ex, graph.constants[node])  # type: ignore[arg-type]
        inputs = graph.inputs[node]
        name = op.name
        if name in _SUMS:
            result: object = self._sum(name, inputs)
        elif name in _PRODUCTS:
            result = self._product(name, inputs)
        else:
            result = algebra.call(ex, op, tuple(self._ref(i) for i in inputs))
        if type(result) is not int and not owned:
            result = result.done(ex)  # type: ignore[attr-defined]
        if type(result) is int:
            self.origins.setdefault(result, node)
        return result

    def _sum(self, name: str, inputs: tuple[int, ...]) -> Sum:
        ex = self.ex
        first = inputs[0]
        s = self._take(first, Sum)
        if s is None:
            s = Sum().add(ex, self._ref(first))
        if name == "neg":
            return s.scale(-1)
        second = inputs[1]
        c = 1 if name == "add" else -1
        other = self._take(second, Sum)
        return s.absorb(other, c) if other is not None else s.add(ex, self._ref(second), c)

    def _product(self, name: str, inputs: tuple[int, ...]) -> Product:
        ex = self.ex
        first, second = inputs
        p = self._take(first, Product)
        if p is None:
            p = Product().mul(ex, self._ref(first))
        power = 1 if name == "mul" else -1
        other = self._take(second, Product)
        if other is not None:
            if other.coefficient or power > 0:
                return p.absorb(other, power)
            return p.mul(ex, other.done(ex), power)  # division by a product that is 0
        return p.mul(ex, self._ref(second), power)
