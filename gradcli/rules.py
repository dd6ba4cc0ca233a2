"""The op table's rule expressions, parsed and compiled to plain Python functions.

Each op's partials are written once, in the language, over ``a``, ``b`` and
``out`` (``gradcli.ops``). This module turns them into what the evaluators
call in their loops: ``compile_partials(op)`` writes the source of one Python
function (``def partials(a, b, out): return (b, a)``) and runs it once. Each
operation in the expression becomes the op's own total forward function from
the table (so ``1/b`` is ``totalmath.div``, ``ln(a)`` is ``totalmath.log``),
except where plain Python arithmetic is the same thing and never raises
(``+ - *``, ``x^2`` as ``x * x``, division by a non-zero constant, ``step``
and ``sign`` as conditional expressions); constant subexpressions are folded
(``ln(2)`` is a number), and a repeated subexpression is computed once. The
result is the function one would write by hand.

Compiling is paid once per op and process, when an op's partials are first
needed (``Op.partial_values`` replaces itself by the compiled function), and
only for the ops a program uses: nothing at import. Measured in a fresh
process, the first ``eval "sigmoid(w*x)"`` spends 1.7 ms of CPU parsing and
compiling the rules of × and σ, about 1% of the command's start-up (which is
~1.2x ``import click, lark``); the compiled partials then run as fast as the
hand-written lambdas they replace (benchmarks/bench_scale.py's ``evaluate``
column is unchanged). Nothing here recurses on the depth of an expression.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from .syntax import Apply, Name, Num

if TYPE_CHECKING:
    from .ops import Op
    from .syntax import Expr


def parse_rules(texts: list[str]) -> tuple[Expr, ...]:
    """Rule expressions as syntax trees, parsed together as the statements of one program."""
    from .parser import parse

    statements = parse("\n".join(texts)).statements if texts else []
    if len(statements) != len(texts) or not all(isinstance(s, Num | Name | Apply) for s in statements):
        raise ValueError(f"each rule is one expression: {texts!r}")
    return tuple(statements)


def walk(expr: Expr) -> list[Expr]:
    """Every node of an expression, each after its operands (post-order), without recursion."""
    order: list[Expr] = []
    work: list[tuple[Expr, bool]] = [(expr, False)]
    while work:
        node, expanded = work.pop()
        if expanded or type(node) is not Apply:
            order.append(node)
            continue
        work.append((node, True))
        work.extend((arg, False) for arg in reversed(node.args))
    return order


class _Code:
    """A Python expression being written: its source, its value if constant, whether it is one token."""

    __slots__ = ("simple", "source", "value")

    def __init__(self, source: str, value: float | None = None, simple: bool = False) -> None:
        self.source = source
        self.value = value
        self.simple = simple


class _Writer:
    """Writes Python source for rule expressions of one op, sharing temporaries between them."""

    def __init__(self, params: tuple[str, ...]) -> None:
        self.params = params
        self.namespace: dict[str, object] = {}
        self.lines: list[str] = []
        self.temps: dict[str, str] = {}  # source -> the temporary that holds it
        self.kinks: list[str] = []  # the sources of step and sign arguments seen, in order
        self.used: set[str] = set()  # the names the expressions written so far use

    def constant(self, value: float) -> _Code:
        if math.isfinite(value):
            return _Code(repr(float(value)), value, simple=True)
        name = f"_k{len(self.namespace)}"
        self.namespace[name] = value
        return _Code(name, value, simple=True)

    def function(self, op: Op) -> str:
        name = f"_{op.name}"
        self.namespace[name] = op.forward
        return name

    def simple(self, code: _Code) -> str:
        """A name for ``code``, so that it can appear several times and be computed once."""
        if code.simple:
            return code.source
        if code.source not in self.temps:
            self.temps[code.source] = f"t{len(self.temps)}"
            self.lines.append(f"    {self.temps[code.source]} = {code.source}")
        return self.temps[code.source]

    def expression(self, expr: Expr) -> str:
        """Python source computing ``expr``; temporaries it needs are added to ``lines``."""
        codes: dict[int, _Code] = {}
        for node in walk(expr):
            if type(node) is Num:
                codes[id(node)] = self.constant(node.value)
            elif type(node) is Name:
                if node.id not in self.params:
                    raise ValueError(f"a rule uses the name {node.id!r}; it may use {', '.join(self.params)}")
                codes[id(node)] = _Code(node.id, simple=True)
                self.used.add(node.id)
            else:
                codes[id(node)] = self.apply(node.op, [codes[id(arg)] for arg in node.args])
        return codes[id(expr)].source

    def apply(self, op: Op, args: list[_Code]) -> _Code:
        if all(arg.value is not None for arg in args):  # fold: ln(2) is a number
            return self.constant(op.forward(*(arg.value for arg in args)))
        name, sources = op.name, [arg.source for arg in args]
        if name in ("add", "sub", "mul"):
            return _Code(f"({sources[0]} {'+-*'[('add', 'sub', 'mul').index(name)]} {sources[1]})")
        if name == "neg":
            return _Code(f"(-{sources[0]})")
        if name == "div" and args[1].value not in (None, 0.0):
            return _Code(f"({sources[0]} / {sources[1]})")  # a non-zero constant: / never raises
        if name == "pow" and args[1].value == 2.0:
            x = self.simple(args[0])
            return _Code(f"({x} * {x})")
        if name == "abs":
            return _Code(f"abs({sources[0]})")
        if name in ("step", "sign"):
            x = self.simple(args[0])
            self.kinks.append(x)
            if name == "step":  # as totalmath.step and .sign: nan gives nan
                return _Code(f"(1.0 if {x} > 0 else 0.0 if {x} <= 0 else _NAN)")
            return _Code(f"(1.0 if {x} > 0 else -1.0 if {x} < 0 else 0.0 if {x} == 0 else _NAN)")
        return _Code(f"{self.function(op)}({', '.join(sources)})")

    def define(self, name: str, result: str) -> Callable[..., tuple]:
        """Run ``def name(params): lines; return result`` once and give the function."""
        body = "\n".join([*self.lines, f"    return {result}"])
        source = f"def {name}({', '.join(self.params)}):\n{body}\n"
        self.namespace["_NAN"] = math.nan
        exec(compile(source, f"<gradcli rule: {name}>", "exec"), self.namespace)
        function = self.namespace[name]
        function.source = source  # type: ignore[attr-defined]  # to read what was compiled (no caller needs it)
        return function  # type: ignore[return-value]


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def compile_partials(op: Op) -> Callable[..., tuple[float, ...]]:
    """``(a, [b,] out) -> one partial per input``, from the op's partial expressions and limits."""
    writer = _Writer((*op.params, "out"))
    results = [writer.expression(expr) for expr in op.partial_exprs]
    for position, where_expr, value_expr in op.limit_exprs:
        # The limit replaces the expression only where `where` is 1: elsewhere the expression stands.
        kept = writer.simple(_Code(f"{results[position]}  # {op.partials[position]}"))  # a fresh temporary
        where = writer.expression(where_expr)
        value = writer.expression(value_expr)
        writer.lines.append(f"    if {where} == 1.0:")
        writer.lines.append(f"        {kept} = {value}")
        results[position] = kept
    writer.kinks.clear()
    return writer.define(f"{op.name}_partials", _tuple(results))


def compile_kinks(op: Op) -> Callable[..., tuple[bool, ...]]:
    """``(a, [b]) -> for each input, whether its partial is a convention there``.

    A partial is a convention where a ``step`` or ``sign`` in it meets exactly
    0 (relu at 0, a tie of max), or where one of the op's limits applies.
    """
    writer = _Writer((*op.params, "out"))
    flags = []
    for position, expr in enumerate(op.partial_exprs):
        writer.kinks.clear()
        writer.expression(expr)  # only for the arguments of its step and sign calls
        tests = [f"{x} == 0" for x in dict.fromkeys(writer.kinks)]
        tests += [f"{writer.expression(where)} == 1.0" for at, where, _ in op.limit_exprs if at == position]
        flags.append(f"bool({' or '.join(tests)})" if tests else "False")
    writer.params = op.params  # the kinks take the inputs only; out is computed if a test needs it
    if "out" in writer.used:
        writer.lines.insert(0, f"    out = {writer.function(op)}({', '.join(op.params)})")
    return writer.define(f"{op.name}_kinks", _tuple(flags))
