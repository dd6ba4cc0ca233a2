"""What ``gradcli diff`` computes: each partial derivative as a formula, from the backward graph.

The formulas are the backward transform's adjoint nodes (``gradcli.backward``)
converted into simplified expressions, so that a formula, its value at a
point, ``--steps`` and ``--order 2`` all come from the one construction. The
program's assigned names stay names (``where z = w*x + b``); ``inline``
writes them out, and says how much larger that makes the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..backward import Backward, backward, second_order
from ..diagnostics import Diagnostic
from ..errors import UsageError
from ..graph import Graph
from ..numbers import DEFAULT_DIGITS, fmt
from . import naming
from .convert import Converter
from .expressions import SYM, Expressions
from .latexnames import latex_name
from .printer import Printer

ORDERS = (1, 2)
INLINE_LIMIT = 100_000
"""The most nodes ``--inline`` writes: beyond it the formulas are refused, names keep them small."""


@dataclass(frozen=True)
class Formula:
    """One partial derivative: with respect to which names, its expression, its value at the point."""

    names: tuple[str, ...]  # ("x",) for ∂f/∂x; ("x", "y") for ∂²f/∂x∂y
    expression: int
    value: float | None = None

    @property
    def key(self) -> str:
        """The key in ``--json``: ``x``, or ``x,y`` for a second partial."""
        return ",".join(self.names)


@dataclass
class Definition:
    """A ``where`` line: a name (the program's own, or one given to a shared subexpression) and its formula."""

    name: str
    expression: int
    node: int  # the graph node it stands for, or was first made for: where lines go in program order
    value: float | None = None


@dataclass
class Derivatives:
    """The partial derivatives of a program's output as formulas (``gradcli.diff``)."""

    graph: Graph
    order: int
    table: Expressions
    formulas: list[Formula]
    where: list[Definition]
    names: dict[int, str]  # expressions written as a name: the where lines of shared subexpressions
    backward: Backward
    point: dict[str, float] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sizes: tuple[int, int] | None = None  # with inline: (nodes with names, nodes inlined)

    @property
    def error(self) -> Diagnostic | None:
        return next((d for d in self.diagnostics if d.severity == "error"), None)

    def printer(self, style: str = "plain") -> Printer:
        return Printer(self.table, style, self.names)

    def formula_text(self, formula: Formula | Definition, style: str = "plain") -> str:
        return self.printer(style).text(formula.expression, define=isinstance(formula, Definition))

    def label(self, formula: Formula, style: str = "plain") -> str:
        """``∂f/∂x``, ``∂²f/∂x∂y``, ``∂²f/∂x²``; in LaTeX ``\\frac{\\partial f}{\\partial x}``."""
        f = self.graph.output_name
        names = formula.names
        if style == "latex":
            top = latex_name(f)
            if len(names) == 1:
                return rf"\frac{{\partial {top}}}{{\partial {latex_name(names[0])}}}"
            x, y = (latex_name(n) for n in names)
            bottom = rf"\partial {x}^2" if names[0] == names[1] else rf"\partial {x} \partial {y}"
            return rf"\frac{{\partial^2 {top}}}{{{bottom}}}"
        if len(names) == 1:
            return f"∂{f}/∂{names[0]}"
        x, y = names
        return f"∂²{f}/∂{x}²" if x == y else f"∂²{f}/∂{x}∂{y}"

    def lines(self, style: str = "plain", digits: int = DEFAULT_DIGITS) -> list[str]:
        """The output of ``gradcli diff``: one line per derivative, then the where lines.

        With a point, each line ends with its value, as a comment of the
        language (``# = 0.3932``), so that the formula before it still parses.
        """
        printer = self.printer(style)
        rows = [(f"{self.label(f, style)} = {printer.text(f.expression)}", f.value) for f in self.formulas]
        where = r"\text{where } " if style == "latex" else "where "
        name = latex_name if style == "latex" else str
        rows += [(f"{where}{name(d.name)} = {printer.text(d.expression, define=True)}", d.value) for d in self.where]
        if self.point is None:
            return [text for text, _ in rows]
        width = max(len(text) for text, _ in rows)
        return [f"{text.ljust(width)}  {_value_text(value, style, digits)}".rstrip() for text, value in rows]

    def to_json(self, style: str = "plain") -> dict[str, Any]:
        """The ``gradcli diff --json`` object; numbers at full precision, ``null`` where not finite."""
        from ..api import json_number

        data: dict[str, Any] = {
            "expression": self.graph.source.text,
            "order": self.order,
            "derivatives": {f.key: self.formula_text(f, style) for f in self.formulas},
            "where": {d.name: self.formula_text(d, style) for d in self.where},
            "values": {f.key: json_number(f.value) for f in self.formulas if f.value is not None}
            if self.point is not None
            else {},
        }
        if self.sizes is not None:
            data["size"] = {"named": self.sizes[0], "inlined": self.sizes[1]}
        data["diagnostics"] = [d.to_json(self.graph.source) for d in self.diagnostics]
        return data


def _value_text(value: float | None, style: str, digits: int) -> str:
    if value is None:
        return ""
    text = fmt(value, digits)
    if style == "latex":
        exact = math.isfinite(value) and float(text) == value
        return ("= " if exact else "\\approx ") + text
    return f"# = {text}"


def diff(
    graph: Graph,
    point: Mapping[str, float] | None = None,
    *,
    wrt: list[str] | None = None,
    order: int = 1,
    inline: bool = False,
) -> Derivatives:
    """Every partial derivative of the program's output (of order 1 or 2) as a formula.

    ``point`` (a value for every variable) adds each derivative's value there,
    from reverse mode for order 1 (so it equals ``gradcli eval``) and from the
    second transform for order 2 (so it equals ``eval --hessian``).
    """
    from ..api import _evaluate, check_wrt

    if order not in ORDERS:
        raise UsageError(f"--order {order} is not supported", hint="use --order 1 or --order 2")
    if wrt is None:
        wrt = list(graph.variables)
    else:
        wrt = list(dict.fromkeys(wrt))  # --wrt x,x asks for ∂f/∂x once, as eval shows it once
        if order == 1:
            check_wrt(graph, wrt, "--wrt")
    result = found = None
    hessian = None
    if point is not None:
        result, found = _evaluate(graph, point, wrt, hessian=order == 2)
    if order == 2:
        from ..hessian import check_hessian_names

        check_hessian_names(graph, wrt)
    # With a point, order 2 takes the graph its values came from, rather than building it again.
    first = found.backward if found is not None else backward(graph, wrt)
    if order == 1:
        roots = [first.gradient[name] for name in wrt]
        keys = [(name,) for name in wrt]
    else:
        entries = found.entries if found is not None else second_order(first, wrt)
        keys = list(entries)
        roots = list(entries.values())
        hessian = result.hessian if result is not None else None

    table = Expressions()
    converter = Converter(first.graph, table)
    named = _assigned_nodes(graph)
    if not inline:
        converter.atoms = {node: converter.symbol(name) for name, node in named.items()}
    expressions = converter.convert(roots)
    definitions = [] if inline else _definitions(graph, table, converter, expressions, named)
    all_roots = [*expressions, *(e for _, e in definitions)]

    sizes = None
    names: dict[int, str] = {}
    if inline:
        sizes = _inline_sizes(first, table, named, roots, expressions)
    else:
        chosen = naming.choose(table, all_roots, naming.budget(sum(graph.live)))
        names = naming.names_for(chosen, converter.origins, [*graph.variables, *graph.assigned])

    values: list[float | None] = [None] * len(roots)
    symbols: dict[str, float] = {}
    if result is not None:
        values = [result.gradient[n] for n in wrt] if order == 1 else [hessian[x][y] for x, y in keys]  # type: ignore[index]
        symbols = {**dict(point), "pi": math.pi, "e": math.e}  # type: ignore[arg-type]
        symbols.update({name: result.values[node] for name, node in named.items()})
    formulas = [Formula(key, e, v) for key, e, v in zip(keys, expressions, values)]
    where = [Definition(name, e, named[name]) for name, e in definitions]
    where += [Definition(name, e, converter.origins.get(e, len(first.graph))) for e, name in names.items()]
    # In program order, which puts what a definition uses before it: node ids are topological,
    # and the parts of an expression were made for the same node or earlier ones.
    where.sort(key=lambda d: (d.node, d.expression))
    if result is not None:
        computed = table.evaluate(symbols)
        for d in where:
            d.value = symbols.get(d.name, computed[d.expression])
    derivatives = Derivatives(
        graph,
        order,
        table,
        formulas,
        where,
        names,
        first,
        dict(point) if point is not None else None,
        list(result.diagnostics) if result is not None else list(graph.warnings),
        sizes,
    )
    derivatives.diagnostics += _limit_notes(graph)
    return derivatives


def _assigned_nodes(graph: Graph) -> dict[str, int]:
    """Each assigned name that is a node of its own (not a renaming ``z = x``), with that node."""
    return {name: nodes[0] for name, nodes in graph.bindings.items() if nodes and graph.inputs[nodes[0]]}


def _definitions(
    graph: Graph, table: Expressions, converter: Converter, roots: list[int], named: dict[str, int]
) -> list[tuple[str, int]]:
    """The where lines of the program's names that the formulas use, directly or through other names."""
    defined: dict[str, int] = {}
    frontier = list(roots)
    while frontier:
        order, _ = naming.reachable(table, frontier)
        wanted = [
            table.items[e]
            for e in order
            if table.kinds[e] == SYM and table.items[e] in named and table.items[e] not in defined
        ]
        if not wanted:
            break
        frontier = converter.convert([named[name] for name in wanted])
        defined.update(zip(wanted, frontier))
    return list(defined.items())


def _inline_sizes(
    first: Backward, table: Expressions, named: dict[str, int], roots: list[int], inlined: list[int]
) -> tuple[int, int]:
    """The printed size of the formulas with the program's names kept, and written out."""
    after = naming.printed_size(table, inlined)
    if after > INLINE_LIMIT:
        raise UsageError(
            f"written out without names, the formulas would have {after:,} nodes (more than {INLINE_LIMIT:,})",
            hint="leave out --inline: with names, the formulas stay about as large as the program",
        )
    kept = Converter(first.graph, table)
    kept.atoms = {node: kept.symbol(name) for name, node in named.items()}
    expressions = kept.convert(roots)
    definitions = [e for _, e in _definitions(first.graph, table, kept, expressions, named)]
    return naming.printed_size(table, [*expressions, *definitions]), after


def _limit_notes(graph: Graph) -> list[Diagnostic]:
    """A note for each power whose exponent is a variable: where its base is 0, reverse mode takes a limit."""
    notes = []
    needs = graph.needs_grad
    for node, op in enumerate(graph.ops):
        inputs = graph.inputs[node]
        if op.limits and graph.live[node] and needs[inputs[-1]] and not graph.is_constant(inputs[0]):
            message = (
                f"the formulas for {graph.snippet(node)} hold where its base is not 0; "
                "there gradcli eval takes the limits that gradcli ops lists"
            )
            notes.append(Diagnostic("note", "limit", message, node, graph.span(node)))
    return notes
