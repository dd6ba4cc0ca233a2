"""Vectors and matrices written into a trace's working: ``[1, -1]``, ``[[1, 2], [3, 4]]``, and a
large one in part with a count, ``[0.1, 0.2, …, 0.9] (784 numbers)``, so that a step stays one line."""

from __future__ import annotations

from .numbers import DEFAULT_DIGITS, fmt, fmt_operand
from .tensor.value import Tensor, shape_text

INLINE = 10
"""A tensor of at most this many numbers is written out whole; a larger one in part, with a count."""

ROW = 4
"""A row of a large matrix shows at most this many numbers whole."""

SHOWN_ELEMENTS = 12
"""A value on a line of ``check`` or ``diff`` is written whole (``written``) up to this many numbers."""

Value = float | Tensor


def tensor_text(value: Value, digits: int = DEFAULT_DIGITS, *, count: bool = True, operand: bool = False) -> str:
    """A value as text: ``0.5``, ``[1, -1]``, ``[[1, 2], [3, 4]]``; a large one in part, ``[1, 2, …, 9] (784 numbers)``.

    ``count`` says how many numbers an elided tensor has; ``operand`` parenthesises a negative scalar.
    """
    if not isinstance(value, Tensor):
        return (fmt_operand if operand else fmt)(value, digits)
    return laid_out(value.shape, [fmt(x, digits) for x in value.data], count=count)


def written(shape: tuple[int, ...], texts: list[str]) -> str:
    """Texts in a tensor's shape, row-major, every one, as the language writes a literal: ``[a, b]``,
    ``[[a, b], [c, d]]``."""
    if len(shape) == 1:
        return _row(texts, len(texts))
    columns = shape[1]
    return "[" + ", ".join(_row(texts[r : r + columns], columns) for r in range(0, len(texts), columns)) + "]"


def laid_out(shape: tuple[int, ...], texts: list[str], *, count: bool = True) -> str:
    """Texts in a tensor's shape, row-major: ``[a, b]``, ``[[a, b], [c, d]]``.

    Beyond INLINE numbers a vector shows its first two and its last (``[a, b, …, z]``), and a matrix
    its first two rows and its last, each row so cut if longer than ROW; ``count`` then adds how many
    numbers there are.
    """
    size = len(texts)
    if size <= INLINE:
        return written(shape, texts)
    if len(shape) == 1:
        text = _row(texts, INLINE)
        cut = True
    else:
        rows, columns = shape
        lines = [_row(texts[r * columns : (r + 1) * columns], ROW) for r in range(rows)]
        if rows > 3:
            lines = [*lines[:2], "…", lines[-1]]
        text = "[" + ", ".join(lines) + "]"
        cut = rows > 3 or columns > ROW
    return f"{text} ({size:,} numbers)" if count and cut else text


def _row(numbers: list[str], most: int) -> str:
    shown = numbers if len(numbers) <= most else [*numbers[:2], "…", numbers[-1]]
    return "[" + ", ".join(shown) + "]"


def shape_note(value: Value) -> tuple[str, ...]:
    return (f"shape {shape_text(value.shape)}",) if isinstance(value, Tensor) else ()
