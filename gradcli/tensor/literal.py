"""A vector or matrix written as a value: ``--W '[[0.5, -1], [2, 0.1]]'``, ``-v x=[1, 2]``.

A value is read by the language's own parser, so its elements may be
constant expressions (``[pi/4, -1]``), exactly as in a program.
"""

from __future__ import annotations

import re

from ..errors import GradcliError, UsageError
from ..source import shorten
from .value import Tensor


def parse_tensor_value(name: str, text: str) -> Tensor:
    """The vector or matrix that ``text`` (beginning with ``[``) writes; a ``UsageError`` otherwise."""
    from ..parser import parse
    from .evaluate import build_view, evaluate_tensor

    shown = shorten(name)
    hint = _hint(text)
    try:
        program = parse(text)
    except GradcliError as error:
        raise UsageError(
            f"the value of {shown} is not a vector or matrix: {error.message}",
            hint=hint or error.hint or "write a vector as [1, 2, 3] and a matrix as [[1, 2], [3, 4]]",
        ) from None
    statements = program.statements
    if len(statements) != 1 or getattr(statements[0], "op", None) is None or statements[0].op.name != "array":
        raise UsageError(
            f"the value of {shown} must be one vector or matrix, got {shorten(text)!r}",
            hint=hint or "write a vector as [1, 2, 3] and a matrix as [[1, 2], [3, 4]]",
        )
    try:
        tensor = build_view(program, {})
    except GradcliError as error:
        raise UsageError(f"the value of {shown}: {error.message}", hint=hint or error.hint) from None
    if tensor.variables:  # checked before evaluating, which would ask for their values: [1, nan]
        raise UsageError(
            f"the value of {shown} must be numbers, got {shorten(text)!r}",
            hint=hint or "a value holds numbers and constants (pi, e): [1, -0.5, pi/4]",
        )
    result = evaluate_tensor(tensor, {}, gradient=False)
    value = result.value
    assert isinstance(value, Tensor)
    for x in value.data:
        if x != x or x in (float("inf"), float("-inf")):
            raise UsageError(f"the value of {shown} must hold finite numbers, got {shorten(text)}")
    return value


def _hint(text: str) -> str | None:
    if ";" in text:
        return "write a matrix as a list of rows: [[1, 2], [3, 4]]"
    if re.search(r"[\d.)\]]\s+[\d.(\[+-]", text) and "," not in text.replace(" ,", ","):
        return "separate the elements with commas: [1, 2, 3]"
    if re.search(r"[\d.)\]]\s+[\d.(\[]", text):
        return "separate the elements with commas: [1, 2, 3]"
    return None
