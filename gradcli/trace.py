"""The forward and backward passes as steps a person would write on paper.

Each step is a chain of equalities, its *stages*: ``v2 = w · x = 0.5 · 2 = 1``
is the stages ("v2", "w · x", "0.5 · 2", "1"). The forward pass takes the
variables' values, then one step per operation in node-id (topological) order;
the backward pass starts from the seed ∂f/∂f = 1 and takes one step per node,
root to leaves. A node used several times receives one term per use, and its
step writes the sum out (``∂f/∂x = 3 + 3 + 4 = 10``); in the tree view each
occurrence of a variable is its own leaf, and a last step sums the occurrences.

The text of every rule is printed from the op table's expressions
(``gradcli.ruletext``). Nodes are named ``v{id}`` with the graph's node ids (the ids
of the graph export), variables by their names and assigned nodes by theirs.
This module builds data only; ``gradcli.cli.trace_command`` renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .api import Result, evaluate, json_number
from .autodiff import local_partials
from .graph import Graph
from .numbers import DEFAULT_DIGITS, fmt, fmt_operand
from .ops import Op
from .ruletext import forward_numbers, forward_text, partial_numbers, partial_text
from .tracewords import chain as _chain
from .tracewords import factor, id_prefix, node_symbols
from .tracewords import terms_sum as _sum


@dataclass(frozen=True)
class Term:
    """One use of a node: ∂f/∂consumer times the consumer's local partial for that input."""

    consumer: int  # the node that uses this one (for a sum over occurrences: the occurrence)
    position: int | None  # which input of the consumer (0 = a, 1 = b); None for an occurrence
    rule: str  # "∂f/∂v2 · x"
    numbers: str  # "0.1966 · 2"
    adjoint: float
    partial: float
    value: float


Edge = tuple[int, int]
"""An edge of the graph as (operation, input position): it runs from that input into the operation."""


@dataclass(frozen=True)
class Step:
    """One line of working: the node, the chain of equalities, and notes beside it.

    It is also one step of the walkthrough (``gradcli trace -o walk.html``): the
    picture lights ``lights`` and ``edges``, and shows the number ``shows`` from then on.
    """

    node: int | None  # None for the sum over a variable's occurrences (tree view)
    symbol: str  # how the working calls the node: "v2", "x", "x₁", "z"
    kind: str  # "variable", "operation", "seed", "chain" or "occurrences"
    stages: tuple[str, ...]  # the sides of the equality, left to right
    value: float
    terms: tuple[Term, ...] = ()
    notes: tuple[str, ...] = ()
    edges: tuple[Edge, ...] = ()  # what the step works along: an operation's inputs, or a node's uses

    @property
    def text(self) -> str:
        return " = ".join(self.stages)

    @property
    def lights(self) -> tuple[int, ...]:
        """The nodes the step is about: its node, or for a sum over occurrences, the occurrences."""
        return (self.node,) if self.node is not None else tuple(t.consumer for t in self.terms)

    @property
    def shows(self) -> str | None:
        """The number of its node that the step computes: ``"value"``, ``"grad"``, or None (a sum over
        occurrences, which no node of the tree holds)."""
        return "value" if self.kind in ("variable", "operation") else "grad" if self.node is not None else None


@dataclass
class Trace:
    """Both passes of one program at one point, and the result they lead to."""

    result: Result
    symbols: list[str]
    forward: list[Step]
    backward: list[Step]
    output_name: str  # "f", or the output's assigned name
    digits: int = DEFAULT_DIGITS

    @property
    def graph(self) -> Graph:
        return self.result.graph

    shaped = False
    """Whether the value and gradients may be vectors and matrices (a tensor program's trace)."""

    def to_json(self) -> dict[str, Any]:
        """The ``gradcli trace --json`` object: every step as data, numbers at full precision."""
        graph = self.graph
        return {
            "expression": graph.source.text,
            "view": {"tree": graph.tree, "granularity": graph.granularity},
            "output": {"node": graph.output, "symbol": self.symbols[graph.output], "name": self.output_name},
            "value": self.json_value(self.result.value),
            "forward": [self.step_json(step) for step in self.forward],
            "backward": [self.step_json(step) for step in self.backward],
            "gradient": {name: self.json_value(v) for name, v in self.result.gradient.items()},
            "diagnostics": [d.to_json(graph.source) for d in self.result.diagnostics],
        }

    def json_value(self, value: Any) -> Any:
        return json_number(value)

    def step_json(self, step: Step) -> dict[str, Any]:
        """A step as data; its numbers through ``json_value`` (a vector or matrix is a nested list)."""
        graph, number = self.graph, self.json_value
        data: dict[str, Any] = {"node": step.node, "symbol": step.symbol, "kind": step.kind, "text": step.text}
        data["value"] = number(step.value)
        if step.node is not None:
            data["op"] = graph.ops[step.node].name
            data["inputs"] = list(graph.inputs[step.node])
        data["lights"] = list(step.lights)
        data["edges"] = [list(edge) for edge in step.edges]
        data["shows"] = step.shows
        if step.terms:
            data["terms"] = [self.term_json(t) for t in step.terms]
        data["notes"] = list(step.notes)
        return data

    def term_json(self, term: Term) -> dict[str, Any]:
        return {
            "from": term.consumer,
            "input": term.position,
            "text": term.rule,
            "numbers": term.numbers,
            "adjoint": json_number(term.adjoint),
            "partial": json_number(term.partial),
            "value": json_number(term.value),
        }


def trace(graph: Graph, values: Mapping[str, float], *, digits: int = DEFAULT_DIGITS) -> Trace:
    """Trace a program's forward and backward passes at a point.

    Numbers in the step texts have ``digits`` significant digits; the numbers
    of the steps themselves keep full precision. A value or derivative that is
    not finite does not raise: the steps show it, ``result.error`` says where it arose.
    """
    return trace_result(evaluate(graph, values), digits=digits)


def trace_result(result: Result, *, digits: int = DEFAULT_DIGITS) -> Trace:
    """The trace of an evaluation already done (``result.values`` and ``result.adjoints`` on ``result.graph``)."""
    graph = result.graph
    symbols = node_symbols(graph)
    name = graph.output_name
    kinks = {d.node: graph.ops[d.node].convention or "" for d in result.diagnostics if d.kind == "kink"}
    writer = _Writer(graph, result, symbols, name, digits, kinks)
    return Trace(result, symbols, writer.forward(), writer.backward(), name, digits)


class _Writer:
    """Writes the steps of one trace."""

    def __init__(
        self, graph: Graph, result: Result, symbols: list[str], name: str, digits: int, kinks: dict[int, str]
    ) -> None:
        self.graph = graph
        self.vals = result.values
        self.adjoints = result.adjoints or []
        self.symbols = symbols
        self.name = name
        self.digits = digits
        self.kinks = kinks
        self.partials: dict[int, tuple[float, ...]] = {}
        self.gradient = result.gradient
        self.prefix = id_prefix(graph)

    def num(self, x: float) -> str:
        return fmt(x, self.digits)

    def d(self, node: int) -> str:
        """``∂f/∂v3``."""
        return f"∂{self.name}/∂{self.symbols[node]}"

    # ---- forward -----------------------------------------------------------

    def forward(self) -> list[Step]:
        graph, vals, symbols = self.graph, self.vals, self.symbols
        live = graph.live
        steps = [
            Step(
                leaf,
                symbols[leaf],
                "variable",
                (symbols[leaf], self.num(vals[leaf])),
                vals[leaf],
                notes=self._forward_notes(leaf),
            )
            for leaves in graph.variables.values()
            for leaf in leaves
        ]
        for node, (op, inputs) in enumerate(zip(graph.ops, graph.inputs)):
            if not inputs or not live[node]:
                continue
            params = dict(zip(op.params, inputs))
            rule = forward_text(op, {p: symbols[i] for p, i in params.items()})
            numbers = forward_numbers(op, {p: vals[i] for p, i in params.items()}, self.digits)
            stages = _chain(symbols[node], rule, numbers, self.num(vals[node]))
            edges = tuple((node, position) for position in range(len(inputs)))
            notes = self._forward_notes(node)
            steps.append(Step(node, symbols[node], "operation", stages, vals[node], notes=notes, edges=edges))
        return steps

    def _forward_notes(self, node: int) -> tuple[str, ...]:
        graph = self.graph
        notes = []
        if node == graph.output:
            notes.append("the output" if graph.names[node] else f"the output, {self.name}")
        if graph.inputs[node] and self.symbols[node] != f"{self.prefix}{node}":
            notes.append(f"node {self.prefix}{node}")
        if graph.origins[node] is not None:
            notes.append(f"a step of {graph.origins[node]}")
        if node in self.kinks:
            notes.append(f"on a kink: {self.kinks[node]}")
        if not graph.live[node]:
            notes.append("the output does not use it")
        return tuple(notes)

    # ---- backward ----------------------------------------------------------

    def backward(self) -> list[Step]:
        graph = self.graph
        output = graph.output
        if not graph.needs_grad[output]:
            return []
        uses = graph.gradient_uses()
        seed = _chain(self.d(output), f"∂{self.name}/∂{self.name}", "1")
        steps = [Step(output, self.symbols[output], "seed", seed, 1.0, notes=("the seed",))]
        for node in range(output - 1, -1, -1):
            if graph.inputs[node] and uses[node]:
                steps.append(self._chain_step(node, uses[node]))
        for name, leaves in graph.variables.items():
            used = [leaf for leaf in leaves if uses[leaf]]
            steps += [self._chain_step(leaf, uses[leaf]) for leaf in used]
            if len(used) > 1:
                steps.append(self._occurrences(name, used))
        return steps

    def _partial(self, node: int, position: int) -> float:
        if node not in self.partials:
            self.partials[node] = local_partials(self.graph, self.vals, node)
        return self.partials[node][position]

    def _term(self, consumer: int, position: int) -> Term:
        graph, symbols = self.graph, self.symbols
        op: Op = graph.ops[consumer]
        inputs = graph.inputs[consumer]
        partial = self._partial(consumer, position)
        adjoint = self.adjoints[consumer]
        by_symbol = {p: symbols[i] for p, i in zip(op.params, inputs)}
        rule = factor(partial_text(op, position, by_symbol))
        numbers = {p: self.vals[i] for p, i in zip(op.params, inputs)}
        numbers["out"] = self.vals[consumer]
        at = factor(partial_numbers(op, position, numbers, self.digits))
        return Term(
            consumer,
            position,
            f"{self.d(consumer)} · {rule}",
            f"{fmt_operand(adjoint, self.digits)} · {at}",
            adjoint,
            partial,
            # Inside a decomposition a zero adjoint passes on zero, 0·∞ included (gradcli.autodiff).
            0.0 if adjoint == 0.0 and graph.origins[consumer] is not None else adjoint * partial,
        )

    def _chain_step(self, node: int, uses: list[tuple[int, int]]) -> Step:
        terms = tuple(self._term(consumer, position) for consumer, position in uses)
        value = self.adjoints[node]
        notes = []
        if len(terms) > 1:
            notes.append(f"{self.symbols[node]} is used {len(terms):,} times: one term per use")
        conventions = dict.fromkeys(self.kinks[c] for c, _ in uses if c in self.kinks)
        notes += [f"convention: {c}" for c in conventions]
        if len(terms) == 1:
            stages = _chain(self.d(node), terms[0].rule, terms[0].numbers, self.num(value))
        else:
            stages = _chain(
                self.d(node),
                _sum([t.rule for t in terms]),
                _sum([t.numbers for t in terms]),
                _sum([self.num(terms[0].value)] + [fmt_operand(t.value, self.digits) for t in terms[1:]]),
                self.num(value),
            )
        edges = tuple((t.consumer, t.position) for t in terms if t.position is not None)
        return Step(node, self.symbols[node], "chain", stages, value, terms, tuple(notes), edges)

    def _occurrences(self, name: str, leaves: list[int]) -> Step:
        terms = tuple(
            # Each occurrence x₁ passes its ∂f/∂x₁ on to x unchanged: ∂x₁/∂x = 1.
            Term(
                leaf,
                None,
                self.d(leaf),
                fmt_operand(self.adjoints[leaf], self.digits),
                self.adjoints[leaf],
                1.0,
                self.adjoints[leaf],
            )
            for leaf in leaves
        )
        value = self.gradient[name]
        stages = _chain(
            f"∂{self.name}/∂{name}",
            _sum([t.rule for t in terms]),
            _sum([self.num(terms[0].value)] + [t.numbers for t in terms[1:]]),
            self.num(value),
        )
        note = f"{name} occurs {len(leaves):,} times: one term per occurrence"
        return Step(None, name, "occurrences", stages, value, terms, (note,))
