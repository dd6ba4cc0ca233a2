"""The syntax tree: what the parser produces and the graph builder consumes.

Nodes carry the character offsets of their source text. They compare by
identity (no recursive ``__eq__`` or ``__hash__``), and nothing walks them
recursively, so a tree of any depth is safe to keep and to drop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ops import Op
    from .source import Source


class Num:
    """A number literal such as ``0.5``, or a named constant (``pi``, ``e``)."""

    __slots__ = ("end", "start", "text", "value")

    def __init__(self, value: float, text: str, start: int, end: int) -> None:
        self.value = value
        self.text = text
        self.start = start
        self.end = end


class Name:
    """A use of a name: a variable, or a name assigned earlier in the program."""

    __slots__ = ("end", "id", "start")

    def __init__(self, id: str, start: int, end: int) -> None:
        self.id = id
        self.start = start
        self.end = end


class Apply:
    """An operation applied to its operands: ``a + b``, ``-a``, ``sin(a)``.

    ``written`` is the spelling used in the program when it differs from the
    operation's own symbol (``ln`` for ``log``).
    """

    __slots__ = ("args", "end", "op", "start", "written")

    def __init__(self, op: Op, args: tuple[Expr, ...], start: int, end: int, written: str | None = None) -> None:
        self.op = op
        self.args = args
        self.start = start
        self.end = end
        self.written = written


Expr = Num | Name | Apply


class Assign:
    """``name = expr``: names a shared intermediate node."""

    __slots__ = ("end", "expr", "name", "start")

    def __init__(self, name: str, expr: Expr, start: int, end: int) -> None:
        self.name = name
        self.expr = expr
        self.start = start
        self.end = end


Statement = Assign | Num | Name | Apply


def names_in(statements: list[Statement]) -> list[Name]:
    """Every use of a name in the statements, in order (walked with a stack, not recursion)."""
    found: list[Name] = []
    work: list = [s.expr if type(s) is Assign else s for s in reversed(statements)]
    while work:
        item = work.pop()
        if type(item) is Apply:
            work.extend(reversed(item.args))
        elif type(item) is Name:
            found.append(item)
    return found


class Program:
    """A parsed program: its statements in order; the last one is the output.

    ``tensor`` says whether it writes a vector or matrix itself (a literal
    ``[...]``, ``@``, or a function such as ``sum``); a scalar program can
    also become a tensor program through its values (``--w '[1, 2]'``).
    """

    __slots__ = ("source", "statements", "tensor")

    def __init__(self, source: Source, statements: list[Statement], tensor: bool = False) -> None:
        self.source = source
        self.statements = statements
        self.tensor = tensor

    @property
    def text(self) -> str:
        return self.source.text
