"""``--json`` whatever happens: a command asked for JSON prints exactly one JSON object.

A tool that reads ``gradcli eval --json`` must never find standard output
empty. When a run fails before it has a result (a usage, syntax or name error,
exit 2; at a given point, a value that ``check`` needs is not finite, exit 3;
or a bug, exit 70), the command still prints its JSON object, with its usual
keys, nulls and empty lists where the result would be, and the error as the
one entry of ``diagnostics``. The message also goes to standard error, as it
does without ``--json``, so a person at the terminal reads the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click

from ..diagnostics import Diagnostic
from ..errors import GradcliError
from ..textinput import is_text
from .arguments import ProgramCommand
from .output import echo_json, json_written

PROGRAM_KEY = "gradcli.program"
"""Where a command keeps the program text in ``ctx.meta``, for the JSON object of a failure."""

Skeleton = Callable[[str | None], dict[str, Any]]


def remember_program(ctx: click.Context, text: str) -> None:
    """Keep the program text, so that the JSON object of a later failure can name it."""
    ctx.meta[PROGRAM_KEY] = text


class JsonCommand(ProgramCommand):
    """A program command whose JSON output survives a failure.

    ``skeleton(expression)`` is the command's JSON object with no result;
    ``wants_json(params)`` says whether the options ask for JSON on standard
    output (``--json``; for ``graph``, ``--format json`` and no ``-o``).
    """

    def __init__(
        self, *args: Any, skeleton: Skeleton, wants_json: Callable[[Mapping[str, Any]], bool], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skeleton = skeleton
        self.wants_json = wants_json

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (GradcliError, click.ClickException) as error:
            # The options could not be parsed, so read the ones that choose JSON from the words.
            self._fail(self._scan(args), None, error)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, OSError):
            raise  # --help, ^C, or standard output itself failing: nothing to add to it
        except Exception as error:
            program = ctx.meta.get(PROGRAM_KEY)
            expr = ctx.params.get("expr")
            if program is None and expr != "-" and (expr is None or is_text(expr)):
                program = expr  # the program as given, when reading the rest failed (not if it is not UTF-8)
            self._fail(ctx.params, program, error)
            raise

    def _fail(self, params: Mapping[str, Any], program: str | None, error: Exception) -> None:
        if not self.wants_json(params) or json_written():
            return
        source = getattr(error, "source", None)
        expression = program if program is not None else getattr(source, "text", None)
        data = self.skeleton(expression)
        data["diagnostics"] = [error_json(error)]
        echo_json(data)

    def _scan(self, args: list[str]) -> dict[str, Any]:
        """The options given in ``args``, read word by word (a flag is True; other options take a value)."""
        options = {opt: param for param in self.params if isinstance(param, click.Option) for opt in param.opts}
        found: dict[str, Any] = {}
        words = iter(args)
        for word in words:
            if word == "--":
                break
            flag, has_value, value = word.partition("=")
            param = options.get(flag)
            if param is None:
                continue
            if param.is_flag:
                found[param.name or flag] = True
            else:
                found[param.name or flag] = value if has_value else next(words, None)
        return found


def error_json(error: Exception) -> dict[str, Any]:
    """An error as a diagnostic of the JSON output: severity, kind, message, node, line, column."""
    source = span = None
    if isinstance(error, GradcliError):
        kind, message = error.kind, error.message
        if error.source is not None:
            source, span = error.source, error.span
    elif isinstance(error, click.ClickException):
        message = error.format_message()
        kind, message = "usage", message[:1].lower() + message[1:]  # as standard error says it
    else:
        kind, message = "internal", f"internal error: {type(error).__name__}: {error}"
    return Diagnostic("error", kind, message, span=span).to_json(source)  # type: ignore[arg-type]  # no span, no source read
