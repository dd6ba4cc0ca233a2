"""A tensor program's graphs: the tensor view, and the same program unrolled into scalar ops.

One walk over the syntax tree builds both at once:

- the **tensor view** (``--granularity tensor``, seed 000's PyTorch picture):
  one node per operation as written, each with its shape. The seed's neuron
  ``sigmoid(w @ x + b)`` is 3 operation nodes over 3 leaves;
- the **unrolled graph** (``fused``, micrograd's picture; or ``scalar``, with
  composite functions decomposed): every tensor operation as the scalar
  operations on its elements, one leaf per element (``w₁ … w_K``). Each sum
  is added left to right, products first: ``w @ x`` is ``w₁x₁ + w₂x₂ + …``.
  The neuron is 2K + 1 operation nodes (K ×, K − 1 + for the sum, 1 + for the
  bias, 1 σ), or 2K + 4 with σ decomposed.

Every number of a tensor program comes from the unrolled graph, by the
scalar evaluators (``gradcli.autodiff``); a tensor node's value and gradient
are its elements' (``TensorGraph.elements``). So the views cannot disagree:
they are two drawings of one computation. Each unrolled node records its
tensor node and its element index (``Graph.element_of``), which the JSON and
the SVG tooltips show.

Shapes are checked as the walk goes, so a mismatch is an error with a caret
under the operation, both shapes and where each came from. The walk keeps
its own stack, as the scalar builder's does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from ..builder import Builder, _Frame
from ..errors import ProgramError, UsageError
from ..graph import Graph
from ..ops import ARRAY, BY_NAME, CONST, VAR, Op
from ..syntax import Apply, Name, Num, Program, names_in
from .value import Shape, element_names, indices, shape_text, size_of, subscript, subscripts

_ADD, _SUB, _MUL, _DIV, _EXP, _LOG, _MAX = (BY_NAME[n] for n in ("add", "sub", "mul", "div", "exp", "log", "max"))

UNROLL_LIMIT = 2_000_000
"""The most nodes an unrolled graph may have (a 784→16→10 MLP with a loss has about 39,000)."""

_DONE = object()  # the work-stack marker of TensorBuilder._expr


class UnrolledGraph(Graph):
    """A tensor program's scalar graph: every element its own node.

    ``element_of[node]`` is the tensor-view node it computes part of and the
    index (1-based) of the element it belongs to; ``outputs`` are the output's
    elements (a vector output has several), ``tensor`` the tensor view.
    """

    def __init__(self, program: Program, granularity: str) -> None:
        super().__init__(program.source, granularity=granularity)
        self.element_of: list[tuple[int, tuple[int, ...]]] = []
        self.outputs: list[int] = []
        self.tensor: TensorGraph

    def live_roots(self) -> tuple[int, ...]:
        return tuple(self.outputs) or (self.output,)


class TensorGraph(Graph):
    """The tensor view of a program: one node per operation as written, each with its shape.

    ``shapes[node]`` is a node's shape and ``elements[node]`` the unrolled
    nodes of its elements, row-major; ``unrolled`` is the unrolled graph.
    """

    def __init__(self, program: Program) -> None:
        super().__init__(program.source, granularity="tensor")
        self.shapes: list[Shape] = []
        self.elements: list[list[int]] = []
        self.unrolled: UnrolledGraph
        self.literal: list[bool] = []  # a literal [...] of numbers: a constant leaf

    def truncate(self, length: int) -> None:
        """Forget the nodes from ``length`` on (a literal of numbers becomes one leaf)."""
        for column in (self.ops, self.inputs, self.constants, self.labels, self.names, self.starts, self.ends,
                       self.origins, self.shapes, self.elements, self.literal):  # fmt: skip
            del column[length:]

    @property
    def output_shape(self) -> Shape:
        return self.shapes[self.output]


class TensorBuilder(Builder):
    """Builds a tensor program's two graphs; ``shapes`` gives each variable's shape (absent: a scalar)."""

    def __init__(
        self,
        program: Program,
        shapes: Mapping[str, Shape],
        granularity: str = "fused",
        given: Collection[str] | None = None,
    ) -> None:
        super().__init__(program)
        self.graph = TensorGraph(program)
        self.shapes_of = shapes
        self.given = given  # the names given values (None: not known), to say which have none
        unrolled = UnrolledGraph(program, granularity)
        unrolled.tensor = self.graph
        self.graph.unrolled = unrolled
        self.u = unrolled
        # Decompositions (--granularity scalar) are the scalar builder's, writing into the unrolled graph.
        self.decomposer: Builder | None = None
        if granularity == "scalar":
            self.decomposer = Builder(program, granularity="scalar")
            self.decomposer.graph = unrolled
        self.span = (0, 0)
        self.written: str | None = None
        self.index: list[tuple[int, ...]] = []  # each unrolled node's element index, until its tensor node is known

    # ---- the walk ---------------------------------------------------------------

    def build(self) -> TensorGraph:  # type: ignore[override]
        graph = super().build()
        assert isinstance(graph, TensorGraph)
        u = self.u
        out = graph.output
        u.outputs = list(graph.elements[out])
        u.output = u.outputs[-1]
        u.assigned = graph.assigned
        for name, nodes in graph.bindings.items():
            node = nodes[0] if nodes else None
            if node is not None and not graph.shapes[node]:
                u.bindings[name] = [graph.elements[node][0]]
            else:
                u.bindings[name] = []
        for node, name in enumerate(graph.names):
            if name is None:
                continue
            shape = graph.shapes[node]
            for element, index in zip(graph.elements[node], indices(shape)):
                if u.inputs[element] and u.names[element] is None:
                    u.names[element] = name + subscript(index) if index else name
        for warning in graph.warnings:
            node = graph.elements[warning.node][0] if warning.node is not None else None
            u.warnings.append(replace(warning, node=node))
        return graph

    def _expr(self, expr, frame: _Frame) -> int:  # type: ignore[no-untyped-def]
        graph = self.graph
        results: list[int] = []
        work: list = [expr]
        while work:
            item = work.pop()
            kind = type(item)
            if kind is Name:
                node = self._name(item, frame)
                assert node is not None
                results.append(node)
            elif item is _DONE:
                apply = work.pop()
                count = len(apply.args)
                inputs = tuple(results[-count:])
                del results[-count:]
                if apply.op is ARRAY:
                    start = work.pop()
                    results.append(self._array(apply, inputs, start))
                else:
                    results.append(self._apply(apply, inputs))
            elif kind is Apply:
                if item.op is ARRAY:
                    work.append((len(graph.ops), len(self.u.ops)))  # where the literal's nodes begin
                work.append(item)
                work.append(_DONE)
                work.extend(reversed(item.args))
            else:  # Num
                results.append(self._number(item))
        return results[-1]

    def _name(self, name: Name, frame: _Frame) -> int | None:
        ident = name.id
        if ident in frame.assignments:
            self.used.add(ident)
            return frame.bound[ident]
        if ident in self.graph.assigned:
            raise self._before_assignment(name)
        if ident in self.leaves:
            return self.leaves[ident]
        graph, u = self.graph, self.u
        shape = tuple(self.shapes_of.get(ident, ()))
        self.span = (name.start, name.end)
        self._budget(size_of(shape))
        node = graph.add(VAR, (), name.start, name.end, ident)
        elements = []
        # the names and labels of all elements in one pass each: a 16×784 matrix has 12,544
        for index, sub, text in zip(indices(shape), subscripts(shape), element_names(ident, shape)):
            leaf = u.add(VAR, (), name.start, name.end, ident + sub)
            u.variables[text] = [leaf]
            u.element_of.append((node, index))
            elements.append(leaf)
        self._record(node, shape, elements)
        self.leaves[ident] = node
        graph.variables[ident] = [node]
        return node

    def _number(self, num: Num) -> int:
        node = self.graph.add(CONST, (), num.start, num.end, num.text, num.value)
        leaf = self.u.add(CONST, (), num.start, num.end, num.text, num.value)
        self.u.element_of.append((node, ()))
        self._record(node, (), [leaf])
        return node

    def _record(self, node: int, shape: Shape, elements: list[int], literal: bool = False) -> None:
        graph = self.graph
        graph.shapes.append(shape)
        graph.elements.append(elements)
        graph.literal.append(literal)
        self._budget(0)

    def _budget(self, count: int) -> None:
        """Refuse a program whose unrolled graph would pass the limit, before ``count`` more nodes are made.

        A product's nodes grow faster than its inputs (``outer(x, x)`` of 10⁵ numbers would be 10¹⁰),
        so each product checks what it is about to make, not only what was made.
        """
        if len(self.u.ops) + count > UNROLL_LIMIT:
            raise ProgramError(
                f"unrolled into scalar operations, this program has more than {UNROLL_LIMIT:,} nodes",
                span=self.span if count else None,
                hint="gradcli's vectors and matrices are for sizes a calculator sees (a 784→16→10 network)",
            )

    # ---- operations ----------------------------------------------------------------

    def _apply(self, apply: Apply, inputs: tuple[int, ...]) -> int:
        graph, u = self.graph, self.u
        op = apply.op
        first = len(u.ops)
        self.span = (apply.start, apply.end)
        self.written = apply.written
        if op.tensor:
            shape, elements = getattr(self, "_" + op.name)(apply, inputs)
        elif op.arity == 1:
            shape = graph.shapes[inputs[0]]
            elements = [self._emit(op, (e,), index) for e, index in zip(graph.elements[inputs[0]], indices(shape))]
        else:
            shape, elements = self._elementwise(apply, inputs)
        node = graph.add(op, inputs, apply.start, apply.end, apply.written)
        self._own(first, node)
        self._record(node, shape, elements)
        return node

    def _own(self, first: int, node: int) -> None:
        """The unrolled nodes from ``first`` on belong to tensor node ``node``."""
        index = self.index
        assert len(index) == len(self.u.ops) - first
        self.u.element_of.extend((node, i) for i in index)
        index.clear()

    def _emit(self, op: Op, inputs: tuple[int, ...], index: tuple[int, ...]) -> int:
        """One scalar operation of the unrolled graph (decomposed at scalar granularity)."""
        u = self.u
        start, end = self.span
        if self.decomposer is not None and op.decomposition is not None:
            mark = len(u.ops)
            node = self.decomposer._decompose(op, inputs, self.span, op.name)
            self.index.extend([index] * (len(u.ops) - mark))
            return node
        self.index.append(index)
        return u.add(op, inputs, start, end, self.written if op.arity else None)

    def _constant(self, value: float, text: str, index: tuple[int, ...]) -> int:
        start, end = self.span
        self.index.append(index)
        return self.u.add(CONST, (), start, end, text, value)

    def _fold(self, op: Op, terms: list[int], index: tuple[int, ...]) -> int:
        """``((t₁ op t₂) op t₃) …``: left to right, as every sum of gradcli's is added."""
        total = terms[0]
        for term in terms[1:]:
            total = self._emit(op, (total, term), index)
        return total

    def _sum_of_products(self, pairs: list[tuple[int, int]], index: tuple[int, ...]) -> int:
        """Σ aₖ·bₖ, left to right: each product, then its addition (w₁x₁, w₂x₂, +, w₃x₃, +, …)."""
        total = self._emit(_MUL, pairs[0], index)
        for pair in pairs[1:]:
            total = self._emit(_ADD, (total, self._emit(_MUL, pair, index)), index)
        return total

    def _elementwise(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        graph = self.graph
        a, b = inputs
        sa, sb = graph.shapes[a], graph.shapes[b]
        ea, eb = graph.elements[a], graph.elements[b]
        op = apply.op
        if sa == sb:
            shape = sa
        elif not sa:
            shape, ea = sb, ea * len(eb)
        elif not sb:
            shape, eb = sa, eb * len(ea)
        else:
            raise self._mismatch(
                apply,
                inputs,
                f"{_spelled(op)} works element by element",
                _elementwise_hint(op, sa, sb, self._names(apply)),
            )
        return shape, [self._emit(op, (x, y), index) for x, y, index in zip(ea, eb, indices(shape))]

    def _matmul(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        graph = self.graph
        a, b = inputs
        sa, sb = graph.shapes[a], graph.shapes[b]
        ea, eb = graph.elements[a], graph.elements[b]
        an, bn = self._names(apply)
        if not sa or not sb:
            raise self._mismatch(
                apply, inputs, "@ multiplies vectors and matrices", f"to multiply by a number, write {an} * {bn}"
            )
        if len(sa) == 2 and len(sb) == 2:
            (m, k), (k2, n) = sa, sb
            if k != k2:
                hint = (
                    f"transpose(...) turns a matrix around: {an} @ transpose({bn})"
                    if k == n
                    else f"{an} @ {bn} needs {bn} with {k} rows, one per column of {an}"
                )
                raise self._mismatch(
                    apply, inputs, f"@ needs the columns of {an} ({k}) to equal the rows of {bn} ({k2})", hint
                )
            self._budget(m * n * (2 * k - 1))
            return (m, n), [
                self._sum_of_products([(ea[i * k + t], eb[t * n + j]) for t in range(k)], (i + 1, j + 1))
                for i in range(m) for j in range(n)
            ]  # fmt: skip
        if len(sa) == 2:
            m, k = sa
            if k != sb[0]:
                hint = (
                    f"to multiply by {bn} on the left, write {bn} @ {an}"
                    if m == sb[0]
                    else f"{bn} needs {_numbers(k)}, one per column of {an}"
                )
                raise self._mismatch(
                    apply, inputs, f"@ needs the columns of {an} ({k}) to equal the length of {bn} ({sb[0]})", hint
                )
            return (m,), [self._sum_of_products([(ea[i * k + t], eb[t]) for t in range(k)], (i + 1,)) for i in range(m)]
        if len(sb) == 2:
            m, n = sb
            if sa[0] != m:
                hint = (
                    f"to multiply by {an} on the right, write {bn} @ {an}"
                    if n == sa[0]
                    else f"{an} needs {_numbers(m)}, one per row of {bn}"
                )
                raise self._mismatch(
                    apply, inputs, f"@ needs the length of {an} ({sa[0]}) to equal the rows of {bn} ({m})", hint
                )
            return (n,), [self._sum_of_products([(ea[t], eb[t * n + j]) for t in range(m)], (j + 1,)) for j in range(n)]
        if sa != sb:
            raise self._mismatch(
                apply,
                inputs,
                "@ of two vectors is their dot product, which needs equal lengths",
                f"for the outer product of two vectors write outer({an}, {bn})",
            )
        return (), [self._sum_of_products(list(zip(ea, eb)), ())]

    def _dot(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        graph = self.graph
        a, b = inputs
        sa, sb = graph.shapes[a], graph.shapes[b]
        if len(sa) != 1 or sa != sb:
            an, bn = self._names(apply)
            if len(sa) == 2 or len(sb) == 2:
                hint = f"for a matrix product write {an} @ {bn}"
            elif not sa or not sb:
                hint = f"to multiply by a number, write {an} * {bn}"
            else:
                hint = f"for the outer product of two vectors write outer({an}, {bn})"
            raise self._mismatch(apply, inputs, "dot takes two vectors of equal length", hint)
        return (), [self._sum_of_products(list(zip(graph.elements[a], graph.elements[b])), ())]

    def _outer(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        graph = self.graph
        a, b = inputs
        sa, sb = graph.shapes[a], graph.shapes[b]
        if len(sa) != 1 or len(sb) != 1:
            an, bn = self._names(apply)
            hint = f"for a matrix product write {an} @ {bn}" if 2 in (len(sa), len(sb)) else (
                f"to multiply by a number, write {an} * {bn}")  # fmt: skip
            raise self._mismatch(apply, inputs, "outer takes two vectors", hint)
        ea, eb = graph.elements[a], graph.elements[b]
        self._budget(sa[0] * sb[0])
        return (sa[0], sb[0]), [
            self._emit(_MUL, (x, y), (i + 1, j + 1)) for i, x in enumerate(ea) for j, y in enumerate(eb)
        ]

    def _sum(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        return (), [self._fold(_ADD, self.graph.elements[inputs[0]], ())]

    def _mean(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        elements = self.graph.elements[inputs[0]]
        n = len(elements)
        total = self._fold(_ADD, elements, ())
        return (), [self._emit(_DIV, (total, self._constant(float(n), str(n), ())), ())]

    def _transpose(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        shape = self.graph.shapes[inputs[0]]
        if len(shape) != 2:
            what = (
                "a vector has no orientation, so transpose(v) would be v" if shape else "a scalar is its own transpose"
            )
            hint = "a vector needs no transpose: W @ x and x @ W both work" if shape else "leave transpose out"
            raise self._error(apply, inputs, f"transpose takes a matrix, and {what}", hint)
        m, n = shape
        elements = self.graph.elements[inputs[0]]
        return (n, m), [elements[i * n + j] for j in range(n) for i in range(m)]

    def _softmax(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        shape, _, shifted = self._shifted_exps(apply, inputs)
        total = self._fold(_ADD, shifted, ())
        return shape, [self._emit(_DIV, (e, total), index) for e, index in zip(shifted, indices(shape))]

    def _logsumexp(self, apply: Apply, inputs: tuple[int, ...]) -> tuple[Shape, list[int]]:
        _, top, shifted = self._shifted_exps(apply, inputs, per_element=False)
        total = self._fold(_ADD, shifted, ())
        return (), [self._emit(_ADD, (top, self._emit(_LOG, (total,), ())), ())]

    def _shifted_exps(
        self, apply: Apply, inputs: tuple[int, ...], per_element: bool = True
    ) -> tuple[Shape, int, list[int]]:
        """e^(aᵢ − m) for each element, m the largest (left to right with max), so that nothing overflows.

        Each belongs to element i of the result (softmax), or to the whole of a scalar result (logsumexp).
        """
        shape = self.graph.shapes[inputs[0]]
        if len(shape) != 1:
            hint = f"give it a vector, such as {apply.op.name}(W @ x)"
            raise self._error(
                apply, inputs, f"{apply.op.name} takes a vector, and its argument is {_shape_words(shape)}", hint
            )
        elements = self.graph.elements[inputs[0]]
        top = self._fold(_MAX, elements, ())
        return (
            shape,
            top,
            [
                self._emit(_EXP, (self._emit(_SUB, (e, top), index),), index)
                for e, index in zip(elements, indices(shape) if per_element else [()] * len(elements))
            ],
        )

    def _array(self, apply: Apply, inputs: tuple[int, ...], starts: tuple[int, int]) -> int:
        """A literal: a vector of scalars, or a matrix of equal-length vectors (its rows)."""
        graph = self.graph
        start, unrolled_start = starts
        shapes = [graph.shapes[i] for i in inputs]
        first_shape = shapes[0]
        self.span = (apply.start, apply.end)
        if any(len(s) == 2 for s in shapes):
            raise ProgramError(
                "a literal nests lists three deep; gradcli handles vectors and matrices",
                span=self.span, hint="write a matrix as a list of rows: [[1, 2], [3, 4]]",
            )  # fmt: skip
        for position, s in enumerate(shapes):
            if s != first_shape:
                element = apply.args[position]
                if not first_shape or not s:
                    message = "a literal mixes numbers and lists"
                else:
                    message = (f"row {position + 1} of this matrix has {_numbers(s[0])}, row 1 has "
                               f"{_numbers(first_shape[0])}: a matrix's rows have equal lengths")  # fmt: skip
                hint = "a vector is [1, 2, 3] and a matrix a list of rows of equal length: [[1, 2], [3, 4]]"
                raise ProgramError(message, span=(element.start, element.end), hint=hint)
        if first_shape:
            shape: Shape = (len(inputs), first_shape[0])
        else:
            shape = (len(inputs),)
        elements = [e for i in inputs for e in graph.elements[i]]
        # A literal of numbers alone is one constant leaf of the tensor view, as a number is.
        constant = not names_in([apply])
        if constant:
            graph.truncate(start)
            node = graph.add(CONST, (), apply.start, apply.end, graph.source.snippet(apply.start, apply.end))
            self._record(node, shape, elements, literal=True)
        else:
            node = graph.add(ARRAY, inputs, apply.start, apply.end)
            self._record(node, shape, elements)
        if constant:  # the elements' nodes belong to the literal now: their tensor nodes are gone
            u, cursor = self.u, unrolled_start
            for element, index in zip(elements, indices(shape)):
                for n in range(cursor, element + 1):
                    u.element_of[n] = (node, index)
                cursor = max(cursor, element + 1)
        return node

    # ---- messages -------------------------------------------------------------------

    def _names(self, apply: Apply) -> tuple[str, str]:
        source = self.graph.source
        return tuple(_short(source.snippet(arg.start, arg.end)) for arg in apply.args)  # type: ignore[return-value]

    def _describe(self, node: int) -> str:
        graph = self.graph
        shape = graph.shapes[node]
        text = _short(graph.snippet(node))
        if graph.ops[node] is VAR:
            given = self.given is None or graph.labels[node] in self.given or graph.labels[node] in self.shapes_of
            return f"{text} is {shape_text(shape)} ({'given' if given else 'no value given, so a number'})"
        return f"{text} is {shape_text(shape)} (at {graph.source.where(graph.starts[node])})"

    def _mismatch(self, apply: Apply, inputs: tuple[int, ...], why: str, hint: str | None = None) -> ProgramError:
        a, b = inputs
        return self._error(apply, inputs, f"{self._describe(a)} but {self._describe(b)}; {why}", hint)

    def _error(self, apply: Apply, inputs: tuple[int, ...], message: str, hint: str | None) -> ProgramError:
        # A variable without a value counts as a number: most likely that is the mistake.
        graph = self.graph
        given = self.given
        valueless = [
            graph.labels[i]
            for i in inputs
            if given is not None and graph.ops[i] is VAR and graph.labels[i] not in given
        ]
        if valueless:
            name = valueless[0]
            hint = f"give {name} a value, whose shape is its shape: --{name} '[1, 2, 3]', or a --values file"
        return ProgramError(f"shape mismatch: {message}", span=(apply.start, apply.end), hint=hint)


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "…"


def _numbers(count: int) -> str:
    return "1 number" if count == 1 else f"{count} numbers"


_WRITTEN = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "^"}


def _spelled(op: Op) -> str:
    """How the program writes an operation: ``*`` (its picture symbol is ×), ``max``."""
    return _WRITTEN.get(op.name) or (op.spellings[0] if op.spellings else op.symbol)


def _shape_words(shape: Shape) -> str:
    return (
        "a scalar"
        if not shape
        else f"a matrix {shape_text(shape)}"
        if len(shape) == 2
        else f"a vector {shape_text(shape)}"
    )


def _elementwise_hint(op: Op, sa: Shape, sb: Shape, names: tuple[str, str]) -> str:
    a, b = names
    if op.name == "mul" and len(sa) == 2 and len(sb) == 1 and sa[1] == sb[0]:
        return f"for the matrix-vector product write {a} @ {b}"
    if op.name == "mul" and len(sa) == 1 and len(sb) == 2 and sb[0] == sa[0]:
        return f"for the vector-matrix product write {a} @ {b}"
    if op.name == "mul" and len(sa) == 2 and len(sb) == 2 and sa[1] == sb[0]:
        return f"for the matrix product write {a} @ {b}"
    if len(sa) == 2 and len(sb) == 2 and sa == sb[::-1]:
        return f"the shapes are each other's transpose: transpose({b})"
    return "shapes must be equal, or one of them a scalar: nothing else broadcasts"


def build_tensor(
    program: Program,
    shapes: Mapping[str, Shape],
    *,
    granularity: str = "fused",
    tree: bool = False,
    given: Collection[str] | None = None,
) -> TensorGraph:
    """The tensor view of a program, with its unrolled graph (``fused`` or ``scalar``) as ``.unrolled``.

    ``given`` names the variables that have values, when known: a shape error
    then says which variable has none (and so counts as a number).
    """
    if tree:
        raise UsageError(
            "--tree draws scalar programs; this one has vectors or matrices",
            hint="--granularity fused draws every element's operations; --granularity tensor one node per operation",
        )
    try:
        return TensorBuilder(program, shapes, granularity, given).build()
    except ProgramError as error:
        if error.source is None:
            error.source = program.source
        raise
