"""Writing results: rich tables on a terminal, plain aligned text when piped.

rich is imported only when standard output is a terminal, so piped and
``--json`` runs never pay for it. User text (names, program snippets) is
always passed to rich as ``Text``, never parsed as markup. Colours follow
rich's rules: none when piped, none when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from ..diagnostics import Diagnostic
from ..errors import render_message
from ..numbers import fmt
from ..source import Source

if TYPE_CHECKING:
    from rich.console import Console

Cell = str | tuple[str, str]
"""A table cell: its text, or its text and a rich style (``("WRONG", "bold red")``) for a terminal."""

_JSON_WRITTEN = "gradcli.json-written"


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console() -> Console:
    """The rich console of standard output on a terminal.

    The one place a console is made, so that a test can put a terminal of its
    choosing here (``Console(force_terminal=True, width=40)``).
    """
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False)


def terminal_width() -> int | None:
    """The width of the terminal that standard output is; None when piped (lines are not cut to fit)."""
    return console().width if is_terminal() else None


def echo_json(data: Any) -> None:
    """One JSON object on standard output (RFC 8259: no NaN or Infinity tokens)."""
    from ..jsontext import dumps  # here: only --json runs pay for it

    click.echo(dumps(data))
    context = click.get_current_context(silent=True)
    if context is not None:
        context.meta[_JSON_WRITTEN] = True


def json_written() -> bool:
    """Whether this run has printed its JSON object already (a run prints one at most)."""
    context = click.get_current_context(silent=True)
    return context is not None and bool(context.meta.get(_JSON_WRITTEN))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def table(
    rows: Sequence[Sequence[Cell]],
    headers: Sequence[str] | None = None,
    *,
    title: str | None = None,
    right: Sequence[int] = (),
    row_styles: Sequence[str] | None = None,
) -> None:
    """Print rows of cells: a rich table on a terminal, aligned columns otherwise.

    ``right`` lists the columns to right-align (numbers). Styles (of a cell,
    or ``row_styles`` of a whole row) show only on a terminal.
    """
    if is_terminal():
        _rich_table(rows, headers, title, right, row_styles)
        return
    columns = max((len(r) for r in rows), default=0)
    all_rows = ([list(headers)] if headers else []) + [[_plain(cell) for cell in r] for r in rows]
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


def _plain(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def _rich_table(
    rows: Sequence[Sequence[Cell]],
    headers: Sequence[str] | None,
    title: str | None,
    right: Sequence[int],
    row_styles: Sequence[str] | None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    view = Table(title=Text(title) if title else None, show_header=headers is not None, title_justify="left")
    columns = max((len(r) for r in rows), default=len(headers or ()))
    for c in range(columns):
        header = Text(headers[c]) if headers else Text("")
        view.add_column(header, justify="right" if c in right else "left", overflow="fold")
    for k, row in enumerate(rows):
        cells = [Text(cell) if isinstance(cell, str) else Text(cell[0], style=cell[1]) for cell in row]
        view.add_row(*cells, style=row_styles[k] if row_styles else None)
    console().print(view)


def value_table(rows: Sequence[tuple[str, float | None]], digits: int) -> None:
    """Names and their numbers, as ``eval`` and ``trace`` end: the value, then each derivative.

    On a terminal: a header, the numbers lined up on the decimal point, and a
    number that is not finite in red. Piped: one ``NAME VALUE`` line each, the
    numbers right-aligned (what scripts read). A number of None is a row
    standing for rows left out (``… 2,994 more``).
    """
    texts = [fmt(value, digits) if value is not None else "" for _, value in rows]
    if not is_terminal():
        table([[name, text] for (name, _), text in zip(rows, texts)], right=(1,))
        return
    aligned = _on_the_point(texts)
    styles = ["bold red" if value is not None and not math.isfinite(value) else "" for _, value in rows]
    table([[name, text] for (name, _), text in zip(rows, aligned)], ["", "value"], row_styles=styles)


def _on_the_point(texts: list[str]) -> list[str]:
    """Numbers padded so that their decimal points (or where the point would be) line up."""
    split = []
    for text in texts:
        point = next((i for i, c in enumerate(text) if c in ".e"), len(text)) if text[-1:].isdigit() else len(text)
        split.append((text[:point], text[point:]))
    whole = max((len(w) for w, _ in split), default=0)
    fraction = max((len(f) for _, f in split), default=0)
    return [w.rjust(whole) + f.ljust(fraction) for w, f in split]


def report(diagnostics: Sequence[Diagnostic], source: Source, *, errors: bool = True, others: bool = True) -> None:
    """Diagnostics on standard error: an error with its source line and caret; warnings and notes in one line."""
    for d in diagnostics:
        if d.severity == "error" and errors:
            click.echo(render_message("error", d.message, source, d.span), err=True)
        elif d.severity != "error" and others:
            click.echo(f"{d.severity}: {d.message}", err=True)
