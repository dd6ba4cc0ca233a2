"""Vectors and matrices for people: aligned grids on a terminal, one line per element when piped.

On a terminal each tensor is a grid under its name, its numbers lined up on
the decimal point column by column (as NumPy prints), with the middle of a
large one left out (``…``, ``⋮``) and a line saying so; piped, every element
is its own ``NAME[2,1] VALUE`` line (1-based), so grep and awk keep working.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import click

from ..numbers import fmt
from ..tensor.value import Tensor, index_text, indices, shape_text
from .output import _on_the_point, is_terminal, table, value_table

EDGE = 3
"""A grid shows at most this many rows (and columns) from each end of a larger tensor."""


def value_rows(rows: Sequence[tuple[str, float | Tensor]], digits: int) -> None:
    """Names and their numbers or tensors: the value, then each derivative (``eval``, ``trace``)."""
    if not is_terminal():
        flat: list[tuple[str, float | None]] = []
        for name, value in rows:
            if isinstance(value, Tensor):
                flat += [(name + index_text(index), x) for index, x in zip(indices(value.shape), value.data)]
            else:
                flat.append((name, value))
        value_table(flat, digits)
        return
    scalars: list[tuple[str, float | None]] = []
    for name, value in rows:
        if not isinstance(value, Tensor):
            scalars.append((name, value))
            continue
        if scalars:
            value_table(scalars, digits)
            scalars = []
        click.echo(f"{name}  {shape_text(value.shape)}")
        for line in grid(value, digits):
            click.echo("  " + line)
    if scalars:
        value_table(scalars, digits)


def grid(value: Tensor, digits: int) -> list[str]:
    """A vector as one bracketed row, a matrix as bracketed rows; columns aligned on the point."""
    shape = value.shape
    rows, columns = (1, shape[0]) if len(shape) == 1 else shape
    shown_rows = _shown(rows)
    shown_columns = _shown(columns)
    cells = [
        [fmt(value.data[r * columns + c], digits) if c is not None and r is not None else "…" for c in shown_columns]
        for r in shown_rows
        if r is not None
    ]
    # Align each column on its decimal point.
    for c in range(len(shown_columns)):
        column = _on_the_point([row[c] for row in cells])
        for row, text in zip(cells, column):
            row[c] = text
    lines = []
    row_index = 0
    for r in shown_rows:
        if r is None:
            lines.append(" ⋮")
            continue
        text = "  ".join(cells[row_index])
        row_index += 1
        lines.append(f"[{text}]")
    if len(shape) == 2:
        lines = [("[" if k == 0 else " ") + line + ("]" if k == len(lines) - 1 else "") for k, line in enumerate(lines)]
    hidden = rows * columns - sum(1 for r in shown_rows if r is not None) * sum(
        1 for c in shown_columns if c is not None
    )
    if hidden:
        lines.append(f"({hidden:,} of {value.size:,} numbers left out; --json has every one)")
    if any(not math.isfinite(x) for x in value.data):
        lines.append("(not finite: " + ", ".join(
            index_text(i) for i, x in zip(indices(shape), value.data) if not math.isfinite(x)
        )[:200] + ")")  # fmt: skip
    return lines


def _shown(n: int) -> list[int | None]:
    """The indices a grid shows out of n: all, or the first and last EDGE with None for the gap."""
    if n <= 2 * EDGE + 1:
        return list(range(n))
    return [*range(EDGE), None, *range(n - EDGE, n)]


del table
