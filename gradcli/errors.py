"""Typed errors with a source span and a hint, and the exit statuses of the contract.

Library code raises these and never prints or exits; the command line's
``main()`` is the one place that renders them and picks the exit status.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TYPE_CHECKING

from .source import shorten, visible

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
    IO = 74  # the output could not be written: a full disk, an I/O error (EX_IOERR)
    BROKEN_PIPE = 141  # the reader of standard output went away: 128 + SIGPIPE, as the shell shows a killed writer


class GradcliError(Exception):
    """An error for the user: a message, optionally where in the program, and a hint."""

    status = ExitStatus.USAGE
    kind = "usage"  # the kind of the diagnostic that --json output gives the error

    def __init__(
        self,
        message: str,
        *,
        source: Source | None = None,
        span: tuple[int, int] | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        # As it may reach a terminal or JSON: control characters escaped, a huge word shortened.
        self.message = _tame(message)
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
    lines = [f"{severity}: {_tame(message)}"]
    if source is not None and span is not None:
        lines.append(source.excerpt(*span))
    if hint:
        lines.append(f"hint: {_tame(hint)}")
    return "\n".join(lines)


_LONG = 200
_LONG_WORD = re.compile(rf"\S{{{_LONG},}}")


def _tame(text: str) -> str:
    """A message as it may reach a terminal: no control characters, no 10^7-character word echoed whole."""
    if len(text) > _LONG:
        text = _LONG_WORD.sub(lambda m: shorten(m.group()), text)
    return visible(text)


class UsageError(GradcliError):
    """A bad command line, value or input file."""


class ParseError(GradcliError):
    """The program is not in the language (syntax)."""

    kind = "syntax"


class ProgramError(GradcliError):
    """The program parses but does not make sense: unknown names, wrong arity, reassignment."""

    kind = "program"


class NonFiniteError(GradcliError):
    """A value or a derivative is NaN or infinite; raised only where a finite number is needed."""

    status = ExitStatus.NONFINITE
    kind = "nonfinite"  # or, where it is known, the diagnostic's: nonfinite-value, nonfinite-gradient


class RendererMissing(GradcliError):
    """An image was asked for but no Graphviz renderer can be found."""

    status = ExitStatus.NO_RENDERER
    kind = "renderer"


class OutputFailed(GradcliError):
    """The output could not be written: the disk is full, or the device failed."""

    status = ExitStatus.IO
    kind = "io"


class RenderFailed(GradcliError):
    """The renderer ran but did not produce the picture (it failed or timed out)."""

    status = ExitStatus.NO_RENDERER
    kind = "renderer"
