"""``gradcli diff`` of a program with vectors or matrices: one formula per variable, at tensor granularity.

The formulas are the adjoints of the tensor view's backward pass
(``tensor_backward``), converted and simplified by the same expression table
and printer as a scalar program's (``+ - * /``, powers and functions are
elementwise, so the scalar algebra holds for them; ``@``, ``outer``,
``transpose``, ``sum``, ``dot``, ``softmax`` are kept as calls, in order).
The program's assigned names stay names, with ``where`` lines, as for
scalars. Each formula has its variable's shape and is in the language, so
``gradcli check --expect W="<formula>"`` at the same shapes agrees with
``gradcli eval`` (tests/test_tensor_diff.py checks it on random programs).

With a value for every variable, each line shows the derivative's value
(from ``gradcli eval``), as a literal when it has at most
``gradcli.tensortext.SHOWN_ELEMENTS`` elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..numbers import DEFAULT_DIGITS, fmt
from ..ops import ARRAY
from ..tensor.build import TensorGraph
from ..tensor.evaluate import json_value
from ..tensor.value import Shape, Tensor, shape_text
from ..tensortext import SHOWN_ELEMENTS, written
from . import algebra, naming
from .algebra import Product
from .convert import Converter
from .derivatives import (
    INLINE_LIMIT,
    Definition,
    Derivatives,
    Formula,
    _assigned_nodes,
    _definitions,
    _limit_notes,
)
from .expressions import NUM, PROD, SUM, SYM, Expressions
from .tensor_backward import TensorTransform, is_literal, tensor_backward


class TensorConverter(Converter):
    """``Converter`` for the tensor view, which keeps track of each expression's shape.

    A literal of numbers (``[1, 2]``) is written as the program wrote it. The
    scalar algebra may fold a tensor to a number (``y - y`` is 0); where a
    tensor op or a gradient needs the shape, such a number is written out as
    a literal (``[0, 0]``), anything else of the wrong shape times ones.
    """

    def __init__(self, transform: TensorTransform, ex: Expressions) -> None:
        super().__init__(transform.graph, ex)
        self.transform = transform
        self.symbol_shapes: dict[str, Shape] = {}
        tensor = transform.tensor
        for name, (leaf,) in tensor.variables.items():
            self.symbol_shapes[name] = tensor.shapes[leaf]
        for name, nodes in tensor.bindings.items():
            if nodes:
                self.symbol_shapes[name] = tensor.shapes[nodes[0]]
        self._shapes: list[Shape] = []

    def _build(self, node: int, owned: bool) -> object:
        graph = self.graph
        if is_literal(graph, node):  # type: ignore[arg-type]
            text = " ".join(graph.source.text[graph.starts[node] : graph.ends[node]].split())
            self.symbol_shapes[text] = self.transform.shape(node)
            return self.ex.symbol(text, -0.5)  # an atom, listed after pi and e and before the variables
        op = graph.ops[node]
        if op.tensor:  # a tensor op or a literal: each argument in its input's shape
            inputs = graph.inputs[node]
            args = tuple(self.shaped(self._ref(i), self.transform.shape(i)) for i in inputs)
            result = algebra.call(self.ex, op, args)
            self.origins.setdefault(result, node)
            return result
        return super()._build(node, owned)

    def shape(self, e: int) -> Shape:
        """The shape of an expression of the table (children come first, so one pass up the ids)."""
        ex, shapes = self.ex, self._shapes
        while len(shapes) <= e:
            k = len(shapes)
            kind, item = ex.kinds[k], ex.items[k]
            if kind == NUM:
                shape: Shape = ()
            elif kind == SYM:
                shape = self.symbol_shapes.get(item, ())
            elif kind in (SUM, PROD):
                shape = next((shapes[c] for c, _ in item if shapes[c]), ())
            else:
                op, args = item
                shape = TensorTransform._shape_of(op, [shapes[a] for a in args])
            shapes.append(shape)
        return shapes[e]

    def shaped(self, e: int, shape: Shape) -> int:
        """``e`` with ``shape``: itself if it has it; a number as a literal; anything else times ones."""
        if not shape or self.shape(e) == shape:
            return e
        ex = self.ex
        fill = e if ex.kinds[e] == NUM else ex.one
        row = ex.call_of(ARRAY, (fill,) * shape[-1])
        literal = ex.call_of(ARRAY, (row,) * shape[0]) if len(shape) == 2 else row
        return literal if fill == e else Product().mul(ex, e).mul(ex, literal).done(ex)


def value_text(value: float | Tensor | None, digits: int) -> str:
    """A derivative's value for a line of ``diff``: a number, a literal, or a shape when large."""
    if value is None:
        return ""
    if not isinstance(value, Tensor):
        return f"# = {fmt(value, digits)}"
    if value.size > SHOWN_ELEMENTS:
        return f"# = {shape_text(value.shape)} numbers, shown by gradcli eval"
    return f"# = {written(value.shape, [fmt(x, digits) for x in value.data])}"


@dataclass
class TensorDerivatives(Derivatives):
    """Derivatives whose values may be vectors or matrices."""

    def lines(self, style: str = "plain", digits: int = DEFAULT_DIGITS) -> list[str]:
        printer = self.printer(style)
        rows = [(f"{self.label(f, style)} = {printer.text(f.expression)}", f.value) for f in self.formulas]
        rows += [(f"where {d.name} = {printer.text(d.expression, define=True)}", d.value) for d in self.where]
        if self.point is None:
            return [text for text, _ in rows]
        width = max(len(text) for text, _ in rows)
        return [f"{text.ljust(width)}  {value_text(value, digits)}".rstrip() for text, value in rows]  # type: ignore[arg-type]

    def to_json(self, style: str = "plain") -> dict[str, Any]:
        data = super().to_json(style) if self.point is None else self._json_with_values(style)
        return data

    def _json_with_values(self, style: str) -> dict[str, Any]:
        point, self.point = self.point, None  # the base writes no values; tensors are written here
        try:
            data = super().to_json(style)
        finally:
            self.point = point
        data["values"] = {f.key: json_value(f.value) for f in self.formulas if f.value is not None}
        data["diagnostics"] = data.pop("diagnostics")  # keep the key last, as for scalars
        return data


def tensor_diff(tensor: TensorGraph, result: Any = None, *, wrt: list[str] | None = None,
                inline: bool = False) -> TensorDerivatives:  # fmt: skip
    """Each partial derivative of a tensor program's output as a formula in its variable's shape.

    ``result`` (``gradcli.tensor.evaluate_tensor``'s, at a point) gives the values shown.
    """
    wrt = list(tensor.variables) if wrt is None else list(dict.fromkeys(wrt))
    first = tensor_backward(tensor, wrt)
    table = Expressions()
    converter = TensorConverter(first.transform, table)  # type: ignore[arg-type]
    named = _assigned_nodes(tensor)
    if not inline:
        converter.atoms = {node: converter.symbol(name) for name, node in named.items()}
    roots = [first.gradient[name] for name in wrt]
    expressions = converter.convert(roots)
    expressions = [converter.shaped(e, first.transform.shape(r)) for e, r in zip(expressions, roots)]  # type: ignore[attr-defined]
    definitions = [] if inline else _definitions(tensor, table, converter, expressions, named)
    names: dict[int, str] = {}
    sizes = _inline_sizes(first, table, named, roots, expressions) if inline else None
    if not inline:
        chosen = naming.choose(table, [*expressions, *(e for _, e in definitions)], naming.budget(sum(tensor.live)))
        names = naming.names_for(chosen, converter.origins, [*tensor.variables, *tensor.assigned])
    values: list = [None] * len(wrt)
    if result is not None:
        values = [result.gradient[name] for name in wrt]
    formulas = [Formula((name,), e, v) for name, e, v in zip(wrt, expressions, values)]
    where = [Definition(name, e, named[name]) for name, e in definitions]
    where += [Definition(name, e, converter.origins.get(e, len(first.graph))) for e, name in names.items()]
    where.sort(key=lambda d: (d.node, d.expression))
    if result is not None:
        node_values = result.values if result.graph is tensor else None
        for d in where:
            if d.name in named and node_values is not None:
                d.value = node_values[named[d.name]]
    diagnostics = list(result.diagnostics) if result is not None else list(tensor.warnings)
    derivatives = TensorDerivatives(
        tensor, 1, table, formulas, where, names, first, {} if result is not None else None, diagnostics, sizes
    )
    derivatives.diagnostics += _limit_notes(tensor)
    return derivatives


def _inline_sizes(first: Any, table: Expressions, named: dict[int, int], roots: list[int],
                  inlined: list[int]) -> tuple[int, int]:  # fmt: skip
    """The printed size of the formulas with the program's names kept, and written out (as for scalars)."""
    after = naming.printed_size(table, inlined)
    if after > INLINE_LIMIT:
        raise UsageError(
            f"written out without names, the formulas would have {after:,} nodes (more than {INLINE_LIMIT:,})",
            hint="leave out --inline: with names, the formulas stay about as large as the program",
        )
    kept = TensorConverter(first.transform, table)
    kept.atoms = {node: kept.symbol(name) for name, node in named.items()}
    expressions = kept.convert(roots)
    definitions = [e for _, e in _definitions(first.graph, table, kept, expressions, named)]
    return naming.printed_size(table, [*expressions, *definitions]), after
