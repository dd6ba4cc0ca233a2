"""Reverse mode as a transform: the derivative of a program is itself a graph.

``backward(graph)`` returns a graph of the same ``Graph`` type: the program's
nodes 0..n-1, then the nodes of its backward pass, built from each op's local
rules in the op table (seed 004: "multiplication swaps inputs"). For each node
v, from the output down, every use of v by an op c contributes the term
∂f/∂c · ∂c/∂v, where ∂c/∂v is the op's partial expression with ``a``, ``b``
and ``out`` bound to c's inputs and to c itself; ∂f/∂v is the sum of its
terms, left to right (in the order of the uses, as ``trace`` writes them).

The nodes are built with light local folding, so that the graph says what a
person would: a partial of exactly 1 passes the adjoint through (``+``), one
of exactly 0 contributes nothing (``step'``, a constant exponent's ``ln``),
``x*1``, ``x+0``, ``x^1`` are ``x``, and operations on constants are folded
when the result is exact. Equal nodes are made once (hash-consing), so a
subexpression shared by several derivatives is one node. An adjoint is always
a node of the backward pass, never a node of the program: ``∂f/∂y`` of
``x*y`` is the node ``1·x`` (the seed times a partial is not folded), so a
picture shows every adjoint as its own node, computed from the seed on.

Second derivatives are the same transform applied again, to the backward
graph with a gradient node as the output (reverse over reverse): the Hessian
is one more graph, evaluated by the ordinary forward pass. A ``step`` or
``sign`` (the derivatives of ``relu abs max min``) has the partial 0, so the
second derivative of those is 0 (contract, section 4).

Where an op's partial is a limit rather than its expression (``a^b`` at
``a = 0``, ``Op.limits``), the graph holds the expression, which is NaN
there; the numeric reverse mode applies the limit. Nothing here recurses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .graph import Graph
from .numbers import fmt
from .ops import BY_NAME, CONST, CONSTANTS, Op
from .syntax import Apply, Expr, Name, Num

_ADD, _SUB, _MUL, _NEG, _DIV, _POW = (BY_NAME[n] for n in ("add", "sub", "mul", "neg", "div", "pow"))
_EXACT = frozenset({"step", "sign", "abs", "relu", "max", "min", "neg"})
"""Ops whose value on numbers is always exact: folded whenever the inputs are constants."""
_ARITHMETIC = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}


class BackwardGraph(Graph):
    """A program's graph followed by its backward pass (nodes from ``backward_from`` on).

    It is a ``Graph`` like any other: the evaluators and exporters read it
    the same way. A node is live when it reaches the output or one of the
    adjoints, so that the backward pass is not drawn as unused.
    """

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph.source, tree=graph.tree, granularity=graph.granularity)
        for name in ("ops", "inputs", "constants", "labels", "names", "starts", "ends", "origins"):
            setattr(self, name, list(getattr(graph, name)))
        self.variables = {name: list(leaves) for name, leaves in graph.variables.items()}
        self.assigned = dict(graph.assigned)
        self.bindings = {name: list(nodes) for name, nodes in graph.bindings.items()}
        self.output = graph.output
        self.warnings = list(graph.warnings)
        self.backward_from = len(graph.ops)
        self.roots: list[int] = []  # the adjoints: nodes that count as outputs for liveness

    def in_backward_pass(self, node: int) -> bool:
        return node >= self.backward_from

    def invalidate(self) -> None:
        """Forget the cached liveness and dependence: nodes were added."""
        self._live = None
        self._needs_grad = None

    def live_roots(self) -> tuple[int, ...]:
        return (self.output, *self.roots)


@dataclass
class Backward:
    """The backward pass of one output, as nodes of ``graph``.

    ``adjoint[v]`` is the node of ∂f/∂v for each node v of the program (None
    where no gradient flows: v does not reach f or depends on no variable);
    ``gradient[name]`` the node of ∂f/∂name for each variable (and assigned
    name). ``terms[v]`` lists the uses of v as (consumer, input position,
    partial): the chain rule's terms, which ``diff --steps`` shows; a partial
    is its node, or a float where it is a constant (``1``, ``-1``).
    """

    transform: Transform
    output: int
    seed: int
    adjoint: list[int | None]
    gradient: dict[str, int]
    terms: dict[int, list[tuple[int, int, int | float]]] = field(default_factory=dict)

    @property
    def graph(self) -> BackwardGraph:
        return self.transform.graph


class Transform:
    """Adds backward passes to one ``BackwardGraph``, sharing equal nodes between them."""

    def __init__(self, graph: BackwardGraph) -> None:
        self.graph = graph
        self._index: dict[tuple, int] = {}

    # ---- nodes, folded and shared ----------------------------------------------------

    def constant(self, value: float, span: tuple[int, int], *, shared: bool = True) -> int:
        key = ("const", repr(value))
        if shared and key in self._index:
            return self._index[key]
        node = self.graph.add(CONST, (), span[0], span[1], fmt(value, 17), value)
        if shared:
            self._index[key] = node
        return node

    def named_constant(self, name: str, span: tuple[int, int]) -> int:
        """The node of ``pi`` or ``e``, made once."""
        key = ("const", name)
        if key not in self._index:
            self._index[key] = self.graph.add(CONST, (), span[0], span[1], name, CONSTANTS[name])
        return self._index[key]

    def _value(self, item: int | float) -> float | None:
        """The value of a constant (a float not yet made a node, or a constant node), None for any other.

        ``pi`` and ``e`` count as any other node: folded into numbers they would
        lose their names, and ``x^pi`` would differentiate to ``pi*x^2.141592653589793``.
        """
        if type(item) is float:
            return item
        graph = self.graph
        if graph.ops[item] is CONST and graph.labels[item] not in CONSTANTS:  # type: ignore[index]
            return graph.constants[item]  # type: ignore[index]
        return None

    def node(self, item: int | float, span: tuple[int, int]) -> int:
        """A node for ``item``: a float becomes a constant node only now, when something uses it."""
        return self.constant(item, span) if type(item) is float else item  # type: ignore[return-value]

    def apply(self, op: Op, inputs: tuple[int | float, ...], span: tuple[int, int]) -> int | float:
        """The node ``op(inputs)``, folded where that is exact, and made once.

        Inputs and result may be floats: constants that get a node only when an
        operation that is not folded uses them, so folding leaves no unused nodes.
        """
        values = [self._value(i) for i in inputs]
        if all(v is not None for v in values):
            folded = _fold(op, values)  # type: ignore[arg-type]
            if folded is not None:
                return folded
        name = op.name
        if len(inputs) == 2:
            a, b = inputs
            va, vb = values
            if name == "mul":
                if va == 0 or vb == 0:
                    return 0.0  # an exact 0 times anything: no gradient flows
                if va == 1:
                    return b
                if vb == 1:
                    return a
            elif name == "add":
                if va == 0:
                    return b
                if vb == 0:
                    return a
            elif name == "sub":
                if vb == 0:
                    return a
                if va == 0:
                    return self.apply(_NEG, (b,), span)
            elif name in ("div", "pow") and vb == 1:
                return a
            elif name == "pow" and vb == 0:
                return 1.0  # a^0 is 1, as pow has it
        elif name == "neg":
            inner = inputs[0]
            if type(inner) is int and self.graph.ops[inner] is _NEG:
                return self.graph.inputs[inner][0]
        nodes = tuple(self.node(i, span) for i in inputs)
        key = (name, tuple(sorted(nodes)) if op.commutative else nodes)
        found = self._index.get(key)
        if found is not None:
            return found
        made = self.graph.add(op, nodes, span[0], span[1])
        self._index[key] = made
        return made

    def instantiate(self, expr: Expr, bound: dict[str, int], span: tuple[int, int]) -> int | float:
        """A rule expression of the op table with ``a``, ``b``, ``out`` bound to nodes (a float if constant)."""
        results: list[int | float] = []
        work: list[tuple[Expr, bool]] = [(expr, False)]
        while work:
            item, ready = work.pop()
            kind = type(item)
            if kind is Num:
                # pi and e keep their names (erf' is 2/sqrt(pi)*exp(-a^2), not 2/sqrt(3.141592653589793)*...).
                results.append(self.named_constant(item.text, span) if item.text in CONSTANTS else float(item.value))
            elif kind is Name:
                results.append(bound[item.id])
            elif ready:
                count = len(item.args)
                args = tuple(results[-count:])
                del results[-count:]
                results.append(self.apply(item.op, args, span))
            else:
                assert kind is Apply
                work.append((item, True))
                work.extend((arg, False) for arg in reversed(item.args))
        return results[0]

    def _term(self, adjoint: int, partial: int | float, span: tuple[int, int]) -> int | None:
        """∂f/∂c · ∂c/∂v as a node; None when the partial is exactly 0."""
        p = self._value(partial)
        if p == 0:
            return None
        if p == 1:
            return adjoint
        if self._value(adjoint) == 1:
            if p is not None:
                return self.constant(p, span)
            # 1 · x, kept: the adjoint is a node of the backward pass (not the program's x),
            # and the seed is drawn feeding the first step, as seed 004 writes it.
            key = ("mul", tuple(sorted((adjoint, partial))))  # type: ignore[arg-type]
            if key not in self._index:
                self._index[key] = self.graph.add(_MUL, (adjoint, partial), span[0], span[1])  # type: ignore[arg-type]
            return self._index[key]
        if p == -1:
            return self.node(self.apply(_NEG, (adjoint,), span), span)
        return self.node(self.apply(_MUL, (adjoint, partial), span), span)

    def total(self, nodes: list[int], span: tuple[int, int]) -> int:
        """The sum of nodes, left to right; 0 when there are none."""
        result: int | float = nodes[0] if nodes else 0.0
        for node in nodes[1:]:
            result = self.apply(_ADD, (result, node), span)
        return self.node(result, span)

    # ---- the pass ------------------------------------------------------------------------

    def backward(self, output: int, wrt: list[str] | None = None) -> Backward:
        """Add the backward pass of ``output``: the adjoint of every node it depends on."""
        graph = self.graph
        ops, inputs_of = graph.ops, graph.inputs
        count = output + 1
        live = graph.reaching((output,))
        needs = graph.needs_grad  # a node's dependence is on lower ids only: the nodes added later change none
        adjoint: list[int | None] = [None] * count
        uses: dict[int, list[tuple[int, int, int | float, int | None]]] = {}
        terms: dict[int, list[tuple[int, int, int | float]]] = {}
        span = graph.span(output)
        # The seed ∂f/∂f = 1 is a node of its own (not shared with a constant 1 of a rule), drawn as the start.
        seed = self.constant(1.0, span, shared=False) if needs[output] else -1
        for node in range(output, -1, -1):
            if not live[node] or not needs[node]:
                continue
            span = graph.span(node)
            if node == output:
                adjoint[node] = seed
            else:
                found = sorted(uses.pop(node, []))  # left to right: by consumer, then input position
                terms[node] = [(c, position, partial) for c, position, partial, _ in found]
                adjoint[node] = self.total([t for *_, t in found if t is not None], span)
            inputs = inputs_of[node]
            if not inputs or self._value(adjoint[node]) == 0:  # type: ignore[arg-type]
                continue  # a leaf, or exactly no gradient (through step, sign): nothing flows on
            op = ops[node]
            bound = dict(zip(op.params, inputs))
            bound["out"] = node
            for position, i in enumerate(inputs):
                if needs[i]:
                    partial = self.instantiate(op.partial_exprs[position], bound, span)
                    term = self._term(adjoint[node], partial, span)  # type: ignore[arg-type]
                    uses.setdefault(i, []).append((node, position, partial, term))
        gradient = {}
        for name in wrt if wrt is not None else list(graph.variables):
            nodes = graph.variables.get(name) or graph.bindings.get(name, [])
            found = [adjoint[n] for n in nodes if n < count and adjoint[n] is not None]
            gradient[name] = self.total(found, graph.span(nodes[0]) if nodes else span)  # type: ignore[arg-type]
        graph.roots.extend([*(a for a in adjoint if a is not None), *gradient.values()])
        graph.invalidate()
        return Backward(self, output, seed, adjoint, gradient, terms)


def _fold(op: Op, values: list[float]) -> float | None:
    """``op`` on constant inputs, when the float result is exact (so folding changes no value)."""
    if op.forward is None:
        return None
    result = op.forward(*values)
    if result != result or result in (float("inf"), float("-inf")):
        return None
    if op.name in _EXACT:
        return result
    exact = _ARITHMETIC.get(op.name)
    try:
        if exact is not None:
            return result if Fraction(result) == exact(*map(Fraction, values)) else None
        if op.name == "pow" and values[1] == int(values[1]) and abs(values[1]) <= 64:
            return result if Fraction(result) == Fraction(values[0]) ** int(values[1]) else None
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return None


def backward(graph: Graph, wrt: list[str] | None = None) -> Backward:
    """The program's graph followed by its backward pass (see the module docstring).

    ``wrt`` names the variables (or assigned names) whose ∂f/∂name nodes go
    in ``Backward.gradient``; by default every variable.
    """
    transform = Transform(BackwardGraph(graph))
    return transform.backward(graph.output, wrt)


def second_order(first: Backward, wrt: list[str]) -> dict[tuple[str, str], int]:
    """The node of each second partial ∂²f/∂x∂y (x before y in ``wrt``, each unordered pair once).

    The transform is applied to ``first``'s graph once per variable, with ∂f/∂x
    as the output: the adjoint of y there is ∂(∂f/∂x)/∂y. The nodes are added
    to the same graph, shared with the first pass and between the rows.
    """
    transform = first.transform
    entries = {}
    for row, name in enumerate(wrt):
        second = transform.backward(first.gradient[name], wrt[row:])
        for other in wrt[row:]:
            entries[name, other] = second.gradient[other]
    return entries
