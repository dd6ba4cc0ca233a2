"""Vectors and matrices written into a trace's working: ``[1, -1]``, ``[[1, 2], [3, 4]]``, and a
large one in part with a count, ``[0.1, 0.2, …, 0.9] (784 numbers)``, so that a step stays one line."""

from __future__ import annotations

from .numbers import DEFAULT_DIGITS, fmt, fmt_operand
from .tensor.value import Tensor, shape_text

INLINE = 10
"""A tensor of at most this many numbers is written out whole; a larger one in part, with a count."""

ROW = 4
"""A row of a large matrix shows at most this many numbers whole."""

Value = float | Tensor


def tensor_text(value: Value, digits: int = DEFAULT_DIGITS, *, count: bool = True, operand: bool = False) -> str:
    """A value as text: ``0.5``, ``[1, -1]``, ``[[1, 2], [3, 4]]``; a large one in part, ``[1, 2, …, 9] (784 numbers)``.

    ``count`` says how many numbers an elided tensor has; ``operand`` parenthesises a negative scalar.
    """
    if not isinstance(value, Tensor):
        return (fmt_operand if operand else fmt)(value, digits)
    return laid_out(value.shape, [fmt(x, digits) for x in value.data], count=count)


def laid_out(shape: tuple[int, ...], texts: list[str], *, count: bool = True) -> str:
    """Texts in a tensor's shape, row-major: ``[a, b]``, ``[[a, b], [c, d]]``.

    Beyond INLINE numbers a vector shows its first two and its last (``[a, b, …, z]``), and a matrix
    its first two rows and its last, each row so cut if longer than ROW; ``count`` then adds how many
    numbers there are.
    """
    size = len(texts)
    whole = size <= INLINE
    if len(shape) == 1:
        text = _row(texts, INLINE if not whole else size)
        cut = not whole
    else:
        rows, columns = shape
        most = columns if whole else ROW
        lines = [_row(texts[r * columns : (r + 1) * columns], most) for r in range(rows)]
        if not whole and rows > 3:
            lines = [*lines[:2], "…", lines[-1]]
        text = "[" + ", ".join(lines) + "]"
        cut = not whole and (rows > 3 or columns > ROW)
    return f"{text} ({size:,} numbers)" if count and cut else text


def _row(numbers: list[str], most: int) -> str:
    shown = numbers if len(numbers) <= most else [*numbers[:2], "…", numbers[-1]]
    return "[" + ", ".join(shown) + "]"


def shape_note(value: Value) -> tuple[str, ...]:
    return (f"shape {shape_text(value.shape)}",) if isinstance(value, Tensor) else ()
