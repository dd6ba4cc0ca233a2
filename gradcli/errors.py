"""Typed errors with a source span and a hint, and the exit statuses of the contract.

Library code raises these and never prints or exits; the command line's
``main()`` is the one place that renders them and picks the exit status.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .source import Source


class ExitStatus(IntEnum):
    """Exit statuses of ``gradcli`` (contract, section 2)."""

    OK = 0
    CHECK_FAILED = 1  # a check that does not hold
    USAGE = 2  # a usage, syntax or name error
    NONFINITE = 3  # a value or derivative that is NaN or infinite
    NO_RENDERER = 4  # PNG/SVG asked for, but no Graphviz renderer is installed
    INTERNAL = 70  # a bug in gradcli (EX_SOFTWARE)


class GradcliError(Exception):
    """An error for the user: a message, optionally where in the program, and a hint."""

    status = ExitStatus.USAGE

    def __init__(
        self,
        message: str,
        *,
        source: Source | None = None,
        span: tuple[int, int] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.span = span
        self.hint = hint

    def render(self) -> str:
        """The message, the source line with a caret under the span, and the hint."""
        return render_message("error", self.message, self.source, self.span, self.hint)


def render_message(
    severity: str,
    message: str,
    source: Source | None = None,
    span: tuple[int, int] | None = None,
    hint: str | None = None,
) -> str:
    """``error: message``, then the source line with a caret under the span, then the hint."""
    lines = [f"{severity}: {message}"]
    if source is not None and span is not None:
        lines.append(source.excerpt(*span))
    if hint:
        lines.append(f"hint: {hint}")
    return "\n".join(lines)


class UsageError(GradcliError):
    """A bad command line, value or input file."""


class ParseError(GradcliError):
    """The program is not in the language (syntax)."""


class ProgramError(GradcliError):
    """The program parses but does not make sense: unknown names, wrong arity, reassignment."""


class NonFiniteError(GradcliError):
    """A value or a derivative is NaN or infinite; raised only where a finite number is needed."""

    status = ExitStatus.NONFINITE


class RendererMissing(GradcliError):
    """An image was asked for but no Graphviz renderer can be found."""

    status = ExitStatus.NO_RENDERER


class RenderFailed(GradcliError):
    """The renderer ran but did not produce the picture (it failed or timed out)."""

    status = ExitStatus.NO_RENDERER
