"""Reverse mode as a transform on the tensor view: each adjoint a vector, matrix or number.

``tensor_backward(tensor)`` is ``gradcli.backward``'s transform applied to a
``TensorGraph``, one node per operation as written, so that ``gradcli diff``
writes derivatives at tensor granularity (``∂f/∂W = outer(…, x)``) rather
than one formula per element. The adjoint of a node has the node's shape;
what each use of a node contributes is the op's vector-Jacobian product:

- an elementwise op (every scalar op of the table): ``G * partial``, the
  scalar partial elementwise; where a scalar input was broadcast into a
  tensor op, the contribution is ``sum(G * partial)`` (its uses, added);
- a tensor op: its rule from the op table, for the shapes at hand:
  ``W @ x`` gives ``outer(G, x)`` and ``transpose(W) @ G``, ``x @ W`` gives
  ``W @ G`` and ``outer(x, G)``, two matrices ``G @ transpose(B)`` and
  ``transpose(A) @ G``; ``sum`` and ``mean`` spread ``G`` (``G/n``) to every
  element; ``softmax`` is ``out*(G - dot(G, out))``;
- a literal ``[x, 2*y]`` passes element ``i`` of ``G`` to its element ``i``:
  ``dot(G, [0, 1])`` (a row of a matrix: ``[0, 1] @ G``), or the element
  itself where ``G`` is a literal.

A number standing for every element of a tensor (the ``G`` that ``sum``
spreads) is kept a number while elementwise ops use it (the language
broadcasts it), and is written out as a literal (``[1, 1]``, or ``g*[1, 1]``)
only where a tensor op or the final gradient needs the shape.
"""

from __future__ import annotations

from functools import cache

from ..backward import Backward, BackwardGraph, Transform
from ..ops import ARRAY, BY_NAME, CONST, Op
from ..tensor.build import TensorGraph
from ..tensor.value import Shape, size_of

_MUL = BY_NAME["mul"]


@cache
def _rules() -> dict[str, object]:
    """The vector-Jacobian rules by case, parsed once (over G, a, b, out, n)."""
    from ..rules import parse_rules

    texts = {
        "matmul:mm:a": "G @ transpose(b)", "matmul:mm:b": "transpose(a) @ G",
        "matmul:mv:a": "outer(G, b)", "matmul:mv:b": "transpose(a) @ G",
        "matmul:vm:a": "b @ G", "matmul:vm:b": "outer(a, G)",
        "matmul:vv:a": "G*b", "matmul:vv:b": "G*a",
        "dot::a": "G*b", "dot::b": "G*a",
        "outer::a": "G @ b", "outer::b": "transpose(G) @ a",
        "sum::a": "G", "mean::a": "G/n", "transpose::a": "transpose(G)",
        "softmax::a": "out*(G - dot(G, out))", "logsumexp::a": "G*softmax(a)",
    }  # fmt: skip
    return dict(zip(texts, parse_rules(list(texts.values()))))


class TensorTransform(Transform):
    """``Transform`` over a tensor view: shapes tracked for every node, tensor ops by their VJP rules."""

    def __init__(self, graph: BackwardGraph, tensor: TensorGraph) -> None:
        super().__init__(graph)
        self.tensor = tensor
        self.shapes: list[Shape] = list(tensor.shapes)

    # ---- shapes ---------------------------------------------------------------------------

    def shape(self, item: int | float) -> Shape:
        """The shape of a node (of any node added so far) or of a number."""
        if type(item) is float:
            return ()
        graph, shapes = self.graph, self.shapes
        while len(shapes) <= item:  # type: ignore[operator]
            node = len(shapes)
            shapes.append(self._shape_of(graph.ops[node], [shapes[i] for i in graph.inputs[node]]))
        return shapes[item]  # type: ignore[index]

    @staticmethod
    def _shape_of(op: Op, inputs: list[Shape]) -> Shape:
        if op is ARRAY:
            return (len(inputs), *inputs[0])
        if not op.tensor:
            return next((s for s in inputs if s), ())
        name = op.name
        if name in ("sum", "mean", "dot", "logsumexp"):
            return ()
        if name == "transpose":
            return inputs[0][::-1]
        if name == "softmax":
            return inputs[0]
        if name == "outer":
            return (inputs[0][0], inputs[1][0])
        sa, sb = inputs  # matmul
        return (*sa[:-1], *sb[1:])

    # ---- numbers that stand for every element -------------------------------------------------

    def filled(self, item: int | float, shape: Shape, span: tuple[int, int]) -> int | float:
        """``item`` with ``shape``: itself if it has it; a number written out as a literal (``g*[1, 1]``)."""
        if not shape or self.shape(item) == shape:
            return item
        value = self._value(item)
        literal = self._literal(1.0 if value is None else value, shape, span)
        return literal if value is not None else self.apply(_MUL, (item, literal), span)

    def _literal(self, value: float, shape: Shape, span: tuple[int, int]) -> int:
        row = self.apply(ARRAY, (value,) * shape[-1], span)
        if len(shape) == 2:
            row = self.apply(ARRAY, (row,) * shape[0], span)
        return self.node(row, span)

    def _unit(self, index: int, length: int, span: tuple[int, int]) -> int:
        return self.node(self.apply(ARRAY, tuple(1.0 if i == index else 0.0 for i in range(length)), span), span)

    # ---- the pass ----------------------------------------------------------------------------

    def contributions(self, node: int, adjoint: int, span: tuple[int, int]) -> list[int | float | None]:
        """What ``node``'s op passes to each of its inputs (None: nothing, or no gradient is needed)."""
        graph = self.graph
        op, inputs = graph.ops[node], graph.inputs[node]
        needs = graph.needs_grad
        if op is ARRAY:
            return [self._component(adjoint, k, len(inputs), span) if needs[i] else None for k, i in enumerate(inputs)]
        if op.tensor:
            return self._vjps(node, adjoint, span)
        out_shape = self.shape(node)
        bound = dict(zip(op.params, inputs))
        bound["out"] = node
        result: list[int | float | None] = []
        for position, i in enumerate(inputs):
            if not needs[i]:
                result.append(None)
                continue
            partial = self.instantiate(op.partial_exprs[position], bound, span)
            term = self._term(adjoint, partial, span)  # type: ignore[arg-type]
            if term is not None and out_shape and not self.shape(i):
                # A scalar broadcast into the op: its uses, added (a number standing for each: n times it).
                if self.shape(term):
                    term = self.node(self.apply(BY_NAME["sum"], (term,), span), span)
                else:
                    term = self.node(self.apply(_MUL, (term, float(size_of(out_shape))), span), span)
            result.append(term)
        return result

    def _component(self, adjoint: int | float, k: int, count: int, span: tuple[int, int]) -> int | float:
        """Element (or row) ``k`` of a literal's adjoint: read off where it is written out, else by a unit vector.

        Numbers multiplying a literal are peeled off first (element 2 of ``c*[a, b]`` is ``c*b``), and
        row k of ``outer(u, v)`` is ``u[k]*v``.
        """
        graph = self.graph
        factors: list[int | float] = []
        item = adjoint
        while type(item) is int and graph.ops[item] is _MUL:
            a, b = graph.inputs[item]
            if self.shape(a) and self.shape(b):
                break
            factors.append(a if not self.shape(a) else b)
            item = b if not self.shape(a) else a
        part = self._direct(item, k, span)
        if part is None and type(item) is int and graph.ops[item].name == "outer":
            u = self._direct(graph.inputs[item][0], k, span)
            if u is not None:
                part = self.apply(_MUL, (u, graph.inputs[item][1]), span)
        if part is None:
            factors, item = [], adjoint
            unit = self._unit(k, count, span)
            if len(self.shape(adjoint)) == 1:
                part = self.apply(BY_NAME["dot"], (adjoint, unit), span)
            else:
                part = self.apply(BY_NAME["matmul"], (unit, adjoint), span)
        for factor in reversed(factors):
            part = self.apply(_MUL, (factor, part), span)
        return part

    def _direct(self, item: int | float, k: int, span: tuple[int, int]) -> int | float | None:
        """Element (or row) ``k`` of a number (itself), a literal; None for anything else."""
        if not self.shape(item):
            return item  # one number for every element: for this one too
        graph, tensor = self.graph, self.tensor
        if graph.ops[item] is ARRAY:  # type: ignore[index]
            return graph.inputs[item][k]  # type: ignore[index]
        if item < len(tensor.ops) and is_literal(graph, item):  # type: ignore[arg-type, operator]
            numbers = [tensor.unrolled.constants[e] for e in tensor.elements[item]]  # type: ignore[index]
            shape = self.shape(item)
            if len(shape) == 1:
                return numbers[k]
            row = numbers[k * shape[1] : (k + 1) * shape[1]]
            return self.node(self.apply(ARRAY, tuple(row), span), span)
        return None

    def _vjps(self, node: int, adjoint: int | float, span: tuple[int, int]) -> list[int | float | None]:
        graph = self.graph
        op, inputs = graph.ops[node], graph.inputs[node]
        case = ""
        if op.name == "matmul":
            sa, sb = (self.shape(i) for i in inputs)
            case = ("m" if len(sa) == 2 else "v") + ("m" if len(sb) == 2 else "v")
        if op.name == "transpose" and not self.shape(adjoint):
            return [adjoint]  # one number for every element is its own transpose
        bound: dict[str, int | float] = dict(zip(op.params, inputs))
        bound["out"] = node
        bound["G"] = self.filled(adjoint, self.shape(node), span)
        if op.name == "mean":
            bound["n"] = float(size_of(self.shape(inputs[0])))
        rules = _rules()
        result: list[int | float | None] = []
        for position, i in enumerate(inputs):
            if not graph.needs_grad[i]:
                result.append(None)
                continue
            rule = rules[f"{op.name}:{case}:{op.params[position]}"]
            result.append(self.instantiate(rule, bound, span))  # type: ignore[arg-type]
        return result

    def instantiate(self, expr, bound, span):  # type: ignore[no-untyped-def]
        """As ``Transform.instantiate``, with numbers bound too (``n`` of mean, a folded ``G``)."""
        numbers = {name: v for name, v in bound.items() if type(v) is float}
        if not numbers:
            return super().instantiate(expr, bound, span)
        nodes = {name: self.node(v, span) if type(v) is float else v for name, v in bound.items()}
        return super().instantiate(expr, nodes, span)

    def backward(self, output: int, wrt: list[str] | None = None) -> Backward:  # type: ignore[override]
        """The adjoint of every node ``output`` depends on, and ∂f/∂name in each variable's shape."""
        graph = self.graph
        count = output + 1
        live = graph.reaching((output,))
        needs = graph.needs_grad
        adjoint: list[int | None] = [None] * count
        uses: dict[int, list[tuple[int, int, int | float]]] = {}
        seed = self.constant(1.0, graph.span(output), shared=False) if needs[output] else -1
        for node in range(output, -1, -1):
            if not live[node] or not needs[node]:
                continue
            span = graph.span(node)
            if node == output:
                adjoint[node] = seed
            else:
                found = [t for _, _, t in sorted(uses.pop(node, []), key=lambda u: u[:2])]
                adjoint[node] = self.total([self.node(t, span) for t in found], span)  # type: ignore[misc]
            if not graph.inputs[node] or self._value(adjoint[node]) == 0:  # type: ignore[arg-type]
                continue
            terms = self.contributions(node, adjoint[node], span)  # type: ignore[arg-type]
            for position, (i, term) in enumerate(zip(graph.inputs[node], terms)):
                if term is not None and self._value(term) != 0:
                    uses.setdefault(i, []).append((node, position, term))
        gradient = {}
        for name in wrt if wrt is not None else list(graph.variables):
            nodes = graph.variables.get(name) or graph.bindings.get(name, [])
            found = [adjoint[n] for n in nodes if n < count and adjoint[n] is not None]
            span = graph.span(nodes[0]) if nodes else graph.span(output)
            total = self.total(found, span)  # type: ignore[arg-type]
            gradient[name] = self.node(self.filled(total, self.shape(nodes[0]) if nodes else (), span), span)
        graph.roots.extend([*(a for a in adjoint if a is not None), *gradient.values()])
        graph.invalidate()
        return Backward(self, output, seed, adjoint, gradient)


def tensor_backward(tensor: TensorGraph, wrt: list[str] | None = None) -> Backward:
    """The tensor view followed by its backward pass (see the module docstring)."""
    transform = TensorTransform(BackwardGraph(tensor), tensor)
    return transform.backward(tensor.output, wrt)


def is_literal(graph: BackwardGraph, node: int) -> bool:
    """A literal of numbers of the program (``[1, 2]``): one constant leaf of the tensor view."""
    return graph.ops[node] is CONST and graph.constants[node] is None and graph.labels[node] is not None
