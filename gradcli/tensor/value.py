"""Vector and matrix values: a shape and the elements in row-major order.

Plain Python floats in a flat list: no array library, so a scalar program
never pays for one, and every sum is added left to right in a known order
(the README says why NumPy is not used).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Shape = tuple[int, ...]


class Tensor:
    """A vector (shape ``(n,)``) or matrix (shape ``(m, n)``) of floats, row-major."""

    __slots__ = ("data", "shape")

    def __init__(self, shape: Shape, data: list[float]) -> None:
        self.shape = shape
        self.data = data

    @property
    def size(self) -> int:
        return len(self.data)

    def nested(self, convert: Callable[[float], Any] = float) -> list:
        """The elements as nested lists (a list of rows for a matrix), each passed through ``convert``."""
        if len(self.shape) == 1:
            return [convert(x) for x in self.data]
        rows, columns = self.shape
        return [[convert(x) for x in self.data[r * columns : (r + 1) * columns]] for r in range(rows)]

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Each element's index, 1-based, in row-major order: (1,), (2,) … or (1, 1), (1, 2) …"""
        return iter(indices(self.shape))

    def __repr__(self) -> str:
        return f"Tensor({self.nested()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tensor) and other.shape == self.shape and other.data == self.data

    __hash__ = None  # type: ignore[assignment]


def indices(shape: Shape) -> list[tuple[int, ...]]:
    """Every index of a shape, 1-based, row-major; ``[()]`` for a scalar."""
    if not shape:
        return [()]
    if len(shape) == 1:
        return [(i,) for i in range(1, shape[0] + 1)]
    return [(i, j) for i in range(1, shape[0] + 1) for j in range(1, shape[1] + 1)]


def shape_text(shape: Shape) -> str:
    """A shape as NumPy writes it: ``()``, ``(3,)``, ``(2, 3)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(map(str, shape)) + ")"


def size_of(shape: Shape) -> int:
    size = 1
    for n in shape:
        size *= n
    return size


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(index: tuple[int, ...]) -> str:
    """An element index as a subscript, 1-based: ``₂₁`` for (2, 1); ``₁₂,₃`` when an index has two digits."""
    parts = [str(i).translate(_SUBSCRIPTS) for i in index]
    joiner = "," if any(i > 9 for i in index) else ""
    return joiner.join(parts)


def subscripts(shape: Shape) -> list[str]:
    """``subscript`` of every index of a shape, row-major, in one pass (a 16×784 matrix has 12,544)."""
    if not shape:
        return [""]
    rows = [str(i).translate(_SUBSCRIPTS) for i in range(1, shape[0] + 1)]
    if len(shape) == 1:
        return rows
    columns = [str(j).translate(_SUBSCRIPTS) for j in range(1, shape[1] + 1)]
    return [
        row + ("," if i > 9 or j > 9 else "") + column
        for i, row in enumerate(rows, 1)
        for j, column in enumerate(columns, 1)
    ]


def element_names(name: str, shape: Shape) -> list[str]:
    """``element_name`` of every element of a variable, row-major, in one pass."""
    if not shape:
        return [name]
    if len(shape) == 1:
        return [f"{name}[{i}]" for i in range(1, shape[0] + 1)]
    return [f"{name}[{i},{j}]" for i in range(1, shape[0] + 1) for j in range(1, shape[1] + 1)]


def index_text(index: tuple[int, ...]) -> str:
    """An element index as plain text, 1-based: ``[2,1]``."""
    return "[" + ",".join(map(str, index)) + "]"


def element_name(name: str, index: tuple[int, ...]) -> str:
    """``W[2,1]``: how text names an element (a scalar's one element is the name itself)."""
    return name + index_text(index) if index else name


def from_nested(value: object, what: str) -> Tensor:
    """A tensor from nested lists of numbers (JSON, the API); ``what`` names it in errors.

    Raises ``ValueError`` with the reason for anything but a vector or a
    matrix of real numbers with rows of equal length.
    """
    import math
    import numbers

    def number(x: object, where: Callable[[int], str], k: int) -> float:
        if isinstance(x, (list, tuple)):
            raise ValueError(f"{what} nests lists three deep; gradcli handles vectors and matrices")
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise ValueError(f"{where(k)} of {what} must be a number, got {_kind(x)}")
        try:
            return float(x)
        except OverflowError:  # an integer beyond a double: infinite, which the callers refuse as not finite
            return math.inf if x > 0 else -math.inf

    def floats(items: list | tuple, where: Callable[[int], str]) -> list[float]:
        """The items as floats: JSON's floats at once, anything else checked one by one (``where`` names it)."""
        if all(type(x) is float for x in items):  # 12,544 weights: no message text built per element
            return list(items)
        return [number(x, where, k) for k, x in enumerate(items, 1)]

    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{what} must be a non-empty list of numbers, or a list of rows")
    if all(not isinstance(x, (list, tuple)) for x in value):
        return Tensor((len(value),), floats(value, lambda k: f"element {k}"))
    width = None
    data: list[float] = []
    for r, row in enumerate(value, 1):
        if not isinstance(row, (list, tuple)):
            raise ValueError(f"row {r} of {what} is a number, but other rows are lists: write every row as a list")
        if not row:
            raise ValueError(f"row {r} of {what} is empty")
        if width is None:
            width = len(row)
        elif len(row) != width:
            counted = f"{len(row)} number" + ("s" if len(row) != 1 else "")
            raise ValueError(f"row {r} of {what} has {counted}, row 1 has {width} (a matrix's rows are equal)")
        data += floats(row, lambda k, r=r: f"element [{r},{k}]")
    assert width is not None
    return Tensor((len(value), width), data)


def _kind(x: object) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str):
        return "a string"
    return type(x).__name__
