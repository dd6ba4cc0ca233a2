"""Writing a batch: CSV, or JSON Lines of ``eval --json`` objects, in full precision.

Numbers are written with ``repr``, the shortest text that reads back as the
same double (``0.1``, not ``0.10000000000000001``), which is also what
``json.dumps`` writes. Formatting the numbers is most of the cost of a large
batch, so rows are written in blocks, each a few joins over ``map(repr, …)``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from typing import TextIO

from .. import jsontext
from . import BatchResult

BLOCK = 16_384
"""Rows formatted and written at a time."""


def header(result: BatchResult) -> list[str]:
    """The input columns, then the output (``f`` or its name), then ``df/dNAME`` per derivative."""
    f = result.graph.output_name
    return [*result.points.names, f, *(f"d{f}/d{name}" for name in result.wrt)]


def write_csv(result: BatchResult, out: TextIO) -> None:
    """One line per point; ``nan``, ``inf`` and ``-inf`` as Python writes them."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(header(result))  # quotes a name only if it must
    out.write(line.getvalue())
    columns = [*result.points.columns, result.value, *result.gradient.values()]
    for start, stop in _blocks(len(result.points)):
        texts = [list(map(repr, _floats(column, start, stop))) for column in columns]
        out.write("\n".join(map(",".join, zip(*texts))))
        out.write("\n")


def write_json_lines(result: BatchResult, out: TextIO) -> None:
    """One ``gradcli eval --json`` object per point, each on its own line, byte for byte eval's."""
    source = result.graph.source
    dumps = jsontext.dumps  # as output.echo_json writes eval --json: byte for byte the same
    prefix = '{"expression": ' + dumps(source.text) + ', "value": '
    keys = [", " + dumps(name) + ": " for name in result.wrt]
    if keys:
        keys[0] = ', "gradient": {' + keys[0][2:]
    closing = ("}" if keys else ', "gradient": {}') + ', "diagnostics": '
    plain = dumps([d.to_json(source) for d in result.graph.warnings]) + "}"
    columns = [result.value, *result.gradient.values()]
    special = result.diagnostics
    for start, stop in _blocks(len(result.points)):
        texts = [list(map(_json_number, _floats(column, start, stop))) for column in columns]
        lines = []
        for row, numbers in enumerate(zip(*texts), start=start):
            parts = [prefix, numbers[0]]
            for key, number in zip(keys, numbers[1:]):
                parts += (key, number)
            parts.append(closing)
            if row in special:
                parts.append(dumps([d.to_json(source) for d in special[row]]) + "}")
            else:
                parts.append(plain)
            lines.append("".join(parts))
        out.write("\n".join(lines))
        out.write("\n")


def _json_number(x: float) -> str:
    return repr(x) if math.isfinite(x) else "null"


def _floats(column: Sequence[float], start: int, stop: int) -> list[float]:
    part = column[start:stop]
    return part.tolist() if hasattr(part, "tolist") else list(part)  # NumPy floats to Python floats, for repr


def _blocks(size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, size, BLOCK):
        yield start, min(start + BLOCK, size)
