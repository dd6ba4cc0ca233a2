"""The op table's partial expressions, compiled to functions over NumPy arrays.

Nothing here knows a derivative. Each op's partials come from its record
(``Op.partial_exprs``, ``Op.limit_exprs``: expressions in the language over
``a``, ``b`` and ``out``) and every operation inside them runs as its
kernel (``kernels.py``), the array form of its forward rule. So the batch
differentiates with the same rules as ``eval``, and with the same roundings,
because the compiled form follows ``gradcli.rules`` step for step: constants
folded by the scalar rule, ``x^2`` as ``x*x``, a limit replacing the
expression only where its condition is exactly 1.

A compiled expression is a short list of instructions run by a loop (rather
than generated source): an instruction costs a microsecond, an array
operation on a chunk of 65,536 points a hundred times that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..ops import Op
from ..rules import walk
from ..syntax import Apply, Expr, Name, Num
from .kernels import kernel

Value = np.ndarray | float
Inputs = dict[str, Value]  # a, b, out


@dataclass(frozen=True)
class Instruction:
    """``slot = function(*operands)``: an operand is a slot number or a name (a, b, out)."""

    function: Callable[..., Value]
    operands: tuple[int | str, ...]


@dataclass(frozen=True)
class Compiled:
    """An expression as instructions; ``constant`` is its value when it uses no name."""

    instructions: tuple[Instruction, ...]
    result: int | str  # the slot or the name that holds the value
    constant: float | None = None

    def __call__(self, inputs: Inputs) -> Value:
        if self.constant is not None:
            return self.constant
        slots: list[Value] = []
        for step in self.instructions:
            slots.append(step.function(*(slots[o] if type(o) is int else inputs[o] for o in step.operands)))
        return slots[self.result] if type(self.result) is int else inputs[self.result]


def _square(x: Value) -> Value:
    return np.multiply(x, x)  # gradcli.rules writes x^2 as x * x: the same rounding as pow, and faster


def compile_expr(expr: Expr) -> Compiled:
    """An expression over a, b and out as instructions over arrays (no recursion)."""
    instructions: list[Instruction] = []
    operand: dict[int, int | str] = {}  # id(node) -> slot or name
    constant: dict[int, float] = {}  # id(node) -> its value, for constant nodes
    for node in walk(expr):
        key = id(node)
        if type(node) is Num:
            constant[key] = node.value
        elif type(node) is Name:
            operand[key] = node.id
        else:
            assert type(node) is Apply
            op = node.op
            if all(id(arg) in constant for arg in node.args):  # fold, by the scalar rule: ln(2) is a number
                assert op.forward is not None
                constant[key] = op.forward(*(constant[id(arg)] for arg in node.args))
                continue
            args = [constant[id(arg)] if id(arg) in constant else operand[id(arg)] for arg in node.args]
            if op.name == "pow" and id(node.args[1]) in constant and constant[id(node.args[1])] == 2.0:
                function, args = _square, args[:1]
            else:
                function = kernel(op)
            operands: list[int | str] = []
            for arg in args:
                if isinstance(arg, float):  # a constant operand: bind it into the instruction
                    function = _bind(function, len(operands), arg, len(args))
                else:
                    operands.append(arg)
            instructions.append(Instruction(function, tuple(operands)))
            operand[key] = len(instructions) - 1
    if id(expr) in constant:
        return Compiled((), 0, constant[id(expr)])
    return Compiled(tuple(instructions), operand[id(expr)])


def _bind(function: Callable[..., Value], position: int, value: float, arity: int) -> Callable[..., Value]:
    """``function`` with the argument at ``position`` fixed to ``value``."""
    if arity == 1:
        return lambda: function(value)
    if position == 0:
        return lambda *rest: function(value, *rest)
    return lambda first, *rest: function(first, value, *rest)


@dataclass(frozen=True)
class ArrayPartial:
    """One input's local partial over arrays, with the op's limits for that input applied."""

    expression: Compiled
    limits: tuple[tuple[Compiled, Compiled], ...]  # (where, value): value replaces where `where` == 1

    def __call__(self, inputs: Inputs) -> Value:
        result = self.expression(inputs)
        for where, value in self.limits:
            at = where(inputs)
            if isinstance(at, np.ndarray):
                if at.any():
                    result = np.where(at == 1.0, value(inputs), result)
            elif at == 1.0:
                result = value(inputs)
        return result


@cache
def array_partials(op: Op) -> tuple[ArrayPartial, ...]:
    """Each input's partial of ``op`` compiled for arrays, once per op and process."""
    limits = [(position, compile_expr(where), compile_expr(value)) for position, where, value in op.limit_exprs]
    return tuple(
        ArrayPartial(compile_expr(expr), tuple((w, v) for at, w, v in limits if at == position))
        for position, expr in enumerate(op.partial_exprs)
    )


@cache
def array_kinks(op: Op) -> tuple[tuple[Compiled, float], ...]:
    """Where the op's partials may be a convention, as ``(test, at)``: a kink where ``test`` equals ``at``.

    Each step or sign argument in a partial is a test at 0 (relu at 0, a tie
    of max); each limit's condition a test at 1. The scalar ``Op.kinks`` says
    which input a kink concerns; the batch only needs to know which points to
    look at with it.
    """
    tests = [
        (compile_expr(node.args[0]), 0.0)
        for expr in op.partial_exprs
        for node in walk(expr)
        if type(node) is Apply and node.op.name in ("step", "sign")
    ]
    tests += [(compile_expr(where), 1.0) for _, where, _ in op.limit_exprs]
    return tuple(tests)
