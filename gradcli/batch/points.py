"""The points of a batch: rows of a CSV file, or a product grid, as one column per name.

A CSV file has a header of names and one point per row. NumPy's ``loadtxt``
(a C parser since NumPy 1.23) reads the numbers when NumPy is installed: it
reads 10^6 rows about 2.5 times as fast as the ``csv`` module. Its errors do
not say which cell is wrong in gradcli's terms, so on any error the text is
scanned again, line by line, by the plain-Python reader below, which is also
the reader when NumPy is missing, and whose rules are the definition: a cell
is a number as Python's ``float`` reads it, finite, optionally quoted and
padded with spaces; blank lines are skipped.
"""

from __future__ import annotations

import csv
import io
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import UsageError
from ..numbers import fmt
from ..textinput import decode
from ..values import NAME, parse_value

MAX_GRID_POINTS = 10_000_000
"""The most points a grid may have (8 bytes a point and a column: 80 MB a column)."""


@dataclass
class Points:
    """Points as columns: ``columns[j][i]`` is the value of ``names[j]`` at row ``i``.

    A column is a NumPy array when NumPy read it, else a list of floats.
    ``lines[i]`` is the line of the file that row ``i`` came from (for messages);
    a grid has no lines.
    """

    names: list[str]
    columns: list[Sequence[float]]
    origin: str  # "data.csv", "standard input" or "the grid"
    lines: Sequence[int] | None = None
    size: int = field(default=0)

    def __len__(self) -> int:
        return self.size

    def point(self, row: int) -> dict[str, float]:
        """The values of row ``row`` (0-based), by column name."""
        return {name: float(column[row]) for name, column in zip(self.names, self.columns)}

    def where(self, row: int) -> str:
        """``row 4 of data.csv (line 5)``: rows are numbered from 1, the header not counted."""
        place = f"row {row + 1} of {self.origin}"
        if self.lines is not None:
            place += f" (line {self.lines[row]})"
        return place

    def describe(self, row: int) -> str:
        """``row 4 of data.csv (line 5), where x = 0``."""
        shown = ", ".join(f"{name} = {fmt(value, 17)}" for name, value in self.point(row).items())
        return f"{self.where(row)}, where {shown}" if shown else self.where(row)


# ---- CSV --------------------------------------------------------------------------------------------


def read_csv(path: str, *, use_numpy: bool) -> Points:
    """The points of a CSV file (``-`` for standard input)."""
    origin = "standard input" if path == "-" else path
    text = _read_text(path, origin)
    header, _, body = text.partition("\n")
    names = _header(header.rstrip("\r"), origin)
    first_line = 2  # the body starts on line 2 of the file
    if use_numpy:
        found = _read_numpy(body, len(names))
        if found is not None:
            columns, size = found
            return Points(names, columns, origin, range(first_line, first_line + size), size)
    columns, lines = _scan(body, names, origin, first_line)
    return Points(names, columns, origin, lines, len(lines))


def _read_text(path: str, origin: str) -> str:
    try:
        if path == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        else:
            with open(path, "rb") as file:
                data = file.read()
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as error:
        raise UsageError(f"cannot read {origin}: {error.strerror or error}") from None
    # A spreadsheet's byte-order mark is not part of the first name; decode drops it. Not read_input:
    # a CSV file has no size limit but memory (README, Sizes), where a program file has 64 MiB.
    return decode(data, origin)


def _header(line: str, origin: str) -> list[str]:
    if not line.strip():
        raise UsageError(
            f"{origin} has no header: its first line must name the columns",
            hint="for example a first line x,w followed by rows such as 2,0.5",
        )
    names = [cell.strip() for cell in next(csv.reader([line]))]
    if len(names) == 1 and (";" in line or "\t" in line):
        separator = "semicolons" if ";" in line else "tabs"
        raise UsageError(
            f"{origin}'s header is one column, {names[0]!r}: its columns are separated by {separator}",
            hint="gradcli reads CSV separated by commas: save the file as CSV with commas (x,w then rows 2,0.5)",
        )
    seen: set[str] = set()
    for column, name in enumerate(names, start=1):
        if not name:
            raise UsageError(f"column {column} of {origin}'s header has no name", hint=f"the header is: {line}")
        if name in seen:
            raise UsageError(f"the column {name} appears twice in {origin}'s header")
        seen.add(name)
    return names


def _read_numpy(body: str, width: int) -> tuple[list, int] | None:
    """The columns by ``np.loadtxt``, or None when the plain reader must look (an error, an odd cell)."""
    import warnings

    import numpy as np

    if not body.strip():
        return [np.empty(0) for _ in range(width)], 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": handled by the shape check
            data = np.loadtxt(io.StringIO(body), delimiter=",", dtype=float, ndmin=2, comments=None, quotechar='"')
    except ValueError:
        return None
    if data.shape[1] != width or not np.isfinite(data).all():
        return None
    columns = list(data.T.copy())  # one contiguous array per column: ufuncs run fastest on those
    return columns, data.shape[0]


def _scan(body: str, names: list[str], origin: str, first_line: int) -> tuple[list[list[float]], list[int]]:
    """Read the rows cell by cell, and say exactly which cell is wrong."""
    width = len(names)
    columns: list[list[float]] = [[] for _ in names]
    lines: list[int] = []
    for line_number, line in enumerate(body.split("\n"), start=first_line):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split(",")
        row = len(lines) + 1
        where = f"row {row} of {origin} (line {line_number})"
        if len(cells) < width:
            missing = ", ".join(names[len(cells) :])
            raise UsageError(
                f"{where} has {_cells(len(cells))} for {width} columns: no value for {missing}",
                hint=f"the line is: {line}",
            )
        if len(cells) > width:
            raise UsageError(
                f"{where} has {_cells(len(cells))} but the header names {width} columns",
                hint=f"the line is: {line}",
            )
        for name, cell, column in zip(names, cells, columns):
            column.append(_number(cell, f"{where}, column {name}"))
        lines.append(line_number)
    return columns, lines


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count} cells"


def _number(cell: str, where: str) -> float:
    text = cell.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if not text:
        raise UsageError(f"{where} is empty", hint="every cell needs a number")
    try:
        value = float(text)
    except ValueError:
        raise UsageError(
            f"{where}: {text!r} is not a number", hint="cells are numbers such as 2, -0.5 or 1e-3"
        ) from None
    if not math.isfinite(value):
        raise UsageError(f"{where}: the value must be a finite number, got {text}")
    return value


# ---- grids -----------------------------------------------------------------------------------------


@dataclass
class Axis:
    """One ``--grid NAME=LO:HI:N``: N evenly spaced values from LO to HI, both included."""

    name: str
    low: float
    high: float
    count: int

    def values(self) -> list[float]:
        """LO + i·(HI − LO)/(N − 1), with HI itself last (as ``numpy.linspace`` computes them)."""
        if self.count == 1:
            return [self.low]
        step = (self.high - self.low) / (self.count - 1)
        values = [self.low + i * step for i in range(self.count)]
        values[-1] = self.high
        return values


def parse_axis(text: str) -> Axis:
    """``x=-3:3:601`` as an ``Axis``; LO and HI may be constant expressions (``-pi``)."""
    example = "for example --grid x=-3:3:601 (601 points from -3 to 3)"
    name, has_value, spec = text.partition("=")
    name = name.strip()
    if not has_value or not NAME.fullmatch(name):
        raise UsageError(f"--grid takes NAME=LO:HI:N, got {text!r}", hint=example)
    parts = spec.split(":")
    if len(parts) != 3:
        raise UsageError(f"--grid {name} needs LO:HI:N, got {spec!r}", hint=example)
    low, high = (parse_value(f"--grid {name}", part) for part in parts[:2])
    try:
        count = int(parts[2].strip())
    except ValueError:
        count = 0
    if count < 1:
        raise UsageError(
            f"--grid {name}: N must be a whole number of points, at least 1, got {parts[2]!r}", hint=example
        )
    if not math.isfinite(high - low) or (count > 1 and not math.isfinite((high - low) / (count - 1))):
        raise UsageError(f"--grid {name}: the range {parts[0]}:{parts[1]} is too wide for a double")
    return Axis(name, low, high, count)


def grid(axes: list[Axis], *, use_numpy: bool) -> Points:
    """The product of the axes; the first axis varies slowest (as nested loops, first outermost)."""
    seen: set[str] = set()
    size = 1
    for axis in axes:
        if axis.name in seen:
            raise UsageError(f"--grid gives {axis.name} twice")
        seen.add(axis.name)
        size *= axis.count
    if size > MAX_GRID_POINTS:
        shape = f" ({' × '.join(f'{axis.count:,}' for axis in axes)})" if len(axes) > 1 else ""
        raise UsageError(
            f"the grid has {size:,} points{shape}; at most {MAX_GRID_POINTS:,} are evaluated at once",
            hint="use fewer points per axis, or write the points to a CSV file and split it",
        )
    names = [axis.name for axis in axes]
    per_axis = [axis.values() for axis in axes]
    columns: list[Sequence[float]] = []
    outer = 1  # how many times an axis's whole run repeats
    for j, values in enumerate(per_axis):
        inner = math.prod(axis.count for axis in axes[j + 1 :])  # how often each value repeats in a row
        if use_numpy:
            import numpy as np

            columns.append(np.tile(np.repeat(np.array(values), inner), outer))
        else:
            columns.append([v for v in values for _ in range(inner)] * outer)
        outer *= len(values)
    return Points(names, columns, "the grid", None, size)
