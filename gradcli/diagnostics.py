"""Diagnostics: what a result says besides its numbers.

Errors (a value or gradient that is not finite), warnings (a statement whose
value is never used) and notes (a point on a kink, and the convention used
there), each tied to a node and its place in the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .source import Source


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error", "warning" or "note"
    kind: str  # "nonfinite-value", "nonfinite-gradient", "kink", "unused"
    message: str
    node: int | None = None
    span: tuple[int, int] | None = None
    element: tuple[int, ...] | None = None  # in a vector or matrix, which element (1-based)

    def to_json(self, source: Source) -> dict[str, Any]:
        line = column = None
        if self.span is not None:
            line, column = source.line_col(self.span[0])
        data = {
            "severity": self.severity,
            "kind": self.kind,
            "message": self.message,
            "node": self.node,
            "line": line,
            "column": column,
        }
        if self.element is not None:
            data["element"] = list(self.element)
        return data


def located(source: Source, span: tuple[int, int], text: str, message: str) -> str:
    """``log(x) at line 1, column 1: log of -1 is undefined (NaN)``."""
    return f"{text} at {source.where(span[0])}: {message}"
