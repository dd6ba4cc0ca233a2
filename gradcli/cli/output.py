"""Writing results: rich tables on a terminal, plain aligned text when piped.

rich is imported only when standard output is a terminal, so piped and
``--json`` runs never pay for it. User text (names, program snippets) is
always passed to rich as ``Text``, never parsed as markup.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

from ..diagnostics import Diagnostic
from ..errors import render_message
from ..source import Source


def is_terminal() -> bool:
    return sys.stdout.isatty()


def echo_json(data: Any) -> None:
    """One JSON object on standard output (RFC 8259: no NaN or Infinity tokens)."""
    import json  # here: only --json runs pay for it

    click.echo(json.dumps(data, ensure_ascii=False, allow_nan=False))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def table(
    rows: Sequence[Sequence[str]],
    headers: Sequence[str] | None = None,
    *,
    title: str | None = None,
    right: Sequence[int] = (),
) -> None:
    """Print rows of cells: a rich table on a terminal, aligned columns otherwise.

    ``right`` lists the columns to right-align (numbers).
    """
    if is_terminal():
        _rich_table(rows, headers, title, right)
        return
    columns = max((len(r) for r in rows), default=0)
    all_rows = ([list(headers)] if headers else []) + [list(r) for r in rows]
    widths = [max((display_width(r[c]) for r in all_rows if c < len(r)), default=0) for c in range(columns)]
    if title:
        click.echo(title)
    for row in all_rows:
        cells = []
        for c, cell in enumerate(row):
            pad = " " * (widths[c] - display_width(cell))
            last = c == len(row) - 1
            cells.append(pad + cell if c in right else cell + ("" if last else pad))
        click.echo("  ".join(cells).rstrip())


def _rich_table(
    rows: Sequence[Sequence[str]], headers: Sequence[str] | None, title: str | None, right: Sequence[int]
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    view = Table(title=Text(title) if title else None, show_header=headers is not None, title_justify="left")
    columns = max((len(r) for r in rows), default=len(headers or ()))
    for c in range(columns):
        header = Text(headers[c]) if headers else Text("")
        view.add_column(header, justify="right" if c in right else "left", overflow="fold")
    for row in rows:
        view.add_row(*(Text(cell) for cell in row))
    Console(file=sys.stdout).print(view)


def report(diagnostics: Sequence[Diagnostic], source: Source, *, errors: bool = True, others: bool = True) -> None:
    """Diagnostics on standard error: an error with its source line and caret; warnings and notes in one line."""
    for d in diagnostics:
        if d.severity == "error" and errors:
            click.echo(render_message("error", d.message, source, d.span), err=True)
        elif d.severity != "error" and others:
            click.echo(f"{d.severity}: {d.message}", err=True)
