"""The steps of a trace at tensor granularity: one per operation as written (``gradcli.tensortrace``).

Every number is gradcli's own, from the unrolled graph (``gradcli.tensor``):
a node's value and gradient are its elements' (``TensorResult.values`` and
``adjoints``), and a term of a node used several times is the sum of the
unrolled graph's products ∂f/∂u · ∂u/∂e over that use's scalar operations u,
added in the order the reverse pass adds them; so a node used once shows
exactly its gathered gradient. A transpose or a literal ``[x, 2*y]`` makes no
scalar operations of its own (its elements are its input's), so its
gradient is the sum of its terms, each rearranged from its user's.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ops import ARRAY, Op
from ..ruletext import fill_with, forward_template, partial_template, rule_template
from ..tensor import Tensor, TensorGraph, TensorResult
from ..tensor.adjoints import contribution, is_alias, owned_operations
from ..tensor.value import index_text, size_of
from ..tensortext import Value, laid_out, shape_note, tensor_text
from ..trace import Step
from ..tracewords import chain as _chain
from ..tracewords import factor, id_prefix, node_symbols
from ..tracewords import terms_sum as _sum


@dataclass(frozen=True)
class TensorTerm:
    """One use of a node in the tensor view: its user's vector-Jacobian rule for that input, and its value."""

    consumer: int
    position: int
    rule: str  # "outer(∂f/∂v2, x)"
    numbers: str  # "outer([0.1966, 0.235], [1, -1])"
    value: Value


# The rules of a matrix product with a vector in it, read for those shapes (the table's G @ transpose(b)
# with b a vector is outer(G, b)); the key is (position, rank of a, rank of b).
_MATMUL_RULES = {
    (0, 2, 1): "outer(G, b)",
    (1, 1, 2): "outer(a, G)",
    (0, 1, 1): "G*b",
    (1, 1, 1): "G*a",
}


class TensorWriter:
    """Writes the steps of a trace at tensor granularity."""

    def __init__(self, result: TensorResult, digits: int) -> None:
        graph = result.graph
        assert isinstance(graph, TensorGraph)
        self.result = result
        self.graph = graph
        self.vals: list[Value] = result.values
        self.digits = digits
        self.symbols = node_symbols(graph)
        self.name = graph.output_name
        self.kinks = {d.node: graph.ops[d.node].convention or "" for d in result.diagnostics if d.kind == "kink"}
        self.adjoint: dict[int, Value] = {}  # ∂f/∂node, once its step is written
        self.owned = owned_operations(graph)  # each tensor node's scalar operations

    def text(self, value: Value, *, count: bool = True, operand: bool = False) -> str:
        return tensor_text(value, self.digits, count=count, operand=operand)

    def d(self, node: int) -> str:
        return f"∂{self.name}/∂{self.symbols[node]}"

    def is_alias(self, node: int) -> bool:
        """Whether a node makes no scalar operations of its own (a transpose, a literal of expressions)."""
        return is_alias(self.graph, self.owned, node)

    # ---- forward -----------------------------------------------------------

    def forward(self) -> list[Step]:
        graph, vals, symbols = self.graph, self.vals, self.symbols
        steps = [
            Step(
                leaf,
                symbols[leaf],
                "variable",
                (symbols[leaf], self.text(vals[leaf])),
                vals[leaf],  # type: ignore[arg-type]
                notes=(*shape_note(vals[leaf]), *self._notes(leaf)),
            )
            for leaves in graph.variables.values()
            for leaf in leaves
        ]
        for node, (op, inputs) in enumerate(zip(graph.ops, graph.inputs)):
            if not inputs or not graph.live[node]:
                continue
            names = [symbols[i] for i in inputs]
            numbers = [self.text(vals[i], count=False, operand=True) for i in inputs]
            bare = [self.text(vals[i], count=False) for i in inputs]
            stages = _chain(symbols[node], _forward(op, names, names), _forward(op, numbers, bare),
                            self.text(vals[node]))  # fmt: skip
            notes = list(shape_note(vals[node]))
            if not op.tensor and isinstance(vals[node], Tensor):
                notes.append("element by element")
            edges = tuple((node, position) for position in range(len(inputs)))
            steps.append(Step(node, symbols[node], "operation", stages, vals[node],  # type: ignore[arg-type]
                              notes=(*notes, *self._notes(node)), edges=edges))  # fmt: skip
        return steps

    def _notes(self, node: int) -> tuple[str, ...]:
        graph = self.graph
        notes = []
        if node == graph.output:
            notes.append("the output" if graph.names[node] else f"the output, {self.name}")
        if graph.inputs[node] and graph.names[node]:
            notes.append(f"node {id_prefix(graph)}{node}")
        if node in self.kinks:
            notes.append(f"on a kink: {self.kinks[node]}")
        return tuple(notes)

    # ---- backward ----------------------------------------------------------

    def backward(self) -> list[Step]:
        graph = self.graph
        output = graph.output
        if not graph.needs_grad[output]:
            return []
        uses = graph.gradient_uses()
        shape = graph.shapes[output]
        seed: Value = Tensor(shape, [1.0]) if shape else 1.0
        self.adjoint[output] = seed
        stages = _chain(self.d(output), f"∂{self.name}/∂{self.name}", self.text(seed))
        steps = [Step(output, self.symbols[output], "seed", stages, seed, notes=("the seed",))]  # type: ignore[arg-type]
        for node in range(output - 1, -1, -1):
            if graph.inputs[node] and uses[node]:
                steps.append(self._chain_step(node, uses[node]))
        for leaves in graph.variables.values():
            steps += [self._chain_step(leaf, uses[leaf]) for leaf in leaves if uses[leaf]]
        return steps

    def _chain_step(self, node: int, uses: list[tuple[int, int]]) -> Step:
        terms = [self._term(consumer, position) for consumer, position in uses]
        value = self.result.adjoints[node]  # type: ignore[index]  # an alias's too: gradcli.tensor.adjoints
        self.adjoint[node] = value
        notes = [*shape_note(value)]
        if len(terms) > 1:
            notes.append(f"{self.symbols[node]} is used {len(terms):,} times: one term per use")
        notes += [f"convention: {c}" for c in dict.fromkeys(self.kinks[c] for c, _ in uses if c in self.kinks)]
        total = self.text(value)
        if len(terms) == 1:
            stages = _chain(self.d(node), terms[0].rule, terms[0].numbers, total)
        else:
            stages = _chain(
                self.d(node),
                _sum([t.rule for t in terms]),
                _sum([t.numbers for t in terms]),
                _sum([self.text(t.value, count=False) for t in terms]),
                total,
            )
        edges = tuple((t.consumer, t.position) for t in terms)
        return Step(node, self.symbols[node], "chain", stages, value, tuple(terms), tuple(notes), edges)  # type: ignore[arg-type]

    def _term(self, consumer: int, position: int) -> TensorTerm:
        graph, symbols = self.graph, self.symbols
        op: Op = graph.ops[consumer]
        inputs = graph.inputs[consumer]
        node = inputs[position]
        value = self._contribution(consumer, position)
        if op is ARRAY:
            shape = graph.shapes[consumer]
            what = f"{self.d(consumer)}{index_text((position + 1,))}" if len(shape) == 1 else (
                f"row {position + 1} of {self.d(consumer)}")  # fmt: skip
            return TensorTerm(consumer, position, what, self.text(value, count=False), value)
        names = {p: symbols[i] for p, i in zip(op.params, inputs)}
        names.update(G=self.d(consumer), out=symbols[consumer], n="n")
        numbers: dict[str, Value] = {p: self.vals[i] for p, i in zip(op.params, inputs)}
        numbers.update(G=self.adjoint[consumer], out=self.vals[consumer])
        if op.name in ("sum", "mean"):
            # Every element passes on G (or G/n): written out in the input's shape, [∂f/∂v6, ∂f/∂v6].
            shape = graph.shapes[node]
            n = size_of(shape)
            share = "" if op.name == "sum" else f"/{n}"
            rule = laid_out(shape, [names["G"] + share] * n, count=False)
            given = numbers["G"]
            at = laid_out(shape, [self.text(given, count=False, operand=bool(share)) + share] * n, count=False)
        elif op.tensor:
            ranks = tuple(len(graph.shapes[i]) for i in inputs)
            text = op.vjps[position]
            if op.name == "matmul":
                text = _MATMUL_RULES.get((position, *ranks), text)
            template = rule_template(text)
            rule = fill_with(template, lambda name, bare: names[name])
            at = fill_with(template, lambda name, bare: self.text(numbers[name], count=False, operand=not bare))
        else:
            partial = fill_with(partial_template(op, position, True), lambda name, bare: names[name])
            at_partial = fill_with(
                partial_template(op, position, False),
                lambda name, bare: self.text(numbers[name], count=False, operand=not bare),
            )
            rule = f"{names['G']} · {factor(partial)}"
            at = f"{self.text(numbers['G'], count=False, operand=True)} · {factor(at_partial)}"
            if not graph.shapes[node] and graph.shapes[consumer]:  # a scalar used with every element
                rule, at = f"sum({rule})", f"sum({at})"
        return TensorTerm(consumer, position, rule, at, value)

    def _contribution(self, consumer: int, position: int) -> Value:
        """What ``consumer`` passes back to its input ``position``, from the unrolled graph's own numbers."""
        assert self.result.scalar is not None
        return contribution(self.graph, self.result.scalar, self.owned, self.adjoint, consumer, position)


def _forward(op: Op, operands: list[str], bare: list[str]) -> str:
    """An op's forward step with its operands written in: ``W @ x``, ``σ(z)``, ``sum(v5)``, ``[x, 2·y]``."""
    if op is ARRAY:
        return "[" + ", ".join(bare) + "]"
    if op.name == "matmul":
        return f"{operands[0]} @ {operands[1]}"
    if op.tensor:
        return f"{op.spellings[0]}({', '.join(bare)})"
    texts = dict(zip(op.params, operands))
    plain = dict(zip(op.params, bare))
    return fill_with(forward_template(op), lambda name, is_bare: (plain if is_bare else texts)[name])
