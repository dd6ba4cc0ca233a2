"""``gradcli diff --steps``: the derivation node by node, a symbolic ``trace``.

The forward pass names each operation as ``trace`` does (``v2 = w · x``).
The backward pass takes the terms the backward transform recorded for each
node, one per use: ∂f/∂(user) times the user's local rule, printed from the
op table (``σ(v2)·(1 − σ(v2))``), then their sum simplified, in terms of the
forward nodes. So the steps are the derivation of the formulas, not a second
derivation beside them: they cannot disagree.

An earlier adjoint appears in a later step as its formula when that is short
(``∂f/∂v1 = 1`` makes ``1 · x``), else as ``∂f/∂v1``, so each step stays the
size of the node's uses and all the steps together are linear in the program.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ruletext import forward_text, partial_text
from ..tracewords import factor, node_symbols
from . import algebra
from .convert import Converter, number
from .derivatives import Derivatives
from .expressions import Expressions
from .naming import printed_size
from .printer import Printer

INLINE_AT = 12
"""An adjoint whose formula has more nodes than this is written as ∂f/∂v in the steps that use it."""


@dataclass(frozen=True)
class Step:
    """One line of the derivation: who, the chain of equalities, and notes beside it."""

    node: int
    symbol: str  # "v2", "x", "z"
    kind: str  # "operation" (forward), "seed" or "chain" (backward)
    stages: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " = ".join(self.stages)


@dataclass
class Steps:
    forward: list[Step]
    backward: list[Step]


def derivation(derivatives: Derivatives) -> Steps:
    """The steps behind first derivatives (``diff --steps``)."""
    graph = derivatives.graph
    first = derivatives.backward
    symbols = node_symbols(graph)
    f = graph.output_name
    live = graph.live

    def d(node: int) -> str:
        return f"∂{f}/∂{symbols[node]}"

    forward = []
    for node, (op, inputs) in enumerate(zip(graph.ops, graph.inputs)):
        if inputs and live[node]:
            rule = forward_text(op, {p: symbols[i] for p, i in zip(op.params, inputs)})
            notes = (("the output" if graph.names[node] else f"the output, {f}"),) if node == graph.output else ()
            forward.append(Step(node, symbols[node], "operation", (symbols[node], rule), notes))

    table = Expressions()
    converter = Converter(first.graph, table)
    # Every operation of the program is an atom named as in the forward pass; variables are symbols anyway.
    converter.atoms = {node: table.symbol(symbols[node], 1e9 + node) for node, inp in enumerate(graph.inputs) if inp}
    printer = Printer(table, "unicode")
    shown: dict[int, int] = {}  # node -> what its adjoint stands as in later steps
    backward: list[Step] = []
    output = graph.output
    order = [n for n in range(output, -1, -1) if graph.inputs[n] or n == output]
    order += [leaf for leaves in graph.variables.values() for leaf in leaves if leaf != output]
    for node in order:
        if first.adjoint[node] is None:
            continue
        if node == output:
            shown[node] = table.one
            stages = tuple(dict.fromkeys((d(node), f"∂{f}/∂{f}", "1")))  # ∂f/∂f once when the output is f
            backward.append(Step(node, symbols[node], "seed", stages, ("the seed",)))
            continue
        terms = first.terms.get(node, [])
        rules = []
        total = algebra.Sum()
        for consumer, position, partial in terms:
            op = graph.ops[consumer]
            names = {p: symbols[i] for p, i in zip(op.params, graph.inputs[consumer])}
            rules.append(f"{d(consumer)} · {factor(partial_text(op, position, names))}")
            local = number(table, partial) if type(partial) is float else converter.reference(partial)
            total.add(table, algebra.multiply(table, shown[consumer], local))
        value = total.done(table)
        stages = [d(node), " + ".join(rules) or "0", printer.text(value)]
        if stages[2] == stages[1]:
            stages.pop()
        notes = (f"{symbols[node]} is used {len(terms)} times: one term per use",) if len(terms) > 1 else ()
        backward.append(Step(node, symbols[node], "chain", tuple(stages), notes))
        small = printed_size(table, [value]) <= INLINE_AT
        shown[node] = value if small else table.symbol(d(node), 1e9 + node)
    return Steps(forward, backward)
